using System;

namespace Compiled
{
    /// <summary>
    /// 2-D average pooling, exactly <c>torch.nn.AvgPool2d(kernel_size, stride, padding, ceil_mode=..., count_include_pad=...)</c>
    /// on an input <c>(C, H, W)</c>: each output is the mean of its window; with <see cref="CountIncludePad"/> (the default,
    /// as PyTorch) zero padding counts in the divisor. No parameters.
    /// </summary>
    /// <remarks>
    /// The output size along each dimension is PyTorch's (see <see cref="PoolingAttribute"/>).
    /// A window that differs per dimension is written with <see cref="PoolingAttribute.KernelShape"/>, <see cref="PoolingAttribute.Strides"/> and
    /// <see cref="PoolingAttribute.Paddings"/> (2 values each, outermost first: <c>H, W</c>), like PyTorch's tuples.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class AvgPool2DAttribute : PoolingAttribute
    {
        /// <summary>A window of <paramref name="kernelSize"/> along every dimension (the padding is zeros).</summary>
        /// <param name="kernelSize">The window size (PyTorch's <c>kernel_size</c>); must be positive.</param>
        public AvgPool2DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }

        /// <summary>A window given per dimension by <see cref="PoolingAttribute.KernelShape"/> (2 values), which must then be set.</summary>
        public AvgPool2DAttribute()
            : base(0)
        {
        }

        /// <summary>Whether zero padding counts in a window's divisor (PyTorch's <c>count_include_pad</c>). Default true.</summary>
        public bool CountIncludePad { get; set; } = true;
    }
}
