using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[Dropout(p)]</c>: <c>p</c> must be a number in [0, 1], as <c>nn.Dropout</c> requires.</summary>
    internal sealed class DropoutParser : ILayerParser
    {
        public string AttributeMetadataName => "Compiled.DropoutAttribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            if (context.ConstructorArgument("p") is not double p)
            {
                context.MarkInvalid();
                return null;
            }

            if (!(p >= 0 && p <= 1))
            {
                context.Report(DiagnosticDescriptors.DropoutProbability, "p", p.ToString("R", CultureInfo.InvariantCulture), context.LayerIndex);
                return null;
            }

            return new DropoutSpec((float)p);
        }
    }
}
