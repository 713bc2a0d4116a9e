namespace Compiled.Generator.Model.Layers
{
    /// <summary>A batch normalisation: <c>[BatchNorm]</c>.</summary>
    /// <param name="Eps">Added to the variance.</param>
    /// <param name="Momentum">The weight of a batch's statistics in the running statistics.</param>
    /// <param name="Affine">Whether it has a weight and a bias.</param>
    /// <param name="TrackRunningStats">Whether it keeps running statistics (false: batch statistics at inference too, no buffers).</param>
    /// <param name="CumulativeAverage">Whether the running statistics are a cumulative average (PyTorch's <c>momentum=None</c>).</param>
    internal sealed record BatchNormSpec(float Eps, float Momentum, bool Affine, bool TrackRunningStats = true, bool CumulativeAverage = false) : LayerSpec
    {
        public override string KindName => "BatchNorm";
    }
}
