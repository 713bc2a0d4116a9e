using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Kernels;
using static Compiled.Runtime.Tests.Kernels.KernelReference;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>
    /// Checks of <see cref="PoolingKernels"/> against a reference written from PyTorch's definitions, one window position
    /// at a time in double precision (the window's positions <c>o s - p + k d</c>, those outside the input skipped; the first
    /// maximum in window order wins, a NaN wins over numbers; average divisors clipped to the padded input or counting input
    /// positions only), over random geometries of 1 to 3 spatial dimensions with every setting, dx separate and in place of
    /// dy. Run in this process and, with AVX-512 or AVX2 switched off, by Compiled.Tests.Paths (through <see cref="KernelChecks.All"/>).
    /// </summary>
    public static class PoolingKernelChecks
    {
        public static void MaxRandomGeometries() => RandomGeometries(max: true, ties: false);

        public static void MaxTiesAndNaNs() => RandomGeometries(max: true, ties: true);

        public static void AvgRandomGeometries() => RandomGeometries(max: false, ties: false);

        private static void RandomGeometries(bool max, bool ties)
        {
            var random = new Random(max ? (ties ? 3 : 1) : 2);
            int checkedCases = 0;
            while (checkedCases < 300)
            {
                int dims = 1 + random.Next(3);
                int[] size = new int[3], kernel = new int[3], stride = new int[3], padding = new int[3], dilation = new int[3], output = new int[3];
                bool ceil = random.Next(2) == 0;
                bool includePad = random.Next(2) == 0;
                bool fits = true;
                for (int d = 0; d < 3; d++)
                {
                    bool spatial = d >= 3 - dims;
                    size[d] = spatial ? 1 + random.Next(9) : 1;
                    kernel[d] = spatial ? 1 + random.Next(4) : 1;
                    stride[d] = spatial ? 1 + random.Next(3) : 1;
                    padding[d] = spatial ? random.Next((kernel[d] / 2) + 1) : 0;
                    dilation[d] = spatial && max ? 1 + random.Next(2) : 1;
                    long numerator = size[d] + (2 * padding[d]) - (dilation[d] * (kernel[d] - 1)) - 1 + (ceil ? stride[d] - 1 : 0);
                    long o = (long)Math.Floor((double)numerator / stride[d]) + 1;
                    if (ceil && (o - 1) * stride[d] >= size[d] + padding[d])
                    {
                        o--;
                    }

                    fits &= o >= 1 && kernel[d] <= size[d] + (2 * padding[d]);
                    output[d] = (int)o;
                }

                if (!fits)
                {
                    continue;
                }

                int channels = 1 + random.Next(3);
                int count = 1 + random.Next(3);
                var g = new PoolGeometry(channels, size[0], size[1], size[2], output[0], output[1], output[2], kernel[0], kernel[1], kernel[2], stride[0], stride[1], stride[2], padding[0], padding[1], padding[2], dilation[0], dilation[1], dilation[2]);
                Case(g, max, includePad, count, ties, random.Next());
                checkedCases++;
            }
        }

        /// <summary>One geometry: forward (values and, for max, argmax), backward with dx separate and in place of dy.</summary>
        public static void Case(PoolGeometry g, bool max, bool includePad, int count, bool ties, int seed)
        {
            var random = new Random(seed);
            int inSample = g.Channels * g.InputPlane, outSample = g.Channels * g.OutputPlane;
            float[] x = RandomValues(random, count * inSample, 2);
            if (ties)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = random.Next(10) == 0 ? float.NaN : MathF.Round(x[i]); // few distinct values: ties in most windows
                }
            }

            float[] dy = RandomValues(random, count * outSample, 1);
            string Where(string what, int i) =>
                $"{PathName} {(max ? "max" : "avg")} pool: channels {g.Channels}, input {g.InputDepth}x{g.InputHeight}x{g.InputWidth}, window {g.KernelDepth}x{g.KernelHeight}x{g.KernelWidth}, " +
                $"stride {g.StrideDepth}x{g.StrideHeight}x{g.StrideWidth}, padding {g.PaddingDepth}x{g.PaddingHeight}x{g.PaddingWidth}, dilation {g.DilationDepth}x{g.DilationHeight}x{g.DilationWidth}, " +
                $"output {g.OutputDepth}x{g.OutputHeight}x{g.OutputWidth}, count {count}{(max ? string.Empty : includePad ? ", including padding" : ", excluding padding")}: {what}[{i}]";

            (double[] yRef, int[] argmaxRef, double[] dxRef) = Reference(g, max, includePad, count, x, dy);
            float[] y = Enumerable.Repeat(-12345.5f, count * outSample).ToArray();
            int[] argmax = Enumerable.Repeat(-7, count * outSample).ToArray();
            if (max)
            {
                PoolingKernels.MaxForward(ref x[0], ref y[0], ref argmax[0], g, count);
            }
            else
            {
                PoolingKernels.AvgForward(ref x[0], ref y[0], g, includePad, count);
            }

            for (int i = 0; i < y.Length; i++)
            {
                if (max)
                {
                    Same((float)yRef[i], y[i], () => Where("y", i));
                    Check(argmax[i] == argmaxRef[i], () => $"{Where("argmax", i)}: expected {argmaxRef[i]}, got {argmax[i]}");
                }
                else
                {
                    Near(yRef[i], y[i], 1e-6 * Math.Max(1, Math.Abs(yRef[i])), () => Where("y", i));
                }
            }

            if (max)
            {
                // Inference: no indices saved, the same values.
                float[] y2 = new float[y.Length];
                PoolingKernels.MaxForward(ref x[0], ref y2[0], ref System.Runtime.CompilerServices.Unsafe.NullRef<int>(), g, count);
                for (int i = 0; i < y.Length; i++)
                {
                    Same(y[i], y2[i], () => Where("y without indices", i));
                }
            }

            float[] dx = Enumerable.Repeat(-12345.5f, count * inSample).ToArray();
            float[] inPlace = Enumerable.Repeat(-12345.5f, count * Math.Max(inSample, outSample)).ToArray();
            Array.Copy(dy, inPlace, dy.Length);
            if (max)
            {
                PoolingKernels.MaxBackward(ref dy[0], ref argmax[0], ref dx[0], g, count);
                PoolingKernels.MaxBackward(ref inPlace[0], ref argmax[0], ref inPlace[0], g, count);
            }
            else
            {
                PoolingKernels.AvgBackward(ref dy[0], ref dx[0], g, includePad, count);
                PoolingKernels.AvgBackward(ref inPlace[0], ref inPlace[0], g, includePad, count);
            }

            for (int i = 0; i < dx.Length; i++)
            {
                Near(dxRef[i], dx[i], 1e-6 * Math.Max(1, Math.Abs(dxRef[i])), () => Where("dx", i));
                Same(dx[i], inPlace[i], () => Where("dx in place of dy", i));
            }
        }

        /// <summary>The definition, one window position at a time: values, argmax (flat within the channel) and dx.</summary>
        private static (double[] Y, int[] Argmax, double[] Dx) Reference(PoolGeometry g, bool max, bool includePad, int count, float[] x, float[] dy)
        {
            int[] size = { g.InputDepth, g.InputHeight, g.InputWidth };
            int[] output = { g.OutputDepth, g.OutputHeight, g.OutputWidth };
            int[] kernel = { g.KernelDepth, g.KernelHeight, g.KernelWidth };
            int[] stride = { g.StrideDepth, g.StrideHeight, g.StrideWidth };
            int[] padding = { g.PaddingDepth, g.PaddingHeight, g.PaddingWidth };
            int[] dilation = { g.DilationDepth, g.DilationHeight, g.DilationWidth };
            int planes = count * g.Channels;
            var y = new double[planes * g.OutputPlane];
            var argmax = new int[y.Length];
            var dx = new double[planes * g.InputPlane];
            int o = 0;
            for (int plane = 0; plane < planes; plane++)
            {
                for (int a = 0; a < output[0]; a++)
                {
                    for (int b = 0; b < output[1]; b++)
                    {
                        for (int c = 0; c < output[2]; c++, o++)
                        {
                            int[] at = { a, b, c };
                            var positions = new List<int>();
                            int padded = 1;
                            for (int d = 0; d < 3; d++)
                            {
                                int start = (at[d] * stride[d]) - padding[d];
                                padded *= Math.Min(start + kernel[d], size[d] + padding[d]) - start;
                            }

                            for (int i = 0; i < kernel[0]; i++)
                            {
                                for (int j = 0; j < kernel[1]; j++)
                                {
                                    for (int k = 0; k < kernel[2]; k++)
                                    {
                                        int p0 = (a * stride[0]) - padding[0] + (i * dilation[0]);
                                        int p1 = (b * stride[1]) - padding[1] + (j * dilation[1]);
                                        int p2 = (c * stride[2]) - padding[2] + (k * dilation[2]);
                                        if (p0 >= 0 && p1 >= 0 && p2 >= 0 && p0 < size[0] && p1 < size[1] && p2 < size[2])
                                        {
                                            positions.Add((((p0 * size[1]) + p1) * size[2]) + p2);
                                        }
                                    }
                                }
                            }

                            int baseIndex = plane * g.InputPlane;
                            if (max)
                            {
                                double best = double.NegativeInfinity;
                                int bestAt = positions.Count > 0 ? positions[0] : -1;
                                foreach (int p in positions)
                                {
                                    double value = x[baseIndex + p];
                                    if (value > best || double.IsNaN(value))
                                    {
                                        best = value;
                                        bestAt = p;
                                    }
                                }

                                y[o] = best;
                                argmax[o] = bestAt;
                                if (bestAt >= 0)
                                {
                                    dx[baseIndex + bestAt] += dy[o];
                                }
                            }
                            else if (positions.Count > 0)
                            {
                                int divisor = includePad ? padded : positions.Count;
                                y[o] = positions.Sum(p => (double)x[baseIndex + p]) / divisor;
                                foreach (int p in positions)
                                {
                                    dx[baseIndex + p] += (double)dy[o] / divisor;
                                }
                            }
                        }
                    }
                }
            }

            return (y, argmax, dx);
        }
    }
}
