using System;
using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[Dense(units)]</c>: a vector of <c>in</c> becomes a vector of <c>units</c>; weight <c>[units, in]</c> then
    /// bias <c>[units]</c>, as <c>nn.Linear</c>.
    /// </summary>
    internal sealed class DenseShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var dense = (DenseSpec)spec;
            if (!input.IsVector)
            {
                context.Report(DiagnosticDescriptors.DenseNeedsVector, null, context.LayerIndex, input.ToString(), input.Size);
                return null;
            }

            if (dense.Activation == Activation.Softmax && !context.IsLast)
            {
                context.Report(DiagnosticDescriptors.SoftmaxNotLast, "activation", context.LayerIndex);
                return null;
            }

            int inputs = input.Dimensions[0];
            long weights = (long)inputs * dense.Units;
            if (weights > ShapeInference.MaxParameters)
            {
                return null; // ShapeInference reports the total as too large.
            }

            bool reluFamily = dense.Activation is Activation.ReLU or Activation.LeakyReLU or Activation.ELU or Activation.SiLU or Activation.GELU;
            double gain = dense.Activation switch
            {
                Activation.LeakyReLU => Math.Sqrt(2.0 / (1.0 + ((double)dense.NegativeSlope * dense.NegativeSlope))),
                _ when reluFamily => Math.Sqrt(2.0),
                _ => 1.0,
            };

            int offset = (int)context.ParameterOffset;
            var weight = new TensorPlan(
                $"{context.ModuleIndex}.weight",
                new Shape(EquatableArray.Create(dense.Units, inputs)),
                offset,
                reluFamily ? InitKind.KaimingUniform : InitKind.GlorotUniform,
                inputs,
                dense.Units,
                gain);
            var bias = new TensorPlan(
                $"{context.ModuleIndex}.bias",
                Shape.Vector(dense.Units),
                offset + (int)weights,
                InitKind.Zeros,
                inputs,
                dense.Units,
                0.0);
            return new LayerShape(Shape.Vector(dense.Units), EquatableArray.Create(weight, bias));
        }

        public int ModuleCount(LayerSpec spec) => ((DenseSpec)spec).Activation == Activation.Identity ? 1 : 2;

        public string Describe(LayerSpec spec)
        {
            var dense = (DenseSpec)spec;
            string units = dense.Units.ToString(CultureInfo.InvariantCulture);
            return dense.Activation switch
            {
                Activation.LeakyReLU => $"Dense({units}, LeakyReLU({dense.NegativeSlope.ToString("R", CultureInfo.InvariantCulture)}))",
                Activation.ELU => $"Dense({units}, ELU({dense.Alpha.ToString("R", CultureInfo.InvariantCulture)}))",
                _ => $"Dense({units}, {dense.Activation})",
            };
        }
    }
}
