namespace Compiled.Generator.Model.Layers
{
    /// <summary>
    /// A dropout layer: <c>[Dropout(p)]</c> zeroes elements, <c>[Dropout1D/2D/3D(p)]</c> whole channels, with probability
    /// <see cref="P"/>, in training only.
    /// </summary>
    /// <param name="P">The probability of zeroing each element or channel, in [0, 1].</param>
    /// <param name="SpatialRank">0 for element-wise dropout; 1, 2 or 3 for channel-wise dropout of an input (C, ...) with that many spatial dimensions.</param>
    internal sealed record DropoutSpec(float P, int SpatialRank = 0) : LayerSpec
    {
        public override string KindName => SpatialRank == 0 ? "Dropout" : $"Dropout{SpatialRank}D";
    }
}
