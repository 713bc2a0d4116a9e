using System;
using Compiled.Kernels;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Compiled.Benchmarks
{
    /// <summary>One measured bound: what it is, the figure and its unit.</summary>
    public sealed record Bound(string Name, double Value, string Unit);

    /// <summary>
    /// This machine's measured ceilings, so that the rows read as a share of them rather than as absolute times on a machine
    /// that changes: single-core float32 FMA peak per accelerated vector width, and read bandwidth from each cache level and
    /// memory. Plain <see cref="Stopwatch"/> loops, not BenchmarkDotNet (about a second in all); each figure is the best of
    /// several repetitions, since on a shared machine interference only ever makes a repetition slower.
    /// </summary>
    public sealed class MachineBounds
    {
        /// <summary>
        /// Each figure is the best repetition within this budget (at least <see cref="MinRepetitions"/>): repetitions are short
        /// (well under a scheduler time slice), so on a busy machine some of them still run undisturbed.
        /// </summary>
        private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(200);

        private const int MinRepetitions = 5;

        /// <summary>Read-bandwidth working sets: inside L1, L2, L3 and well beyond any cache.</summary>
        private static readonly (string Level, int Bytes)[] WorkingSets =
        {
            ("L1", 16 << 10), ("L2", 512 << 10), ("L3", 8 << 20), ("memory", 256 << 20),
        };

        /// <summary>Sum of every kernel's result: printed with the bounds, so the JIT cannot drop the loops.</summary>
        private static double _sink;

        private MachineBounds(IReadOnlyList<Bound> fma, IReadOnlyList<Bound> bandwidth)
        {
            Fma = fma;
            Bandwidth = bandwidth;
        }

        /// <summary>GFLOP/s of float32 FMA on one core, widest width first.</summary>
        public IReadOnlyList<Bound> Fma { get; }

        /// <summary>Read GB/s with the widest vector loads, L1 first.</summary>
        public IReadOnlyList<Bound> Bandwidth { get; }

        /// <summary>The FMA peak of the widest accelerated width: the denominator of the "% of peak" column.</summary>
        public double PeakGflops => Fma.Count > 0 ? Fma[0].Value : double.NaN;

        /// <summary>
        /// Read GB/s from a working set the size of L2 (512 KiB): the bound of a batch-1 forward pass whose weights stay in
        /// L2 between calls (Mlp, Mlp2), which reads every weight once per sample.
        /// </summary>
        public double L2ReadGBps => Bandwidth.Count > 1 ? Bandwidth[1].Value : double.NaN;

        /// <summary>The width of <see cref="PeakGflops"/>, e.g. "Vector512".</summary>
        public static string PeakWidth => WidestName();

        /// <summary>The vector widths the JIT accelerates here, widest first (e.g. "Vector512, Vector256, Vector128").</summary>
        public static string AcceleratedWidths()
        {
            var widths = new List<string>();
            if (Vector512.IsHardwareAccelerated)
            {
                widths.Add("Vector512");
            }

            if (Vector256.IsHardwareAccelerated)
            {
                widths.Add("Vector256");
            }

            if (Vector128.IsHardwareAccelerated)
            {
                widths.Add("Vector128");
            }

            return widths.Count > 0 ? string.Join(", ", widths) : "none (scalar only)";
        }

        public static MachineBounds Measure()
        {
            var fma = new List<Bound>();
            if (Vector512.IsHardwareAccelerated)
            {
                fma.Add(MeasureFma<Vector512<float>, Simd512>("Vector512"));
            }

            if (Vector256.IsHardwareAccelerated)
            {
                fma.Add(MeasureFma<Vector256<float>, Simd256>("Vector256"));
            }

            if (Vector128.IsHardwareAccelerated)
            {
                fma.Add(MeasureFma<Vector128<float>, Simd128>("Vector128"));
            }

            var bandwidth = new List<Bound>();
            foreach ((string level, int bytes) in WorkingSets)
            {
                bandwidth.Add(Vector512.IsHardwareAccelerated ? MeasureRead<Vector512<float>, Simd512>(level, bytes)
                    : Vector256.IsHardwareAccelerated ? MeasureRead<Vector256<float>, Simd256>(level, bytes)
                    : MeasureRead<Vector128<float>, Simd128>(level, bytes));
            }

            return new MachineBounds(fma, bandwidth);
        }

        /// <summary>A Markdown table of the bounds (one row each).</summary>
        public string Render()
        {
            var text = new StringBuilder();
            text.AppendLine("| Measured bound (one core) | Value |");
            text.AppendLine("|---|---:|");
            foreach (Bound bound in Fma.Concat(Bandwidth))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {bound.Name} | {bound.Value:0.0} {bound.Unit} |");
            }

            // A blank line ends the Markdown table. Printing the sink keeps every kernel's result observable; it means nothing else.
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Best Stopwatch repetition of each within {Budget.TotalSeconds:0.0} s; FMA: 12 independent accumulators, GFLOP/s = 2 x lanes x FMAs / time; read: {WidestName()} loads, 8 accumulators (checksum {_sink:G3}).");
            return text.ToString();
        }

        /// <summary>The shortest time, in seconds, of <paramref name="repetition"/> over the <see cref="Budget"/>.</summary>
        private static double Best(Action repetition)
        {
            double best = double.MaxValue;
            var total = Stopwatch.StartNew();
            for (int r = 0; r < MinRepetitions || total.Elapsed < Budget; r++)
            {
                long start = Stopwatch.GetTimestamp();
                repetition();
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            return best;
        }

        private static string WidestName() =>
            Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "Vector128";

        /// <summary>
        /// FMA throughput: 12 independent accumulator chains (more than FMA latency × FMA pipes on Zen 3/4/5 and recent
        /// Intel, 8–10), each <c>acc = acc * m + c</c>, which converges to 1 and so never reaches denormals or infinity.
        /// </summary>
        private static Bound MeasureFma<TV, TW>(string name)
            where TV : struct
            where TW : struct, ISimd<TV>
        {
            const long Iterations = 1 << 18; // 12 x 2^18 FMAs: 0.5-2 ms per repetition
            FmaLoop<TV, TW>(1000); // compile before timing
            double best = Best(() => _sink += FmaLoop<TV, TW>(Iterations));
            double flops = 2d * TW.Lanes * 12 * Iterations;
            return new Bound($"FMA peak, {name} (float32)", flops / best / 1e9, "GFLOP/s");
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static float FmaLoop<TV, TW>(long iterations)
            where TV : struct
            where TW : struct, ISimd<TV>
        {
            TV m = TW.Broadcast(0.999f), c = TW.Broadcast(0.001f);
            TV a0 = TW.Broadcast(0.1f), a1 = TW.Broadcast(0.2f), a2 = TW.Broadcast(0.3f), a3 = TW.Broadcast(0.4f);
            TV a4 = TW.Broadcast(0.5f), a5 = TW.Broadcast(0.6f), a6 = TW.Broadcast(0.7f), a7 = TW.Broadcast(0.8f);
            TV a8 = TW.Broadcast(0.9f), a9 = TW.Broadcast(1.1f), a10 = TW.Broadcast(1.2f), a11 = TW.Broadcast(1.3f);
            for (long i = 0; i < iterations; i++)
            {
                a0 = TW.MultiplyAdd(a0, m, c);
                a1 = TW.MultiplyAdd(a1, m, c);
                a2 = TW.MultiplyAdd(a2, m, c);
                a3 = TW.MultiplyAdd(a3, m, c);
                a4 = TW.MultiplyAdd(a4, m, c);
                a5 = TW.MultiplyAdd(a5, m, c);
                a6 = TW.MultiplyAdd(a6, m, c);
                a7 = TW.MultiplyAdd(a7, m, c);
                a8 = TW.MultiplyAdd(a8, m, c);
                a9 = TW.MultiplyAdd(a9, m, c);
                a10 = TW.MultiplyAdd(a10, m, c);
                a11 = TW.MultiplyAdd(a11, m, c);
            }

            TV sum = TW.Add(TW.Add(TW.Add(a0, a1), TW.Add(a2, a3)), TW.Add(TW.Add(a4, a5), TW.Add(a6, a7)));
            return Sum<TV, TW>(TW.Add(sum, TW.Add(TW.Add(a8, a9), TW.Add(a10, a11))));
        }

        /// <summary>
        /// Read bandwidth over a working set of <paramref name="bytes"/>, written once first (so that its pages are really
        /// mapped, not the shared zero page) and then summed repeatedly with 8 independent accumulators.
        /// </summary>
        private static unsafe Bound MeasureRead<TV, TW>(string level, int bytes)
            where TV : struct
            where TW : struct, ISimd<TV>
        {
            int floats = bytes / sizeof(float);
            float* data = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
            try
            {
                new Span<float>(data, floats).Fill(1f);
                long passes = Math.Max(1, (8L << 20) / bytes); // >= 8 MiB read per repetition
                ReadLoop<TV, TW>(data, floats, 1); // compile and warm the caches before timing
                double best = Best(() => _sink += ReadLoop<TV, TW>(data, floats, passes));

                return new Bound($"Read bandwidth, {level} ({FormatSize(bytes)})", (double)bytes * passes / best / 1e9, "GB/s");
            }
            finally
            {
                NativeMemory.AlignedFree(data);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe float ReadLoop<TV, TW>(float* data, int floats, long passes)
            where TV : struct
            where TW : struct, ISimd<TV>
        {
            int step = 8 * TW.Lanes; // every working set is a multiple of 8 vectors
            TV s0 = TW.Broadcast(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (long p = 0; p < passes; p++)
            {
                for (float* q = data, end = data + floats; q < end; q += step)
                {
                    s0 = TW.Add(s0, TW.Load(ref *q, 0));
                    s1 = TW.Add(s1, TW.Load(ref *q, (nuint)TW.Lanes));
                    s2 = TW.Add(s2, TW.Load(ref *q, (nuint)(2 * TW.Lanes)));
                    s3 = TW.Add(s3, TW.Load(ref *q, (nuint)(3 * TW.Lanes)));
                    s4 = TW.Add(s4, TW.Load(ref *q, (nuint)(4 * TW.Lanes)));
                    s5 = TW.Add(s5, TW.Load(ref *q, (nuint)(5 * TW.Lanes)));
                    s6 = TW.Add(s6, TW.Load(ref *q, (nuint)(6 * TW.Lanes)));
                    s7 = TW.Add(s7, TW.Load(ref *q, (nuint)(7 * TW.Lanes)));
                }
            }

            return Sum<TV, TW>(TW.Add(TW.Add(TW.Add(s0, s1), TW.Add(s2, s3)), TW.Add(TW.Add(s4, s5), TW.Add(s6, s7))));
        }

        /// <summary>
        /// Reads <paramref name="values"/> once with the widest accelerated vectors and 8 accumulators, as the bandwidth
        /// rows do (the last floats short of 8 vectors one by one), and returns their sum: the work of a batch-1 forward
        /// pass reduced to reading its weights, which the <c>WeightRead</c> rows time exactly as the networks are timed.
        /// </summary>
        public static unsafe float ReadOnce(ReadOnlySpan<float> values)
        {
            int step = 8 * (Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4);
            int whole = values.Length / step * step;
            float tail = 0;
            for (int i = whole; i < values.Length; i++)
            {
                tail += values[i];
            }

            if (whole == 0)
            {
                return tail;
            }

            fixed (float* data = values)
            {
                float sum = Vector512.IsHardwareAccelerated ? ReadLoop<Vector512<float>, Simd512>(data, whole, 1)
                    : Vector256.IsHardwareAccelerated ? ReadLoop<Vector256<float>, Simd256>(data, whole, 1)
                    : ReadLoop<Vector128<float>, Simd128>(data, whole, 1);
                return sum + tail;
            }
        }

        /// <summary>The sum of a vector's lanes (once per measurement, so a scalar loop is fine).</summary>
        private static float Sum<TV, TW>(TV v)
            where TV : struct
            where TW : struct, ISimd<TV>
        {
            Span<float> lanes = stackalloc float[TW.Lanes];
            TW.Store(v, ref MemoryMarshal.GetReference(lanes), 0);
            float sum = 0;
            foreach (float lane in lanes)
            {
                sum += lane;
            }

            return sum;
        }

        private static string FormatSize(int bytes) =>
            bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
    }
}
