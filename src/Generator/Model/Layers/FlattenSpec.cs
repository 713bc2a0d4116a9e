namespace Compiled.Generator.Model.Layers
{
    /// <summary>A flatten layer: <c>[Flatten]</c>; turns any shape into a vector without moving data.</summary>
    internal sealed record FlattenSpec : LayerSpec
    {
        public override string KindName => "Flatten";

        public override bool IsReshape => true;
    }
}
