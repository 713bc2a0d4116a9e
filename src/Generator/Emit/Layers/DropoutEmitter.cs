using System.Collections.Generic;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[Dropout(p)]</c>: nothing at inference (the inference passes skip it, as they skip Flatten); in training a call
    /// into <c>Compiled.Kernels.DropoutKernels</c>, whose masks are a hash of the network's <c>TrainingContext</c>, the
    /// layer index and the sample and element indices, so the backward pass recomputes them instead of storing them.
    /// </summary>
    internal sealed class DropoutEmitter : LayerEmitter
    {
        private const string Kernels = "global::Compiled.Kernels.DropoutKernels";

        public override bool IsIdentityAtInference => true;

        public override bool UsesTrainingContext => true;

        /// <summary>Its output, the next layer's input; the mask is recomputed in the backward pass.</summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) =>
            new[] { new SavedValue(ValueKind.Output, layer.Plan.OutputSize) };

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output)
        {
        }

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count)
        {
        }

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.{Method(layer, "Forward")}({refs.Input}, {refs.Output}, {Arguments(layer, count, refs.First)});{Describe(layer)}");

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            if (layer.NeedsInputGradient)
            {
                EmitInputGradient(writer, layer, isa, refs, count);
            }
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.{Method(layer, "Backward")}({refs.Gradient}, {refs.InputGradient}, {Arguments(layer, count, refs.First)});{Describe(layer)}: dL/dx = mask * dL/dy / (1 - p)");

        private static DropoutSpec Spec(LayerContext layer) => (DropoutSpec)layer.Plan.Spec;

        /// <summary>The kernel: element-wise, or over whole channels (<c>ForwardChannels</c>) for <c>[Dropout{n}D]</c>.</summary>
        private static string Method(LayerContext layer, string pass) => Spec(layer).SpatialRank == 0 ? pass : pass + "Channels";

        /// <summary>The size arguments (floats per sample, or channels then positions per channel), then p, the context and the layer.</summary>
        private static string Arguments(LayerContext layer, string count, string first)
        {
            int channels = layer.Plan.Input.Dimensions[0];
            string sizes = Spec(layer).SpatialRank == 0 ? $"{layer.Plan.OutputSize}" : $"{channels}, {layer.Plan.OutputSize / channels}";
            return $"{sizes}, {count}, {Vec.Float(Spec(layer).P)}, TrainingContext, {first}, {layer.Index}";
        }

        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: {Spec(layer).KindName}({Spec(layer).P.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}) over {(Spec(layer).SpatialRank == 0 ? layer.Plan.OutputSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : layer.Plan.Output + ", whole channels")}";
    }
}
