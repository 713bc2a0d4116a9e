using System;

namespace Compiled
{
    /// <summary>
    /// Marks a <c>partial</c> class as a network. The Compiled source generator reads the class's <see cref="InputAttribute"/>
    /// and layer attributes (<see cref="DenseAttribute"/>, <see cref="FlattenAttribute"/>, ...) in source order and generates,
    /// at compile time, its forward and backward passes, its parameter buffers and its <c>Compiled.INetwork</c> implementation.
    /// </summary>
    /// <example>
    /// <code>
    /// [Network(Loss = Loss.CrossEntropy)]
    /// [Input(784)]
    /// [Dense(128, Activation.ReLU)]
    /// [Dense(10, Activation.Softmax)]
    /// public partial class FashionMlp { }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>The loss the generated <c>Backward</c> methods minimise. Defaults to <see cref="Loss.MeanSquaredError"/>.</summary>
        public Loss Loss { get; set; } = Loss.MeanSquaredError;
    }
}
