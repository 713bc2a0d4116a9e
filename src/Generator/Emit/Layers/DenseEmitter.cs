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
            foreach (Vec v in layer.Widths)
            {
                EmitForwardKernel(writer, layer, v);
                EmitBatchKernel(writer, layer, v, Name(layer, "ForwardBatch", v), storeZ: false, storeY: true);
                if (buffers.PreActivation)
                {
                    EmitBatchKernel(writer, layer, v, Name(layer, buffers.Output ? "TrainForward" : "Logits", v), storeZ: true, storeY: buffers.Output);
                }

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

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, string x, string y) =>
            writer.Line($"{Name(layer, "Forward", Width(layer, isa))}(ref p, {x}, {y});{Describe(layer)}");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            writer.Line($"{Name(layer, "ForwardBatch", Width(layer, isa))}(ref p, {x}, {y}, {count});{Describe(layer)}");

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            TrainingBuffers buffers = TrainingBuffersFor(layer);
            Vec v = Width(layer, isa);
            if (!buffers.PreActivation)
            {
                writer.Line($"{Name(layer, "ForwardBatch", v)}(ref p, {refs.Input}, {refs.Output}, {count});{Describe(layer)}");
            }
            else if (buffers.Output)
            {
                writer.Line($"{Name(layer, "TrainForward", v)}(ref p, {refs.Input}, {refs.PreActivation}, {refs.Output}, {count});{Describe(layer)}");
            }
            else
            {
                writer.Line($"{Name(layer, "Logits", v)}(ref p, {refs.Input}, {refs.PreActivation}, {count});{Describe(layer)}: logits only, the loss applies the activation");
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
            writer.Line($"{Name(layer, "Backward", Width(layer, isa))}(ref p, ref g, {refs.Input}, {refs.Gradient}{dx}, {count});{Describe(layer)}");
        }

        private static DenseSpec Spec(LayerContext layer) => (DenseSpec)layer.Plan.Spec;

        private static Vec Width(LayerContext layer, Vec isa) => Vec.For(layer.Plan.InputSize, isa.Lanes);

        private static string Name(LayerContext layer, string what, Vec v) => $"Layer{layer.Index}{what}{v.Lanes}";

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

        // ------------------------------------------------------------------ forward, one sample

        private static void EmitForwardKernel(SourceWriter w, LayerContext layer, Vec v)
        {
            DenseSpec dense = Spec(layer);
            int inputs = layer.Plan.InputSize;
            int outputs = dense.Units;
            w.Line();
            if (v.IsScalar)
            {
                w.Summary($"Layer {layer.Index}, one sample, scalar (the input has fewer than 4 elements): each output is an unrolled chain of multiply-adds.");
            }
            else
            {
                int blocks = outputs / v.Lanes;
                int rest = outputs % v.Lanes;
                string restText = rest > 0 ? $" plus one block of {rest}" : string.Empty;
                w.Summary(
                    $"Layer {layer.Index}, one sample, {v.Lanes * 32}-bit: {blocks} block(s) of {v.Lanes} rows{restText}; each row keeps one accumulator over\n" +
                    $"{inputs / v.Lanes} vector(s) of the input{(inputs % v.Lanes > 0 ? $" and a masked tail of {inputs % v.Lanes}" : string.Empty)}, and a block's accumulators are reduced together into one vector of outputs.");
            }

            if ((long)inputs * outputs <= 4096)
            {
                w.Line(Inline);
            }

            w.Open($"private static void {Name(layer, "Forward", v)}(ref float p, ref float x, ref float y)");
            WeightAndBias(w, layer, "p", "w", "b");
            if (v.IsScalar)
            {
                Loop(w, "r", 0, outputs, 1, 8, r =>
                {
                    RefLocal(w, "wr", "w", Vec.Times(r, inputs));
                    w.Line($"float z = {Vec.Unsafe}.Add(ref b, {r});");
                    for (int i = 0; i < inputs; i++)
                    {
                        w.Line($"z = {Vec.Simd}.MultiplyAdd({v.Load("wr", Vec.Int(i))}, {v.Load("x", Vec.Int(i))}, z);");
                    }

                    w.Line($"{Vec.Unsafe}.Add(ref y, {r}) = {Activate(layer, v, "z")};");
                });
            }
            else
            {
                int rows = v.Lanes;
                int full = outputs / rows * rows;
                Loop(w, "r", 0, full, rows, 2, r => ForwardRowBlock(w, layer, v, r, rows));
                if (outputs > full)
                {
                    w.Scope();
                    ForwardRowBlock(w, layer, v, Vec.Int(full), outputs - full);
                    w.Close();
                }
            }

            if (dense.Activation == Activation.Softmax)
            {
                w.Line($"{Support}.Softmax(ref y, {outputs});");
            }

            w.Close();
        }

        private static void ForwardRowBlock(SourceWriter w, LayerContext layer, Vec v, string r, int rows)
        {
            int inputs = layer.Plan.InputSize;
            string[] acc = Names("a", rows);
            RefLocal(w, "wr", "w", Vec.Times(r, inputs));
            w.Line($"{v.T} {string.Join(", ", acc.Select(a => $"{a} = {v.Zero}"))};");
            int vectors = inputs / v.Lanes;
            Loop(w, "i", 0, (long)vectors * v.Lanes, v.Lanes, UnrollLimit, i =>
            {
                w.Line($"var xv = {v.Load("x", i)};");
                for (int k = 0; k < rows; k++)
                {
                    w.Line($"{acc[k]} = {v.Fma(v.Load("wr", Vec.Plus(i, (long)k * inputs)), "xv", acc[k])};");
                }
            });

            int tail = inputs % v.Lanes;
            if (tail > 0)
            {
                w.Line($"var xt = {v.Load("x", Vec.Int(inputs - v.Lanes))} & {v.TailMask(tail)}; // the last {tail} inputs; the other lanes were counted above");
                for (int k = 0; k < rows; k++)
                {
                    w.Line($"{acc[k]} = {v.Fma(v.Load("wr", Vec.Int(inputs - v.Lanes + ((long)k * inputs))), "xt", acc[k])};");
                }
            }

            w.Line($"var z = {v.Sum(acc)} + {v.Load("b", r)};");
            w.Line($"var o = {Activate(layer, v, "z")};");
            StorePartial(w, v, "o", rows, "y", r);
        }

        // ------------------------------------------------------------------ forward, batched

        private static void EmitBatchKernel(SourceWriter w, LayerContext layer, Vec v, string name, bool storeZ, bool storeY)
        {
            DenseSpec dense = Spec(layer);
            int inputs = layer.Plan.InputSize;
            int outputs = dense.Units;
            int tile = System.Math.Max(1, v.Lanes / 4);
            w.Line();
            string stores = storeZ && storeY ? "pre-activations to z and outputs to y" : storeZ ? "pre-activations (logits) to z" : "outputs to y";
            w.Summary(v.IsScalar
                ? $"Layer {layer.Index}, <paramref name=\"count\"/> samples, scalar: writes {stores}."
                : $"Layer {layer.Index}, <paramref name=\"count\"/> samples, {v.Lanes * 32}-bit: register tiles of {tile} sample(s) x 4 rows ({tile * 4} accumulators,\n" +
                  $"reduced together), then the remaining samples one at a time; writes {stores}.");
            string zParameter = storeZ ? ", ref float z" : string.Empty;
            string yParameter = storeY ? ", ref float y" : string.Empty;
            w.Open($"private static void {name}(ref float p, ref float x{zParameter}{yParameter}, int count)");
            WeightAndBias(w, layer, "p", "w", "b");
            w.Line("nuint n = (nuint)count;");
            if (v.IsScalar)
            {
                w.Open("for (nuint s = 0; s < n; s++)");
                RefLocal(w, "xs", "x", Vec.Linear(0, ("s", inputs)));
                Loop(w, "r", 0, outputs, 1, 8, r =>
                {
                    RefLocal(w, "wr", "w", Vec.Times(r, inputs));
                    w.Line($"float zr = {Vec.Unsafe}.Add(ref b, {r});");
                    for (int i = 0; i < inputs; i++)
                    {
                        w.Line($"zr = {Vec.Simd}.MultiplyAdd({v.Load("wr", Vec.Int(i))}, {v.Load("xs", Vec.Int(i))}, zr);");
                    }

                    if (storeZ)
                    {
                        w.Line($"{Vec.Unsafe}.Add(ref z, {Vec.Linear(0, ("s", outputs), (r, 1))}) = zr;");
                    }

                    if (storeY)
                    {
                        w.Line($"{Vec.Unsafe}.Add(ref y, {Vec.Linear(0, ("s", outputs), (r, 1))}) = {Activate(layer, v, "zr")};");
                    }
                });
                w.Close();
            }
            else
            {
                w.Line("nuint s = 0;");
                if (tile > 1)
                {
                    w.Open($"for (; s + {tile} <= n; s += {tile})");
                    BatchSamples(w, layer, v, tile, storeZ, storeY);
                    w.Close();
                }

                w.Open("for (; s < n; s++)");
                BatchSamples(w, layer, v, 1, storeZ, storeY);
                w.Close();
            }

            if (storeY && dense.Activation == Activation.Softmax)
            {
                w.Line($"for (nuint k = 0; k < n; k++) {Support}.Softmax(ref {Vec.Unsafe}.Add(ref y, k * {outputs}), {outputs});");
            }

            w.Close();
        }

        private static void BatchSamples(SourceWriter w, LayerContext layer, Vec v, int samples, bool storeZ, bool storeY)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            RefLocal(w, "xs", "x", Vec.Linear(0, ("s", inputs)));
            if (storeZ)
            {
                RefLocal(w, "zs", "z", Vec.Linear(0, ("s", outputs)));
            }

            if (storeY)
            {
                RefLocal(w, "ys", "y", Vec.Linear(0, ("s", outputs)));
            }

            int full = outputs / 4 * 4;
            Loop(w, "r", 0, full, 4, 2, r => BatchTile(w, layer, v, samples, r, 4, storeZ, storeY));
            if (outputs > full)
            {
                w.Scope();
                BatchTile(w, layer, v, samples, Vec.Int(full), outputs - full, storeZ, storeY);
                w.Close();
            }
        }

        private static void BatchTile(SourceWriter w, LayerContext layer, Vec v, int samples, string r, int rows, bool storeZ, bool storeY)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            RefLocal(w, "wr", "w", Vec.Times(r, inputs));
            string A(int j, int k) => $"a{j}{k}";
            var all = Range(samples).SelectMany(j => Range(rows).Select(k => A(j, k))).ToArray();
            w.Line($"{v.T} {string.Join(", ", all.Select(a => $"{a} = {v.Zero}"))};");
            void Step(string offset, bool masked, int tail)
            {
                for (int k = 0; k < rows; k++)
                {
                    w.Line($"var w{k} = {v.Load("wr", Vec.Plus(offset, (long)k * inputs))};");
                }

                for (int j = 0; j < samples; j++)
                {
                    string mask = masked ? $" & {v.TailMask(tail)}" : string.Empty;
                    w.Line($"var x{j} = {v.Load("xs", Vec.Plus(offset, (long)j * inputs))}{mask};");
                    for (int k = 0; k < rows; k++)
                    {
                        w.Line($"{A(j, k)} = {v.Fma($"w{k}", $"x{j}", A(j, k))};");
                    }
                }
            }

            int vectors = inputs / v.Lanes;
            Loop(w, "i", 0, (long)vectors * v.Lanes, v.Lanes, UnrollLimit, i => Step(i, false, 0));
            int tailLength = inputs % v.Lanes;
            if (tailLength > 0)
            {
                w.Scope();
                w.Comment($"the last {tailLength} inputs: an overlapping vector with the lanes already counted masked off");
                Step(Vec.Int(inputs - v.Lanes), true, tailLength);
                w.Close();
            }

            // Lane j*4+k of the reduction is sample j, row k.
            var lanes = Range(v.Lanes).Select(l => l / 4 < samples && l % 4 < rows ? A(l / 4, l % 4) : v.Zero).ToArray();
            w.Line($"var zv = {v.Sum(lanes)} + {v.RepeatGroup($"global::System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref b, {r})")};");
            if (storeZ)
            {
                for (int j = 0; j < samples; j++)
                {
                    w.Line($"var z{j} = {v.Group("zv", j)};");
                    StorePartial(w, Vec.W4, $"z{j}", rows, "zs", Vec.Plus(r, (long)j * outputs));
                }
            }

            if (storeY)
            {
                w.Line($"var yv = {Activate(layer, v, "zv")};");
                for (int j = 0; j < samples; j++)
                {
                    w.Line($"var y{j} = {v.Group("yv", j)};");
                    StorePartial(w, Vec.W4, $"y{j}", rows, "ys", Vec.Plus(r, (long)j * outputs));
                }
            }
        }

        // ------------------------------------------------------------------ backward

        private static void EmitBackwardKernel(SourceWriter w, LayerContext layer, Vec v)
        {
            int inputs = layer.Plan.InputSize;
            int outputs = layer.Plan.OutputSize;
            bool dx = layer.NeedsInputGradient;
            int k = v.Lanes == 16 ? 4 : 2;
            w.Line();
            w.Summary(
                $"Layer {layer.Index} backward over <paramref name=\"count\"/> samples{(v.IsScalar ? ", scalar" : $", {v.Lanes * 32}-bit")}: given dz = dL/d(pre-activation) [count, {outputs}],\n" +
                $"adds dL/dW = dz^T x and dL/db = sum(dz) into the gradients" + (dx ? $" and writes dL/dx = dz W [count, {inputs}]." : "; the input needs no gradient.") +
                (v.IsScalar ? string.Empty : $"\nWeight gradient: tiles of 4 rows x {k} vectors of columns, accumulated over the samples." +
                    (dx ? $"\nInput gradient: tiles of 4 samples x {k} vectors of columns, accumulated over the rows." : string.Empty)));
            string dxParameter = dx ? ", ref float dx" : string.Empty;
            w.Open($"private static void {Name(layer, "Backward", v)}(ref float p, ref float g, ref float x, ref float dz{dxParameter}, int count)");
            if (dx)
            {
                RefLocal(w, "w", "p", Vec.Int(layer.Plan.Tensors[0].Offset));
            }

            WeightAndBias(w, layer, "g", "gw", "gb");
            w.Line("nuint n = (nuint)count;");
            BiasGradient(w, v, outputs);
            if (v.IsScalar)
            {
                ScalarWeightGradient(w, inputs, outputs);
                if (dx)
                {
                    ScalarInputGradient(w, inputs, outputs);
                }
            }
            else
            {
                WeightGradient(w, v, inputs, outputs, k);
                if (dx)
                {
                    InputGradient(w, v, inputs, outputs, k);
                }
            }

            w.Close();
        }

        private static void BiasGradient(SourceWriter w, Vec v, int outputs)
        {
            w.Comment("bias gradient: the sum of dz over the samples");
            int full = v.IsScalar ? 0 : outputs / v.Lanes * v.Lanes;
            Loop(w, "o", 0, full, v.Lanes, 2, o =>
            {
                w.Line($"var sum = {v.Zero};");
                w.Line($"for (nuint s = 0; s < n; s++) sum += {v.Load("dz", Vec.Linear(0, ("s", outputs), (o, 1)))};");
                w.Line(v.Store($"{v.Load("gb", o)} + sum", "gb", o));
            });
            if (outputs > full)
            {
                w.Open($"for (nuint o = {full}; o < {outputs}; o++)");
                w.Line("float sum = 0f;");
                w.Line($"for (nuint s = 0; s < n; s++) sum += {Vec.Unsafe}.Add(ref dz, s * {outputs} + o);");
                w.Line($"{Vec.Unsafe}.Add(ref gb, o) += sum;");
                w.Close();
            }
        }

        private static void ScalarWeightGradient(SourceWriter w, int inputs, int outputs)
        {
            w.Comment("weight gradient: dW[o, i] += sum over samples of dz[s, o] * x[s, i]");
            w.Open($"for (nuint o = 0; o < {outputs}; o++)");
            for (int i = 0; i < inputs; i++)
            {
                w.Line($"float s{i} = 0f;");
            }

            w.Open("for (nuint s = 0; s < n; s++)");
            w.Line($"float d = {Vec.Unsafe}.Add(ref dz, s * {outputs} + o);");
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

        private static void WeightGradient(SourceWriter w, Vec v, int inputs, int outputs, int k)
        {
            int tileColumns = k * v.Lanes;
            int fullTiles = inputs / tileColumns;
            int afterTiles = fullTiles * tileColumns;
            int leftover = (inputs - afterTiles) / v.Lanes;
            int tail = inputs % v.Lanes;
            w.Comment($"weight gradient: dW[o, i] += sum over samples of dz[s, o] * x[s, i], in tiles of 4 rows x {tileColumns} columns");
            Loop(w, "c", 0, afterTiles, tileColumns, 1, c => WeightGradientRows(w, v, inputs, outputs, c, k, 0));
            if (leftover > 0)
            {
                w.Scope();
                WeightGradientRows(w, v, inputs, outputs, Vec.Int(afterTiles), leftover, 0);
                w.Close();
            }

            if (tail > 0)
            {
                w.Scope();
                w.Comment($"the last {tail} columns: an overlapping vector whose other lanes add zero");
                WeightGradientRows(w, v, inputs, outputs, Vec.Int(inputs - v.Lanes), 1, tail);
                w.Close();
            }
        }

        private static void WeightGradientRows(SourceWriter w, Vec v, int inputs, int outputs, string c, int vectors, int maskedTail)
        {
            int full = outputs / 4 * 4;
            Loop(w, "r", 0, full, 4, 1, r => WeightGradientTile(w, v, inputs, outputs, c, r, 4, vectors, maskedTail));
            if (outputs > full)
            {
                w.Scope();
                WeightGradientTile(w, v, inputs, outputs, c, Vec.Int(full), outputs - full, vectors, maskedTail);
                w.Close();
            }
        }

        private static void WeightGradientTile(SourceWriter w, Vec v, int inputs, int outputs, string c, string r, int rows, int vectors, int maskedTail)
        {
            string A(int row, int j) => $"a{row}{j}";
            var all = Range(rows).SelectMany(row => Range(vectors).Select(j => A(row, j))).ToArray();
            w.Line($"{v.T} {string.Join(", ", all.Select(a => $"{a} = {v.Zero}"))};");
            w.Open("for (nuint s = 0; s < n; s++)");
            RefLocal(w, "xs", "x", Vec.Linear(0, ("s", inputs), (c, 1)));
            RefLocal(w, "ds", "dz", Vec.Linear(0, ("s", outputs), (r, 1)));
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
