using Compiled.Generator.Model;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary><c>[Flatten]</c>: any shape becomes a vector of the same size; no parameters.</summary>
    internal sealed class FlattenShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context) =>
            new(Shape.Vector((int)input.Size), EquatableArray<TensorPlan>.Empty);

        public string Describe(LayerSpec spec) => "Flatten";

        public int ModuleCount(LayerSpec spec) => 1;
    }
}
