namespace Compiled
{
    /// <summary>
    /// The settings 2-D and 3-D max and average pooling share (<see cref="MaxPool2DAttribute"/>, <see cref="MaxPool3DAttribute"/>,
    /// <see cref="AvgPool2DAttribute"/>, <see cref="AvgPool3DAttribute"/>): the window, stride and padding, each as one number
    /// for every dimension or per dimension (outermost first, like PyTorch's tuples), and the rounding of the output size.
    /// </summary>
    /// <remarks>
    /// The output size along each dimension is PyTorch's: <c>floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1</c>,
    /// or with <see cref="CeilMode"/> rounded up, minus one when the last window would start in the right padding.
    /// </remarks>
    public abstract class PoolingAttribute : LayerAttribute
    {
        /// <summary>A window of <paramref name="kernelSize"/> along every dimension, or 0 when <see cref="KernelShape"/> gives it.</summary>
        /// <param name="kernelSize">The window size (PyTorch's <c>kernel_size</c>).</param>
        protected PoolingAttribute(int kernelSize)
        {
            KernelSize = kernelSize;
        }

        /// <summary>The window size along every dimension (the constructor's argument); 0 when <c>KernelShape</c> gives it.</summary>
        public int KernelSize { get; }

        /// <summary>The window size per dimension (one value per spatial dimension, outermost first), instead of the constructor's argument.</summary>
        public int[]? KernelShape { get; set; }

        /// <summary>The step between windows along every dimension (PyTorch's <c>stride</c>); default (not written): the window size.</summary>
        public int Stride { get; set; }

        /// <summary>The stride per dimension, instead of <see cref="Stride"/>.</summary>
        public int[]? Strides { get; set; }

        /// <summary>Implicit padding on both sides of every dimension (PyTorch's <c>padding</c>), at most half the window. Default 0.</summary>
        public int Padding { get; set; }

        /// <summary>The padding per dimension, instead of <see cref="Padding"/>.</summary>
        public int[]? Paddings { get; set; }

        /// <summary>Rounds the output size up instead of down (PyTorch's <c>ceil_mode</c>); a window must still start inside the input or its left padding. Default false.</summary>
        public bool CeilMode { get; set; }
    }
}
