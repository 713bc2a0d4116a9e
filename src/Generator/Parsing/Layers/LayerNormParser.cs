using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[LayerNorm(NormalizedDimensions = ..., Eps = ..., ElementwiseAffine = ...)]</c>.</summary>
    internal sealed class LayerNormParser : ILayerParser
    {
        public string AttributeMetadataName => "Compiled.LayerNormAttribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            int dimensions = context.NamedArgument("NormalizedDimensions", 0, out _);
            double eps = context.NamedArgument("Eps", 1e-5, out _);
            bool affine = context.NamedArgument("ElementwiseAffine", true, out _);
            bool valid = true;
            if (dimensions < 0)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "NormalizedDimensions", "NormalizedDimensions", "LayerNorm", context.LayerIndex, dimensions.ToString(CultureInfo.InvariantCulture), "0 (all dimensions) or a positive number of trailing dimensions");
                valid = false;
            }

            if (!(eps > 0) || double.IsInfinity(eps) || (float)eps == 0f)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "Eps", "Eps", "LayerNorm", context.LayerIndex, eps.ToString("R", CultureInfo.InvariantCulture), "a positive finite number (a single-precision float above 0)");
                valid = false;
            }

            return valid ? new LayerNormSpec(dimensions, (float)eps, affine) : null;
        }
    }
}
