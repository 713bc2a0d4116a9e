using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>
    /// Parses <c>[Dropout(p)]</c> and, with a spatial rank, <c>[Dropout1D/2D/3D(p)]</c>: <c>p</c> must be a number in [0, 1],
    /// as <c>nn.Dropout</c> requires.
    /// </summary>
    internal sealed class DropoutParser : ILayerParser
    {
        private readonly int _spatialRank;

        /// <summary>A parser of <c>[Dropout]</c> (0) or of the channel-wise <c>[Dropout{rank}D]</c>.</summary>
        public DropoutParser(int spatialRank = 0)
        {
            _spatialRank = spatialRank;
        }

        public string AttributeMetadataName => _spatialRank == 0 ? "Compiled.DropoutAttribute" : $"Compiled.Dropout{_spatialRank}DAttribute";

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

            return new DropoutSpec((float)p, _spatialRank);
        }
    }
}
