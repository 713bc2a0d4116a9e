using System.Globalization;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>
    /// Parses <c>[MaxPool{n}D(kernelSize) { Stride, Padding, Dilation, CeilMode }]</c> and
    /// <c>[AvgPool{n}D(kernelSize) { Stride, Padding, CeilMode, CountIncludePad }]</c>, with, for 2-D and 3-D, the per-dimension
    /// forms <c>KernelShape</c>, <c>Strides</c>, <c>Paddings</c>. Reports non-positive sizes, a wrong number of values
    /// (CN0042) and a padding above half the window (CN0044) at the argument.
    /// </summary>
    internal sealed class PoolParser : ILayerParser
    {
        private readonly PoolOp _op;
        private readonly int _dimensions;

        public PoolParser(PoolOp op, int dimensions)
        {
            _op = op;
            _dimensions = dimensions;
        }

        private string Kind => $"{_op}Pool{_dimensions}D";

        public string AttributeMetadataName => $"Compiled.{Kind}Attribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            bool valid = true;
            int[]? kernelShape = _dimensions > 1 ? context.NamedInts("KernelShape", out bool kernelShapeWritten) : null;
            kernelShapeWritten = _dimensions > 1 && kernelShape is not null;
            object? kernelSize = context.ConstructorArgument("kernelSize");
            string kernelArgument;
            int[] kernel;
            if (kernelSize is int size && kernelShapeWritten)
            {
                Report(context, "KernelShape", "KernelShape", Text(kernelShape!), $"give the window either as the constructor's kernel size ({size}) or as KernelShape, not both");
                return null;
            }
            else if (kernelSize is int single)
            {
                kernelArgument = "kernelSize";
                kernel = Enumerable.Repeat(single, _dimensions).ToArray();
                if (single <= 0)
                {
                    Report(context, kernelArgument, "The kernel size", single.ToString(CultureInfo.InvariantCulture), "it must be positive");
                    valid = false;
                }
            }
            else if (kernelShapeWritten)
            {
                kernelArgument = "KernelShape";
                kernel = kernelShape!;
                valid &= CheckPositive(context, "KernelShape", "KernelShape", kernel);
            }
            else if (_dimensions > 1)
            {
                Report(context, null, "KernelShape", "not set", $"the window needs a size: write [{Kind}(kernelSize)] or set KernelShape to {_dimensions} sizes");
                return null;
            }
            else
            {
                context.MarkInvalid(); // the compiler reports the missing or wrong constructor argument
                return null;
            }

            int[]? stride = ReadPerDimension(context, "Stride", "Strides", defaultValue: null, ref valid);
            int[]? padding = ReadPerDimension(context, "Padding", "Paddings", defaultValue: 0, ref valid);
            int dilation = 1;
            bool dilationWritten = false;
            if (_op == PoolOp.Max)
            {
                dilation = context.NamedArgument("Dilation", 1, out dilationWritten);
                if (dilation <= 0)
                {
                    Report(context, "Dilation", "Dilation", dilation.ToString(CultureInfo.InvariantCulture), "it must be positive (1 is no dilation)");
                    valid = false;
                }
            }

            if (!valid)
            {
                return null;
            }

            if (stride is not null)
            {
                valid &= CheckPositive(context, StrideArgument(context), StrideArgument(context) == "Strides" ? "Strides" : "The stride", stride);
            }

            if (padding is not null && valid)
            {
                string argument = context.NamedInts("Paddings", out _) is not null ? "Paddings" : "Padding";
                for (int i = 0; i < _dimensions; i++)
                {
                    if (padding[i] < 0 || padding[i] > kernel[i] / 2)
                    {
                        string setting = argument == "Paddings" ? $"Paddings[{i}]" : "Padding";
                        context.Report(DiagnosticDescriptors.PoolPaddingTooLarge, argument, setting, Kind, context.LayerIndex, padding[i], $"at most {kernel[i] / 2} for a window of {kernel[i]}");
                        valid = false;
                        break;
                    }
                }
            }

            if (!valid || padding is null)
            {
                return null;
            }

            bool ceilMode = context.NamedArgument("CeilMode", false, out _);
            bool countIncludePad = _op == PoolOp.Avg && context.NamedArgument("CountIncludePad", true, out _);
            return new PoolSpec(
                _op,
                _dimensions,
                kernel.ToEquatableArray(),
                (stride ?? kernel).ToEquatableArray(),
                padding.ToEquatableArray(),
                dilation,
                ceilMode,
                countIncludePad,
                kernelArgument,
                dilationWritten);
        }

        /// <summary>
        /// Reads a setting given either for every dimension (<paramref name="single"/>, an int) or per dimension
        /// (<paramref name="perDimension"/>, an int[] of 2-D and 3-D pools); <paramref name="defaultValue"/> when neither was
        /// written (null: the window size).
        /// </summary>
        private int[]? ReadPerDimension(LayerParseContext context, string single, string perDimension, int? defaultValue, ref bool valid)
        {
            int value = context.NamedArgument(single, 0, out bool singleWritten);
            int[]? values = _dimensions > 1 ? context.NamedInts(perDimension, out _) : null;
            if (singleWritten && values is not null)
            {
                Report(context, perDimension, perDimension, Text(values), $"set either {single} or {perDimension}, not both");
                valid = false;
                return null;
            }

            if (values is not null)
            {
                if (values.Length != _dimensions)
                {
                    Report(context, perDimension, perDimension, Text(values), $"it must have {_dimensions} values, one per spatial dimension");
                    valid = false;
                    return null;
                }

                return values;
            }

            if (singleWritten)
            {
                if (single == "Stride" && value <= 0)
                {
                    Report(context, single, "The stride", value.ToString(CultureInfo.InvariantCulture), "it must be positive (leave it out for the window size, PyTorch's default)");
                    valid = false;
                    return null;
                }

                return Enumerable.Repeat(value, _dimensions).ToArray();
            }

            return defaultValue is int fallback ? Enumerable.Repeat(fallback, _dimensions).ToArray() : null;
        }

        private string StrideArgument(LayerParseContext context) => _dimensions > 1 && context.NamedInts("Strides", out _) is not null ? "Strides" : "Stride";

        private bool CheckPositive(LayerParseContext context, string argument, string setting, int[] values)
        {
            if (values.Length != _dimensions)
            {
                Report(context, argument, setting, Text(values), $"it must have {_dimensions} values, one per spatial dimension");
                return false;
            }

            if (values.Any(v => v <= 0))
            {
                Report(context, argument, setting, Text(values), "every value must be positive");
                return false;
            }

            return true;
        }

        private void Report(LayerParseContext context, string? argument, string setting, string value, string rule) =>
            context.Report(DiagnosticDescriptors.PoolWindowSetting, argument, setting, Kind, context.LayerIndex, value, rule);

        private static string Text(int[] values) => "{ " + string.Join(", ", values) + " }";
    }

    /// <summary>Parses <c>[GlobalAvgPool]</c> and <c>[GlobalMaxPool]</c>.</summary>
    internal sealed class GlobalPoolParser : ILayerParser
    {
        private readonly PoolOp _op;

        public GlobalPoolParser(PoolOp op)
        {
            _op = op;
        }

        public string AttributeMetadataName => $"Compiled.Global{_op}PoolAttribute";

        public LayerSpec? Parse(LayerParseContext context) => new GlobalPoolSpec(_op);
    }
}
