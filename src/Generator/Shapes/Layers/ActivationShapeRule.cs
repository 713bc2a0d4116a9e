using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[Activation(f)]</c>: any shape to the same shape, no parameters, one module of the <c>nn.Sequential</c> (as
    /// <c>nn.ReLU()</c>). Softmax only on the last layer and over a vector, as on <c>[Dense]</c>.
    /// </summary>
    internal sealed class ActivationShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var activation = (ActivationSpec)spec;
            if (activation.Activation == Activation.Softmax)
            {
                if (!context.IsLast)
                {
                    context.Report(DiagnosticDescriptors.SoftmaxNotLast, "activation", context.LayerIndex);
                    return null;
                }

                if (!input.IsVector)
                {
                    context.Report(DiagnosticDescriptors.ActivationSoftmaxNeedsVector, "activation", context.LayerIndex, input.ToString());
                    return null;
                }
            }

            return new LayerShape(input, EquatableArray<TensorPlan>.Empty);
        }

        public string Describe(LayerSpec spec)
        {
            var activation = (ActivationSpec)spec;
            return activation.Activation switch
            {
                Activation.LeakyReLU => $"LeakyReLU({activation.NegativeSlope.ToString("R", CultureInfo.InvariantCulture)})",
                Activation.ELU => $"ELU({activation.Alpha.ToString("R", CultureInfo.InvariantCulture)})",
                _ => activation.Activation.ToString(),
            };
        }

        public int ModuleCount(LayerSpec spec) => 1;
    }
}
