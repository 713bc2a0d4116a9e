namespace Compiled.Generator.Model.Layers
{
    /// <summary>A dropout layer: <c>[Dropout(p)]</c>; zeroes elements with probability <see cref="P"/> in training only.</summary>
    /// <param name="P">The probability of zeroing each element, in [0, 1].</param>
    internal sealed record DropoutSpec(float P) : LayerSpec
    {
        public override string KindName => "Dropout";
    }
}
