using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// <see cref="KernelsVsGenerated"/> measured A/B interleaved in one process (<c>--kernels-ab</c>): rounds of a fixed
    /// number of Generated calls then as many Kernels calls, so that both sides see the same load on a shared machine; per
    /// case the median time per call of each side, its interquartile range, and the median of the per-round ratios.
    /// </summary>
    public static class KernelsInterleaved
    {
        public static void Run(int rounds)
        {
            Console.WriteLine($"Interleaved A/B, {rounds} rounds of ~2 ms per side; path: {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512-bit" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit" : "128-bit")}");
            Console.WriteLine("| Case | Generated median (Q1-Q3) | Kernels median (Q1-Q3) | Kernels / Generated, median of rounds (Q1-Q3) | GFLOP/s generated | GFLOP/s kernels |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (KernelCase @case in Enum.GetValues<KernelCase>())
            {
                var suite = new KernelsVsGenerated { Case = @case };
                suite.Setup();
                var generated = new List<double>();
                var kernels = new List<double>();
                var ratios = new List<double>();

                // Calls per slice: about 2 ms of work.
                int calls = 1;
                var probe = Stopwatch.StartNew();
                for (int i = 0; i < 200; i++)
                {
                    suite.Generated();
                    suite.Kernels();
                }

                double perCall = probe.Elapsed.TotalMilliseconds / 400;
                calls = Math.Max(1, (int)(2 / perCall));
                for (int r = 0; r < rounds; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    for (int i = 0; i < calls; i++)
                    {
                        suite.Generated();
                    }

                    long t1 = Stopwatch.GetTimestamp();
                    for (int i = 0; i < calls; i++)
                    {
                        suite.Kernels();
                    }

                    long t2 = Stopwatch.GetTimestamp();
                    double g = (t1 - t0) * 1e9 / Stopwatch.Frequency / calls;
                    double k = (t2 - t1) * 1e9 / Stopwatch.Frequency / calls;
                    generated.Add(g);
                    kernels.Add(k);
                    ratios.Add(k / g);
                }

                double flops = KernelsVsGenerated.Flops(@case);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {@case} | {Format(generated)} | {Format(kernels)} | {Quantile(ratios, 0.5):0.000} ({Quantile(ratios, 0.25):0.000}-{Quantile(ratios, 0.75):0.000}) | {flops / Quantile(generated, 0.5):0.0} | {flops / Quantile(kernels, 0.5):0.0} |"));
            }
        }

        private static string Format(List<double> nanoseconds) =>
            string.Create(CultureInfo.InvariantCulture, $"{Quantile(nanoseconds, 0.5) / 1000:0.00} us ({Quantile(nanoseconds, 0.25) / 1000:0.00}-{Quantile(nanoseconds, 0.75) / 1000:0.00})");

        private static double Quantile(List<double> values, double q)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            double at = q * (sorted.Length - 1);
            int low = (int)Math.Floor(at);
            int high = Math.Min(sorted.Length - 1, low + 1);
            return sorted[low] + ((sorted[high] - sorted[low]) * (at - low));
        }
    }
}
