using System;

namespace Compiled
{
    /// <summary>
    /// 2-D max pooling, exactly <c>torch.nn.MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode=...)</c> on an input
    /// <c>(C, H, W)</c>: each output is the largest value of its window (padding counts as <c>-inf</c>; a NaN in a window
    /// gives NaN). Training saves each window's argmax (the first maximum in row-major window order, as PyTorch), and the
    /// backward pass sends each output's gradient to it. No parameters.
    /// </summary>
    /// <remarks>
    /// The output size along each dimension is PyTorch's: <c>floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1</c>,
    /// or with <see cref="CeilMode"/> rounded up, minus one when the last window would start in the right padding.
    /// A window that differs per dimension is written with <see cref="KernelShape"/>, <see cref="Strides"/> and
    /// <see cref="Paddings"/> (2 values each, outermost first: <c>H, W</c>), like PyTorch's tuples.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaxPool2DAttribute : LayerAttribute
    {
        /// <summary>A window of <paramref name="kernelSize"/> along every dimension.</summary>
        /// <param name="kernelSize">The window size (PyTorch's <c>kernel_size</c>); must be positive.</param>
        public MaxPool2DAttribute(int kernelSize)
        {
            KernelSize = kernelSize;
        }

        /// <summary>A window given per dimension by <see cref="KernelShape"/>, which must then be set.</summary>
        public MaxPool2DAttribute()
        {
        }

        /// <summary>The window size along every dimension (the constructor's argument); 0 when <c>KernelShape</c> gives it.</summary>
        public int KernelSize { get; }

        /// <summary>The window size per dimension (2 values, outermost first), instead of the constructor's argument.</summary>
        public int[]? KernelShape { get; set; }

        /// <summary>The step between windows along every dimension (PyTorch's <c>stride</c>); default (not written): the window size.</summary>
        public int Stride { get; set; }

        /// <summary>The stride per dimension (2 values), instead of <see cref="Stride"/>.</summary>
        public int[]? Strides { get; set; }

        /// <summary>Implicit padding on both sides of every dimension (PyTorch's <c>padding</c>), at most half the window; padded positions count as -inf. Default 0.</summary>
        public int Padding { get; set; }

        /// <summary>The padding per dimension (2 values), instead of <see cref="Padding"/>.</summary>
        public int[]? Paddings { get; set; }

        /// <summary>The step between the elements of a window along every dimension (PyTorch's <c>dilation</c>). Default 1.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>Rounds the output size up instead of down (PyTorch's <c>ceil_mode</c>); a window must still start inside the input or its left padding. Default false.</summary>
        public bool CeilMode { get; set; }
    }
}
