namespace Compiled.Generator.Model.Layers
{
    /// <summary>What a pooling layer computes over each window.</summary>
    internal enum PoolOp
    {
        Max,
        Avg,
    }

    /// <summary>
    /// A windowed pooling layer: <c>[MaxPool1D/2D/3D]</c> or <c>[AvgPool1D/2D/3D]</c>. Each array has one value per
    /// spatial dimension (outermost first); the argument names say where each setting was written, for diagnostics.
    /// </summary>
    /// <param name="Op">Max or average.</param>
    /// <param name="Dimensions">The spatial dimensions: 1, 2 or 3.</param>
    /// <param name="Kernel">The window size.</param>
    /// <param name="Stride">The step between windows.</param>
    /// <param name="Padding">The implicit padding on both sides.</param>
    /// <param name="Dilation">The step between a window's elements (max pooling; 1 for average).</param>
    /// <param name="CeilMode">PyTorch's <c>ceil_mode</c>.</param>
    /// <param name="CountIncludePad">PyTorch's <c>count_include_pad</c> (average pooling).</param>
    /// <param name="KernelArgument">The argument that gave the window (<c>kernelSize</c> or <c>KernelShape</c>).</param>
    /// <param name="DilationWritten">Whether <c>Dilation</c> was written (where an empty output is reported).</param>
    internal sealed record PoolSpec(
        PoolOp Op,
        int Dimensions,
        EquatableArray<int> Kernel,
        EquatableArray<int> Stride,
        EquatableArray<int> Padding,
        int Dilation,
        bool CeilMode,
        bool CountIncludePad,
        string KernelArgument,
        bool DilationWritten) : LayerSpec
    {
        public override string KindName => $"{Op}Pool{Dimensions}D";
    }

    /// <summary>A global pooling layer: <c>[GlobalAvgPool]</c> or <c>[GlobalMaxPool]</c>, each channel to one value.</summary>
    internal sealed record GlobalPoolSpec(PoolOp Op) : LayerSpec
    {
        public override string KindName => $"Global{Op}Pool";
    }
}
