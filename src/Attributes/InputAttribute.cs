using System;

namespace Compiled
{
    /// <summary>
    /// Declares the shape of one input sample: <c>[Input(784)]</c> for a vector, <c>[Input(1, 28, 28)]</c> for an image
    /// given as (channels, height, width). Samples are passed to the network as flat, row-major spans of
    /// the product of the dimensions.
    /// </summary>
    /// <remarks>Exactly one <c>[Input]</c> is required; the generator reports a diagnostic for none or several.</remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class InputAttribute : Attribute
    {
        /// <summary>Declares the input shape.</summary>
        /// <param name="shape">The dimensions of one sample, outermost first; each must be positive.</param>
        public InputAttribute(params int[] shape)
        {
            Shape = shape ?? Array.Empty<int>();
        }

        /// <summary>The dimensions of one sample, outermost first.</summary>
        public int[] Shape { get; }

        /// <summary>
        /// Declares a sequence input whose samples have lengths of their own: the first dimension of <see cref="Shape"/>
        /// is then the longest sequence (<c>[Input(maxSteps, features, VariableLength = true)]</c>, or
        /// <c>[Input(maxSteps, VariableLength = true)]</c> before an <c>[Embedding]</c>). Samples are still passed padded to
        /// <c>maxSteps</c>; the generated methods gain overloads that take each sample's length, and the recurrent layers
        /// ignore the padding exactly as PyTorch's <c>pack_padded_sequence</c> does. Needs a recurrent layer, and only
        /// layers that work step by step before it.
        /// </summary>
        public bool VariableLength { get; set; }
    }
}
