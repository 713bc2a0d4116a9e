using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[BatchNorm(Eps = ..., Momentum = ..., Affine = ...)]</c>.</summary>
    internal sealed class BatchNormParser : ILayerParser
    {
        public string AttributeMetadataName => "Compiled.BatchNormAttribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            double eps = context.NamedArgument("Eps", 1e-5, out _);
            double momentum = context.NamedArgument("Momentum", 0.1, out bool momentumWritten);
            bool affine = context.NamedArgument("Affine", true, out _);
            bool track = context.NamedArgument("TrackRunningStats", true, out _);
            bool cumulative = context.NamedArgument("CumulativeAverage", false, out bool cumulativeWritten);
            if (!track && (momentumWritten || (cumulativeWritten && cumulative)))
            {
                string setting = momentumWritten ? "Momentum" : "CumulativeAverage";
                context.Report(DiagnosticDescriptors.BatchNormSettingHasNoEffect, setting, setting, context.LayerIndex, "TrackRunningStats = false: the layer keeps no running statistics");
            }
            else if (cumulative && momentumWritten)
            {
                context.Report(DiagnosticDescriptors.BatchNormSettingHasNoEffect, "Momentum", "Momentum", context.LayerIndex, "CumulativeAverage = true: each batch weighs 1 / num_batches_tracked");
            }

            bool valid = true;
            if (!(eps > 0) || double.IsInfinity(eps) || (float)eps == 0f)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "Eps", "Eps", "BatchNorm", context.LayerIndex, eps.ToString("R", CultureInfo.InvariantCulture), "a positive finite number (a single-precision float above 0)");
                valid = false;
            }

            if (!(momentum >= 0 && momentum <= 1))
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "Momentum", "Momentum", "BatchNorm", context.LayerIndex, momentum.ToString("R", CultureInfo.InvariantCulture), "between 0 and 1 (the weight of each batch's statistics in the running statistics)");
                valid = false;
            }

            return valid ? new BatchNormSpec((float)eps, (float)momentum, affine, track, cumulative && track) : null;
        }
    }
}
