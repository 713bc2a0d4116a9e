using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Compiled.Kernels;
using static Compiled.Runtime.Tests.Kernels.KernelReference;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>
    /// Checks of <see cref="DenseKernels"/> on whichever SIMD path this process has: each result against a double-precision
    /// reference (relative to the sum of the magnitudes of its terms: 1e-5), and bit for bit against a one-float-at-a-time
    /// emulation of the generated code's order of operations. Run by the xunit tests in this process and, with AVX-512 or
    /// AVX2 switched off, by Compiled.Tests.Paths in child processes. Each check throws <see cref="KernelCheckException"/>.
    /// </summary>
    public static class KernelChecks
    {
        private const float Sentinel = -12345.5f;

        /// <summary>Every check, by name.</summary>
        public static IReadOnlyList<(string Name, Action Run)> All { get; } = new (string, Action)[]
        {
            ("ForwardBatch, inputs and outputs 1..40", ForwardBatchSmallShapes),
            ("ForwardBatch, 784x128 and 128x10", ForwardBatchMlpShapes),
            ("ForwardBatch, column ranges", ForwardBatchColumnRanges),
            ("Forward, one sample", ForwardOneSample),
            ("Forward, one sample, over panels", ForwardOneSampleOverPanels),
            ("Backward, inputs and rows 1..40", BackwardSmallShapes),
            ("Backward, 784x128 and 128x10", BackwardMlpShapes),
            ("Backward, row ranges", BackwardRowRanges),
            ("ActivationBackward", ActivationBackwardAll),
            ("PackTransposed, rows ascending and descending", PackTransposedBothWays),
            ("BatchNorm training, one position per channel (bit for bit)", BatchNormVectorInputs),
            ("BatchNorm training, positions per channel", BatchNormSpatialInputs),
            ("Max pooling, random 1-D to 3-D geometries", PoolingKernelChecks.MaxRandomGeometries),
            ("Max pooling, ties and NaNs", PoolingKernelChecks.MaxTiesAndNaNs),
            ("Average pooling, random 1-D to 3-D geometries", PoolingKernelChecks.AvgRandomGeometries),
            (ConvKernelChecks.All[0].Name, ConvKernelChecks.All[0].Run),
            (ConvKernelChecks.All[1].Name, ConvKernelChecks.All[1].Run),
            ("Recurrent Forward and Step, hidden 1..33, every cell", RecurrentKernelChecks.ForwardAndStepMatchReference),
        };

        public static void ForwardBatchSmallShapes()
        {
            var random = new Random(1);
            int mode = 0;
            for (int inputs = 1; inputs <= 40; inputs++)
            {
                for (int outputs = 1; outputs <= 40; outputs++)
                {
                    KernelActivation activation = Activations[((inputs * 41) + outputs) % Activations.Length];
                    int count = 1 + random.Next(70);
                    ForwardBatchCase(inputs, outputs, 0, outputs, count, activation, mode++ % 3, seed: (inputs * 100) + outputs);
                }
            }
        }

        public static void ForwardBatchMlpShapes()
        {
            foreach (int count in new[] { 1, 2, 5, 6, 7, 13, 64, 67 })
            {
                ForwardBatchCase(784, 128, 0, 128, count, KernelActivation.ReLU, count % 3, seed: count);
                ForwardBatchCase(128, 10, 0, 10, count, KernelActivation.Identity, count % 3, seed: count + 1000);
            }

            foreach (KernelActivation activation in Activations)
            {
                ForwardBatchCase(128, 10, 0, 10, 67, activation, (int)activation % 3, seed: 77);
                ForwardBatchCase(784, 128, 0, 128, 9, activation, 1, seed: 78);
            }
        }

        public static void ForwardBatchColumnRanges()
        {
            // Split training's parts ([0, 64) and [64, 128) of 784 -> 128), and other ranges of units.
            foreach ((int inputs, int outputs, int begin, int end) in new[]
            {
                (784, 128, 0, 64), (784, 128, 64, 128), (784, 128, 16, 48), (784, 128, 32, 37), (33, 40, 16, 40), (33, 40, 0, 16),
                (33, 40, 16, 33), (5, 100, 48, 100), (20, 37, 3, 29), (7, 19, 18, 19),
            })
            {
                foreach (int count in new[] { 1, 6, 11, 64 })
                {
                    KernelActivation activation = Activations[(begin + end + count) % Activations.Length];
                    ForwardBatchCase(inputs, outputs, begin, end, count, activation, count % 3, seed: begin + end + count);
                }
            }
        }

        public static void ForwardOneSample()
        {
            var shapes = new List<(int Inputs, int Outputs)> { (784, 128), (128, 10), (100, 50), (300, 20), (64, 70), (200, 9), (1500, 3), (3, 2000), (5000, 1), (257, 33), (33, 257), (1000, 200), (50, 1000), (600, 1030) };
            for (int inputs = 1; inputs <= 40; inputs += 3)
            {
                for (int outputs = 1; outputs <= 40; outputs += 2)
                {
                    shapes.Add((inputs, outputs));
                }
            }

            int k = 0;
            foreach ((int inputs, int outputs) in shapes)
            {
                ForwardOneCase(inputs, outputs, Activations[k++ % Activations.Length], seed: k);
            }

            foreach (KernelActivation activation in Activations)
            {
                ForwardOneCase(784, 128, activation, seed: 500 + (int)activation);
            }
        }

        /// <summary>
        /// <see cref="DenseKernels.ForwardPanels"/> over <see cref="DenseKernels.PackPanels"/>'s copy: the same bits as the
        /// generated order, for layers cut into panels on every path (wider than 32 floats, larger than L1) and for layers it
        /// hands to <see cref="DenseKernels.Forward"/> (one panel wide or small).
        /// </summary>
        public static void ForwardOneSampleOverPanels()
        {
            var shapes = new (int Inputs, int Outputs)[] { (784, 128), (1000, 200), (50, 1000), (600, 1030), (33, 257), (300, 65), (129, 129), (2000, 40), (97, 300), (70, 150), (100, 90), (16, 2000), (257, 33), (40, 40) };
            int k = 0;
            foreach ((int inputs, int outputs) in shapes)
            {
                ForwardOneCase(inputs, outputs, Activations[k++ % Activations.Length], seed: 700 + k, panels: true);
            }
        }

        public static void BackwardSmallShapes()
        {
            var random = new Random(2);
            for (int inputs = 1; inputs <= 40; inputs++)
            {
                for (int rows = 1; rows <= 40; rows++)
                {
                    int count = 1 + random.Next(70);
                    BackwardCase(inputs, rows, rows, 0, rows, count, (inputs + rows) % 2 == 0, seed: (inputs * 100) + rows);
                }
            }
        }

        public static void BackwardMlpShapes()
        {
            foreach (int count in new[] { 1, 3, 4, 5, 64, 67 })
            {
                BackwardCase(784, 128, 128, 0, 128, count, inputGradient: false, seed: count);
                BackwardCase(784, 128, 128, 0, 128, count, inputGradient: true, seed: count + 1);
                BackwardCase(128, 10, 10, 0, 10, count, inputGradient: true, seed: count + 2);
            }
        }

        public static void BackwardRowRanges()
        {
            // Split training: rows [0, 64) and [64, 128) of 784 -> 128, dz in the part's own block of 64 columns.
            foreach ((int inputs, int outputs, int begin, int end, int dzStride) in new[]
            {
                (784, 128, 0, 64, 64), (784, 128, 64, 128, 64), (784, 128, 16, 53, 128), (33, 40, 16, 40, 24), (7, 19, 5, 18, 30), (3, 40, 17, 31, 14),
            })
            {
                foreach (int count in new[] { 1, 6, 64 })
                {
                    BackwardCase(inputs, outputs, dzStride, begin, end, count, inputGradient: count == 6, seed: begin + end + count);
                }
            }
        }

        public static void ActivationBackwardAll()
        {
            foreach (KernelActivation activation in Activations)
            {
                for (int length = 0; length <= 70; length++)
                {
                    ActivationBackwardCase(activation, length, seed: length);
                }

                ActivationBackwardCase(activation, 64 * 128, seed: 1);
            }
        }

        public static void BatchNormVectorInputs()
        {
            // spatial = 1 (BatchNorm1d after a Dense layer): vectors across the channels, each lane one channel summed over the
            // samples in order, so the same bits as the reference on every path, the tail channels included.
            foreach ((int channels, int count) in new[] { (128, 64), (128, 2), (128, 67), (1, 2), (3, 5), (8, 3), (15, 9), (16, 4), (17, 31), (33, 2), (40, 64), (100, 7) })
            {
                BatchNormCase(channels, 1, count, seed: (channels * 100) + count, exact: true);
            }
        }

        public static void BatchNormSpatialInputs()
        {
            // spatial > 1 (BatchNorm2d): vectors along a channel's positions; sums in another order, so within a tolerance.
            foreach ((int channels, int spatial, int count) in new[] { (3, 4, 2), (3, 4, 5), (1, 7, 3), (4, 8, 2), (5, 9, 6), (2, 16, 3), (6, 31, 4), (16, 49, 8), (4, 64, 64), (3, 1024, 2) })
            {
                BatchNormCase(channels, spatial, count, seed: (channels * 10000) + (spatial * 100) + count, exact: false);
            }
        }

        /// <summary>Both kernels against the one-value-at-a-time reference, with and without the affine parameters, dx separate and in place of dy.</summary>
        public static void BatchNormCase(int channels, int spatial, int count, int seed, bool exact)
        {
            var random = new Random(seed);
            int length = channels * spatial * count;
            float[] x = RandomValues(random, length, 2);
            for (int i = 0; i < length; i++)
            {
                x[i] += (i / spatial % channels) - 3; // a different mean per channel
            }

            float[] dy = RandomValues(random, length, 1);
            float[] affine = RandomValues(random, 2 * channels, 1);
            float[] running = RandomValues(random, (2 * channels) + 1, 1);
            for (int c = 0; c < channels; c++)
            {
                running[channels + c] = Math.Abs(running[channels + c]) + 0.5f;
            }

            foreach (bool hasAffine in new[] { true, false })
            {
                string Where(string what, int i) => $"{PathName} BatchNorm {channels}x{spatial} count {count}{(hasAffine ? string.Empty : " without affine")}: {what}[{i}]";
                float[]? a = hasAffine ? affine : null;
                float[] y = Filled(length), yRef = Filled(length), stats = Filled(2 * channels), statsRef = Filled(2 * channels);
                float[] run = (float[])running.Clone(), runRef = (float[])running.Clone();
                BatchNormKernels.TrainForward(ref x[0], ref y[0], ref Ref(a), ref stats[0], ref run[0], channels, spatial, count, 1e-5f, 0.1f);
                BatchNormTrainForward(x, yRef, a, statsRef, runRef, channels, spatial, count, 1e-5f, 0.1f);
                Compare("y", yRef, y, exact, Where);
                Compare("statistics", statsRef, stats, exact, Where);
                Compare("running", runRef, run, exact, Where);

                float[] gw = RandomValues(new Random(seed + 1), channels, 1), gb = RandomValues(new Random(seed + 2), channels, 1);
                float[] gwRef = (float[])gw.Clone(), gbRef = (float[])gb.Clone();
                float[] dx = Filled(length), dxRef = Filled(length);
                BatchNormKernels.Backward(ref x[0], ref dy[0], ref Ref(a), ref statsRef[0], ref gw[0], ref gb[0], ref dx[0], channels, spatial, count);
                BatchNormBackward(x, dy, a, statsRef, gwRef, gbRef, dxRef, channels, spatial, count);
                Compare("gradWeight", gwRef, gw, exact, Where);
                Compare("gradBias", gbRef, gb, exact, Where);
                Compare("dx", dxRef, dx, exact, Where);

                // dx in place of dy, no parameter gradients.
                float[] inPlace = (float[])dy.Clone();
                BatchNormKernels.Backward(ref x[0], ref inPlace[0], ref Ref(a), ref statsRef[0], ref Ref(null), ref Ref(null), ref inPlace[0], channels, spatial, count);
                Compare("dx in place of dy", dxRef, inPlace, exact, Where);

                // Parameter gradients only.
                float[] gw2 = RandomValues(new Random(seed + 1), channels, 1), gb2 = RandomValues(new Random(seed + 2), channels, 1);
                BatchNormKernels.Backward(ref x[0], ref dy[0], ref Ref(a), ref statsRef[0], ref gw2[0], ref gb2[0], ref Ref(null), channels, spatial, count);
                Compare("gradWeight without dx", gwRef, gw2, exact, Where);
                Compare("gradBias without dx", gbRef, gb2, exact, Where);
            }
        }

        private static ref float Ref(float[]? array) => ref array is null ? ref System.Runtime.CompilerServices.Unsafe.NullRef<float>() : ref array[0];

        private static void Compare(string what, float[] expected, float[] actual, bool exact, Func<string, int, string> where)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                if (exact)
                {
                    Same(expected[i], actual[i], () => where(what, i));
                }
                else
                {
                    // The double sums differ only in their order: a few float ulps at most after rounding.
                    Near(expected[i], actual[i], 1e-6 * Math.Max(1, Math.Abs(expected[i])), () => where(what, i));
                }
            }
        }

        // ------------------------------------------------------------------ cases

        /// <param name="mode">0: ForwardBatch (y), 1: ForwardBatchTrain (z and y), 2: ForwardBatchLogits (z).</param>
        public static void ForwardBatchCase(int inputs, int outputs, int begin, int end, int count, KernelActivation activation, int mode, int seed)
        {
            var random = new Random(seed);
            int units = end - begin;
            int padded = Padded(outputs);
            float[] weight = RandomValues(random, outputs * inputs, 1 / Math.Sqrt(inputs));
            float[] bias = RandomValues(random, outputs, 0.5);
            int xStride = inputs + (seed % 3);
            float[] x = RandomValues(random, count * xStride, 1);
            float[] packed = Pack(weight, bias, outputs, inputs, slack: 16);
            int oStride = units + (seed % 5);
            float[] z = Filled(count * oStride);
            float[] y = Filled(count * oStride);
            if (mode == 2)
            {
                activation = KernelActivation.Identity;
            }

            var call = new ForwardBatchCall(packed, begin, inputs * padded, padded, x, xStride, z, y, oStride, inputs, units, count, mode);
            Visit(activation, call);
            string Where(int s, int u) => $"{PathName} {Describe(mode)}<{activation}> {inputs}x{outputs} units [{begin}, {end}) count {count}: sample {s}, unit {begin + u}";
            for (int s = 0; s < count; s++)
            {
                for (int u = 0; u < oStride; u++)
                {
                    int at = (s * oStride) + u;
                    if (u >= units)
                    {
                        Same(Sentinel, z[at], () => Where(s, u) + " (past the row, z)");
                        Same(Sentinel, y[at], () => Where(s, u) + " (past the row, y)");
                        continue;
                    }

                    int o = begin + u;
                    double exact = bias[o];
                    double magnitude = Math.Abs(bias[o]);
                    float chain = bias[o];
                    for (int i = 0; i < inputs; i++)
                    {
                        float w = weight[(o * inputs) + i];
                        float xi = x[(s * xStride) + i];
                        exact += (double)w * xi;
                        magnitude += Math.Abs((double)w * xi);
                        chain = SimdMath.MultiplyAdd(w, xi, chain);
                    }

                    double zTolerance = (1e-5 * magnitude) + 1e-30;
                    if (mode != 0)
                    {
                        Near(exact, z[at], zTolerance, () => Where(s, u) + " (z)");
                        Same(chain, z[at], () => Where(s, u) + " (z against the generated order)");
                    }
                    else
                    {
                        Same(Sentinel, z[at], () => Where(s, u) + " (z written)");
                    }

                    if (mode != 2)
                    {
                        double yExact = Forward(activation, exact);
                        double yTolerance = (Math.Max(1, Math.Abs(Derivative(activation, exact))) * zTolerance) + (1e-5 * Math.Abs(yExact)) + 1e-7;
                        Near(yExact, y[at], yTolerance, () => Where(s, u) + " (y)");
                        Same(ForwardFloat(activation, chain), y[at], () => Where(s, u) + " (y against the generated order)");
                    }
                    else
                    {
                        Same(Sentinel, y[at], () => Where(s, u) + " (y written)");
                    }
                }
            }
        }

        public static void ForwardOneCase(int inputs, int outputs, KernelActivation activation, int seed, bool panels = false)
        {
            var random = new Random(seed);
            int padded = Padded(outputs);
            float[] weight = RandomValues(random, outputs * inputs, 1 / Math.Sqrt(inputs));
            float[] bias = RandomValues(random, outputs, 0.5);
            float[] x = RandomValues(random, inputs, 1);
            float[] packed = Pack(weight, bias, outputs, inputs);
            float[] y = Filled(outputs + 17);
            if (panels)
            {
                // The panelled copy, then a sentinel: PackPanels writes inputs * padded floats at most.
                float[] cut = Filled((inputs * padded) + 16);
                DenseKernels.PackPanels(ref packed[0], padded, ref cut[0], inputs, outputs);
                for (int at = inputs * padded; at < cut.Length; at++)
                {
                    Same(Sentinel, cut[at], () => $"{PathName} PackPanels {inputs}x{outputs}: float {at} (past the panels)");
                }

                Visit(activation, new ForwardCall(packed, inputs * padded, padded, x, y, inputs, outputs, cut));
            }
            else
            {
                Visit(activation, new ForwardCall(packed, inputs * padded, padded, x, y, inputs, outputs));
            }

            // The generator's ForwardShape for a layer that is not inlined, on this path's width.
            int lanes = OutputLanes(outputs);
            int vectors = (outputs + lanes - 1) / lanes;
            int perBlock = Math.Min(vectors, 8);
            int groups = Math.Max(1, Math.Min(Math.Min(8, inputs), 8 / perBlock));
            groups = groups >= 8 ? 8 : groups >= 4 ? 4 : groups >= 2 ? 2 : 1;
            int full = inputs / groups * groups;
            var sums = new float[groups];
            for (int o = 0; o < outputs + 17; o++)
            {
                string Where() => $"{PathName} {(panels ? "ForwardPanels" : "Forward")}<{activation}> {inputs}x{outputs}: output {o}";
                if (o >= outputs)
                {
                    Same(Sentinel, y[o], () => Where() + " (past the outputs)");
                    continue;
                }

                double exact = bias[o];
                double magnitude = Math.Abs(bias[o]);
                Array.Clear(sums);
                sums[0] = bias[o];
                for (int i = 0; i < inputs; i++)
                {
                    float w = weight[(o * inputs) + i];
                    exact += (double)w * x[i];
                    magnitude += Math.Abs((double)w * x[i]);
                    int g = i < full ? i % groups : i - full;
                    sums[g] = SimdMath.MultiplyAdd(w, x[i], sums[g]);
                }

                float chain = PairwiseSum(sums);
                double zTolerance = (1e-5 * magnitude) + 1e-30;
                double yExact = Forward(activation, exact);
                double yTolerance = (Math.Max(1, Math.Abs(Derivative(activation, exact))) * zTolerance) + (1e-5 * Math.Abs(yExact)) + 1e-7;
                Near(yExact, y[o], yTolerance, Where);
                Same(ForwardFloat(activation, chain), y[o], () => Where() + $" (against the generated order, {groups} group(s))");
            }
        }

        /// <summary>
        /// The packing transpose, both walks, against the definition: element (r, c) at c * stride + r, the lanes from rows to
        /// stride of every destination row and everything after the last left alone; shapes around the 8x8 blocks.
        /// </summary>
        public static void PackTransposedBothWays()
        {
            foreach ((int rows, int columns) in new[] { (1, 1), (3, 5), (8, 16), (9, 17), (16, 15), (23, 40), (64, 784), (10, 128), (7, 33) })
            {
                foreach (bool descending in new[] { false, true })
                {
                    var random = new Random((rows * 1000) + columns);
                    int stride = ((rows + 15) / 16 * 16) + (descending ? 16 : 0);
                    float[] source = RandomValues(random, rows * columns, 1);
                    float[] destination = Filled((columns * stride) + 16);
                    if (descending)
                    {
                        GeneratedCodeSupport.PackTransposedRowsDescending(ref source[0], rows, columns, ref destination[0], stride);
                    }
                    else
                    {
                        GeneratedCodeSupport.PackTransposed(ref source[0], rows, columns, ref destination[0], stride);
                    }

                    for (int at = 0; at < destination.Length; at++)
                    {
                        int c = at / stride;
                        int r = at % stride;
                        float expected = c < columns && r < rows ? source[(r * columns) + c] : Sentinel;
                        Same(expected, destination[at], () => $"{PathName} {(descending ? "PackTransposedRowsDescending" : "PackTransposed")} {rows}x{columns} stride {stride}: element {at} (column {c}, row {r})");
                    }
                }
            }
        }

        /// <summary>
        /// Rows [begin, end) of a layer with <paramref name="outputs"/> units; dz is the rows' own block [count, dzStride]
        /// (column 0 is unit <paramref name="begin"/>).
        /// </summary>
        public static void BackwardCase(int inputs, int outputs, int dzStride, int begin, int end, int count, bool inputGradient, int seed)
        {
            var random = new Random(seed);
            int rows = end - begin;
            float[] weight = RandomValues(random, outputs * inputs, 1 / Math.Sqrt(inputs));
            float[] x = RandomValues(random, count * inputs, 1);
            float[] dz = RandomValues(random, count * dzStride, 0.1);
            float[] gw0 = RandomValues(random, outputs * inputs, 0.01);
            float[] gb0 = RandomValues(random, outputs, 0.01);
            float[] gw = (float[])gw0.Clone();
            float[] gb = (float[])gb0.Clone();
            float[] dx = Filled((count * inputs) + 16);
            if (inputGradient)
            {
                DenseKernels.BackwardWithInputGradient(
                    ref weight[begin * inputs], ref gw[begin * inputs], ref gb[begin], ref x[0], ref dz[0], dzStride, ref dx[0], inputs, rows, count);
            }
            else
            {
                DenseKernels.Backward(ref gw[begin * inputs], ref gb[begin], ref x[0], ref dz[0], dzStride, inputs, rows, count);
            }

            string Where() => $"{PathName} {(inputGradient ? "BackwardWithInputGradient" : "Backward")} {inputs}x{outputs} rows [{begin}, {end}) count {count}";
            if (!inputGradient)
            {
                // The rows walked from the last (split training's lower part): the same bits, the same rows left alone.
                float[] gwDown = (float[])gw0.Clone();
                float[] gbDown = (float[])gb0.Clone();
                DenseKernels.BackwardRowsDescending(ref gwDown[begin * inputs], ref gbDown[begin], ref x[0], ref dz[0], dzStride, inputs, rows, count);
                for (int at = 0; at < gw.Length; at++)
                {
                    Same(gw[at], gwDown[at], () => Where() + $": BackwardRowsDescending weight gradient element {at}");
                }

                for (int o = 0; o < outputs; o++)
                {
                    Same(gb[o], gbDown[o], () => Where() + $": BackwardRowsDescending bias gradient {o}");
                }
            }

            for (int o = 0; o < outputs; o++)
            {
                bool owned = o >= begin && o < end;
                int u = o - begin;
                double exact = gb0[o];
                double magnitude = Math.Abs(gb0[o]);
                float sum = 0f;
                for (int s = 0; s < count && owned; s++)
                {
                    float d = dz[(s * dzStride) + u];
                    exact += d;
                    magnitude += Math.Abs(d);
                    sum += d;
                }

                if (!owned)
                {
                    Same(gb0[o], gb[o], () => Where() + $": bias gradient {o} (not owned) changed");
                }
                else
                {
                    Near(exact, gb[o], (1e-5 * magnitude) + 1e-30, () => Where() + $": bias gradient {o}");
                    Same(gb0[o] + sum, gb[o], () => Where() + $": bias gradient {o} (against the generated order)");
                }

                for (int i = 0; i < inputs; i++)
                {
                    int at = (o * inputs) + i;
                    if (!owned)
                    {
                        Same(gw0[at], gw[at], () => Where() + $": weight gradient [{o}, {i}] (not owned) changed");
                        continue;
                    }

                    double wExact = gw0[at];
                    double wMagnitude = Math.Abs(gw0[at]);
                    float chain = 0f;
                    for (int s = 0; s < count; s++)
                    {
                        float d = dz[(s * dzStride) + u];
                        float xi = x[(s * inputs) + i];
                        wExact += (double)d * xi;
                        wMagnitude += Math.Abs((double)d * xi);
                        chain = SimdMath.MultiplyAdd(d, xi, chain);
                    }

                    Near(wExact, gw[at], (1e-5 * wMagnitude) + 1e-30, () => Where() + $": weight gradient [{o}, {i}]");
                    Same(gw0[at] + chain, gw[at], () => Where() + $": weight gradient [{o}, {i}] (against the generated order)");
                }
            }

            for (int at = 0; at < dx.Length; at++)
            {
                int s = at / inputs;
                int i = at % inputs;
                if (!inputGradient || s >= count)
                {
                    Same(Sentinel, dx[at], () => Where() + $": dx element {at} written");
                    continue;
                }

                double exact = 0;
                double magnitude = 0;
                float chain = 0f;
                for (int r = 0; r < rows; r++)
                {
                    float d = dz[(s * dzStride) + r];
                    float w = weight[((begin + r) * inputs) + i];
                    exact += (double)d * w;
                    magnitude += Math.Abs((double)d * w);
                    chain = SimdMath.MultiplyAdd(d, w, chain);
                }

                Near(exact, dx[at], (1e-5 * magnitude) + 1e-30, () => Where() + $": dx [{s}, {i}]");
                Same(chain, dx[at], () => Where() + $": dx [{s}, {i}] (against the generated order)");
            }
        }

        public static void ActivationBackwardCase(KernelActivation activation, int length, int seed)
        {
            var random = new Random(seed);
            float[] z = RandomValues(random, length + 1, 4);
            var y = new float[length + 1];
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = ForwardFloat(activation, z[i]);
            }

            float[] dy = RandomValues(random, length + 1, 1);
            float[] dy0 = (float[])dy.Clone();
            dy[length] = Sentinel;
            Visit(activation, new ActivationBackwardCall(dy, y, z, length));
            for (int i = 0; i <= length; i++)
            {
                string Where() => $"{PathName} ActivationBackward<{activation}> length {length}: element {i} (z = {z[i]:R})";
                if (i == length)
                {
                    Same(Sentinel, dy[i], () => Where() + " (past the end)");
                    continue;
                }

                // SimdMath's documented bounds: GeluDerivative within 3.7e-6 absolute for 1 < |z| < 10 (tanh's error near +-1).
                double exact = Derivative(activation, z[i]) * dy0[i];
                Near(exact, dy[i], (1e-5 * Math.Abs(exact)) + (4e-6 * Math.Abs(dy0[i])), Where);
                Same(BackwardFloat(activation, dy0[i], y[i], z[i]), dy[i], () => Where() + " (against the generated expression)");
            }
        }

        // ------------------------------------------------------------------ helpers

        private static string Describe(int mode) => mode switch { 0 => "ForwardBatch", 1 => "ForwardBatchTrain", _ => "ForwardBatchLogits" };

        private static float[] Filled(int length)
        {
            var values = new float[length];
            Array.Fill(values, Sentinel);
            return values;
        }

        /// <summary>The generator's reduction of the groups: adjacent pairs, level by level.</summary>
        private static float PairwiseSum(float[] terms)
        {
            var level = new List<float>(terms);
            while (level.Count > 1)
            {
                var next = new List<float>();
                for (int t = 0; t + 1 < level.Count; t += 2)
                {
                    next.Add(level[t] + level[t + 1]);
                }

                if (level.Count % 2 == 1)
                {
                    next.Add(level[^1]);
                }

                level = next;
            }

            return level[0];
        }

        private sealed class ForwardBatchCall : IActivationVisitor
        {
            private readonly float[] _packed;
            private readonly int _begin;
            private readonly int _biasAt;
            private readonly int _padded;
            private readonly float[] _x;
            private readonly int _xStride;
            private readonly float[] _z;
            private readonly float[] _y;
            private readonly int _oStride;
            private readonly int _inputs;
            private readonly int _units;
            private readonly int _count;
            private readonly int _mode;

            public ForwardBatchCall(float[] packed, int begin, int biasAt, int padded, float[] x, int xStride, float[] z, float[] y, int oStride, int inputs, int units, int count, int mode)
            {
                (_packed, _begin, _biasAt, _padded, _x, _xStride, _z, _y, _oStride, _inputs, _units, _count, _mode) =
                    (packed, begin, biasAt, padded, x, xStride, z, y, oStride, inputs, units, count, mode);
            }

            public void Visit<TAct>(TAct activation)
                where TAct : struct, IActivation
            {
                ref float w = ref _packed[_begin];
                ref float b = ref _packed[_biasAt + _begin];
                ref float x = ref MemoryMarshal.GetArrayDataReference(_x);
                switch (_mode)
                {
                    case 0: DenseKernels.ForwardBatch(ref w, ref b, _padded, ref x, _xStride, ref _y[0], _oStride, _inputs, _units, _count, activation); break;
                    case 1: DenseKernels.ForwardBatchTrain(ref w, ref b, _padded, ref x, _xStride, ref _z[0], ref _y[0], _oStride, _inputs, _units, _count, activation); break;
                    default: DenseKernels.ForwardBatchLogits(ref w, ref b, _padded, ref x, _xStride, ref _z[0], _oStride, _inputs, _units, _count); break;
                }
            }
        }

        private sealed class ForwardCall : IActivationVisitor
        {
            private readonly float[] _packed;
            private readonly int _biasAt;
            private readonly int _padded;
            private readonly float[] _x;
            private readonly float[] _y;
            private readonly int _inputs;
            private readonly int _outputs;
            private readonly float[]? _panels;

            public ForwardCall(float[] packed, int biasAt, int padded, float[] x, float[] y, int inputs, int outputs, float[]? panels = null)
            {
                (_packed, _biasAt, _padded, _x, _y, _inputs, _outputs, _panels) = (packed, biasAt, padded, x, y, inputs, outputs, panels);
            }

            public void Visit<TAct>(TAct activation)
                where TAct : struct, IActivation
            {
                if (_panels is null)
                {
                    DenseKernels.Forward(ref _packed[0], ref _packed[_biasAt], _padded, ref _x[0], ref _y[0], _inputs, _outputs, activation);
                }
                else
                {
                    DenseKernels.ForwardPanels(ref _packed[0], ref _packed[_biasAt], _padded, ref _panels[0], ref _x[0], ref _y[0], _inputs, _outputs, activation);
                }
            }
        }

        private sealed class ActivationBackwardCall : IActivationVisitor
        {
            private readonly float[] _dy;
            private readonly float[] _y;
            private readonly float[] _z;
            private readonly int _length;

            public ActivationBackwardCall(float[] dy, float[] y, float[] z, int length)
            {
                (_dy, _y, _z, _length) = (dy, y, z, length);
            }

            public void Visit<TAct>(TAct activation)
                where TAct : struct, IActivation =>
                DenseKernels.ActivationBackward(ref _dy[0], ref _y[0], ref _z[0], _length, activation);
        }
    }
}
