namespace Compiled.Generator.Model.Layers
{
    /// <summary>A layer normalisation: <c>[LayerNorm]</c>.</summary>
    /// <param name="NormalizedDimensions">Trailing dimensions normalised together; 0 for all.</param>
    /// <param name="Eps">Added to the variance.</param>
    /// <param name="Affine">Whether it has a weight and a bias.</param>
    internal sealed record LayerNormSpec(int NormalizedDimensions, float Eps, bool Affine) : LayerSpec
    {
        public override string KindName => "LayerNorm";
    }
}
