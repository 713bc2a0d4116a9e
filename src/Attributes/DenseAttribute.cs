using System;

namespace Compiled
{
    /// <summary>
    /// A fully-connected layer, <c>y = f(W x + b)</c>, exactly <c>torch.nn.Linear(in, units)</c> followed by the activation:
    /// the weight is <c>[units, in]</c> row-major and the bias <c>[units]</c>. Its input must be a vector; put a
    /// <see cref="FlattenAttribute"/> before it when the previous shape has several dimensions.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DenseAttribute : LayerAttribute
    {
        /// <summary>Declares a fully-connected layer.</summary>
        /// <param name="units">The number of outputs; must be positive.</param>
        /// <param name="activation">The activation applied to the outputs.</param>
        public DenseAttribute(int units, Activation activation = Activation.Identity)
        {
            Units = units;
            Activation = activation;
        }

        /// <summary>The number of outputs.</summary>
        public int Units { get; }

        /// <summary>The activation applied to the outputs.</summary>
        public Activation Activation { get; }

        /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/> (PyTorch's <c>negative_slope</c>). Default 0.01.</summary>
        public float NegativeSlope { get; set; } = 0.01f;

        /// <summary>The <c>alpha</c> of <see cref="Activation.ELU"/>. Default 1.</summary>
        public float Alpha { get; set; } = 1f;

        /// <summary>
        /// How the weight is initialised. Default <see cref="Initializer.Default"/>: Kaiming (He) uniform for ReLU-family
        /// activations, Xavier (Glorot) uniform otherwise. <see cref="Initializer.PyTorchDefault"/> is <c>nn.Linear</c>'s
        /// <c>kaiming_uniform_(weight, a=sqrt(5))</c>.
        /// </summary>
        public Initializer Init { get; set; } = Initializer.Default;

        /// <summary>
        /// How the bias is initialised. Default <see cref="Initializer.Default"/>: zeros. <see cref="Initializer.PyTorchDefault"/>
        /// is <c>nn.Linear</c>'s <c>U(-1/sqrt(in), 1/sqrt(in))</c>. <see cref="Initializer.Orthogonal"/> needs a matrix and is not
        /// allowed here.
        /// </summary>
        public Initializer BiasInit { get; set; } = Initializer.Default;
    }
}
