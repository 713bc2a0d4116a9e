using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;
using Compiled.Generator.Shapes.Layers;

using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[BatchNorm]</c>: calls into <c>Compiled.Kernels.BatchNormKernels</c>. Inference reads a per-channel scale and shift
    /// that packing folds from the weight, the bias and the running statistics (so an edit of the buffers, like one of the
    /// parameters, makes the packed copy stale). Training normalises with the whole batch's statistics, saves
    /// <c>[mean C][rstd C]</c> for the backward pass and updates the running statistics (<c>b</c>, the buffers, written
    /// inside an edit that the training forward pass opens); it needs the whole batch in one chunk (<see cref="NeedsWholeBatch"/>).
    /// </summary>
    internal sealed class BatchNormEmitter : LayerEmitter, IStreamingLayer
    {
        private const string Kernels = "global::Compiled.Kernels.BatchNormKernels";

        public override bool NeedsWholeBatch => true;

        /// <summary>
        /// Its output, and the batch's <c>[mean C][rstd C]</c>: a block the planner sizes per sample (it knows no other kind),
        /// of which only the first <c>2 C</c> floats are used.
        /// </summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) => new[]
        {
            new SavedValue(ValueKind.Output, layer.Plan.OutputSize),
            new SavedValue(ValueKind.Own, 2 * Channels(layer)),
        };

        /// <summary>The folded scale and shift (inference), then with affine parameters a copy of the weight and bias (training).</summary>
        public override int PackedLength(LayerContext layer) => (Spec(layer).Affine ? 4 : 2) * Channels(layer);

        public override void EmitPack(SourceWriter writer, LayerContext layer)
        {
            writer.Line(Spec(layer).TrackRunningStats
                ? $"{Kernels}.Pack({Weight(layer, "p")}, {Running(layer)}, {At("k", layer.PackedOffset)}, {Channels(layer)}, {Vec.Float(Spec(layer).Eps)});{Describe(layer)}: scale and shift from the running statistics"
                : $"{Kernels}.Pack({Weight(layer, "p")}, {Running(layer)}, {At("k", layer.PackedOffset)}, {Channels(layer)}, {Vec.Float(Spec(layer).Eps)});{Describe(layer)}: no running statistics, the weight and bias only");
            if (layer.FoldedInto is { } target)
            {
                // Folded at inference into the layer before: its inference copy is its packed weights scaled per channel.
                ((IFoldsNormalization)LayerKinds.EmitterFor(target.Plan.Spec)).EmitFoldedPack(writer, target, At("k", layer.PackedOffset));
            }
        }

        public override void EmitTrainingBatchCheck(SourceWriter writer, LayerContext layer, string batchSize, string parameter)
        {
            if (Spatial(layer) != 1)
            {
                return;
            }

            writer.Line(batchSize == "1"
                ? $"{Kernels}.ThrowTooFewValues({parameter}, 1, {Channels(layer)});{Describe(layer)}: one sample gives 1 value per channel, too few to train"
                : $"if ({batchSize} < 2) {Kernels}.ThrowTooFewValues({parameter}, {batchSize}, {Channels(layer)});{Describe(layer)} needs more than 1 value per channel to train");
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output) =>
            EmitForwardBatch(writer, layer, isa, $"ref {input.Memory}", $"ref {output.Memory}", "1");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            writer.Line(Spec(layer).TrackRunningStats
                ? $"{Kernels}.Inference({x}, {y}, {At("k", layer.PackedOffset)}, {Channels(layer)}, {Spatial(layer)}, {count});{Describe(layer)}, running statistics"
                : $"{Kernels}.InferenceWithBatchStatistics({x}, {y}, {Affine(layer)}, {Channels(layer)}, {Spatial(layer)}, {count}, {Vec.Float(Spec(layer).Eps)});{Describe(layer)}, no running statistics: the statistics of the {(count == "1" ? "sample" : "whole batch")}");

        /// <summary>Without running statistics the layer normalises with the batch's at inference too, so ForwardBatch takes the whole batch at once.</summary>
        public override bool NeedsWholeBatchAtInference(LayerContext layer) => !Spec(layer).TrackRunningStats;

        /// <summary>
        /// At inference a fixed scale and shift per channel, so it streams on a vector (after a last-step recurrent layer and
        /// a Dense) or on a causal convolution's channel-major output (one value per channel per step); the network checks
        /// the layout (<c>NetworkEmitter.StepLayoutsAgree</c>).
        /// </summary>
        public bool CanStep(LayerContext layer) => layer.Plan.Input.Rank <= 2;

        public int StepOutputSize(LayerContext layer) => Channels(layer);

        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state) =>
            writer.Line($"{Kernels}.Inference({x}, {y}, {At("k", layer.PackedOffset)}, {Channels(layer)}, 1, 1);{Describe(layer)}, running statistics, one step");

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            BatchNormSpec spec = Spec(layer);
            string settings = $"{Vec.Float(spec.Eps)}, {Vec.Float(spec.Momentum)}{(spec.CumulativeAverage ? ", cumulativeAverage: true" : string.Empty)}";
            string what = !spec.TrackRunningStats ? "batch statistics (no running ones)" : spec.CumulativeAverage ? "batch statistics, updating the running ones (cumulative average)" : "batch statistics, updating the running ones";
            writer.Line($"{Kernels}.TrainForward({refs.Input}, {refs.Output}, {Affine(layer)}, {refs.Own[0]}, {Running(layer)}, {Channels(layer)}, {Spatial(layer)}, {count}, {settings});{Describe(layer)}, {what}");
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            string gradients = Spec(layer).Affine
                ? $"{At("g", layer.Plan.Tensors[0].Offset)}, {At("g", layer.Plan.Tensors[1].Offset)}"
                : $"{NullRef}, {NullRef}";
            string dx = layer.NeedsInputGradient ? refs.InputGradient! : NullRef;
            writer.Line($"{Kernels}.Backward({refs.Input}, {refs.Gradient}, {Weight(layer, "p")}, {refs.Own[0]}, {gradients}, {dx}, {Channels(layer)}, {Spatial(layer)}, {count});{Describe(layer)}");
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.Backward({refs.Input}, {refs.Gradient}, {Weight(layer, "p")}, {refs.Own[0]}, {NullRef}, {NullRef}, {refs.InputGradient}, {Channels(layer)}, {Spatial(layer)}, {count});{Describe(layer)}: dL/dx");

        private static BatchNormSpec Spec(LayerContext layer) => (BatchNormSpec)layer.Plan.Spec;

        /// <summary>The running statistics in the buffers (<c>b</c>), or a null reference for a layer that keeps none.</summary>
        private static string Running(LayerContext layer) => Spec(layer).TrackRunningStats ? At("b", layer.Plan.Buffers[0].Offset) : NullRef;

        /// <summary>The packed copy of the weight and bias the training forward pass reads, or a null reference without affine parameters.</summary>
        private static string Affine(LayerContext layer) => Spec(layer).Affine ? At("k", layer.PackedOffset + (2 * Channels(layer))) : NullRef;

        private static int Channels(LayerContext layer) => BatchNormShapeRule.Channels(layer.Plan.Input);

        private static int Spatial(LayerContext layer) => BatchNormShapeRule.Spatial(layer.Plan.Input);

        /// <summary>The weight (followed by the bias) in <paramref name="parameters"/>, or a null reference without affine parameters.</summary>
        private static string Weight(LayerContext layer, string parameters) => Spec(layer).Affine ? At(parameters, layer.Plan.Tensors[0].Offset) : NullRef;


        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: BatchNorm of {Channels(layer).ToString(CultureInfo.InvariantCulture)} channel(s) x {Spatial(layer).ToString(CultureInfo.InvariantCulture)} position(s)";
    }
}
