using System;
using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[Dense(units)]</c>: a vector of <c>in</c> becomes a vector of <c>units</c> (a sequence <c>(steps, in)</c> from a
    /// recurrent layer becomes <c>(steps, units)</c>, each step on its own, as <c>nn.Linear</c> on the last dimension); weight <c>[units, in]</c> then
    /// bias <c>[units]</c>, as <c>nn.Linear</c>. Their initialisation is the layer's <c>Init</c> and <c>BiasInit</c>; for a
    /// bias, the fans are the layer's.
    /// </summary>
    internal sealed class DenseShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var dense = (DenseSpec)spec;
            if (!input.IsVector && !input.IsSequence)
            {
                context.Report(DiagnosticDescriptors.DenseNeedsVector, null, context.LayerIndex, input.ToString(), input.Size);
                return null;
            }

            if (dense.Activation == Activation.Softmax && !context.IsLast)
            {
                context.Report(DiagnosticDescriptors.SoftmaxNotLast, "activation", context.LayerIndex);
                return null;
            }

            // Per-step classification (sequence labelling): Softmax over each step's classes, trained by the cross-entropy
            // of one label per step, which fuses it. Other losses would differentiate through a per-step softmax Jacobian.
            if (input.IsSequence && dense.Activation == Activation.Softmax && context.Loss != Loss.CrossEntropy)
            {
                context.Report(DiagnosticDescriptors.SoftmaxOverSequence, "activation", context.LayerIndex, input.ToString(), context.Loss.ToString());
                return null;
            }

            // A sequence (steps, features) from a recurrent layer: nn.Linear on the last dimension, applied to each step.
            int inputs = input.Dimensions[input.Rank - 1];
            long weights = (long)inputs * dense.Units;
            if (weights > ShapeInference.MaxParameters)
            {
                return null; // ShapeInference reports the total as too large.
            }

            // The library's default (Initializer.Default), unchanged: Kaiming uniform for the ReLU family, Glorot uniform with
            // gain 1 for the others (Tanh included), zero bias.
            bool reluFamily = dense.Activation is Activation.ReLU or Activation.LeakyReLU or Activation.ELU or Activation.SiLU or Activation.GELU;
            double defaultGain = dense.Activation switch
            {
                Activation.LeakyReLU => Initialization.LeakyReLUGain(dense.NegativeSlope),
                _ when reluFamily => Math.Sqrt(2.0),
                _ => 1.0,
            };
            (InitKind weightInit, double weightGain) = dense.Init == Initializer.Default
                ? (reluFamily ? InitKind.KaimingUniform : InitKind.GlorotUniform, defaultGain)
                : Initialization.Of(dense.Init, Initialization.Gain(dense.Activation, dense.NegativeSlope));
            (InitKind biasInit, double biasGain) = dense.BiasInit == Initializer.Default
                ? (InitKind.Zeros, 0.0)
                : Initialization.Of(dense.BiasInit, Initialization.Gain(dense.Activation, dense.NegativeSlope));

            int offset = (int)context.ParameterOffset;
            var weight = new TensorPlan(
                $"{context.ModuleIndex}.weight",
                new Shape(EquatableArray.Create(dense.Units, inputs)),
                offset,
                weightInit,
                inputs,
                dense.Units,
                weightGain,
                dense.Init != Initializer.Default);
            var bias = new TensorPlan(
                $"{context.ModuleIndex}.bias",
                Shape.Vector(dense.Units),
                offset + (int)weights,
                biasInit,
                inputs,
                dense.Units,
                biasGain,
                dense.BiasInit != Initializer.Default);
            Shape output = input.IsSequence ? Shape.Sequence(input.Steps, dense.Units) : Shape.Vector(dense.Units);
            return new LayerShape(output, EquatableArray.Create(weight, bias));
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
