using System;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[Activation(activation) { NegativeSlope = ..., Alpha = ... }]</c>, with <c>[Dense]</c>'s checks of the settings.</summary>
    internal sealed class ActivationParser : ILayerParser
    {
        public string AttributeMetadataName => "Compiled.ActivationAttribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            if (context.ConstructorArgument("activation") is not int activationValue)
            {
                context.MarkInvalid();
                return null;
            }

            var activation = (Activation)activationValue;
            if (!Enum.IsDefined(typeof(Activation), activation))
            {
                context.Report(DiagnosticDescriptors.UnknownActivation, "activation", $"(Activation){activationValue}");
                return null;
            }

            float slope = context.NamedArgument("NegativeSlope", DenseParser.DefaultNegativeSlope, out bool slopeWritten);
            float alpha = context.NamedArgument("Alpha", DenseParser.DefaultAlpha, out bool alphaWritten);
            bool valid = Check(context, "NegativeSlope", slope, slopeWritten, activation, Activation.LeakyReLU);
            valid &= Check(context, "Alpha", alpha, alphaWritten, activation, Activation.ELU);
            return valid ? new ActivationSpec(activation, slope, alpha) : null;
        }

        /// <summary>A written setting must be finite (an error) and belong to the activation (a warning, as on <c>[Dense]</c>).</summary>
        private static bool Check(LayerParseContext context, string name, float value, bool written, Activation activation, Activation appliesTo)
        {
            if (!written)
            {
                return true;
            }

            if (float.IsNaN(value) || float.IsInfinity(value))
            {
                context.Report(DiagnosticDescriptors.SettingNotFinite, name, name, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                return false;
            }

            if (activation != appliesTo)
            {
                context.Report(DiagnosticDescriptors.SettingHasNoEffect, name, name, activation, appliesTo);
            }

            return true;
        }
    }
}
