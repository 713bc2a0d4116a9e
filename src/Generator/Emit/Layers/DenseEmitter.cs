using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// Emits a fully-connected layer, <c>y = f(W x + b)</c> with <c>W</c> stored <c>[out, in]</c> row-major (PyTorch's
    /// layout), for its constant sizes:
    /// <list type="bullet">
    /// <item>forward, one sample, small layers (at most 4,096 weights): written inline by the generator, the outputs in
    /// vector registers, each input broadcast into its row of the transposed weight, handed to the next layer in registers;</item>
    /// <item>every other pass (one sample of a larger layer, batched forward, training forward, backward, activation
    /// backward): a call into the runtime's tuned kernels (<c>Compiled.Kernels.DenseKernels</c>) with constant sizes,
    /// one generic body that the JIT specialises per vector width and activation, shared by every layer and network.</item>
    /// </list>
    /// </summary>
    internal sealed class DenseEmitter : LayerEmitter, IRegisterHandoff, ISplitUnits, IStreamingLayer, IFoldsNormalization
    {
        private const string Kernels = "global::Compiled.Kernels.DenseKernels";

        /// <summary>
        /// The output, and the pre-activation where the activation's derivative needs it; with a fused loss, only the
        /// logits (the loss applies the activation).
        /// </summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer)
        {
            int units = layer.Plan.OutputSize; // per sample: a sequence's every step
            if (layer.FusedLoss)
            {
                return new[] { new SavedValue(ValueKind.PreActivation, units) };
            }

            return ActivationCode.NeedsPreActivation(Spec(layer).Activation)
                ? new[] { new SavedValue(ValueKind.Output, units), new SavedValue(ValueKind.PreActivation, units) }
                : new[] { new SavedValue(ValueKind.Output, units) };
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output)
        {
            if (layer.Plan.Input.IsSequence)
            {
                EmitForwardBatch(writer, layer, isa, "ref " + input.Memory, "ref " + output.Memory, "1");
                return;
            }

            if (!InlineForward(layer))
            {
                DenseSpec dense = Spec(layer);
                int padded = PaddedOutputs(layer);
                writer.Line(PanelLength(layer) > 0
                    ? $"{Kernels}.ForwardPanels({InferenceWeight(layer)}, {InferenceBias(layer)}, {padded}, {At("q", layer.PanelOffset)}, ref {input.Memory}, ref {output.Memory}, {Inputs(layer)}, {Units(layer)}, {InferenceActivation(layer)});{DescribeInference(layer)}, over its panels"
                    : $"{Kernels}.Forward({InferenceWeight(layer)}, {InferenceBias(layer)}, {padded}, ref {input.Memory}, ref {output.Memory}, {Inputs(layer)}, {Units(layer)}, {InferenceActivation(layer)});{DescribeInference(layer)}");
                if (dense.Activation == Activation.Softmax)
                {
                    writer.Line($"{Support}.Softmax(ref {output.Memory}, {dense.Units});");
                }

                return;
            }

            writer.Scope();
            MatVec product = Product(layer);
            writer.Comment(DescribeInference(layer).Trim().Substring(3) + ", one sample, " + InlineMatVec.Summary(product, Width(layer, isa), Registers(isa)));
            InlineMatVec.Write(writer, product, Width(layer, isa), Registers(isa), input, output);
            writer.Close();
        }

        public Vec? RegisterOutputWidth(LayerContext layer, Vec isa)
        {
            Vec v = Width(layer, isa);
            bool fits = InlineForward(layer) && (Units(layer) + v.Lanes - 1) / v.Lanes <= 4 && Spec(layer).Activation != Activation.Softmax;
            return fits ? v : null;
        }

        public bool AcceptsRegisterInput(LayerContext layer) => InlineForward(layer);

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count)
        {
            DenseSpec dense = Spec(layer);
            writer.Line($"{Kernels}.ForwardBatch({InferenceWeight(layer)}, {InferenceBias(layer)}, {PaddedOutputs(layer)}, {x}, {Inputs(layer)}, {y}, {dense.Units}, {Inputs(layer)}, {dense.Units}, {Rows(layer, count)}, {InferenceActivation(layer)});{DescribeInference(layer)}");
            SoftmaxRows(writer, layer, y, Rows(layer, count));
        }

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            IReadOnlyList<SavedValue> saved = SavedValues(layer);
            bool storesOutput = saved.Any(v => v.Kind == ValueKind.Output);
            bool storesPre = saved.Any(v => v.Kind == ValueKind.PreActivation);
            DenseSpec dense = Spec(layer);
            int inputs = Inputs(layer);
            string common = $"{Weight(layer)}, {Bias(layer)}, {PaddedOutputs(layer)}, {refs.Input}, {inputs}";
            string sizes = $"{dense.Units}, {inputs}, {dense.Units}, {Rows(layer, count)}";
            if (!storesPre)
            {
                writer.Line($"{Kernels}.ForwardBatch({common}, {refs.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}");
                SoftmaxRows(writer, layer, refs.Output!, Rows(layer, count));
            }
            else if (storesOutput)
            {
                writer.Line($"{Kernels}.ForwardBatchTrain({common}, {refs.PreActivation}, {refs.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}");
                SoftmaxRows(writer, layer, refs.Output!, Rows(layer, count));
            }
            else
            {
                writer.Line($"{Kernels}.ForwardBatchLogits({common}, {refs.PreActivation}, {sizes});{Describe(layer)}: logits only, the loss applies the activation");
            }
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            DenseSpec dense = Spec(layer);
            int outputs = dense.Units;
            int inputs = Inputs(layer);
            if (!layer.FusedLoss)
            {
                ActivationBackward(writer, dense, refs.Gradient, refs.Output!, refs.PreActivation, $"{count} * {layer.Plan.OutputSize}", Rows(layer, count), outputs);
            }

            string gradients = $"{At("g", layer.Plan.Tensors[0].Offset)}, {At("g", layer.Plan.Tensors[1].Offset)}, {refs.Input}, {refs.Gradient}, {outputs}";
            writer.Line(layer.NeedsInputGradient
                ? $"{Kernels}.BackwardWithInputGradient({At("p", layer.Plan.Tensors[0].Offset)}, {gradients}, {refs.InputGradient}, {inputs}, {outputs}, {Rows(layer, count)});{Describe(layer)}"
                : $"{Kernels}.Backward({gradients}, {inputs}, {outputs}, {Rows(layer, count)});{Describe(layer)}");
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Support}.DenseInputGradient({At("p", layer.Plan.Tensors[0].Offset)}, {refs.Gradient}, {refs.InputGradient}, {Inputs(layer)}, {Units(layer)}, {Rows(layer, count)});{Describe(layer)}: dL/dx = dz W");

        /// <summary>
        /// Worth splitting: the first layer (nothing before it needs a gradient), not the last, at least two vectors of
        /// units, and at least 16,384 multiply-adds per sample (smaller layers finish before a hand-over between cores would).
        /// </summary>
        public bool CanSplitUnits(LayerContext layer) =>
            !layer.Plan.Input.IsSequence && !layer.IsLast && !layer.NeedsInputGradient && Spec(layer).Units >= 32 && (long)Inputs(layer) * Spec(layer).Units >= 16384;

        public void EmitSplitPack(SourceWriter writer, LayerContext layer, int begin, int end)
        {
            // Each part's block is contiguous, [inputs, part width]: two cores writing alternate halves of the same rows
            // slow each other down (measured 10x on the development machine), even with no cache line in common.
            int inputs = Inputs(layer);
            int padded = PaddedOutputs(layer);
            int width = SplitWidth(layer, (begin, end));
            // The lowest part reads its rows from the last (the same result): see EmitSplitBackward.
            string pack = begin == 0 && end < Units(layer) ? "PackTransposedRowsDescending" : "PackTransposed";
            writer.Line($"{Support}.{pack}(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[0].Offset + ((long)begin * inputs)}), {end - begin}, {inputs}, ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset + ((long)inputs * begin)}), {width});{Describe(layer)}: rows {begin} to {end - 1} of the weight, as a block [{inputs}, {width}]");
            writer.Line($"{Support}.PackCopy(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[1].Offset + begin}), ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset + ((long)inputs * padded) + begin}), {end - begin});");
        }


        public void EmitSplitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks)
        {
            // The part's weights are a block [inputs, width] of its own (see EmitSplitPack); its outputs go to its own blocks.
            DenseSpec dense = Spec(layer);
            int inputs = Inputs(layer);
            int width = SplitWidth(layer, (begin, end));
            string common = $"{At("k", layer.PackedOffset + ((long)inputs * begin))}, {At("k", layer.PackedOffset + ((long)inputs * PaddedOutputs(layer)) + begin)}, {width}, {refs.Input}, {inputs}";
            string sizes = $"{width}, {inputs}, {end - begin}, {count}";
            writer.Line(refs.PreActivation is not null
                ? $"{Kernels}.ForwardBatchTrain({common}, {blocks.PreActivation}, {blocks.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}, part {part}, into its blocks"
                : $"{Kernels}.ForwardBatch({common}, {blocks.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}, part {part}, into its blocks");
        }

        public void EmitSplitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks)
        {
            // The part's columns of the output gradient are copied into its own block [count, width] first: two cores
            // writing alternate halves of the same rows slow each other down, even with no cache line in common.
            DenseSpec dense = Spec(layer);
            int outputs = dense.Units;
            int inputs = Inputs(layer);
            int width = SplitWidth(layer, (begin, end));
            string at(string reference) => $"ref {Vec.Unsafe}.Add({reference}, s * {outputs} + {begin})";
            string own(string block) => $"ref {Vec.Unsafe}.Add({block}, s * {width})";
            writer.Line($"for (int s = 0; s < {count}; s++) {Support}.PackCopy({at(refs.Gradient)}, {own(blocks.Gradient)}, {end - begin}); // dL/dy, units {begin} to {end - 1}, into the part's block");
            if (dense.Activation != Activation.Identity)
            {
                string z = ActivationCode.NeedsPreActivation(dense.Activation) ? own(blocks.PreActivation) : own(blocks.Output);
                writer.Line($"for (int s = 0; s < {count}; s++) {Kernels}.ActivationBackward({own(blocks.Gradient)}, {own(blocks.Output)}, {z}, {end - begin}, {ActivationStruct(dense)}); // dL/dz = dL/dy * {dense.Activation}'");
            }

            // The lowest part walks its rows of the weight gradient downwards (BackwardRowsDescending, the same bits): its core's
            // prefetcher then runs away from the rows the part above is writing on the other core, not into them.
            string kernel = begin == 0 && end < outputs ? "BackwardRowsDescending" : "Backward";
            writer.Line($"{Kernels}.{kernel}({At("g", layer.Plan.Tensors[0].Offset + ((long)begin * inputs))}, {At("g", layer.Plan.Tensors[1].Offset + begin)}, {refs.Input}, {blocks.Gradient}, {width}, {inputs}, {end - begin}, {count});{Describe(layer)}, part {part}{(begin == 0 && end < outputs ? ", rows from the last" : string.Empty)}");
        }

        public void EmitSplitJoin(SourceWriter writer, LayerContext layer, TrainingRefs refs, string count, int begin, int end, SplitBlocks blocks)
        {
            int outputs = Units(layer);
            int width = SplitWidth(layer, (begin, end));
            writer.Line($"for (int s = 0; s < {count}; s++) {Support}.PackCopy(ref {Vec.Unsafe}.Add({blocks.Output}, s * {width}), ref {Vec.Unsafe}.Add({refs.Output}, s * {outputs} + {begin}), {end - begin}); // layer {layer.Index}'s outputs {begin} to {end - 1}");
        }

        public int SplitBlockWidth(LayerContext layer, int begin, int end) => SplitWidth(layer, (begin, end));

        /// <summary>The row length of a part's packed block: its units, padded to 16 for the last part.</summary>
        private static int SplitWidth(LayerContext layer, (int Begin, int End) units) =>
            units.End == Units(layer) ? PaddedOutputs(layer) - units.Begin : units.End - units.Begin;


        private static DenseSpec Spec(LayerContext layer) => (DenseSpec)layer.Plan.Spec;

        /// <summary>Per step after a sequence (nn.Linear on the last dimension), or on the vector a recurrent layer's last step leaves.</summary>
        public bool CanStep(LayerContext layer) => true;

        public int StepOutputSize(LayerContext layer) => Units(layer);

        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state)
        {
            DenseSpec dense = Spec(layer);
            if (dense.Units <= 4 && (long)Inputs(layer) * dense.Units <= InlineLayerWeights)
            {
                // At most 4 outputs: one 128-bit vector on every path, so a single inline copy (the real-time heads, a
                // GRU's Dense(16 -> 1)) instead of three calls into the kernel.
                writer.Scope();
                MatVec product = Product(layer);
                writer.Comment(DescribeInference(layer).Trim().Substring(3) + ", one step, " + InlineMatVec.Summary(product, Vec.W4, 16));
                writer.Line($"ref float xs = {x}; // this step's input");
                writer.Line($"ref float ys = {y};");
                InlineMatVec.Write(writer, product, Vec.W4, 16, Handoff.InMemory("xs"), Handoff.InMemory("ys"));
                writer.Close();
                return;
            }

            writer.Line($"{Kernels}.Forward({InferenceWeight(layer)}, {InferenceBias(layer)}, {PaddedOutputs(layer)}, {x}, {y}, {Inputs(layer)}, {dense.Units}, {InferenceActivation(layer)});{DescribeInference(layer)}, one step: the single-sample kernel");
            SoftmaxRows(writer, layer, y, "1");
        }

        /// <summary>The inputs of one row: the last dimension (a sequence's features per step, else the whole vector).</summary>
        private static int Inputs(LayerContext layer) => layer.Plan.Input.Dimensions[layer.Plan.Input.Rank - 1];

        private static int Units(LayerContext layer) => Spec(layer).Units;

        /// <summary>The rows of <paramref name="count"/> samples: one per sample, or one per step of a sequence (nn.Linear on the last dimension).</summary>
        private static string Rows(LayerContext layer, string count) =>
            layer.Plan.Input.IsSequence ? $"{count} * {layer.Plan.Input.Steps}" : count;

        private static int Registers(Vec isa) => isa.Lanes == 16 ? 32 : 16;
        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: Dense {Inputs(layer)} -> {Units(layer)}{(layer.Plan.Input.IsSequence ? $" per step of {layer.Plan.Input.Steps}" : string.Empty)}, {ActivationCode.Describe(Spec(layer).Activation, Spec(layer).NegativeSlope, Spec(layer).Alpha)}";



        private static string Weight(LayerContext layer) => At("k", layer.PackedOffset);

        /// <summary>Where inference's packed weight starts: the folded copy after the training one when a batch normalisation is folded in.</summary>
        private static long InferenceOffset(LayerContext layer) => layer.PackedOffset + (layer.Fold is null ? 0 : NormalPackedLength(layer));

        private static string InferenceWeight(LayerContext layer) => At("k", InferenceOffset(layer));

        private static string InferenceBias(LayerContext layer) => At("k", InferenceOffset(layer) + ((long)Inputs(layer) * PaddedOutputs(layer)));

        /// <summary>Inference's activation: the layer's own, or with a fold the fused activation layer's (Identity without one).</summary>
        private static string InferenceActivation(LayerContext layer) => layer.Fold is { } fold
            ? ActivationCode.Struct(fold.FusedActivation, fold.NegativeSlope, fold.Alpha)
            : ActivationStruct(Spec(layer));

        /// <summary>The comment of an inference call: the layer, and what is folded into it.</summary>
        private static string DescribeInference(LayerContext layer) =>
            layer.Fold is { } fold ? $"{Describe(layer)}; {fold.Describe}" : Describe(layer);

        public bool CanFoldNormalization(LayerContext layer) => Spec(layer).Activation == Activation.Identity && !layer.Plan.Input.IsSequence;

        public void EmitFoldedPack(SourceWriter writer, LayerContext layer, string scaleShift) =>
            writer.Line($"global::Compiled.Kernels.BatchNormKernels.Fold({Weight(layer)}, {InferenceWeight(layer)}, {scaleShift}, 1, {Inputs(layer)}, {Units(layer)}, {PaddedOutputs(layer)});{Describe(layer)}: the inference copy, {layer.Fold!.Describe}");

        private static string Bias(LayerContext layer) => At("k", layer.PackedOffset + ((long)Inputs(layer) * PaddedOutputs(layer)));

        /// <summary>The runtime's activation struct for this layer (Softmax is applied per sample afterwards, so it is the identity here).</summary>
        private static string ActivationStruct(DenseSpec dense) => dense.Activation switch
        {
            Activation.LeakyReLU => $"new global::Compiled.Kernels.LeakyReLU({Vec.Float(dense.NegativeSlope)})",
            Activation.ELU => $"new global::Compiled.Kernels.ELU({Vec.Float(dense.Alpha)})",
            Activation.Softmax => "default(global::Compiled.Kernels.Identity)",
            _ => $"default(global::Compiled.Kernels.{dense.Activation})",
        };

        /// <summary>Softmax over each of <paramref name="rows"/> rows of the units (a sample, or one step of a sequence).</summary>
        private static void SoftmaxRows(SourceWriter writer, LayerContext layer, string y, string rows)
        {
            int outputs = Units(layer);
            if (Spec(layer).Activation == Activation.Softmax)
            {
                writer.Line($"for (int s = 0; s < {rows}; s++) {Support}.Softmax(ref {Vec.Unsafe}.Add({y}, s * {outputs}), {outputs});");
            }
        }

        /// <summary>dL/dz = dL/dy * f'(z) in place over the chunk (Softmax: its Jacobian, per sample).</summary>
        private static void ActivationBackward(SourceWriter writer, DenseSpec dense, string gradient, string output, string? pre, string length, string count, int outputs)
        {
            if (dense.Activation == Activation.Softmax)
            {
                writer.Line($"for (int s = 0; s < {count}; s++) {Support}.SoftmaxBackward(ref {Vec.Unsafe}.Add({output}, s * {outputs}), ref {Vec.Unsafe}.Add({gradient}, s * {outputs}), {outputs}); // Softmax Jacobian, per sample");
            }
            else if (dense.Activation != Activation.Identity)
            {
                string z = ActivationCode.NeedsPreActivation(dense.Activation) ? pre! : output;
                writer.Line($"{Kernels}.ActivationBackward({gradient}, {output}, {z}, {length}, {ActivationStruct(dense)}); // dL/dz = dL/dy * {dense.Activation}'");
            }
        }

        // ------------------------------------------------------------------ packing

        /// <summary>
        /// The runtime's one-sample kernel streams a layer's weight in column panels of 8 or 16 output vectors (32 to 256
        /// floats, by the machine's vector width and register count, <c>DenseKernels.PanelWidth</c>) when the weight is
        /// larger than L1 (more than 8,192 floats, the runtime's <c>DenseKernels.ChunkedWeightFloats</c>) and wider than the
        /// narrowest panel: such layers get a panelled copy.
        /// </summary>
        public override int PanelLength(LayerContext layer)
        {
            int padded = PaddedOutputs(layer);
            long weights = (long)Inputs(layer) * padded;
            return !layer.Plan.Input.IsSequence && !InlineForward(layer) && padded > 32 && weights > 8192 ? (int)weights : 0;
        }

        public override void EmitPanelPack(SourceWriter writer, LayerContext layer)
        {
            if (PanelLength(layer) > 0)
            {
                writer.Line($"{Kernels}.PackPanels({InferenceWeight(layer)}, {PaddedOutputs(layer)}, {At("q", layer.PanelOffset)}, {Inputs(layer)}, {Units(layer)});{DescribeInference(layer)}: its inference weight in column panels");
            }
        }

        /// <summary>The packed copy: the weight transposed to [in, outPadded], then the bias padded to outPadded.</summary>
        public override int PackedLength(LayerContext layer) => NormalPackedLength(layer) * (layer.Fold is null ? 1 : 2);

        /// <summary>The training (and, without a fold, inference) packed copy; a fold adds a second of the same layout.</summary>
        private static int NormalPackedLength(LayerContext layer) => (Inputs(layer) + 1) * PaddedOutputs(layer);

        public override void EmitPack(SourceWriter writer, LayerContext layer)
        {
            int inputs = Inputs(layer);
            int outputs = Units(layer);
            int padded = PaddedOutputs(layer);
            writer.Line($"{Support}.PackTransposed(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[0].Offset}), {outputs}, {inputs}, ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset}), {padded});{Describe(layer)}: weight as [{inputs}, {padded}]");
            writer.Line($"{Support}.PackCopy(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[1].Offset}), ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset + ((long)inputs * padded)}), {outputs});");
        }

        private static int PaddedOutputs(LayerContext layer) => (Units(layer) + 15) / 16 * 16;

        /// <summary>The vector width along the outputs: the path's width, narrowed for layers with few outputs.</summary>
        private static Vec Width(LayerContext layer, Vec isa)
        {
            int outputs = Units(layer);
            int lanes = outputs <= 4 ? 4 : outputs <= 8 ? 8 : 16;
            return Vec.FromLanes(System.Math.Min(lanes, isa.Lanes));
        }

        /// <summary>This layer's one-sample product, for the inline writer: the packed weight and bias in <c>k</c>.</summary>
        private static MatVec Product(LayerContext layer)
        {
            DenseSpec dense = Spec(layer);
            int padded = PaddedOutputs(layer);
            long offset = InferenceOffset(layer);
            return layer.Fold is { } fold
                ? new MatVec(Inputs(layer), dense.Units, padded, offset, offset + ((long)Inputs(layer) * padded), fold.FusedActivation, fold.NegativeSlope, fold.Alpha)
                : new MatVec(Inputs(layer), dense.Units, padded, offset, offset + ((long)Inputs(layer) * padded), dense.Activation, dense.NegativeSlope, dense.Alpha);
        }

        // ------------------------------------------------------------------ forward, one sample

        /// <summary>The most weights a layer may have to be written inline.</summary>
        private const int InlineLayerWeights = 4096;

        /// <summary>
        /// The most weights of all inline layers of one network together: unrolled code is written once per vector width,
        /// and every line of it is compiled on every build of the user's project, so a deep stack of small layers is written
        /// inline only up to this budget (its first layers) and the rest calls the runtime's kernel.
        /// </summary>
        private const int InlineNetworkWeights = 8192;

        /// <summary>
        /// Small layers' single-sample code is written straight into the forward pass (the generator unrolls it and hands
        /// activations over in registers, which is what a batch-1 forward of a small network needs); the others call the
        /// runtime's one-sample kernel. A layer is inline when it has at most 4,096 weights and it and the inline layers
        /// before it have at most 8,192 together.
        /// </summary>
        private static bool InlineForward(LayerContext layer)
        {
            long total = 0;
            foreach (Shapes.LayerPlan plan in layer.Network.Layers)
            {
                if (plan.Spec is DenseSpec && !plan.Input.IsSequence)
                {
                    long weights = (long)plan.InputSize * plan.OutputSize;
                    if (weights <= InlineLayerWeights)
                    {
                        total += weights;
                    }

                    if (plan.Index == layer.Index)
                    {
                        return weights <= InlineLayerWeights && total <= InlineNetworkWeights;
                    }
                }
            }

            return false;
        }

    }
}
