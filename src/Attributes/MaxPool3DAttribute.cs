using System;

namespace Compiled
{
    /// <summary>
    /// 3-D max pooling, exactly <c>torch.nn.MaxPool3d(kernel_size, stride, padding, dilation, ceil_mode=...)</c> on an input
    /// <c>(C, D, H, W)</c>: each output is the largest value of its window (padding counts as <c>-inf</c>; a NaN in a window
    /// gives NaN). Training saves each window's argmax (the first maximum in row-major window order, as PyTorch), and the
    /// backward pass sends each output's gradient to it. No parameters.
    /// </summary>
    /// <remarks>
    /// The output size along each dimension is PyTorch's (see <see cref="PoolingAttribute"/>).
    /// A window that differs per dimension is written with <see cref="PoolingAttribute.KernelShape"/>, <see cref="PoolingAttribute.Strides"/> and
    /// <see cref="PoolingAttribute.Paddings"/> (3 values each, outermost first: <c>D, H, W</c>), like PyTorch's tuples.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class MaxPool3DAttribute : PoolingAttribute
    {
        /// <summary>A window of <paramref name="kernelSize"/> along every dimension (padded positions count as -inf).</summary>
        /// <param name="kernelSize">The window size (PyTorch's <c>kernel_size</c>); must be positive.</param>
        public MaxPool3DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }

        /// <summary>A window given per dimension by <see cref="PoolingAttribute.KernelShape"/> (3 values), which must then be set.</summary>
        public MaxPool3DAttribute()
            : base(0)
        {
        }

        /// <summary>The step between the elements of a window along every dimension (PyTorch's <c>dilation</c>). Default 1.</summary>
        public int Dilation { get; set; } = 1;
    }
}
