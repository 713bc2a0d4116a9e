using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[Conv1D]</c>, <c>[Conv2D]</c>, <c>[Conv3D]</c>: calls into <c>Compiled.Kernels.ConvKernels</c> with the layer's
    /// constant geometry. Every pass is im2col + the runtime's tuned dense products (<c>DenseKernels</c>): the patches of the
    /// output positions are the rows of a matrix, so the convolution is a dense layer over <c>count x positions</c> rows of
    /// <c>C/groups x kernel volume</c> values per group, then a transpose to the channel-major layout. Packing transposes the
    /// weight per group (<c>[patch, out/groups padded to 16]</c>, then the bias). Training keeps the patches, a
    /// position-major scratch and one group's patch gradients in the workspace (the layer's own saved values, so nothing is
    /// allocated); inference uses a per-thread scratch in the runtime. Exception: at inference, a depthwise layer (each output
    /// channel reads one input channel) runs a direct kernel instead, no im2col, positions along the width in vector lanes.
    /// A causal 1-D layer with stride 1 also streams (<see cref="IStreamingLayer"/>): one time position per step, its last
    /// <c>dilation * (kernel - 1)</c> inputs per channel kept in the caller's state (<c>ConvKernels.Step</c>).
    /// </summary>
    internal sealed class ConvEmitter : LayerEmitter, IStreamingLayer, IStreamingInput, IFoldsNormalization
    {
        private const string Kernels = "global::Compiled.Kernels.ConvKernels";

        /// <summary>
        /// As Dense: the output, and the pre-activation where the activation's derivative needs it (only the pre-activation
        /// with a fused loss); then its own: the patches <c>[groups][positions][patch]</c>, a position-major block
        /// <c>[positions, out]</c> and one group's patch gradients <c>[positions, patch]</c>, per sample.
        /// </summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer)
        {
            ConvSpec conv = Spec(layer);
            int outputs = layer.Plan.OutputSize;
            var saved = new List<SavedValue>();
            if (layer.FusedLoss)
            {
                saved.Add(new SavedValue(ValueKind.PreActivation, outputs));
            }
            else
            {
                saved.Add(new SavedValue(ValueKind.Output, outputs));
                if (ActivationCode.NeedsPreActivation(conv.Activation))
                {
                    saved.Add(new SavedValue(ValueKind.PreActivation, outputs));
                }
            }

            int positions = Positions(layer);
            saved.Add(new SavedValue(ValueKind.Own, positions * conv.Groups * Patch(layer)));
            saved.Add(new SavedValue(ValueKind.Own, positions * conv.OutChannels));
            saved.Add(new SavedValue(ValueKind.Own, positions * Patch(layer)));
            return saved;
        }

        public override int PackedLength(LayerContext layer) => NormalPackedLength(layer) * (layer.Fold is null ? 1 : 2);

        /// <summary>The training (and, without a fold, inference) packed copy; a folded batch normalisation adds a second of the same layout.</summary>
        private static int NormalPackedLength(LayerContext layer) => Spec(layer).Groups * (Patch(layer) + 1) * PaddedPerGroup(layer);

        public bool CanFoldNormalization(LayerContext layer) => Spec(layer).Activation == Activation.Identity;

        public void EmitFoldedPack(SourceWriter writer, LayerContext layer, string scaleShift)
        {
            ConvSpec conv = Spec(layer);
            writer.Line($"global::Compiled.Kernels.BatchNormKernels.Fold({At("k", layer.PackedOffset)}, {At("k", InferenceOffset(layer))}, {scaleShift}, {conv.Groups}, {Patch(layer)}, {conv.OutChannels / conv.Groups}, {PaddedPerGroup(layer)});{Describe(layer)}: the inference copy, {layer.Fold!.Describe}");
        }

        /// <summary>Where inference's packed weights start: the folded copy after the training one when a batch normalisation is folded in.</summary>
        private static long InferenceOffset(LayerContext layer) => layer.PackedOffset + (layer.Fold is null ? 0 : NormalPackedLength(layer));

        /// <summary>Inference's activation: the layer's own, or with a fold the fused activation layer's (Identity without one).</summary>
        private static string InferenceActivation(LayerContext layer) => layer.Fold is { } fold
            ? ActivationCode.Struct(fold.FusedActivation, fold.NegativeSlope, fold.Alpha)
            : ActivationStruct(Spec(layer));

        private static string DescribeInference(LayerContext layer) =>
            layer.Fold is { } fold ? $"{Describe(layer)}; {fold.Describe}" : Describe(layer);

        public override void EmitPack(SourceWriter writer, LayerContext layer)
        {
            string bias = Spec(layer).Bias ? At("p", layer.Plan.Tensors[1].Offset) : NullRef;
            writer.Line($"{Kernels}.Pack({At("p", layer.Plan.Tensors[0].Offset)}, {bias}, {At("k", layer.PackedOffset)}, {Geometry(layer)});{Describe(layer)}: per group, the weight as [{Patch(layer)}, {PaddedPerGroup(layer)}] then the bias");
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output)
        {
            Strategy(writer, layer);
            writer.Line($"{Kernels}.Forward({At("k", InferenceOffset(layer))}, ref {input.Memory}, ref {output.Memory}, 1, {Geometry(layer)}, {InferenceActivation(layer)});{DescribeInference(layer)}");
        }

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count)
        {
            Strategy(writer, layer);
            writer.Line($"{Kernels}.Forward({At("k", InferenceOffset(layer))}, {x}, {y}, {count}, {Geometry(layer)}, {InferenceActivation(layer)});{DescribeInference(layer)}");
        }

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            ConvSpec conv = Spec(layer);
            string z;
            string y;
            if (layer.FusedLoss)
            {
                (z, y) = (refs.PreActivation!, NullRef); // logits only, the loss applies the activation
            }
            else if (conv.Activation == Activation.Identity)
            {
                (z, y) = (refs.Output!, NullRef);
            }
            else
            {
                (z, y) = (refs.PreActivation ?? refs.Output!, refs.Output!);
            }

            writer.Line($"{Kernels}.TrainForward({At("k", layer.PackedOffset)}, {refs.Input}, {refs.Own[0]}, {refs.Own[1]}, {z}, {y}, {count}, {Geometry(layer)}, {ActivationStruct(conv)});{Describe(layer)}, keeping the patches");
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            ConvSpec conv = Spec(layer);
            if (!layer.FusedLoss && conv.Activation != Activation.Identity)
            {
                string z = ActivationCode.NeedsPreActivation(conv.Activation) ? refs.PreActivation! : refs.Output!;
                writer.Line($"global::Compiled.Kernels.DenseKernels.ActivationBackward({refs.Gradient}, {refs.Output}, {z}, {count} * {layer.Plan.OutputSize}, {ActivationStruct(conv)}); // dL/dz = dL/dy * {conv.Activation}'");
            }

            string bias = conv.Bias ? At("g", layer.Plan.Tensors[1].Offset) : NullRef;
            string dx = layer.NeedsInputGradient ? refs.InputGradient! : NullRef;
            writer.Line($"{Kernels}.Backward({At("p", layer.Plan.Tensors[0].Offset)}, {At("g", layer.Plan.Tensors[0].Offset)}, {bias}, {refs.Own[0]}, {refs.Gradient}, {refs.Own[1]}, {refs.Own[2]}, {dx}, {count}, {Geometry(layer)});{Describe(layer)}");
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.InputGradient({At("p", layer.Plan.Tensors[0].Offset)}, {refs.Gradient}, {refs.Own[1]}, {refs.Own[2]}, {refs.InputGradient}, {count}, {Geometry(layer)});{Describe(layer)}: dL/dx = col2im(dz W)");

        /// <summary>
        /// A causal 1-D layer with stride 1 keeps, per stream, its last <c>dilation * (kernel - 1)</c> inputs of every input
        /// channel (zero at the start of a sequence, the zeros its left padding reads); any other convolution keeps none.
        /// </summary>
        public override int StatePerSample(LayerContext layer) =>
            CanStep(layer) ? layer.Plan.Input.Dimensions[0] * Spec(layer).Dilations[0] * (Spec(layer).Kernel[0] - 1) : 0;

        /// <summary>
        /// Only a causal <c>[Conv1D]</c> with stride 1 computes a time position from that position and the ones before: a
        /// padded (non-causal) one reads the future, a strided one does not produce an output every step.
        /// </summary>
        public bool CanStep(LayerContext layer) =>
            Spec(layer).Rank == 1 && Spec(layer).Padding == ConvPadding.Causal && Spec(layer).Strides[0] == 1;

        /// <summary>One time position: a value per output channel.</summary>
        public int StepOutputSize(LayerContext layer) => Spec(layer).OutChannels;

        /// <summary>One time position: a value per input channel (the input is channel-major <c>[C, L]</c>, a step is one column).</summary>
        public int StepInputSize(LayerContext layer) => layer.Plan.Input.Dimensions[0];

        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state)
        {
            ConvSpec conv = Spec(layer);
            string buffer = StatePerSample(layer) > 0 ? state : NullRef;
            writer.Line(
                $"{Kernels}.Step({At("k", layer.PackedOffset)}, {x}, {y}, {buffer}, {Geometry(layer)}, {ActivationStruct(conv)}); // layer {layer.Index}: causal {conv.KindName} " +
                $"{StepInputSize(layer).ToString(CultureInfo.InvariantCulture)} -> {conv.OutChannels.ToString(CultureInfo.InvariantCulture)} channels, one time position; " +
                $"state: the last {(conv.Dilations[0] * (conv.Kernel[0] - 1)).ToString(CultureInfo.InvariantCulture)} inputs per channel");
        }

        private static ConvSpec Spec(LayerContext layer) => (ConvSpec)layer.Plan.Spec;

        private static int Positions(LayerContext layer) => layer.Plan.OutputSize / Spec(layer).OutChannels;

        private static int Patch(LayerContext layer) => layer.Plan.Input.Dimensions[0] / Spec(layer).Groups * Spec(layer).KernelVolume;

        private static int PaddedPerGroup(LayerContext layer) => ((Spec(layer).OutChannels / Spec(layer).Groups) + 15) / 16 * 16;

        /// <summary>Says which kernel the layer uses and why, once per pass.</summary>
        private static void Strategy(SourceWriter writer, LayerContext layer)
        {
            ConvSpec conv = Spec(layer);
            int perGroup = conv.OutChannels / conv.Groups;
            if (Patch(layer) == conv.KernelVolume)
            {
                writer.Comment(
                    $"layer {layer.Index}: depthwise (each output channel reads one input channel): inference runs the direct kernel, output positions along the width in vector lanes " +
                    $"(no im2col: {perGroup} output channel(s) per group would leave the matrix product's lanes mostly empty); training runs im2col + DenseKernels, whose patches the weight gradient reads");
                return;
            }

            writer.Comment(
                $"layer {layer.Index}: im2col + DenseKernels' tiled product, per group ({conv.Groups}): rows = samples x {Positions(layer)} output position(s), " +
                $"{Patch(layer)} patch value(s) each, {perGroup} output channel(s) in vector lanes; then a transpose to channel-major");
        }

        /// <summary>The runtime's geometry, every axis as depth x height x width (the missing axes of 1-D and 2-D as size 1).</summary>
        private static string Geometry(LayerContext layer)
        {
            ConvSpec conv = Spec(layer);
            int rank = conv.Rank;
            int[] Axes(IEnumerable<int> values, int missing)
            {
                int[] list = values.ToArray();
                var result = new int[3];
                for (int a = 0; a < 3; a++)
                {
                    int index = a - (3 - rank);
                    result[a] = index < 0 ? missing : list[index];
                }

                return result;
            }

            int[] input = Axes(layer.Plan.Input.Dimensions.Skip(1), 1);
            int[] output = Axes(layer.Plan.Output.Dimensions.Skip(1), 1);
            int[] kernel = Axes(conv.Kernel, 1);
            int[] stride = Axes(conv.Strides, 1);
            int[] pad = Axes(conv.PadBefore, 0);
            int[] dilation = Axes(conv.Dilations, 1);
            string Join(params int[] values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            return $"new global::Compiled.Kernels.ConvGeometry({Join(layer.Plan.Input.Dimensions[0])}, {Join(input)}, {Join(conv.OutChannels)}, {Join(output)}, {Join(kernel)}, {Join(stride)}, {Join(pad)}, {Join(dilation)}, {Join(conv.Groups)})";
        }

        private static string Describe(LayerContext layer)
        {
            ConvSpec conv = Spec(layer);
            return $" // layer {layer.Index}: {conv.KindName} {layer.Plan.Input} -> {layer.Plan.Output}, {ActivationCode.Describe(conv.Activation, conv.NegativeSlope, conv.Alpha)}";
        }

        private static string ActivationStruct(ConvSpec conv) => conv.Activation switch
        {
            Activation.LeakyReLU => $"new global::Compiled.Kernels.LeakyReLU({Vec.Float(conv.NegativeSlope)})",
            Activation.ELU => $"new global::Compiled.Kernels.ELU({Vec.Float(conv.Alpha)})",
            _ => $"default(global::Compiled.Kernels.{conv.Activation})",
        };
    }
}
