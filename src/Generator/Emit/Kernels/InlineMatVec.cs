using System.Linq;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// A matrix-vector product written inline for constant sizes: <c>y = f(W x + b)</c> for one sample, from a packed,
    /// transposed weight <c>[inputs, stride]</c> and its bias (at offsets of the packed copy <c>k</c>). The outputs live in
    /// vector registers; each input is broadcast and multiplied into its row of the transposed weight, over interleaved
    /// groups of inputs so that enough independent accumulators are in flight. Input and output may each be memory or
    /// vector locals, so small layers hand activations to each other in registers. Used by every layer whose one-sample
    /// step is a small matrix-vector product (dense layers; gates of recurrent cells).
    /// </summary>
    internal static class InlineMatVec
    {
        private const int UnrollLimit = 4;

        private static (int Vectors, int PerBlock, int Groups) ForwardShape(MatVec m, Vec v, int registers)
        {
            int inputs = m.Inputs;
            int vectors = (m.Outputs + v.Lanes - 1) / v.Lanes;

            // Accumulators: outputs in blocks, inputs in interleaved groups. A small layer is bound by its dependency
            // chains, so it gets up to half the registers.
            int budget = registers / 2;
            int perBlock = System.Math.Min(vectors, budget);
            int groups = System.Math.Max(1, System.Math.Min(System.Math.Min(8, inputs), budget / perBlock));
            return (vectors, perBlock, groups);
        }

        public static string Summary(MatVec m, Vec v, int registers)
        {
            (int vectors, int perBlock, int groups) = ForwardShape(m, v, registers);
            return $"{v.Lanes * 32}-bit: {vectors} output vector(s) in registers ({perBlock} per pass); each input broadcast into its row of the transposed weight, {groups} interleaved input group(s) of accumulators, added, activated";
        }

        /// <summary>The statements of the single-sample forward pass, reading <paramref name="x"/> and writing <paramref name="y"/> (both <c>ref float</c> locals).</summary>
        public static void Write(SourceWriter w, MatVec m, Vec v, int registers, Handoff x, Handoff y)
        {
            (int vectors, int perBlock, int groups) = ForwardShape(m, v, registers);
            RefLocal(w, "wt", "k", Vec.Int(m.WeightOffset));
            RefLocal(w, "bt", "k", Vec.Int(m.BiasOffset));
            for (int first = 0; first < vectors; first += perBlock)
            {
                int count = System.Math.Min(perBlock, vectors - first);
                if (vectors > perBlock)
                {
                    w.Scope();
                }

                ForwardBlock(w, m, v, first, count, groups, x, y);
                if (vectors > perBlock)
                {
                    w.Close();
                }
            }

            if (m.Activation == Activation.Softmax)
            {
                w.Line($"{Support}.Softmax(ref {y.Memory}, {m.Outputs});");
            }
        }

        private static void ForwardBlock(SourceWriter w, MatVec m, Vec v, int first, int count, int groups, Handoff x, Handoff y)
        {
            int inputs = m.Inputs;
            int outputs = m.Outputs;
            int padded = m.Stride;
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
                    w.Line($"{y.Vectors![first + c]} = {ActivationCode.Forward(m.Activation, m.NegativeSlope, m.Alpha, v, terms[0])};");
                }
                else
                {
                    w.Line($"var o{c} = {ActivationCode.Forward(m.Activation, m.NegativeSlope, m.Alpha, v, terms[0])};");
                    StorePartial(w, v, $"o{c}", System.Math.Min(v.Lanes, outputs - start), y.Memory!, Vec.Int(start));
                }
            }
        }

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
    }

    /// <summary>The constant description of one inline matrix-vector product.</summary>
    /// <param name="Inputs">The input elements.</param>
    /// <param name="Outputs">The outputs.</param>
    /// <param name="Stride">The row length of the packed transposed weight (outputs padded).</param>
    /// <param name="WeightOffset">Where the packed weight starts in <c>k</c>.</param>
    /// <param name="BiasOffset">Where the bias starts in <c>k</c>.</param>
    /// <param name="Activation">The activation applied to each output (Softmax: applied over the outputs at the end).</param>
    /// <param name="NegativeSlope">LeakyReLU's slope.</param>
    /// <param name="Alpha">ELU's alpha.</param>
    internal sealed record MatVec(int Inputs, int Outputs, int Stride, long WeightOffset, long BiasOffset, Activation Activation, float NegativeSlope, float Alpha);
}
