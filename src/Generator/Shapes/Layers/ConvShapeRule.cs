using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[Conv1D/2D/3D]</c>: an input <c>(C, spatial...)</c> of rank 1 + the convolution's rank becomes
    /// <c>(outChannels, out...)</c>, each <c>out = floor((n + before + after - dilation (k - 1) - 1) / stride) + 1</c>; weight
    /// <c>[outChannels, C / groups, k...]</c> then (with <c>Bias</c>) bias <c>[outChannels]</c>, as <c>nn.Conv*d</c>'s state_dict.
    /// </summary>
    internal sealed class ConvShapeRule : IShapeRule
    {
        private static readonly string[][] s_axisNames =
        {
            new[] { "the length" },
            new[] { "the height", "the width" },
            new[] { "the depth", "the height", "the width" },
        };

        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var conv = (ConvSpec)spec;
            int rank = conv.Rank;
            string kind = conv.KindName;
            if (input.Rank != rank + 1)
            {
                string expected = rank switch { 1 => "(C, L)", 2 => "(C, H, W)", _ => "(C, D, H, W)" };
                context.Report(DiagnosticDescriptors.ConvWrongInputRank, null, kind, context.LayerIndex, expected, rank, input.ToString(), input.Rank);
                return null;
            }

            int channels = input.Dimensions[0];
            if (channels % conv.Groups != 0)
            {
                context.Report(DiagnosticDescriptors.ConvGroupsDoNotDivide, "Groups", "input", kind, context.LayerIndex, channels, conv.Groups);
                return null;
            }

            var output = new int[rank + 1];
            output[0] = conv.OutChannels;
            for (int a = 0; a < rank; a++)
            {
                long padded = (long)input.Dimensions[a + 1] + conv.PadBefore[a] + conv.PadAfter[a];
                long span = ((long)conv.Dilations[a] * (conv.Kernel[a] - 1)) + 1;
                long size = padded < span ? 0 : ((padded - span) / conv.Strides[a]) + 1;
                if (size < 1)
                {
                    string argument = conv.KernelShapeWritten ? "KernelShape" : "kernelSize";
                    context.Report(DiagnosticDescriptors.ConvKernelTooLarge, argument, kind, context.LayerIndex, input.ToString(), s_axisNames[rank - 1][a], span, padded, size);
                    return null;
                }

                output[a + 1] = (int)size;
            }

            int inPerGroup = channels / conv.Groups;
            int volume = conv.KernelVolume;
            long weights = (long)conv.OutChannels * inPerGroup * volume;
            if (weights > ShapeInference.MaxParameters)
            {
                return null; // ShapeInference reports the total as too large.
            }

            int fanIn = inPerGroup * volume;
            int fanOut = conv.OutChannels * volume;

            // The library's default (Initializer.Default), as Dense's: Kaiming uniform for the ReLU family, Glorot uniform with
            // gain 1 for the others, zero bias. PyTorchDefault: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for both (Initialization.Of).
            bool reluFamily = conv.Activation is Activation.ReLU or Activation.LeakyReLU or Activation.ELU or Activation.SiLU or Activation.GELU;
            double defaultGain = conv.Activation switch
            {
                Activation.LeakyReLU => Initialization.LeakyReLUGain(conv.NegativeSlope),
                _ when reluFamily => Math.Sqrt(2.0),
                _ => 1.0,
            };
            (InitKind weightInit, double weightGain) = conv.Init == Initializer.Default
                ? (reluFamily ? InitKind.KaimingUniform : InitKind.GlorotUniform, defaultGain)
                : Initialization.Of(conv.Init, Initialization.Gain(conv.Activation, conv.NegativeSlope));
            (InitKind biasInit, double biasGain) = conv.BiasInit == Initializer.Default
                ? (InitKind.Zeros, 0.0)
                : Initialization.Of(conv.BiasInit, Initialization.Gain(conv.Activation, conv.NegativeSlope));

            int offset = (int)context.ParameterOffset;
            var weightShape = new List<int> { conv.OutChannels, inPerGroup };
            weightShape.AddRange(conv.Kernel);
            var tensors = new List<TensorPlan>
            {
                new($"{context.ModuleIndex}.weight", new Shape(weightShape.ToEquatableArray()), offset, weightInit, fanIn, fanOut, weightGain, conv.Init != Initializer.Default),
            };
            if (conv.Bias)
            {
                tensors.Add(new TensorPlan($"{context.ModuleIndex}.bias", Shape.Vector(conv.OutChannels), offset + (int)weights, biasInit, fanIn, fanOut, biasGain, conv.BiasInit != Initializer.Default));
            }

            return new LayerShape(new Shape(output.ToEquatableArray()), tensors.ToEquatableArray());
        }

        public int ModuleCount(LayerSpec spec) => ((ConvSpec)spec).Activation == Activation.Identity ? 1 : 2;

        /// <summary>
        /// <c>Conv2D(8, 3x3, stride 1x1, padding 1x1+1x1, dilation 1x1, groups 1, bias, ReLU)</c>: every setting, per axis, the
        /// padding as zeros before + after (so the reference and model files read the exact geometry).
        /// </summary>
        public string Describe(LayerSpec spec)
        {
            var conv = (ConvSpec)spec;
            static string Axes(EquatableArray<int> values) => string.Join("x", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            string activation = conv.Activation switch
            {
                Activation.LeakyReLU => $"LeakyReLU({conv.NegativeSlope.ToString("R", CultureInfo.InvariantCulture)})",
                Activation.ELU => $"ELU({conv.Alpha.ToString("R", CultureInfo.InvariantCulture)})",
                _ => conv.Activation.ToString(),
            };
            string groups = conv.Groups.ToString(CultureInfo.InvariantCulture);
            return $"{conv.KindName}({conv.OutChannels.ToString(CultureInfo.InvariantCulture)}, {Axes(conv.Kernel)}, stride {Axes(conv.Strides)}, padding {Axes(conv.PadBefore)}+{Axes(conv.PadAfter)}, dilation {Axes(conv.Dilations)}, groups {groups}, {(conv.Bias ? "bias" : "no bias")}, {activation})";
        }
    }
}
