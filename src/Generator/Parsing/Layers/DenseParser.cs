using System;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[Dense(units, activation) { NegativeSlope = ..., Alpha = ..., Init = ..., BiasInit = ... }]</c>.</summary>
    internal sealed class DenseParser : ILayerParser
    {
        public const float DefaultNegativeSlope = 0.01f;
        public const float DefaultAlpha = 1f;

        public string AttributeMetadataName => "Compiled.DenseAttribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            if (context.ConstructorArgument("units") is not int units || context.ConstructorArgument("activation") is not int activationValue)
            {
                context.MarkInvalid();
                return null;
            }

            if (units <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, "units", $"The number of units of [Dense] at layer {context.LayerIndex}", units);
            }

            var activation = (Activation)activationValue;
            if (!Enum.IsDefined(typeof(Activation), activation))
            {
                context.Report(DiagnosticDescriptors.UnknownActivation, "activation", $"(Activation){activationValue}");
            }

            float slope = context.NamedArgument("NegativeSlope", DefaultNegativeSlope, out bool slopeWritten);
            float alpha = context.NamedArgument("Alpha", DefaultAlpha, out bool alphaWritten);
            CheckSetting(context, "NegativeSlope", slope, slopeWritten, activation, Activation.LeakyReLU);
            CheckSetting(context, "Alpha", alpha, alphaWritten, activation, Activation.ELU);
            if (activation == Activation.Softmax && units == 1)
            {
                context.Report(DiagnosticDescriptors.SoftmaxSingleOutput, "activation");
            }

            Initializer init = InitializerArgument.Read(context, "Init");
            Initializer biasInit = InitializerArgument.Read(context, "BiasInit", $"the bias of [Dense] at layer {context.LayerIndex}", units);
            return new DenseSpec(units, activation, slope, alpha, init, biasInit);
        }

        private static void CheckSetting(LayerParseContext context, string name, float value, bool written, Activation activation, Activation appliesTo)
        {
            if (!written)
            {
                return;
            }

            if (float.IsNaN(value) || float.IsInfinity(value))
            {
                context.Report(DiagnosticDescriptors.SettingNotFinite, name, name, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (activation != appliesTo)
            {
                context.Report(DiagnosticDescriptors.SettingHasNoEffect, name, name, activation, appliesTo);
            }
        }
    }
}
