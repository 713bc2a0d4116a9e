namespace Compiled
{
    /// <summary>Special values of a convolution's <c>Padding</c> (see <see cref="ConvolutionAttribute.Padding"/>).</summary>
    public static class Padding
    {
        /// <summary>
        /// PyTorch's <c>padding='same'</c>: zeros so that each output dimension equals the input's (stride 1 only). The total
        /// <c>dilation * (kernel - 1)</c> is split as PyTorch splits it: the smaller half before, the larger after (an even
        /// kernel pads one more zero on the right/bottom/back).
        /// </summary>
        public const int Same = -1;
    }
}
