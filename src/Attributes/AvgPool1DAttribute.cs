using System;

namespace Compiled
{
    /// <summary>
    /// 1-D average pooling, exactly <c>torch.nn.AvgPool1d(kernel_size, stride, padding, ceil_mode=..., count_include_pad=...)</c>
    /// on an input <c>(C, L)</c>: each output is the mean of its window; with <see cref="CountIncludePad"/> (the default,
    /// as PyTorch) zero padding counts in the divisor. No parameters.
    /// </summary>
    /// <remarks>
    /// The output size along each dimension is PyTorch's: <c>floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1</c>,
    /// or with <see cref="CeilMode"/> rounded up, minus one when the last window would start in the right padding.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPool1DAttribute : LayerAttribute
    {
        /// <summary>A window of <paramref name="kernelSize"/> along the length.</summary>
        /// <param name="kernelSize">The window size (PyTorch's <c>kernel_size</c>); must be positive.</param>
        public AvgPool1DAttribute(int kernelSize)
        {
            KernelSize = kernelSize;
        }

        /// <summary>The window size along every dimension (the constructor's argument); 0 when <c>KernelShape</c> gives it.</summary>
        public int KernelSize { get; }

        /// <summary>The step between windows along every dimension (PyTorch's <c>stride</c>); default (not written): the window size.</summary>
        public int Stride { get; set; }

        /// <summary>Implicit padding on both sides of every dimension (PyTorch's <c>padding</c>), at most half the window; zeros. Default 0.</summary>
        public int Padding { get; set; }

        /// <summary>Rounds the output size up instead of down (PyTorch's <c>ceil_mode</c>); a window must still start inside the input or its left padding. Default false.</summary>
        public bool CeilMode { get; set; }

        /// <summary>Whether zero padding counts in a window's divisor (PyTorch's <c>count_include_pad</c>). Default true.</summary>
        public bool CountIncludePad { get; set; } = true;
    }
}
