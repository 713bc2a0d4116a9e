using System;
using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>
    /// Parses <c>[Conv1D]</c>, <c>[Conv2D]</c> and <c>[Conv3D]</c> (<c>(outChannels, kernelSize, activation) { KernelShape,
    /// Stride(s), Padding(s), Dilation(s), Groups, Bias, Causal, NegativeSlope, Alpha, Init, BiasInit }</c>), one instance per
    /// rank. Mistakes in the arguments alone are reported here at the argument; those that need the input shape (rank,
    /// channels, kernel against input) in <c>ConvShapeRule</c>.
    /// </summary>
    internal sealed class ConvParser : ILayerParser
    {
        /// <summary><c>Compiled.Padding.Same</c> (the attributes assembly is not referenced by the generator).</summary>
        private const int SamePadding = -1;

        private readonly int _rank;

        public ConvParser(int rank)
        {
            _rank = rank;
        }

        public string AttributeMetadataName => $"Compiled.Conv{_rank}DAttribute";

        private string Kind => $"Conv{_rank}D";

        public LayerSpec? Parse(LayerParseContext context)
        {
            if (context.ConstructorArgument("outChannels") is not int outChannels
                || context.ConstructorArgument("kernelSize") is not int kernelSize
                || context.ConstructorArgument("activation") is not int activationValue)
            {
                context.MarkInvalid();
                return null;
            }

            int layer = context.LayerIndex;
            if (outChannels <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, "outChannels", $"The output channels of [{Kind}] at layer {layer}", outChannels);
            }

            var activation = (Activation)activationValue;
            if (!Enum.IsDefined(typeof(Activation), activation))
            {
                context.Report(DiagnosticDescriptors.UnknownActivation, "activation", $"(Activation){activationValue}");
            }
            else if (activation == Activation.Softmax)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "activation", "The activation", Kind, layer, "Softmax", "an element-wise activation (Softmax normalises a whole vector: put it on a [Dense] output layer after [Flatten])");
            }

            int[] kernel = PerAxis(context, "KernelShape", "kernelSize", kernelSize, written: true, allowZero: false);
            int[] strides = PerAxis(context, "Strides", "Stride", context.NamedArgument("Stride", 1, out bool strideWritten), strideWritten, allowZero: false);
            int[] dilations = PerAxis(context, "Dilations", "Dilation", context.NamedArgument("Dilation", 1, out bool dilationWritten), dilationWritten, allowZero: false);

            // Padding: a number (the same zeros before and after each axis), Padding.Same, or (Conv1D) Causal.
            int padding = context.NamedArgument("Padding", 0, out bool paddingWritten);
            int[]? paddings = context.NamedInts("Paddings", out _);
            bool causal = _rank == 1 && context.NamedArgument("Causal", false, out _);
            ConvPadding mode = ConvPadding.Explicit;
            int[] before = new int[_rank];
            int[] after = new int[_rank];
            if (causal)
            {
                mode = ConvPadding.Causal;
                if (paddingWritten || paddings is not null)
                {
                    context.Report(DiagnosticDescriptors.ConvCausalWithPadding, "Causal", layer, dilations[0] * (kernel[0] - 1), paddings is not null ? "Paddings" : "Padding = " + padding.ToString(CultureInfo.InvariantCulture));
                }

                before[0] = dilations[0] * (kernel[0] - 1);
            }
            else if (paddings is null && padding == SamePadding)
            {
                mode = ConvPadding.Same;
                for (int a = 0; a < _rank; a++)
                {
                    if (strides[a] != 1)
                    {
                        context.Report(DiagnosticDescriptors.ConvSameNeedsStrideOne, "Padding", Kind, layer, strides[a]);
                        break;
                    }
                }

                for (int a = 0; a < _rank; a++)
                {
                    // PyTorch's padding='same': the total dilation * (k - 1), the smaller half before.
                    int total = dilations[a] * (kernel[a] - 1);
                    before[a] = total / 2;
                    after[a] = total - before[a];
                }
            }
            else
            {
                int[] values = PerAxis(context, "Paddings", "Padding", padding, paddingWritten, allowZero: true);
                for (int a = 0; a < _rank; a++)
                {
                    before[a] = values[a];
                    after[a] = values[a];
                }
            }

            int groups = context.NamedArgument("Groups", 1, out _);
            if (groups <= 0)
            {
                context.Report(DiagnosticDescriptors.ConvSettingNotPositive, "Groups", "Groups", Kind, layer, groups);
                groups = 1;
            }
            else if (outChannels > 0 && outChannels % groups != 0)
            {
                context.Report(DiagnosticDescriptors.ConvGroupsDoNotDivide, "Groups", "output", Kind, layer, outChannels, groups);
            }

            bool bias = context.NamedArgument("Bias", true, out _);
            float slope = context.NamedArgument("NegativeSlope", DenseParser.DefaultNegativeSlope, out bool slopeWritten);
            float alpha = context.NamedArgument("Alpha", DenseParser.DefaultAlpha, out bool alphaWritten);
            CheckSetting(context, "NegativeSlope", slope, slopeWritten, activation, Activation.LeakyReLU);
            CheckSetting(context, "Alpha", alpha, alphaWritten, activation, Activation.ELU);
            Initializer init = InitializerArgument.Read(context, "Init");
            Initializer biasInit = InitializerArgument.Read(context, "BiasInit", $"the bias of [{Kind}] at layer {layer}", outChannels);
            return new ConvSpec(
                _rank, outChannels, kernel.ToEquatableArray(), strides.ToEquatableArray(), before.ToEquatableArray(), after.ToEquatableArray(),
                dilations.ToEquatableArray(), groups, bias, mode, activation, slope, alpha, init, biasInit, context.NamedInts("KernelShape", out _) is not null);
        }

        /// <summary>
        /// One value per spatial axis: the array property when written (its length and values checked at it), else the single
        /// number repeated (checked at its own argument). Invalid values become 1 (0 for padding) so that parsing continues.
        /// </summary>
        private int[] PerAxis(LayerParseContext context, string arrayName, string scalarName, int scalar, bool written, bool allowZero)
        {
            var result = new int[_rank];
            int[]? array = context.NamedInts(arrayName, out _);
            int fallback = allowZero ? 0 : 1;
            if (array is not null)
            {
                if (array.Length != _rank)
                {
                    context.Report(DiagnosticDescriptors.ConvAxisCount, arrayName, arrayName, Kind, context.LayerIndex, array.Length, _rank);
                    Fill(result, fallback);
                    return result;
                }

                for (int a = 0; a < _rank; a++)
                {
                    result[a] = Check(context, arrayName, $"{arrayName}[{a}]", array[a], allowZero) ? array[a] : fallback;
                }

                return result;
            }

            Fill(result, !written || Check(context, scalarName, scalarName, scalar, allowZero) ? scalar : fallback);
            return result;
        }

        private bool Check(LayerParseContext context, string argument, string name, int value, bool allowZero)
        {
            if (allowZero ? value >= 0 : value > 0)
            {
                return true;
            }

            context.Report(
                allowZero ? DiagnosticDescriptors.ConvNegativePadding : DiagnosticDescriptors.ConvSettingNotPositive,
                argument,
                name == "kernelSize" ? "The kernel size" : name,
                Kind,
                context.LayerIndex,
                value);
            return false;
        }

        private static void Fill(int[] values, int value)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = value;
            }
        }

        private static void CheckSetting(LayerParseContext context, string name, float value, bool written, Activation activation, Activation appliesTo)
        {
            if (!written)
            {
                return;
            }

            if (float.IsNaN(value) || float.IsInfinity(value))
            {
                context.Report(DiagnosticDescriptors.SettingNotFinite, name, name, value.ToString("R", CultureInfo.InvariantCulture));
            }
            else if (activation != appliesTo)
            {
                context.Report(DiagnosticDescriptors.SettingHasNoEffect, name, name, activation, appliesTo);
            }
        }
    }
}
