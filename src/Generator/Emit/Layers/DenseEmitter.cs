using System.Collections.Generic;
using System.Linq;
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
    internal sealed class DenseEmitter : LayerEmitter
    {
        private const int UnrollLimit = 4;
        private const string Kernels = "global::Compiled.Kernels.DenseKernels";

        public override TrainingBuffers TrainingBuffersFor(LayerContext layer)
        {
            DenseSpec dense = Spec(layer);
            return layer.FusedLoss
                ? new TrainingBuffers(Output: false, PreActivation: true)
                : new TrainingBuffers(Output: true, PreActivation: ActivationCode.NeedsPreActivation(dense.Activation));
        }

        public override void EmitKernels(SourceWriter writer, LayerContext layer)
        {
            // Nothing per layer: the runtime's kernels serve every layer of every network.
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output)
        {
            if (!InlineForward(layer))
            {
                DenseSpec dense = Spec(layer);
                int padded = PaddedOutputs(layer);
                writer.Line($"{Kernels}.Forward({At("k", layer.PackedOffset)}, {At("k", layer.PackedOffset + ((long)layer.Plan.InputSize * padded))}, {padded}, ref {input.Memory}, ref {output.Memory}, {layer.Plan.InputSize}, {layer.Plan.OutputSize}, {ActivationStruct(dense)});{Describe(layer)}");
                if (dense.Activation == Activation.Softmax)
                {
                    writer.Line($"{Support}.Softmax(ref {output.Memory}, {dense.Units});");
                }

                return;
            }

            writer.Scope();
            writer.Comment(Describe(layer).Trim().Substring(3) + ", one sample, " + ForwardSummary(layer, Width(layer, isa), Registers(isa)));
            ForwardBody(writer, layer, Width(layer, isa), Registers(isa), input, output);
            writer.Close();
        }

        public override Vec? RegisterOutputWidth(LayerContext layer, Vec isa)
        {
            Vec v = Width(layer, isa);
            bool fits = InlineForward(layer) && (layer.Plan.OutputSize + v.Lanes - 1) / v.Lanes <= 4 && Spec(layer).Activation != Activation.Softmax;
            return fits ? v : null;
        }

        public override bool AcceptsRegisterInput(LayerContext layer) => InlineForward(layer);

        /// <summary>
        /// Input element <paramref name="index"/> broadcast to every lane of width <paramref name="v"/>: a broadcast load from
        /// memory, or, from vector locals, a constant lane shuffle (narrowed or widened to <paramref name="v"/>).
        /// </summary>
        private static string InputBroadcast(Vec v, Handoff x, string index)
        {
            if (!x.IsRegisters)
            {
                return v.Broadcast($"{Vec.Unsafe}.Add(ref {x.Memory}, {index})");
            }

            Vec from = x.Width!;
            int i = int.Parse(index, System.Globalization.CultureInfo.InvariantCulture);
            string vector = x.Vectors![i / from.Lanes];
            int lane = i % from.Lanes;
            if (from.Lanes < v.Lanes)
            {
                return v.Broadcast($"{from.S}.GetElement({vector}, {lane})");
            }

            string shuffled = $"{from.S}.Shuffle({vector}, {from.S}.Create({lane}))";
            for (Vec width = from; width.Lanes > v.Lanes; width = Vec.FromLanes(width.Lanes / 2))
            {
                shuffled = $"{width.S}.GetLower({shuffled})";
            }

            return shuffled;
        }


        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count)
        {
            DenseSpec dense = Spec(layer);
            writer.Line($"{Kernels}.ForwardBatch({Weight(layer)}, {Bias(layer)}, {PaddedOutputs(layer)}, {x}, {layer.Plan.InputSize}, {y}, {dense.Units}, {layer.Plan.InputSize}, {dense.Units}, {count}, {ActivationStruct(dense)});{Describe(layer)}");
            SoftmaxRows(writer, layer, y, count);
        }

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            TrainingBuffers buffers = TrainingBuffersFor(layer);
            DenseSpec dense = Spec(layer);
            int inputs = layer.Plan.InputSize;
            string common = $"{Weight(layer)}, {Bias(layer)}, {PaddedOutputs(layer)}, {refs.Input}, {inputs}";
            string sizes = $"{dense.Units}, {inputs}, {dense.Units}, {count}";
            if (!buffers.PreActivation)
            {
                writer.Line($"{Kernels}.ForwardBatch({common}, {refs.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}");
                SoftmaxRows(writer, layer, refs.Output!, count);
            }
            else if (buffers.Output)
            {
                writer.Line($"{Kernels}.ForwardBatchTrain({common}, {refs.PreActivation}, {refs.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}");
                SoftmaxRows(writer, layer, refs.Output!, count);
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
            int inputs = layer.Plan.InputSize;
            if (!layer.FusedLoss)
            {
                ActivationBackward(writer, dense, refs.Gradient, refs.Output!, refs.PreActivation, $"{count} * {outputs}", count, outputs);
            }

            string gradients = $"{At("g", layer.Plan.Tensors[0].Offset)}, {At("g", layer.Plan.Tensors[1].Offset)}, {refs.Input}, {refs.Gradient}, {outputs}";
            writer.Line(layer.NeedsInputGradient
                ? $"{Kernels}.BackwardWithInputGradient({At("p", layer.Plan.Tensors[0].Offset)}, {gradients}, {refs.InputGradient}, {inputs}, {outputs}, {count});{Describe(layer)}"
                : $"{Kernels}.Backward({gradients}, {inputs}, {outputs}, {count});{Describe(layer)}");
        }

        /// <summary>
        /// Worth splitting: the first layer (nothing before it needs a gradient), not the last, at least two vectors of
        /// units, and at least 16,384 multiply-adds per sample (smaller layers finish before a hand-over between cores would).
        /// </summary>
        public override bool CanSplitUnits(LayerContext layer) =>
            !layer.IsLast && !layer.NeedsInputGradient && Spec(layer).Units >= 32 && (long)layer.Plan.InputSize * Spec(layer).Units >= 16384;

        public override void EmitSplitPack(SourceWriter writer, LayerContext layer, int begin, int end)
        {
            // Each part's block is contiguous, [inputs, part width]: two cores writing alternate halves of the same rows
            // slow each other down (measured 10x on the development machine), even with no cache line in common.
            int inputs = layer.Plan.InputSize;
            int padded = PaddedOutputs(layer);
            int width = SplitWidth(layer, (begin, end));
            writer.Line($"{Support}.PackTransposed(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[0].Offset + ((long)begin * inputs)}), {end - begin}, {inputs}, ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset + ((long)inputs * begin)}), {width});{Describe(layer)}: rows {begin} to {end - 1} of the weight, as a block [{inputs}, {width}]");
            writer.Line($"{Support}.PackCopy(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[1].Offset + begin}), ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset + ((long)inputs * padded) + begin}), {end - begin});");
        }


        public override void EmitSplitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks)
        {
            // The part's weights are a block [inputs, width] of its own (see EmitSplitPack); its outputs go to its own blocks.
            DenseSpec dense = Spec(layer);
            int inputs = layer.Plan.InputSize;
            int width = SplitWidth(layer, (begin, end));
            string common = $"{At("k", layer.PackedOffset + ((long)inputs * begin))}, {At("k", layer.PackedOffset + ((long)inputs * PaddedOutputs(layer)) + begin)}, {width}, {refs.Input}, {inputs}";
            string sizes = $"{width}, {inputs}, {end - begin}, {count}";
            writer.Line(refs.PreActivation is not null
                ? $"{Kernels}.ForwardBatchTrain({common}, {blocks.PreActivation}, {blocks.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}, part {part}, into its blocks"
                : $"{Kernels}.ForwardBatch({common}, {blocks.Output}, {sizes}, {ActivationStruct(dense)});{Describe(layer)}, part {part}, into its blocks");
        }

        public override void EmitSplitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks)
        {
            // The part's columns of the output gradient are copied into its own block [count, width] first: two cores
            // writing alternate halves of the same rows slow each other down, even with no cache line in common.
            DenseSpec dense = Spec(layer);
            int outputs = dense.Units;
            int inputs = layer.Plan.InputSize;
            int width = SplitWidth(layer, (begin, end));
            string at(string reference) => $"ref {Vec.Unsafe}.Add({reference}, s * {outputs} + {begin})";
            string own(string block) => $"ref {Vec.Unsafe}.Add({block}, s * {width})";
            writer.Line($"for (int s = 0; s < {count}; s++) {Support}.PackCopy({at(refs.Gradient)}, {own(blocks.Gradient)}, {end - begin}); // dL/dy, units {begin} to {end - 1}, into the part's block");
            if (dense.Activation != Activation.Identity)
            {
                string z = ActivationCode.NeedsPreActivation(dense.Activation) ? own(blocks.PreActivation) : own(blocks.Output);
                writer.Line($"for (int s = 0; s < {count}; s++) {Kernels}.ActivationBackward({own(blocks.Gradient)}, {own(blocks.Output)}, {z}, {end - begin}, {ActivationStruct(dense)}); // dL/dz = dL/dy * {dense.Activation}'");
            }

            writer.Line($"{Kernels}.Backward({At("g", layer.Plan.Tensors[0].Offset + ((long)begin * inputs))}, {At("g", layer.Plan.Tensors[1].Offset + begin)}, {refs.Input}, {blocks.Gradient}, {width}, {inputs}, {end - begin}, {count});{Describe(layer)}, part {part}");
        }

        public override void EmitSplitJoin(SourceWriter writer, LayerContext layer, TrainingRefs refs, string count, int begin, int end, SplitBlocks blocks)
        {
            int outputs = layer.Plan.OutputSize;
            int width = SplitWidth(layer, (begin, end));
            writer.Line($"for (int s = 0; s < {count}; s++) {Support}.PackCopy(ref {Vec.Unsafe}.Add({blocks.Output}, s * {width}), ref {Vec.Unsafe}.Add({refs.Output}, s * {outputs} + {begin}), {end - begin}); // layer {layer.Index}'s outputs {begin} to {end - 1}");
        }

        public override int SplitBlockWidth(LayerContext layer, int begin, int end) => SplitWidth(layer, (begin, end));

        /// <summary>The row length of a part's packed block: its units, padded to 16 for the last part.</summary>
        private static int SplitWidth(LayerContext layer, (int Begin, int End) units) =>
            units.End == layer.Plan.OutputSize ? PaddedOutputs(layer) - units.Begin : units.End - units.Begin;


        private static DenseSpec Spec(LayerContext layer) => (DenseSpec)layer.Plan.Spec;

        private static int Registers(Vec isa) => isa.Lanes == 16 ? 32 : 16;
        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: Dense {layer.Plan.InputSize} -> {layer.Plan.OutputSize}, {ActivationCode.Describe(Spec(layer).Activation, Spec(layer).NegativeSlope, Spec(layer).Alpha)}";

        private static string Activate(LayerContext layer, Vec v, string z)
        {
            DenseSpec dense = Spec(layer);
            return ActivationCode.Forward(dense.Activation, dense.NegativeSlope, dense.Alpha, v, z);
        }


        /// <summary><c>ref</c> to element <paramref name="offset"/> of the <c>ref float</c> local <paramref name="local"/>.</summary>
        private static string At(string local, long offset) => offset == 0 ? $"ref {local}" : $"ref {Vec.Unsafe}.Add(ref {local}, {offset})";

        private static string Weight(LayerContext layer) => At("k", layer.PackedOffset);

        private static string Bias(LayerContext layer) => At("k", layer.PackedOffset + ((long)layer.Plan.InputSize * PaddedOutputs(layer)));

        /// <summary>The runtime's activation struct for this layer (Softmax is applied per sample afterwards, so it is the identity here).</summary>
        private static string ActivationStruct(DenseSpec dense) => dense.Activation switch
        {
            Activation.LeakyReLU => $"new global::Compiled.Kernels.LeakyReLU({Vec.Float(dense.NegativeSlope)})",
            Activation.ELU => $"new global::Compiled.Kernels.ELU({Vec.Float(dense.Alpha)})",
            Activation.Softmax => "default(global::Compiled.Kernels.Identity)",
            _ => $"default(global::Compiled.Kernels.{dense.Activation})",
        };

        private static void SoftmaxRows(SourceWriter writer, LayerContext layer, string y, string count)
        {
            int outputs = layer.Plan.OutputSize;
            if (Spec(layer).Activation == Activation.Softmax)
            {
                writer.Line($"for (int s = 0; s < {count}; s++) {Support}.Softmax(ref {Vec.Unsafe}.Add({y}, s * {outputs}), {outputs});");
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

        /// <summary>The packed copy: the weight transposed to [in, outPadded], then the bias padded to outPadded.</summary>
        public override int PackedLength(LayerContext layer) => (layer.Plan.InputSize + 1) * PaddedOutputs(layer);

        public override void EmitPack(SourceWriter writer, LayerContext layer)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            int padded = PaddedOutputs(layer);
            writer.Line($"{Support}.PackTransposed(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[0].Offset}), {outputs}, {inputs}, ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset}), {padded});{Describe(layer)}: weight as [{inputs}, {padded}]");
            writer.Line($"{Support}.PackCopy(ref {Vec.Unsafe}.Add(ref p, {layer.Plan.Tensors[1].Offset}), ref {Vec.Unsafe}.Add(ref k, {layer.PackedOffset + ((long)inputs * padded)}), {outputs});");
        }

        private static int PaddedOutputs(LayerContext layer) => (layer.Plan.OutputSize + 15) / 16 * 16;

        /// <summary>The vector width along the outputs: the path's width, narrowed for layers with few outputs.</summary>
        private static Vec Width(LayerContext layer, Vec isa)
        {
            int outputs = layer.Plan.OutputSize;
            int lanes = outputs <= 4 ? 4 : outputs <= 8 ? 8 : 16;
            return Vec.FromLanes(System.Math.Min(lanes, isa.Lanes));
        }

        private static void PackedRefs(SourceWriter w, LayerContext layer)
        {
            int padded = PaddedOutputs(layer);
            RefLocal(w, "wt", "k", Vec.Int(layer.PackedOffset));
            RefLocal(w, "bt", "k", Vec.Int(layer.PackedOffset + ((long)layer.Plan.InputSize * padded)));
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
                if (plan.Spec is DenseSpec)
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

        private static (int Vectors, int PerBlock, int Groups) ForwardShape(LayerContext layer, Vec v, int registers)
        {
            int inputs = layer.Plan.InputSize;
            int vectors = (layer.Plan.OutputSize + v.Lanes - 1) / v.Lanes;

            // Accumulators: outputs in blocks, inputs in interleaved groups. A small layer is bound by its dependency
            // chains, so it gets up to half the registers; a large one streams its weights from L2 and needs only enough
            // independent chains to cover the multiply-add latency (8: more groups measured slower).
            int budget = InlineForward(layer) ? registers / 2 : 8;
            int perBlock = System.Math.Min(vectors, budget);
            int groups = System.Math.Max(1, System.Math.Min(System.Math.Min(8, inputs), budget / perBlock));
            return (vectors, perBlock, groups);
        }

        private static string ForwardSummary(LayerContext layer, Vec v, int registers)
        {
            (int vectors, int perBlock, int groups) = ForwardShape(layer, v, registers);
            return $"{v.Lanes * 32}-bit: {vectors} output vector(s) in registers ({perBlock} per pass); each input broadcast into its row of the transposed weight, {groups} interleaved input group(s) of accumulators, added, activated";
        }

        /// <summary>The statements of the single-sample forward pass, reading <paramref name="x"/> and writing <paramref name="y"/> (both <c>ref float</c> locals).</summary>
        private static void ForwardBody(SourceWriter w, LayerContext layer, Vec v, int registers, Handoff x, Handoff y)
        {
            DenseSpec dense = Spec(layer);
            (int vectors, int perBlock, int groups) = ForwardShape(layer, v, registers);
            PackedRefs(w, layer);
            for (int first = 0; first < vectors; first += perBlock)
            {
                int count = System.Math.Min(perBlock, vectors - first);
                if (vectors > perBlock)
                {
                    w.Scope();
                }

                ForwardBlock(w, layer, v, first, count, groups, x, y);
                if (vectors > perBlock)
                {
                    w.Close();
                }
            }

            if (dense.Activation == Activation.Softmax)
            {
                w.Line($"{Support}.Softmax(ref {y.Memory}, {dense.Units});");
            }
        }

        private static void ForwardBlock(SourceWriter w, LayerContext layer, Vec v, int first, int count, int groups, Handoff x, Handoff y)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            int padded = PaddedOutputs(layer);
            int column = first * v.Lanes;
            string A(int g, int c) => $"a{g}{c}";
            for (int g = 0; g < groups; g++)
            {
                w.Line($"{v.T} " + string.Join(", ", Range(count).Select(c => $"{A(g, c)} = {(g == 0 ? v.Load("bt", Vec.Int(column + ((long)c * v.Lanes))) : v.Zero)}")) + ";");
            }

            void Step(string i, int used)
            {
                // One reference to this step's rows of the transposed weight, so every load is a constant offset from it.
                bool constant = !i.Any(char.IsLetter);
                if (!constant)
                {
                    RefLocal(w, "row", "wt", Vec.Linear(column, (i, padded)));
                }

                for (int g = 0; g < used; g++)
                {
                    w.Line($"var x{g} = {InputBroadcast(v, x, Vec.Plus(i, g))};");
                    for (int c = 0; c < count; c++)
                    {
                        long offset = ((long)g * padded) + ((long)c * v.Lanes);
                        string load = constant ? v.Load("wt", Vec.Linear(column + offset, (i, padded))) : v.Load("row", Vec.Int(offset));
                        w.Line($"{A(g, c)} = {v.Fma(load, $"x{g}", A(g, c))};");
                    }
                }
            }

            int full = inputs / groups * groups;
            Loop(w, "i", 0, full, groups, x.IsRegisters ? int.MaxValue : UnrollLimit, i => Step(i, groups));
            if (inputs > full)
            {
                w.Scope();
                Step(Vec.Int(full), inputs - full);
                w.Close();
            }

            for (int c = 0; c < count; c++)
            {
                string sum = A(0, c);
                var terms = Range(groups).Select(g => A(g, c)).ToList();
                while (terms.Count > 1)
                {
                    var next = new System.Collections.Generic.List<string>();
                    for (int t = 0; t + 1 < terms.Count; t += 2)
                    {
                        next.Add($"({terms[t]} + {terms[t + 1]})");
                    }

                    if (terms.Count % 2 == 1)
                    {
                        next.Add(terms[terms.Count - 1]);
                    }

                    terms = next;
                }

                int start = column + (c * v.Lanes);
                if (y.IsRegisters)
                {
                    w.Line($"{y.Vectors![first + c]} = {Activate(layer, v, terms[0])};");
                }
                else
                {
                    w.Line($"var o{c} = {Activate(layer, v, terms[0])};");
                    StorePartial(w, v, $"o{c}", System.Math.Min(v.Lanes, outputs - start), y.Memory!, Vec.Int(start));
                }
            }
        }

    }
}
