using System;

namespace Compiled
{
    /// <summary>
    /// 2-D average pooling, exactly <c>torch.nn.AvgPool2d(kernel_size, stride, padding, ceil_mode=..., count_include_pad=...)</c>
    /// on an input <c>(C, H, W)</c>: each output is the mean of its window; with <see cref="CountIncludePad"/> (the default,
    /// as PyTorch) zero padding counts in the divisor. No parameters.
    /// </summary>
    /// <remarks>
    /// The output size along each dimension is PyTorch's: <c>floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1</c>,
    /// or with <see cref="CeilMode"/> rounded up, minus one when the last window would start in the right padding.
    /// A window that differs per dimension is written with <see cref="KernelShape"/>, <see cref="Strides"/> and
    /// <see cref="Paddings"/> (2 values each, outermost first: <c>H, W</c>), like PyTorch's tuples.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPool2DAttribute : LayerAttribute
    {
        /// <summary>A window of <paramref name="kernelSize"/> along every dimension.</summary>
        /// <param name="kernelSize">The window size (PyTorch's <c>kernel_size</c>); must be positive.</param>
        public AvgPool2DAttribute(int kernelSize)
        {
            KernelSize = kernelSize;
        }

        /// <summary>A window given per dimension by <see cref="KernelShape"/>, which must then be set.</summary>
        public AvgPool2DAttribute()
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

        /// <summary>Implicit padding on both sides of every dimension (PyTorch's <c>padding</c>), at most half the window; zeros. Default 0.</summary>
        public int Padding { get; set; }

        /// <summary>The padding per dimension (2 values), instead of <see cref="Padding"/>.</summary>
        public int[]? Paddings { get; set; }

        /// <summary>Rounds the output size up instead of down (PyTorch's <c>ceil_mode</c>); a window must still start inside the input or its left padding. Default false.</summary>
        public bool CeilMode { get; set; }

        /// <summary>Whether zero padding counts in a window's divisor (PyTorch's <c>count_include_pad</c>). Default true.</summary>
        public bool CountIncludePad { get; set; } = true;
    }
}
