using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[Dropout(p)]</c>: any shape to the same shape, no parameters; <c>[Dropout{n}D(p)]</c> needs an input (C, ...) with
    /// <c>n</c> spatial dimensions. It cannot be the last layer: the network's output
    /// would then be randomly zeroed and scaled in training but not at inference, and no loss reads that as intended.
    /// </summary>
    internal sealed class DropoutShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            if (context.IsLast)
            {
                context.Report(DiagnosticDescriptors.DropoutLast, null, context.LayerIndex);
                return null;
            }

            var dropout = (DropoutSpec)spec;
            if (dropout.SpatialRank > 0 && input.Rank != dropout.SpatialRank + 1)
            {
                string expected = dropout.SpatialRank switch { 1 => "(C, L)", 2 => "(C, H, W)", _ => "(C, D, H, W)" };
                context.Report(DiagnosticDescriptors.ChannelDropoutRank, null, dropout.KindName, context.LayerIndex, input.ToString(), expected);
                return null;
            }

            return new LayerShape(input, EquatableArray<TensorPlan>.Empty);
        }

        public string Describe(LayerSpec spec) => $"{spec.KindName}({((DropoutSpec)spec).P.ToString("R", CultureInfo.InvariantCulture)})";

        public int ModuleCount(LayerSpec spec) => 1;
    }
}
