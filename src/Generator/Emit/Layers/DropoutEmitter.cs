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
            writer.Line($"{Kernels}.Forward({refs.Input}, {refs.Output}, {Arguments(layer, count, refs.First)});{Describe(layer)}");

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            if (layer.NeedsInputGradient)
            {
                EmitInputGradient(writer, layer, isa, refs, count);
            }
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.Backward({refs.Gradient}, {refs.InputGradient}, {Arguments(layer, count, refs.First)});{Describe(layer)}: dL/dx = mask * dL/dy / (1 - p)");

        private static string Arguments(LayerContext layer, string count, string first) =>
            $"{layer.Plan.OutputSize}, {count}, {Vec.Float(((DropoutSpec)layer.Plan.Spec).P)}, TrainingContext, {first}, {layer.Index}";

        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: Dropout({((DropoutSpec)layer.Plan.Spec).P.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}) over {layer.Plan.OutputSize}";
    }
}
