using System.Globalization;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[LayerNorm]</c>: any shape to the same shape. The trailing <c>NormalizedDimensions</c> dimensions (all for 0) are
    /// the normalised shape; with <c>ElementwiseAffine</c>, <c>weight</c> (ones) then <c>bias</c> (zeros) of that shape, as
    /// <c>nn.LayerNorm</c>'s state_dict.
    /// </summary>
    internal sealed class LayerNormShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var norm = (LayerNormSpec)spec;
            int rank = input.Dimensions.Count;
            if (norm.NormalizedDimensions > rank)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "NormalizedDimensions", "NormalizedDimensions", "LayerNorm", context.LayerIndex, norm.NormalizedDimensions.ToString(CultureInfo.InvariantCulture), $"at most the input's {rank} dimension(s) ({input})");
                return null;
            }

            if (!norm.Affine)
            {
                return new LayerShape(input, EquatableArray<TensorPlan>.Empty);
            }

            Shape normalized = Normalized(norm, input);
            int offset = (int)context.ParameterOffset;
            int size = (int)normalized.Size;
            var weight = new TensorPlan($"{context.ModuleIndex}.weight", normalized, offset, InitKind.Ones, size, size, 1.0);
            var bias = new TensorPlan($"{context.ModuleIndex}.bias", normalized, offset + size, InitKind.Zeros, size, size, 0.0);
            return new LayerShape(input, EquatableArray.Create(weight, bias));
        }

        /// <summary>The normalised shape: the input's trailing dimensions the layer normalises together.</summary>
        public static Shape Normalized(LayerNormSpec spec, Shape input)
        {
            int rank = input.Dimensions.Count;
            int k = spec.NormalizedDimensions == 0 ? rank : spec.NormalizedDimensions;
            return new Shape(EquatableArray.Create(input.Dimensions.Skip(rank - k).ToArray()));
        }

        public string Describe(LayerSpec spec)
        {
            var norm = (LayerNormSpec)spec;
            var settings = new System.Collections.Generic.List<string>();
            if (norm.NormalizedDimensions != 0)
            {
                settings.Add($"dims {norm.NormalizedDimensions.ToString(CultureInfo.InvariantCulture)}");
            }

            if (norm.Eps != 1e-5f)
            {
                settings.Add($"eps {norm.Eps.ToString("R", CultureInfo.InvariantCulture)}");
            }

            if (!norm.Affine)
            {
                settings.Add("no affine");
            }

            return settings.Count == 0 ? "LayerNorm" : $"LayerNorm({string.Join(", ", settings)})";
        }

        public int ModuleCount(LayerSpec spec) => 1;
    }
}
