using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>
    /// Parses <c>[SimpleRNN(hidden) { Nonlinearity = ... }]</c>, <c>[GRU(hidden)]</c> and <c>[LSTM(hidden)]</c>, each with
    /// <c>NumLayers</c>, <c>Bias</c> and <c>ReturnSequences</c>: one instance per attribute.
    /// </summary>
    internal sealed class RecurrentParser : ILayerParser
    {
        private readonly string _kind;

        private RecurrentParser(string kind)
        {
            _kind = kind;
        }

        public static RecurrentParser SimpleRnn { get; } = new("SimpleRNN");

        public static RecurrentParser Gru { get; } = new("GRU");

        public static RecurrentParser Lstm { get; } = new("LSTM");

        public string AttributeMetadataName => $"Compiled.{_kind}Attribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            if (context.ConstructorArgument("hidden") is not int hidden)
            {
                context.MarkInvalid();
                return null;
            }

            bool valid = true;
            if (hidden <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, "hidden", $"The hidden size of [{_kind}] at layer {context.LayerIndex}", hidden);
                valid = false;
            }

            int layers = context.NamedArgument("NumLayers", 1, out _);
            if (layers < 1)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "NumLayers", "NumLayers", _kind, context.LayerIndex, layers.ToString(CultureInfo.InvariantCulture), "at least 1");
                valid = false;
            }

            bool bias = context.NamedArgument("Bias", true, out _);
            bool sequences = context.NamedArgument("ReturnSequences", false, out _);
            bool bidirectional = context.NamedArgument("Bidirectional", false, out _);
            RecurrentCellKind cell = _kind switch
            {
                "GRU" => RecurrentCellKind.Gru,
                "LSTM" => RecurrentCellKind.Lstm,
                _ => RecurrentCellKind.RnnTanh,
            };
            if (_kind == "SimpleRNN")
            {
                int nonlinearity = context.NamedArgument("Nonlinearity", 0, out _);
                if (nonlinearity is not (0 or 1))
                {
                    context.Report(DiagnosticDescriptors.SettingOutOfRange, "Nonlinearity", "Nonlinearity", _kind, context.LayerIndex, $"(RecurrentNonlinearity){nonlinearity.ToString(CultureInfo.InvariantCulture)}", "RecurrentNonlinearity.Tanh or RecurrentNonlinearity.ReLU");
                    valid = false;
                }

                cell = nonlinearity == 1 ? RecurrentCellKind.RnnReLU : RecurrentCellKind.RnnTanh;
            }

            double dropout = context.NamedArgument("Dropout", 0.0, out _);
            double recurrentDropout = context.NamedArgument("RecurrentDropout", 0.0, out _);
            foreach ((string name, double p) in new[] { ("Dropout", dropout), ("RecurrentDropout", recurrentDropout) })
            {
                if (!(p >= 0 && p <= 1))
                {
                    context.Report(DiagnosticDescriptors.SettingOutOfRange, name, name, _kind, context.LayerIndex, p.ToString("R", CultureInfo.InvariantCulture), "in [0, 1] (the chance of zeroing an element in training)");
                    valid = false;
                }
            }

            if (valid && dropout > 0 && layers == 1)
            {
                context.Report(DiagnosticDescriptors.RecurrentDropoutOneLayer, "Dropout", _kind, context.LayerIndex, dropout.ToString("R", CultureInfo.InvariantCulture));
            }

            return valid ? new RecurrentSpec(cell, hidden, layers, bias, sequences, bidirectional, (float)dropout, (float)recurrentDropout) : null;
        }
    }
}
