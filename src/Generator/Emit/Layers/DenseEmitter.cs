using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Model.Layers;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// Emits a fully-connected layer, <c>y = f(W x + b)</c> with <c>W</c> stored <c>[out, in]</c> row-major (PyTorch's
    /// layout), for its constant sizes. Every kernel runs over the contiguous rows of <c>W</c>:
    /// <list type="bullet">
    /// <item>forward, one sample: blocks of one vector's worth of rows, one accumulator per row, reduced together by a
    /// transpose-add (<c>SimdMath.Sum16</c>) into one vector of outputs; bias and activation fused;</item>
    /// <item>forward, batched: register tiles of (lanes / 4) samples by 4 rows, reduced the same way;</item>
    /// <item>backward: weight gradient in tiles of 4 rows by several column vectors accumulated over the samples, input
    /// gradient in tiles of 4 samples by several column vectors accumulated over the rows.</item>
    /// </list>
    /// Loops over the input dimension end in one overlapping vector (masked where a lane must not count twice), so no
    /// kernel reads outside the rows it owns.
    /// </summary>
    internal sealed class DenseEmitter : LayerEmitter
    {
        private const int UnrollLimit = 4;

        public override TrainingBuffers TrainingBuffersFor(LayerContext layer)
        {
            DenseSpec dense = Spec(layer);
            return layer.FusedLoss
                ? new TrainingBuffers(Output: false, PreActivation: true)
                : new TrainingBuffers(Output: true, PreActivation: ActivationCode.NeedsPreActivation(dense.Activation));
        }

        public override void EmitKernels(SourceWriter writer, LayerContext layer)
        {
            DenseSpec dense = Spec(layer);
            TrainingBuffers buffers = TrainingBuffersFor(layer);
            var forwardWidths = new System.Collections.Generic.HashSet<int>();
            foreach (Vec isa in new[] { Vec.W16, Vec.W8, Vec.W4 })
            {
                // 512-bit code has 32 vector registers to tile with; 256- and 128-bit code (AVX2, Arm64 NEON) 16.
                Vec v = Width(layer, isa);
                int registers = Registers(isa);
                if (!forwardWidths.Add((v.Lanes * 100) + registers))
                {
                    continue;
                }

                if (!InlineForward(layer))
                {
                    EmitForwardKernel(writer, layer, v, registers, ForwardName(layer, "Forward", isa));
                }

                EmitBatchKernel(writer, layer, v, registers, ForwardName(layer, "ForwardBatch", isa), storeZ: false, storeY: true);
                if (buffers.PreActivation)
                {
                    EmitBatchKernel(writer, layer, v, registers, ForwardName(layer, buffers.Output ? "TrainForward" : "Logits", isa), storeZ: true, storeY: buffers.Output);
                }
            }

            foreach (Vec v in layer.Widths)
            {
                EmitBackwardKernel(writer, layer, v);
            }

            if (!layer.FusedLoss && dense.Activation != Activation.Identity && dense.Activation != Activation.Softmax)
            {
                foreach (Vec v in new[] { Vec.W16, Vec.W8, Vec.W4 })
                {
                    EmitActivationBackwardKernel(writer, layer, v);
                }
            }
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output)
        {
            if (!InlineForward(layer))
            {
                writer.Line($"{ForwardName(layer, "Forward", isa)}(ref k, ref {input.Memory}, ref {output.Memory});{Describe(layer)}");
                return;
            }

            writer.Scope();
            writer.Comment(Describe(layer).Trim().Substring(3) + "\n" + ForwardSummary(layer, Width(layer, isa), Registers(isa)));
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

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            writer.Line($"{ForwardName(layer, "ForwardBatch", isa)}(ref k, {x}, {y}, {count});{Describe(layer)}");

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            TrainingBuffers buffers = TrainingBuffersFor(layer);
            Vec v = Width(layer, isa);
            if (!buffers.PreActivation)
            {
                writer.Line($"{ForwardName(layer, "ForwardBatch", isa)}(ref k, {refs.Input}, {refs.Output}, {count});{Describe(layer)}");
            }
            else if (buffers.Output)
            {
                writer.Line($"{ForwardName(layer, "TrainForward", isa)}(ref k, {refs.Input}, {refs.PreActivation}, {refs.Output}, {count});{Describe(layer)}");
            }
            else
            {
                writer.Line($"{ForwardName(layer, "Logits", isa)}(ref k, {refs.Input}, {refs.PreActivation}, {count});{Describe(layer)}: logits only, the loss applies the activation");
            }
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            DenseSpec dense = Spec(layer);
            int outputs = dense.Units;
            if (!layer.FusedLoss)
            {
                if (dense.Activation == Activation.Softmax)
                {
                    writer.Line($"for (int s = 0; s < {count}; s++) {Support}.SoftmaxBackward(ref {Vec.Unsafe}.Add({refs.Output}, s * {outputs}), ref {Vec.Unsafe}.Add({refs.Gradient}, s * {outputs}), {outputs}); // Softmax Jacobian, per sample");
                }
                else if (dense.Activation != Activation.Identity)
                {
                    string z = ActivationCode.NeedsPreActivation(dense.Activation) ? $", {refs.PreActivation}" : string.Empty;
                    writer.Line($"{Name(layer, "ActivationBackward", isa)}({refs.Gradient}, {refs.Output}{z}, {count} * {outputs}); // dL/dz = dL/dy * {dense.Activation}'");
                }
            }

            string dx = layer.NeedsInputGradient ? $", {refs.InputGradient}" : string.Empty;
            writer.Line($"{Name(layer, "Backward", Vec.For(layer.Plan.InputSize, isa.Lanes))}(ref p, ref g, {refs.Input}, {refs.Gradient}{dx}, {count});{Describe(layer)}");
        }

        /// <summary>
        /// Worth splitting: the first layer (nothing before it needs a gradient), not the last, at least two vectors of
        /// units, and at least 16,384 multiply-adds per sample (smaller layers finish before a hand-over between cores would).
        /// </summary>
        public override bool CanSplitUnits(LayerContext layer) =>
            !layer.IsLast && !layer.NeedsInputGradient && Spec(layer).Units >= 32 && (long)layer.Plan.InputSize * Spec(layer).Units >= 16384;

        public override void EmitSplitKernels(SourceWriter writer, LayerContext layer, IReadOnlyList<int> boundaries)
        {
            TrainingBuffers buffers = TrainingBuffersFor(layer);
            for (int part = 0; part + 1 < boundaries.Count; part++)
            {
                (int Begin, int End) units = (boundaries[part], boundaries[part + 1]);
                var forwardWidths = new System.Collections.Generic.HashSet<int>();
                foreach (Vec isa in new[] { Vec.W16, Vec.W8, Vec.W4 })
                {
                    Vec v = Width(layer, isa);
                    int registers = Registers(isa);
                    if (forwardWidths.Add((v.Lanes * 100) + registers))
                    {
                        EmitBatchKernel(writer, layer, v, registers, SplitForwardName(layer, part, isa), storeZ: buffers.PreActivation, storeY: true, units);
                    }
                }

                foreach (Vec v in layer.Widths)
                {
                    EmitBackwardKernel(writer, layer, v, part, units.Begin, units.End);
                }
            }
        }

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

        public override void EmitSplitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, SplitBlocks blocks)
        {
            string z = refs.PreActivation is not null ? $", {blocks.PreActivation}" : string.Empty;
            writer.Line($"{SplitForwardName(layer, part, isa)}(ref k, {refs.Input}{z}, {blocks.Output}, {count});{Describe(layer)}, part {part}, into its blocks");
        }

        public override void EmitSplitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks)
        {
            // The part's columns of the output gradient are copied into its own block [count, width] first: two cores
            // writing alternate halves of the same rows slow each other down, even with no cache line in common.
            DenseSpec dense = Spec(layer);
            int outputs = dense.Units;
            int width = SplitWidth(layer, (begin, end));
            string at(string reference) => $"ref {Vec.Unsafe}.Add({reference}, s * {outputs} + {begin})";
            string own(string block) => $"ref {Vec.Unsafe}.Add({block}, s * {width})";
            writer.Line($"for (int s = 0; s < {count}; s++) {Support}.PackCopy({at(refs.Gradient)}, {own(blocks.Gradient)}, {end - begin}); // dL/dy, units {begin} to {end - 1}, into the part's block");
            if (dense.Activation != Activation.Identity)
            {
                string z = ActivationCode.NeedsPreActivation(dense.Activation) ? $", {own(blocks.PreActivation)}" : string.Empty;
                writer.Line($"for (int s = 0; s < {count}; s++) {Name(layer, "ActivationBackward", isa)}({own(blocks.Gradient)}, {own(blocks.Output)}{z}, {end - begin}); // dL/dz = dL/dy * {dense.Activation}'");
            }

            writer.Line($"Layer{layer.Index}BackwardPart{part}_{Vec.For(layer.Plan.InputSize, isa.Lanes).Lanes}(ref g, {refs.Input}, {blocks.Gradient}, {count});{Describe(layer)}, part {part}");
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

        private static string SplitForwardName(LayerContext layer, int part, Vec isa)
        {
            Vec path = isa == Vec.W4 && Width(layer, Vec.W8) == Vec.W4 ? Vec.W8 : isa;
            return $"Layer{layer.Index}TrainForwardPart{part}_{path.Lanes * 32}";
        }

        private static DenseSpec Spec(LayerContext layer) => (DenseSpec)layer.Plan.Spec;

        private static int Registers(Vec isa) => isa.Lanes == 16 ? 32 : 16;

        private static string Name(LayerContext layer, string what, Vec v) => $"Layer{layer.Index}{what}{v.Lanes}";

        /// <summary>
        /// Forward kernels are named by the SIMD path they serve (512, 256 or 128 bits); the 128-bit path shares the 256-bit
        /// kernel when both would be the same code (a layer of at most 4 outputs).
        /// </summary>
        private static string ForwardName(LayerContext layer, string what, Vec isa)
        {
            Vec path = isa == Vec.W4 && Width(layer, Vec.W8) == Vec.W4 ? Vec.W8 : isa;
            return $"Layer{layer.Index}{what}{path.Lanes * 32}";
        }

        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: Dense {layer.Plan.InputSize} -> {layer.Plan.OutputSize}, {ActivationCode.Describe(Spec(layer).Activation, Spec(layer).NegativeSlope, Spec(layer).Alpha)}";

        private static string Activate(LayerContext layer, Vec v, string z)
        {
            DenseSpec dense = Spec(layer);
            return ActivationCode.Forward(dense.Activation, dense.NegativeSlope, dense.Alpha, v, z);
        }

        private static void WeightAndBias(SourceWriter w, LayerContext layer, string parameters, string weightName, string biasName, bool weight = true, bool bias = true)
        {
            if (weight)
            {
                RefLocal(w, weightName, parameters, Vec.Int(layer.Plan.Tensors[0].Offset));
            }

            if (bias)
            {
                RefLocal(w, biasName, parameters, Vec.Int(layer.Plan.Tensors[1].Offset));
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

        /// <summary>
        /// Small layers' single-sample code is written straight into the forward pass (the generator inlines it, so nothing
        /// depends on the JIT's inlining budget); larger layers get a kernel method.
        /// </summary>
        private static bool InlineForward(LayerContext layer) => (long)layer.Plan.InputSize * layer.Plan.OutputSize <= 4096;

        private static void EmitForwardKernel(SourceWriter w, LayerContext layer, Vec v, int registers, string name)
        {
            w.Line();
            w.Summary(ForwardSummary(layer, v, registers));
            w.Line(Optimize);
            w.Open($"private static void {name}(ref float k, ref float x, ref float y)");
            ForwardBody(w, layer, v, registers, Handoff.InMemory("x"), Handoff.InMemory("y"));
            w.Close();
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
            return $"Layer {layer.Index}, one sample, {v.Lanes * 32}-bit: the outputs are {vectors} vector(s) kept in registers ({perBlock} per pass over the packed\n" +
                $"weight); each input is broadcast and multiplied into its row of the transposed weight, over {groups} interleaved group(s) of inputs\n" +
                "so that enough independent accumulators are in flight; the groups are added, the activation applied, the block stored.";
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

        // ------------------------------------------------------------------ forward, batched

        private static void EmitBatchKernel(SourceWriter w, LayerContext layer, Vec v, int registers, string name, bool storeZ, bool storeY, (int Begin, int End)? units = null)
        {
            DenseSpec dense = Spec(layer);
            int inputs = layer.Plan.InputSize;
            int outputs = dense.Units;
            int firstVector = units is { } u0 ? u0.Begin / v.Lanes : 0;
            int endVector = units is { } u1 ? (u1.End + v.Lanes - 1) / v.Lanes : (outputs + v.Lanes - 1) / v.Lanes;
            int vectors = endVector - firstVector;
            int perBlock = System.Math.Min(vectors, 4);
            int samples = System.Math.Min(8, (registers == 32 ? 24 : 8) / perBlock);
            w.Line();
            string stores = storeZ && storeY ? "pre-activations to z and outputs to y" : storeZ ? "pre-activations (logits) to z" : "outputs to y";
            string part = units is { } u ? $" Only outputs {u.Begin} to {u.End - 1} (one thread's part of the layer; see ISplitTraining), read from and written to the part's own blocks [.., {SplitWidth(layer, u)}]." : string.Empty;
            w.Summary(
                $"Layer {layer.Index}, <paramref name=\"count\"/> samples, {v.Lanes * 32}-bit: register tiles of {samples} sample(s) x {perBlock * v.Lanes} outputs\n" +
                $"({samples * perBlock} accumulators); for each input, {perBlock} vector(s) of the transposed weight row meet the broadcast input of every\n" +
                $"sample in the tile. The remaining samples go one at a time. Writes {stores}.{part}");
            string zParameter = storeZ ? ", ref float z" : string.Empty;
            string yParameter = storeY ? ", ref float y" : string.Empty;
            w.Line(Optimize);
            w.Open($"private static void {name}(ref float k, ref float x{zParameter}{yParameter}, int count)");
            if (units is { } own)
            {
                // Split training packs each part's columns as its own block [inputs, part width] (see EmitSplitPack).
                RefLocal(w, "wt", "k", Vec.Int(layer.PackedOffset + ((long)inputs * own.Begin)));
                RefLocal(w, "bt", "k", Vec.Int(layer.PackedOffset + ((long)inputs * PaddedOutputs(layer))));
            }
            else
            {
                PackedRefs(w, layer);
            }
            w.Line("nuint n = (nuint)count;");
            w.Line("nuint s = 0;");
            // The full tile while it fits, then the leftover samples (fewer than a tile) in tiles of 4, 2 and 1.
            var tiles = new System.Collections.Generic.List<int> { samples };
            foreach (int smaller in new[] { 4, 2, 1 })
            {
                if (smaller < samples)
                {
                    tiles.Add(smaller);
                }
            }

            foreach (int tile in tiles)
            {
                bool once = tile != samples && tile != 1;
                w.Open(tile == samples ? $"for (; s + {tile} <= n; s += {tile})" : once ? $"if (s + {tile} <= n)" : "for (; s < n; s++)");
                RefLocal(w, "xs", "x", Vec.Linear(0, ("s", inputs)));
                if (storeZ)
                {
                    RefLocal(w, "zs", "z", Vec.Linear(0, ("s", units is { } zb ? SplitWidth(layer, zb) : outputs)));
                }

                if (storeY)
                {
                    RefLocal(w, "ys", "y", Vec.Linear(0, ("s", units is { } yb ? SplitWidth(layer, yb) : outputs)));
                }

                for (int first = firstVector; first < endVector; first += perBlock)
                {
                    w.Scope();
                    BatchTile(w, layer, v, tile, first, System.Math.Min(perBlock, endVector - first), storeZ, storeY, units is { } block ? (SplitWidth(layer, block), block.Begin) : null);
                    w.Close();
                }

                if (once)
                {
                    w.Line($"s += {tile};");
                }

                w.Close();
            }

            if (storeY && dense.Activation == Activation.Softmax)
            {
                w.Line($"for (nuint t = 0; t < n; t++) {Support}.Softmax(ref {Vec.Unsafe}.Add(ref y, t * {outputs}), {outputs});");
            }

            w.Close();
        }

        private static void BatchTile(SourceWriter w, LayerContext layer, Vec v, int samples, int first, int count, bool storeZ, bool storeY, (int Stride, int FirstColumn)? weightBlock = null)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            int padded = weightBlock?.Stride ?? PaddedOutputs(layer);
            int column = first * v.Lanes;
            int weightColumn = column - (weightBlock?.FirstColumn ?? 0);
            int outputStride = weightBlock?.Stride ?? outputs; // a split part writes its own block, like its weights
            string A(int j, int c) => $"a{j}{c}";
            for (int c = 0; c < count; c++)
            {
                w.Line($"var b{c} = {v.Load("bt", Vec.Int(column + ((long)c * v.Lanes)))};");
            }

            w.Line($"{v.T} " + string.Join(", ", Range(samples).SelectMany(j => Range(count).Select(c => $"{A(j, c)} = b{c}"))) + ";");
            w.Open($"for (nuint i = 0; i < {inputs}; i++)");
            RefLocal(w, "row", "wt", Vec.Linear(weightColumn, ("i", padded)));
            for (int c = 0; c < count; c++)
            {
                w.Line($"var w{c} = {v.Load("row", Vec.Int((long)c * v.Lanes))};");
            }

            for (int j = 0; j < samples; j++)
            {
                w.Line($"var x{j} = {v.Broadcast($"{Vec.Unsafe}.Add(ref xs, {Vec.Linear((long)j * inputs, ("i", 1))})")};");
                for (int c = 0; c < count; c++)
                {
                    w.Line($"{A(j, c)} = {v.Fma($"w{c}", $"x{j}", A(j, c))};");
                }
            }

            w.Close();
            for (int j = 0; j < samples; j++)
            {
                for (int c = 0; c < count; c++)
                {
                    int start = column + (c * v.Lanes);
                    int lanes = System.Math.Min(v.Lanes, outputs - start);
                    string offset = Vec.Int(((long)j * outputStride) + start - (weightBlock?.FirstColumn ?? 0));
                    if (storeZ)
                    {
                        StorePartial(w, v, A(j, c), lanes, "zs", offset);
                    }

                    if (storeY)
                    {
                        w.Line($"var y{j}{c} = {Activate(layer, v, A(j, c))};");
                        StorePartial(w, v, $"y{j}{c}", lanes, "ys", offset);
                    }
                }
            }
        }

        // ------------------------------------------------------------------ backward

        private static void EmitBackwardKernel(SourceWriter w, LayerContext layer, Vec v, int part = -1, int rowBegin = 0, int rowEnd = -1)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            bool split = part >= 0;
            if (!split)
            {
                rowEnd = outputs;
            }

            bool dx = layer.NeedsInputGradient && !split;
            int k = v.Lanes == 16 ? 4 : 2;
            w.Line();
            w.Summary(
                $"Layer {layer.Index} backward over <paramref name=\"count\"/> samples{(v.IsScalar ? ", scalar" : $", {v.Lanes * 32}-bit")}: given dz = dL/d(pre-activation) [count, {outputs}],\n" +
                $"adds dL/dW = dz^T x and dL/db = sum(dz) into the gradients" + (dx ? $" and writes dL/dx = dz W [count, {inputs}]." : "; the input needs no gradient.") +
                (split ? $"\nOnly rows {rowBegin} to {rowEnd - 1} (one thread's part of the layer; see ISplitTraining)." : string.Empty) +
                (v.IsScalar ? string.Empty : $"\nWeight gradient: tiles of 4 rows x {k} vectors of columns, accumulated over the samples." +
                    (dx ? $"\nInput gradient: tiles of 4 samples x {k} vectors of columns, accumulated over the rows." : string.Empty)));
            string dxParameter = dx ? ", ref float dx" : string.Empty;
            string name = split ? $"Layer{layer.Index}BackwardPart{part}_{v.Lanes}" : Name(layer, "Backward", v);
            w.Line(Optimize);
            w.Open($"private static void {name}({(split ? string.Empty : "ref float p, ")}ref float g, ref float x, ref float dz{dxParameter}, int count)");
            if (dx)
            {
                RefLocal(w, "w", "p", Vec.Int(layer.Plan.Tensors[0].Offset));
            }

            WeightAndBias(w, layer, "g", "gw", "gb");
            w.Line("nuint n = (nuint)count;");
            // Split parts read dz from their own block [count, part width] (see EmitSplitBackward).
            int dzStride = split ? SplitWidth(layer, (rowBegin, rowEnd)) : outputs;
            int dzShift = split ? rowBegin : 0;
            BiasGradient(w, v, dzStride, dzShift, rowBegin, rowEnd);
            if (v.IsScalar)
            {
                ScalarWeightGradient(w, inputs, dzStride, dzShift, rowBegin, rowEnd);
                if (dx)
                {
                    ScalarInputGradient(w, inputs, outputs);
                }
            }
            else
            {
                WeightGradient(w, v, inputs, dzStride, dzShift, k, rowBegin, rowEnd);
                if (dx)
                {
                    InputGradient(w, v, inputs, outputs, k);
                }
            }

            w.Close();
        }

        private static void BiasGradient(SourceWriter w, Vec v, int dzStride, int dzShift, int begin, int end)
        {
            w.Comment("bias gradient: the sum of dz over the samples");
            int full = v.IsScalar ? begin : begin + ((end - begin) / v.Lanes * v.Lanes);
            Loop(w, "o", begin, full, v.Lanes, 2, o =>
            {
                w.Line($"var sum = {v.Zero};");
                w.Line($"for (nuint s = 0; s < n; s++) sum += {v.Load("dz", Vec.Linear(-dzShift, ("s", dzStride), (o, 1)))};");
                w.Line(v.Store($"{v.Load("gb", o)} + sum", "gb", o));
            });
            if (end > full)
            {
                w.Open($"for (nuint o = {full}; o < {end}; o++)");
                w.Line("float sum = 0f;");
                w.Line($"for (nuint s = 0; s < n; s++) sum += {Vec.Unsafe}.Add(ref dz, {Vec.Linear(-dzShift, ("s", dzStride), ("o", 1))});");
                w.Line($"{Vec.Unsafe}.Add(ref gb, o) += sum;");
                w.Close();
            }
        }

        private static void ScalarWeightGradient(SourceWriter w, int inputs, int dzStride, int dzShift, int begin, int end)
        {
            w.Comment("weight gradient: dW[o, i] += sum over samples of dz[s, o] * x[s, i]");
            w.Open($"for (nuint o = {begin}; o < {end}; o++)");
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"float s{i} = 0f;");
            }

            w.Open("for (nuint s = 0; s < n; s++)");
            w.Line($"float d = {Vec.Unsafe}.Add(ref dz, {Vec.Linear(-dzShift, ("s", dzStride), ("o", 1))});");
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"s{i} = {Vec.Simd}.MultiplyAdd(d, {Vec.Unsafe}.Add(ref x, s * {inputs} + {i}), s{i});");
            }

            w.Close();
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"{Vec.Unsafe}.Add(ref gw, o * {inputs} + {i}) += s{i};");
            }

            w.Close();
        }

        private static void ScalarInputGradient(SourceWriter w, int inputs, int outputs)
        {
            w.Comment("input gradient: dx[s, i] = sum over rows of dz[s, o] * W[o, i]");
            w.Open("for (nuint s = 0; s < n; s++)");
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"float s{i} = 0f;");
            }

            w.Open($"for (nuint o = 0; o < {outputs}; o++)");
            w.Line($"float d = {Vec.Unsafe}.Add(ref dz, s * {outputs} + o);");
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"s{i} = {Vec.Simd}.MultiplyAdd(d, {Vec.Unsafe}.Add(ref w, o * {inputs} + {i}), s{i});");
            }

            w.Close();
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"{Vec.Unsafe}.Add(ref dx, s * {inputs} + {i}) = s{i};");
            }

            w.Close();
        }

        private static void WeightGradient(SourceWriter w, Vec v, int inputs, int dzStride, int dzShift, int k, int begin, int end)
        {
            int tileColumns = k * v.Lanes;
            int fullTiles = inputs / tileColumns;
            int afterTiles = fullTiles * tileColumns;
            int leftover = (inputs - afterTiles) / v.Lanes;
            int tail = inputs % v.Lanes;
            w.Comment($"weight gradient: dW[o, i] += sum over samples of dz[s, o] * x[s, i], in tiles of 4 rows x {tileColumns} columns");
            Loop(w, "c", 0, afterTiles, tileColumns, 1, c => WeightGradientRows(w, v, inputs, dzStride, dzShift, c, k, 0, begin, end));
            if (leftover > 0)
            {
                w.Scope();
                WeightGradientRows(w, v, inputs, dzStride, dzShift, Vec.Int(afterTiles), leftover, 0, begin, end);
                w.Close();
            }

            if (tail > 0)
            {
                w.Scope();
                w.Comment($"the last {tail} columns: an overlapping vector whose other lanes add zero");
                WeightGradientRows(w, v, inputs, dzStride, dzShift, Vec.Int(inputs - v.Lanes), 1, tail, begin, end);
                w.Close();
            }
        }

        private static void WeightGradientRows(SourceWriter w, Vec v, int inputs, int dzStride, int dzShift, string c, int vectors, int maskedTail, int begin, int end)
        {
            int full = begin + ((end - begin) / 4 * 4);
            Loop(w, "r", begin, full, 4, 1, r => WeightGradientTile(w, v, inputs, dzStride, dzShift, c, r, 4, vectors, maskedTail));
            if (end > full)
            {
                w.Scope();
                WeightGradientTile(w, v, inputs, dzStride, dzShift, c, Vec.Int(full), end - full, vectors, maskedTail);
                w.Close();
            }
        }

        private static void WeightGradientTile(SourceWriter w, Vec v, int inputs, int dzStride, int dzShift, string c, string r, int rows, int vectors, int maskedTail)
        {
            string A(int row, int j) => $"a{row}{j}";
            var all = Range(rows).SelectMany(row => Range(vectors).Select(j => A(row, j))).ToArray();
            w.Line($"{v.T} {string.Join(", ", all.Select(a => $"{a} = {v.Zero}"))};");
            w.Open("for (nuint s = 0; s < n; s++)");
            RefLocal(w, "xs", "x", Vec.Linear(0, ("s", inputs), (c, 1)));
            RefLocal(w, "ds", "dz", Vec.Linear(-dzShift, ("s", dzStride), (r, 1)));
            for (int j = 0; j < vectors; j++)
            {
                string mask = maskedTail > 0 ? $" & {v.TailMask(maskedTail)}" : string.Empty;
                w.Line($"var x{j} = {v.Load("xs", Vec.Int((long)j * v.Lanes))}{mask};");
            }

            for (int row = 0; row < rows; row++)
            {
                w.Line($"var d{row} = {v.Broadcast($"{Vec.Unsafe}.Add(ref ds, {row})")};");
                for (int j = 0; j < vectors; j++)
                {
                    w.Line($"{A(row, j)} = {v.Fma($"d{row}", $"x{j}", A(row, j))};");
                }
            }

            w.Close();
            for (int row = 0; row < rows; row++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    string target = Vec.Linear(((long)row * inputs) + ((long)j * v.Lanes), (r, inputs), (c, 1));
                    w.Line(v.Store($"{v.Load("gw", target)} + {A(row, j)}", "gw", target));
                }
            }
        }

        private static void InputGradient(SourceWriter w, Vec v, int inputs, int outputs, int k)
        {
            int tileColumns = k * v.Lanes;
            int fullTiles = inputs / tileColumns;
            int afterTiles = fullTiles * tileColumns;
            int leftover = (inputs - afterTiles) / v.Lanes;
            int tail = inputs % v.Lanes;
            w.Comment($"input gradient: dx[s, i] = sum over rows of dz[s, o] * W[o, i], in tiles of 4 samples x {tileColumns} columns");
            w.Line("nuint t = 0;");
            foreach (int samples in new[] { 4, 1 })
            {
                w.Open(samples == 4 ? "for (; t + 4 <= n; t += 4)" : "for (; t < n; t++)");
                Loop(w, "c", 0, afterTiles, tileColumns, 1, c => InputGradientTile(w, v, inputs, outputs, c, samples, k));
                if (leftover > 0)
                {
                    w.Scope();
                    InputGradientTile(w, v, inputs, outputs, Vec.Int(afterTiles), samples, leftover);
                    w.Close();
                }

                if (tail > 0)
                {
                    w.Scope();
                    w.Comment($"the last {tail} columns: an overlapping vector that recomputes identical values for the lanes before them");
                    InputGradientTile(w, v, inputs, outputs, Vec.Int(inputs - v.Lanes), samples, 1);
                    w.Close();
                }

                w.Close();
            }
        }

        private static void InputGradientTile(SourceWriter w, Vec v, int inputs, int outputs, string c, int samples, int vectors)
        {
            string A(int j, int col) => $"a{j}{col}";
            var all = Range(samples).SelectMany(j => Range(vectors).Select(col => A(j, col))).ToArray();
            w.Line($"{v.T} {string.Join(", ", all.Select(a => $"{a} = {v.Zero}"))};");
            w.Open($"for (nuint o = 0; o < {outputs}; o++)");
            RefLocal(w, "wo", "w", Vec.Linear(0, ("o", inputs), (c, 1)));
            for (int col = 0; col < vectors; col++)
            {
                w.Line($"var w{col} = {v.Load("wo", Vec.Int((long)col * v.Lanes))};");
            }

            for (int j = 0; j < samples; j++)
            {
                w.Line($"var d{j} = {v.Broadcast($"{Vec.Unsafe}.Add(ref dz, {Vec.Linear((long)j * outputs, ("t", outputs), ("o", 1))})")};");
                for (int col = 0; col < vectors; col++)
                {
                    w.Line($"{A(j, col)} = {v.Fma($"d{j}", $"w{col}", A(j, col))};");
                }
            }

            w.Close();
            for (int j = 0; j < samples; j++)
            {
                for (int col = 0; col < vectors; col++)
                {
                    w.Line(v.Store(A(j, col), "dx", Vec.Linear(((long)j * inputs) + ((long)col * v.Lanes), ("t", inputs), (c, 1))));
                }
            }
        }

        // ------------------------------------------------------------------ activation backward

        private static void EmitActivationBackwardKernel(SourceWriter w, LayerContext layer, Vec v)
        {
            DenseSpec dense = Spec(layer);
            bool needsZ = ActivationCode.NeedsPreActivation(dense.Activation);
            w.Line();
            w.Summary($"Layer {layer.Index}: dL/dz = dL/dy * {dense.Activation}'(z), in place over <paramref name=\"length\"/> contiguous elements, {v.Lanes * 32}-bit.");
            string zParameter = needsZ ? ", ref float z" : string.Empty;
            w.Line(Optimize);
            w.Open($"private static void {Name(layer, "ActivationBackward", v)}(ref float dy, ref float y{zParameter}, int length)");
            w.Line("nuint n = (nuint)length;");
            w.Line("nuint i = 0;");
            w.Open($"for (; i + {v.Lanes} <= n; i += {v.Lanes})");
            w.Line($"var gv = {v.Load("dy", "i")};");
            w.Line($"var yv = {v.Load("y", "i")};");
            if (needsZ)
            {
                w.Line($"var zv = {v.Load("z", "i")};");
            }

            w.Line(v.Store(ActivationCode.Backward(dense.Activation, dense.NegativeSlope, dense.Alpha, v, "gv", "yv", "zv"), "dy", "i"));
            w.Close();
            w.Open("for (; i < n; i++)");
            w.Line($"float gs = {Vec.Unsafe}.Add(ref dy, i);");
            w.Line($"float ys = {Vec.Unsafe}.Add(ref y, i);");
            if (needsZ)
            {
                w.Line($"float zs = {Vec.Unsafe}.Add(ref z, i);");
            }

            w.Line($"{Vec.Unsafe}.Add(ref dy, i) = {ActivationCode.Backward(dense.Activation, dense.NegativeSlope, dense.Alpha, Vec.W1, "gs", "ys", "zs")};");
            w.Close();
            w.Close();
        }
    }
}
