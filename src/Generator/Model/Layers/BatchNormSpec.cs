namespace Compiled.Generator.Model.Layers
{
    /// <summary>A batch normalisation: <c>[BatchNorm]</c>.</summary>
    /// <param name="Eps">Added to the variance.</param>
    /// <param name="Momentum">The weight of a batch's statistics in the running statistics.</param>
    /// <param name="Affine">Whether it has a weight and a bias.</param>
    internal sealed record BatchNormSpec(float Eps, float Momentum, bool Affine) : LayerSpec
    {
        public override string KindName => "BatchNorm";
    }
}
