using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Compiled.Kernels;
using static Compiled.Runtime.Tests.Kernels.KernelReference;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>
    /// Checks of <see cref="ConvKernels"/> on whichever SIMD path this process has, against a double-precision convolution
    /// written out one window at a time (tolerance relative to the sum of the magnitudes of each result's terms, 1e-5):
    /// inference and training forward over every activation, the weight, bias and input gradients (added to, and with no
    /// bias or no input gradient), and the input gradient alone, for 1-D, 2-D and 3-D geometries with strides, padding
    /// before and after, dilations and groups (depthwise included: inference takes the direct kernel there, with vectors
    /// along wide rows), and several batch sizes. Listed in
    /// <see cref="KernelChecks.All"/>, so they also run on the narrower paths.
    /// </summary>
    public static class ConvKernelChecks
    {
        /// <summary>Geometries: (channels, input d/h/w, out channels, kernel, stride, padding before, padding after, dilation, groups).</summary>
        private static readonly (int C, int[] In, int O, int[] K, int[] S, int[] P, int[] After, int[] D, int G)[] s_geometries =
        {
            (1, new[] { 1, 1, 5 }, 1, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 0, 0, 0 }, new[] { 0, 0, 0 }, new[] { 1, 1, 1 }, 1),
            (3, new[] { 1, 1, 17 }, 5, new[] { 1, 1, 4 }, new[] { 1, 1, 3 }, new[] { 0, 0, 3 }, new[] { 0, 0, 0 }, new[] { 1, 1, 2 }, 1), // causal-like, strided, dilated 1-D
            (4, new[] { 1, 1, 9 }, 8, new[] { 1, 1, 3 }, new[] { 1, 1, 1 }, new[] { 0, 0, 1 }, new[] { 0, 0, 1 }, new[] { 1, 1, 1 }, 4), // depthwise 1-D, multiplier 2
            (2, new[] { 1, 7, 6 }, 5, new[] { 1, 3, 3 }, new[] { 1, 1, 1 }, new[] { 0, 1, 1 }, new[] { 0, 1, 1 }, new[] { 1, 1, 1 }, 1),
            (3, new[] { 1, 9, 8 }, 19, new[] { 1, 3, 2 }, new[] { 1, 2, 1 }, new[] { 0, 1, 0 }, new[] { 0, 2, 1 }, new[] { 1, 2, 1 }, 1), // 19 outputs: a vector and a tail
            (6, new[] { 1, 8, 8 }, 6, new[] { 1, 3, 3 }, new[] { 1, 2, 2 }, new[] { 0, 1, 1 }, new[] { 0, 1, 1 }, new[] { 1, 1, 1 }, 6), // depthwise 2-D
            (4, new[] { 1, 5, 5 }, 34, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 0, 0, 0 }, new[] { 0, 0, 0 }, new[] { 1, 1, 1 }, 2), // pointwise, two groups of 17
            (2, new[] { 3, 5, 4 }, 4, new[] { 2, 3, 2 }, new[] { 1, 2, 1 }, new[] { 0, 1, 1 }, new[] { 1, 1, 0 }, new[] { 1, 1, 1 }, 2),
            (3, new[] { 1, 5, 40 }, 6, new[] { 1, 3, 3 }, new[] { 1, 1, 1 }, new[] { 0, 1, 1 }, new[] { 0, 1, 1 }, new[] { 1, 1, 2 }, 3), // depthwise, rows wide enough for vectors
            (2, new[] { 3, 4, 20 }, 2, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, 2), // depthwise 3-D
            (1, new[] { 4, 4, 4 }, 3, new[] { 3, 3, 3 }, new[] { 1, 1, 1 }, new[] { 2, 2, 2 }, new[] { 2, 2, 2 }, new[] { 2, 2, 2 }, 1), // 3-D 'same', dilated
        };

        public static IReadOnlyList<(string Name, Action Run)> All { get; } = new (string, Action)[]
        {
            ("Conv forward and training forward, every activation", Forwards),
            ("Conv backward: weight, bias and input gradients", Backwards),
        };

        public static void Forwards()
        {
            int index = 0;
            foreach (var shape in s_geometries)
            {
                foreach (int count in new[] { 1, 3, 5 })
                {
                    KernelActivation activation = Activations[index++ % Activations.Length];
                    ForwardCase(shape, count, activation, bias: index % 4 != 0, seed: index);
                }
            }
        }

        public static void Backwards()
        {
            int index = 0;
            foreach (var shape in s_geometries)
            {
                foreach (int count in new[] { 1, 2, 5 })
                {
                    index++;
                    BackwardCase(shape, count, bias: index % 3 != 0, inputGradient: index % 4 != 1, seed: 100 + index);
                }
            }
        }

        private static ConvGeometry Geometry((int C, int[] In, int O, int[] K, int[] S, int[] P, int[] After, int[] D, int G) s, out int[] output)
        {
            output = new int[3];
            for (int a = 0; a < 3; a++)
            {
                output[a] = ((s.In[a] + s.P[a] + s.After[a] - (s.D[a] * (s.K[a] - 1)) - 1) / s.S[a]) + 1;
            }

            return new ConvGeometry(
                s.C, s.In[0], s.In[1], s.In[2], s.O, output[0], output[1], output[2], s.K[0], s.K[1], s.K[2], s.S[0], s.S[1], s.S[2],
                s.P[0], s.P[1], s.P[2], s.D[0], s.D[1], s.D[2], s.G);
        }

        /// <summary>Calls <paramref name="term"/>(output index, weight index, input index) for each term of every output of one sample.</summary>
        private static void Terms(in ConvGeometry g, Action<int, int, int> term)
        {
            int inPer = g.InPerGroup;
            int outPer = g.OutPerGroup;
            for (int o = 0; o < g.OutChannels; o++)
            {
                int group = o / outPer;
                for (int od = 0; od < g.OutD; od++)
                for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int output = (((o * g.OutD) + od) * g.OutH + oh) * g.OutW + ow;
                    for (int c = 0; c < inPer; c++)
                    for (int a = 0; a < g.KD; a++)
                    for (int b = 0; b < g.KH; b++)
                    for (int e = 0; e < g.KW; e++)
                    {
                        int id = (od * g.SD) - g.PD + (a * g.DD);
                        int ih = (oh * g.SH) - g.PH + (b * g.DH);
                        int iw = (ow * g.SW) - g.PW + (e * g.DW);
                        if (id < 0 || id >= g.InD || ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW)
                        {
                            continue;
                        }

                        int weight = ((((o * inPer) + c) * g.KD + a) * g.KH + b) * g.KW + e;
                        int input = ((((group * inPer) + c) * g.InD + id) * g.InH + ih) * g.InW + iw;
                        term(output, weight, input);
                    }
                }
            }
        }

        private static void ForwardCase((int C, int[] In, int O, int[] K, int[] S, int[] P, int[] After, int[] D, int G) shape, int count, KernelActivation activation, bool bias, int seed)
        {
            ConvGeometry g = Geometry(shape, out _);
            var random = new Random(seed);
            int inSize = g.Channels * g.InPositions;
            int outSize = g.OutChannels * g.OutPositions;
            float[] weight = RandomValues(random, g.OutChannels * g.Patch, 0.5);
            float[]? biasValues = bias ? RandomValues(random, g.OutChannels, 0.5) : null;
            float[] x = RandomValues(random, count * inSize, 1.0);
            var packed = new float[g.PackedLength];
            ConvKernels.Pack(ref weight[0], ref biasValues is null ? ref Unsafe.NullRef<float>() : ref biasValues[0], ref packed[0], g);

            // The reference: z in double and the sum of magnitudes of each output's terms.
            var z = new double[count * outSize];
            var magnitude = new double[count * outSize];
            for (int s = 0; s < count; s++)
            {
                int sample = s;
                for (int o = 0; o < outSize; o++)
                {
                    double b = biasValues is null ? 0 : biasValues[o / g.OutPositions];
                    z[(s * outSize) + o] = b;
                    magnitude[(s * outSize) + o] = Math.Abs(b);
                }

                Terms(g, (output, w, input) =>
                {
                    double term = (double)weight[w] * x[(sample * inSize) + input];
                    z[(sample * outSize) + output] += term;
                    magnitude[(sample * outSize) + output] += Math.Abs(term);
                });
            }

            var y = new float[count * outSize];
            var zTrain = new float[count * outSize];
            var yTrain = new float[count * outSize];
            var col = new float[count * g.OutPositions * g.Groups * g.Patch];
            var t = new float[count * g.OutPositions * g.OutChannels];
            Visit(activation, new ForwardVisitor(packed, x, y, zTrain, yTrain, col, t, count, g));
            string where = $"[{g.Channels}x{g.InD}x{g.InH}x{g.InW} -> {g.OutChannels}x{g.OutD}x{g.OutH}x{g.OutW}, k {g.KD}x{g.KH}x{g.KW}, groups {g.Groups}, {activation}, count {count}, bias {bias}, {PathName}]";
            for (int i = 0; i < z.Length; i++)
            {
                double tolerance = 1e-5 * (magnitude[i] + 1e-3);
                int at = i;
                Near(z[i], zTrain[i], tolerance, () => $"TrainForward z{where}[{at}]");
                double expected = KernelReference.Forward(activation, z[i]);
                double slope = Math.Max(1, Math.Abs(Derivative(activation, z[i])));
                Near(expected, y[i], (tolerance * slope) + 1e-6, () => $"Forward y{where}[{at}]");
                Near(expected, yTrain[i], (tolerance * slope) + 1e-6, () => $"TrainForward y{where}[{at}]");
            }
        }

        private static void BackwardCase((int C, int[] In, int O, int[] K, int[] S, int[] P, int[] After, int[] D, int G) shape, int count, bool bias, bool inputGradient, int seed)
        {
            ConvGeometry g = Geometry(shape, out _);
            var random = new Random(seed);
            int inSize = g.Channels * g.InPositions;
            int outSize = g.OutChannels * g.OutPositions;
            float[] weight = RandomValues(random, g.OutChannels * g.Patch, 0.5);
            float[] x = RandomValues(random, count * inSize, 1.0);
            float[] dz = RandomValues(random, count * outSize, 1.0);
            float[] gradWeight = RandomValues(random, weight.Length, 0.1); // added to
            float[] gradBias = RandomValues(random, g.OutChannels, 0.1);
            float[] startWeight = (float[])gradWeight.Clone();
            float[] startBias = (float[])gradBias.Clone();

            var expectedWeight = new double[weight.Length];
            var weightMagnitude = new double[weight.Length];
            var expectedInput = new double[count * inSize];
            var inputMagnitude = new double[count * inSize];
            var expectedBias = new double[g.OutChannels];
            var biasMagnitude = new double[g.OutChannels];
            for (int s = 0; s < count; s++)
            {
                int sample = s;
                for (int o = 0; o < outSize; o++)
                {
                    expectedBias[o / g.OutPositions] += dz[(s * outSize) + o];
                    biasMagnitude[o / g.OutPositions] += Math.Abs(dz[(s * outSize) + o]);
                }

                Terms(g, (output, w, input) =>
                {
                    double d = dz[(sample * outSize) + output];
                    expectedWeight[w] += d * x[(sample * inSize) + input];
                    weightMagnitude[w] += Math.Abs(d * x[(sample * inSize) + input]);
                    expectedInput[(sample * inSize) + input] += d * weight[w];
                    inputMagnitude[(sample * inSize) + input] += Math.Abs(d * weight[w]);
                });
            }

            // The forward pass fills the patches the backward pass reads.
            var packed = new float[g.PackedLength];
            ConvKernels.Pack(ref weight[0], ref Unsafe.NullRef<float>(), ref packed[0], g);
            var col = new float[count * g.OutPositions * g.Groups * g.Patch];
            var t = new float[count * g.OutPositions * g.OutChannels];
            var dcol = new float[count * g.OutPositions * g.Patch];
            var z = new float[count * outSize];
            ConvKernels.TrainForward(ref packed[0], ref x[0], ref col[0], ref t[0], ref z[0], ref Unsafe.NullRef<float>(), count, g, default(Identity));
            var dx = new float[count * inSize];
            Array.Fill(dx, 99f); // overwritten
            ConvKernels.Backward(
                ref weight[0], ref gradWeight[0], ref bias ? ref gradBias[0] : ref Unsafe.NullRef<float>(), ref col[0], ref dz[0], ref t[0], ref dcol[0],
                ref inputGradient ? ref dx[0] : ref Unsafe.NullRef<float>(), count, g);
            string where = $"[{g.Channels}x{g.InD}x{g.InH}x{g.InW} -> {g.OutChannels}x{g.OutD}x{g.OutH}x{g.OutW}, k {g.KD}x{g.KH}x{g.KW}, groups {g.Groups}, count {count}, bias {bias}, dx {inputGradient}, {PathName}]";
            for (int i = 0; i < weight.Length; i++)
            {
                int at = i;
                Near(startWeight[i] + expectedWeight[i], gradWeight[i], 1e-5 * (weightMagnitude[i] + Math.Abs(startWeight[i]) + 1e-3), () => $"weight gradient{where}[{at}]");
            }

            for (int o = 0; o < g.OutChannels; o++)
            {
                int at = o;
                double expected = bias ? startBias[o] + expectedBias[o] : startBias[o];
                Near(expected, gradBias[o], 1e-5 * (biasMagnitude[o] + Math.Abs(startBias[o]) + 1e-3), () => $"bias gradient{where}[{at}]");
            }

            var only = new float[count * inSize];
            Array.Fill(only, -7f); // overwritten
            ConvKernels.InputGradient(ref weight[0], ref dz[0], ref t[0], ref dcol[0], ref only[0], count, g);
            for (int i = 0; i < expectedInput.Length; i++)
            {
                int at = i;
                double tolerance = 1e-5 * (inputMagnitude[i] + 1e-3);
                if (inputGradient)
                {
                    Near(expectedInput[i], dx[i], tolerance, () => $"input gradient{where}[{at}]");
                }

                Near(expectedInput[i], only[i], tolerance, () => $"InputGradient{where}[{at}]");
            }
        }

        private sealed class ForwardVisitor : IActivationVisitor
        {
            private readonly float[] _packed;
            private readonly float[] _x;
            private readonly float[] _y;
            private readonly float[] _z;
            private readonly float[] _yTrain;
            private readonly float[] _col;
            private readonly float[] _t;
            private readonly int _count;
            private readonly ConvGeometry _g;

            public ForwardVisitor(float[] packed, float[] x, float[] y, float[] z, float[] yTrain, float[] col, float[] t, int count, ConvGeometry g)
            {
                (_packed, _x, _y, _z, _yTrain, _col, _t, _count, _g) = (packed, x, y, z, yTrain, col, t, count, g);
            }

            public void Visit<TAct>(TAct activation)
                where TAct : struct, IActivation
            {
                ConvKernels.Forward(ref _packed[0], ref _x[0], ref _y[0], _count, _g, activation);
                ConvKernels.TrainForward(ref _packed[0], ref _x[0], ref _col[0], ref _t[0], ref _z[0], ref _yTrain[0], _count, _g, activation);
            }
        }
    }
}
