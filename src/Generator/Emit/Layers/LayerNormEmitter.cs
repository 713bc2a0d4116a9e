using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;
using Compiled.Generator.Shapes.Layers;

using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[LayerNorm]</c>: calls into <c>Compiled.Kernels.NormalizationKernels</c> (the same code in training and at
    /// inference, plus the per-group mean and reciprocal standard deviation saved for the backward pass, which recomputes
    /// the normalised values from the input instead of storing them).
    /// </summary>
    internal sealed class LayerNormEmitter : LayerEmitter, IStreamingLayer
    {
        private const string Kernels = "global::Compiled.Kernels.NormalizationKernels";

        /// <summary>Its output, and (mean, rstd) per normalised group.</summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) => new[]
        {
            new SavedValue(ValueKind.Output, layer.Plan.OutputSize),
            new SavedValue(ValueKind.Own, 2 * Groups(layer)),
        };

        /// <summary>The forward passes read the weight and bias from the packed copy (<c>k</c>), like every layer's forward.</summary>
        public override int PackedLength(LayerContext layer) => Spec(layer).Affine ? 2 * GroupSize(layer) : 0;

        public override void EmitPack(SourceWriter writer, LayerContext layer)
        {
            if (Spec(layer).Affine)
            {
                writer.Line($"{Support}.PackCopy({At("p", layer.Plan.Tensors[0].Offset)}, {At("k", layer.PackedOffset)}, {2 * GroupSize(layer)});{Describe(layer)}: weight and bias");
            }
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output) =>
            writer.Line($"{Kernels}.LayerNormForward(ref {input.Memory}, ref {output.Memory}, {Packed(layer, 0)}, {Packed(layer, 1)}, {NullRef}, {Arguments(layer, "1")});{Describe(layer)}");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            writer.Line($"{Kernels}.LayerNormForward({x}, {y}, {Packed(layer, 0)}, {Packed(layer, 1)}, {NullRef}, {Arguments(layer, count)});{Describe(layer)}");

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.LayerNormForward({refs.Input}, {refs.Output}, {Packed(layer, 0)}, {Packed(layer, 1)}, {refs.Own[0]}, {Arguments(layer, count)});{Describe(layer)}, saving (mean, rstd)");

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            string gradients = Spec(layer).Affine
                ? $"{At("g", layer.Plan.Tensors[0].Offset)}, {At("g", layer.Plan.Tensors[1].Offset)}"
                : $"{NullRef}, {NullRef}";
            string dx = layer.NeedsInputGradient ? refs.InputGradient! : NullRef;
            writer.Line($"{Kernels}.LayerNormBackward({refs.Input}, {refs.Gradient}, {Weight(layer, "p")}, {refs.Own[0]}, {gradients}, {dx}, {Groups(layer)}, {GroupSize(layer)}, {count});{Describe(layer)}");
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.LayerNormBackward({refs.Input}, {refs.Gradient}, {Weight(layer, "p")}, {refs.Own[0]}, {NullRef}, {NullRef}, {refs.InputGradient}, {Groups(layer)}, {GroupSize(layer)}, {count});{Describe(layer)}: dL/dx");

        /// <summary>
        /// Streams when it normalises over the last dimension only (each step on its own, as <c>nn.LayerNorm(features)</c>
        /// on a sequence), or over the whole of a vector.
        /// </summary>
        public bool CanStep(LayerContext layer) => GroupSize(layer) == layer.Plan.Input.Dimensions[layer.Plan.Input.Rank - 1];

        public int StepOutputSize(LayerContext layer) => GroupSize(layer);

        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state) =>
            writer.Line($"{Kernels}.LayerNormForward({x}, {y}, {Packed(layer, 0)}, {Packed(layer, 1)}, {NullRef}, 1, {GroupSize(layer)}, 1, {Vec.Float(Spec(layer).Eps)});{Describe(layer)}, one step");

        private static LayerNormSpec Spec(LayerContext layer) => (LayerNormSpec)layer.Plan.Spec;

        private static int GroupSize(LayerContext layer) => (int)LayerNormShapeRule.Normalized(Spec(layer), layer.Plan.Input).Size;

        private static int Groups(LayerContext layer) => layer.Plan.OutputSize / GroupSize(layer);

        private static string Arguments(LayerContext layer, string count) =>
            $"{Groups(layer)}, {GroupSize(layer)}, {count}, {Vec.Float(Spec(layer).Eps)}";

        private static string Weight(LayerContext layer, string parameters) => Spec(layer).Affine ? At(parameters, layer.Plan.Tensors[0].Offset) : NullRef;

        /// <summary>The packed weight (<paramref name="which"/> 0) or bias (1), or a null reference without affine parameters.</summary>
        private static string Packed(LayerContext layer, int which) => Spec(layer).Affine ? At("k", layer.PackedOffset + ((long)which * GroupSize(layer))) : NullRef;


        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: LayerNorm over {Groups(layer).ToString(CultureInfo.InvariantCulture)} group(s) of {GroupSize(layer).ToString(CultureInfo.InvariantCulture)}";
    }
}
