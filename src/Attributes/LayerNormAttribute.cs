using System;

namespace Compiled
{
    /// <summary>
    /// Layer normalisation, exactly <c>torch.nn.LayerNorm(normalized_shape, eps, elementwise_affine)</c>: each sample's
    /// trailing <see cref="NormalizedDimensions"/> dimensions (by default all of them: the whole sample) are normalised to
    /// zero mean and unit variance (biased variance, <see cref="Eps"/> added), then scaled by <c>weight</c> and shifted by
    /// <c>bias</c> (both of the normalised shape, initialised to ones and zeros). The same in training and at inference.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LayerNormAttribute : LayerAttribute
    {
        /// <summary>
        /// How many trailing dimensions of the input are normalised together (PyTorch's <c>normalized_shape</c> is those
        /// dimensions); 0 (the default) for all of them. For an input <c>(C, L)</c>, 1 normalises the last dimension <c>L</c>
        /// separately for every channel, as <c>nn.LayerNorm(L)</c>.
        /// </summary>
        public int NormalizedDimensions { get; set; }

        /// <summary>Added to the variance for numerical stability (PyTorch's <c>eps</c>). Default 1e-5.</summary>
        public double Eps { get; set; } = 1e-5;

        /// <summary>Whether the layer has a learnable <c>weight</c> and <c>bias</c> (PyTorch's <c>elementwise_affine</c>). Default true.</summary>
        public bool ElementwiseAffine { get; set; } = true;
    }
}
