using System;
using Compiled.Kernels;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>
    /// Checks of <see cref="RecurrentKernels"/> on whichever SIMD path this process has: the inference pass of every cell
    /// for hidden sizes 1..33 (every vector width's full vectors and tails of the element-wise cell) against a
    /// double-precision nn.RNN / nn.GRU / nn.LSTM, and <see cref="RecurrentKernels.Step"/> step by step against it.
    /// </summary>
    public static class RecurrentKernelChecks
    {
        public static void ForwardAndStepMatchReference()
        {
            var random = new Random(5);
            foreach (RecurrentCell cell in Enum.GetValues<RecurrentCell>())
            {
                for (int hidden = 1; hidden <= 33; hidden++)
                {
                    int inputs = 1 + random.Next(6);
                    const int steps = 4;
                    const int count = 3;
                    int gates = RecurrentKernels.Gates(cell) * hidden;
                    var parameters = new float[(gates * (inputs + hidden)) + (2 * gates)];
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        parameters[i] = (float)((random.NextDouble() * 2) - 1) / MathF.Sqrt(hidden);
                    }

                    var packed = new float[RecurrentKernels.PackedLength(cell, inputs, hidden)];
                    RecurrentKernels.Pack(ref parameters[0], ref packed[0], inputs, hidden, cell, bias: true);
                    var x = new float[count * steps * inputs];
                    for (int i = 0; i < x.Length; i++)
                    {
                        x[i] = (float)((random.NextDouble() * 4) - 2);
                    }

                    var y = new float[count * steps * hidden];
                    RecurrentKernels.Forward(ref packed[0], ref x[0], ref y[0], count, steps, inputs, hidden, 1, cell, returnSequences: true);
                    for (int s = 0; s < count; s++)
                    {
                        double[] expected = Reference(cell, parameters, x.AsSpan(s * steps * inputs, steps * inputs), steps, inputs, hidden);
                        var h = new float[hidden];
                        var c = new float[hidden];
                        for (int t = 0; t < steps; t++)
                        {
                            RecurrentKernels.Step(ref packed[0], ref x[((s * steps) + t) * inputs], ref h[0], ref c[0], inputs, hidden, cell);
                            for (int j = 0; j < hidden; j++)
                            {
                                double e = expected[(t * hidden) + j];
                                float forward = y[(((s * steps) + t) * hidden) + j];
                                if (Math.Abs(forward - e) > 1e-5 + (1e-5 * Math.Abs(e)) || Math.Abs(h[j] - e) > 1e-5 + (1e-5 * Math.Abs(e)))
                                {
                                    throw new KernelCheckException($"{cell} hidden {hidden} inputs {inputs} sample {s} step {t} unit {j}: Forward {forward:R}, Step {h[j]:R}, reference {e:R}");
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>One sequence through one layer in double precision, PyTorch's definitions; every step's hidden state.</summary>
        private static double[] Reference(RecurrentCell cell, float[] p, ReadOnlySpan<float> x, int steps, int inputs, int hidden)
        {
            int gates = RecurrentKernels.Gates(cell) * hidden;
            int whh = gates * inputs;
            int bih = whh + (gates * hidden);
            int bhh = bih + gates;
            var h = new double[hidden];
            var c = new double[hidden];
            var result = new double[steps * hidden];
            for (int t = 0; t < steps; t++)
            {
                var gi = new double[gates];
                var gh = new double[gates];
                for (int r = 0; r < gates; r++)
                {
                    gi[r] = p[bih + r];
                    gh[r] = p[bhh + r];
                    for (int i = 0; i < inputs; i++)
                    {
                        gi[r] += p[(r * inputs) + i] * (double)x[(t * inputs) + i];
                    }

                    for (int i = 0; i < hidden; i++)
                    {
                        gh[r] += p[whh + (r * hidden) + i] * h[i];
                    }
                }

                var next = new double[hidden];
                for (int j = 0; j < hidden; j++)
                {
                    int H = hidden;
                    next[j] = cell switch
                    {
                        RecurrentCell.RnnTanh => Math.Tanh(gi[j] + gh[j]),
                        RecurrentCell.RnnReLU => Math.Max(0, gi[j] + gh[j]),
                        RecurrentCell.Gru => Gru(gi[j] + gh[j], gi[H + j] + gh[H + j], gi[(2 * H) + j], gh[(2 * H) + j], h[j]),
                        _ => Lstm(gi[j] + gh[j], gi[H + j] + gh[H + j], gi[(2 * H) + j] + gh[(2 * H) + j], gi[(3 * H) + j] + gh[(3 * H) + j], ref c[j]),
                    };
                }

                h = next;
                Array.Copy(h, 0, result, t * hidden, hidden);
            }

            return result;
        }

        private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

        private static double Gru(double r, double z, double inputN, double hiddenN, double h)
        {
            double n = Math.Tanh(inputN + (Sigmoid(r) * hiddenN));
            return ((1 - Sigmoid(z)) * n) + (Sigmoid(z) * h);
        }

        private static double Lstm(double i, double f, double g, double o, ref double c)
        {
            c = (Sigmoid(f) * c) + (Sigmoid(i) * Math.Tanh(g));
            return Sigmoid(o) * Math.Tanh(c);
        }
    }
}
