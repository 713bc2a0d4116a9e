using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;
using Compiled.Benchmarks.Suites;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>One measured benchmark: suite (operation), network, implementation, median and allocation per invocation.</summary>
    public sealed record ResultRow(string Operation, NetworkName Network, string Implementation, double MedianNs, double InterquartileNs, long? AllocatedBytes);

    /// <summary>A target the lead works towards, checked against the measured medians of one operation and network.</summary>
    public sealed record Bar(string Operation, NetworkName Network, string Text, Func<BarInputs, bool> IsMet);

    /// <summary>What a bar is checked against: the three medians (ns) and the work of one invocation.</summary>
    public sealed record BarInputs(double GeneratedNs, double? NaiveNs, double? DynamicNs, Work Work)
    {
        public double Gflops => Work.Flops / GeneratedNs;

        public double SamplesPerSecond => Work.Samples * 1e9 / GeneratedNs;

        public double? OverNaive => NaiveNs / GeneratedNs;

        public double? OverDynamic => DynamicNs / GeneratedNs;
    }

    /// <summary>The combined table of every suite, with GFLOP/s, speed-ups over both baselines, allocations and the bars.</summary>
    public static class ResultTable
    {
        public static readonly IReadOnlyList<Bar> Bars = new Bar[]
        {
            new(nameof(Forward), NetworkName.Xor, "<= 12 ns", b => b.GeneratedNs <= 12),
            new(nameof(Forward), NetworkName.Game, "<= 55 ns", b => b.GeneratedNs <= 55),
            new(nameof(Forward), NetworkName.Game, ">= 10x Naive", b => b.OverNaive >= 10),
            new(nameof(Forward), NetworkName.Game, ">= 3x Dynamic", b => b.OverDynamic >= 3),
            new(nameof(Forward), NetworkName.Mlp, "<= 2.3 us", b => b.GeneratedNs <= 2300),
            new(nameof(Forward), NetworkName.Mlp, ">= 10x Naive", b => b.OverNaive >= 10),
            new(nameof(Forward), NetworkName.Mlp, ">= 3x Dynamic", b => b.OverDynamic >= 3),
            new(nameof(Forward), NetworkName.Mlp2, "<= 1.3 us", b => b.GeneratedNs <= 1300),
            new(nameof(ForwardBatch64), NetworkName.Mlp, ">= 180 GFLOP/s", b => b.Gflops >= 180),
            new(nameof(TrainStep64), NetworkName.Mlp, ">= 245,000 samples/s (>= 150 GFLOP/s)", b => b.SamplesPerSecond >= 245_000),
            new(nameof(MlpEpoch), NetworkName.Mlp, "< 0.3 s", b => b.GeneratedNs < 0.3e9),
        };

        private static readonly string[] OperationOrder = { nameof(Forward), nameof(ForwardBatch64), nameof(TrainStep64), nameof(MlpEpoch) };
        private static readonly string[] ImplementationOrder = { "Naive", "Dynamic", "Generated", "GeneratedTwoThreads" };

        public static List<ResultRow> Collect(IEnumerable<Summary> summaries)
        {
            var rows = new List<ResultRow>();
            foreach (Summary summary in summaries)
            {
                foreach (BenchmarkReport report in summary.Reports)
                {
                    if (!report.Success || report.ResultStatistics is null || Work.Of(report.BenchmarkCase) is not { } work)
                    {
                        continue;
                    }

                    rows.Add(new ResultRow(
                        work.Operation,
                        work.Network,
                        report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                        report.ResultStatistics.Median,
                        report.ResultStatistics.InterquartileRange,
                        report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)));
                }
            }

            return rows
                .OrderBy(r => Array.IndexOf(OperationOrder, r.Operation))
                .ThenBy(r => r.Network)
                .ThenBy(r => Array.IndexOf(ImplementationOrder, r.Implementation))
                .ToList();
        }

        /// <summary>
        /// Markdown: one row per implementation; the bars on the generated rows. <paramref name="peakGflops"/> is the
        /// machine's measured FMA peak (<see cref="MachineBounds.PeakGflops"/>), the denominator of "% of peak".
        /// </summary>
        public static string Render(IReadOnlyList<ResultRow> rows, double peakGflops)
        {
            var text = new StringBuilder();
            text.AppendLine("| Operation | Network | Implementation | Median | IQR | GFLOP/s | % of peak | GFLOP/s exact | Samples/s | x vs Naive | x vs Dynamic | Allocated | Bar | Met |");
            text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
            foreach (ResultRow row in rows)
            {
                Work work = Work.Of(row.Operation, row.Network)!.Value;
                double? naive = Find(rows, row, "Naive");
                double? dynamic = Find(rows, row, "Dynamic");
                string bars = "";
                string met = "";
                if (row.Implementation == "Generated")
                {
                    var inputs = new BarInputs(row.MedianNs, naive, dynamic, work);
                    List<Bar> applicable = Bars.Where(b => b.Operation == row.Operation && b.Network == row.Network).ToList();
                    bars = string.Join("; ", applicable.Select(b => b.Text));
                    met = string.Join("; ", applicable.Select(b => b.IsMet(inputs) ? "met" : "NOT met"));
                }
                else if (row.Implementation == "GeneratedTwoThreads" && Find(rows, row, "Generated") is { } oneThread)
                {
                    bars = $">= 1.7x one thread (measured {oneThread / row.MedianNs:0.00}x)";
                    met = oneThread / row.MedianNs >= 1.7 ? "met" : "NOT met";
                }

                text.Append(CultureInfo.InvariantCulture, $"| {Label(row.Operation)} | {row.Network} | {row.Implementation} | {FormatTime(row.MedianNs)} | {100 * row.InterquartileNs / row.MedianNs:0.0}% ");
                string ofPeak = double.IsFinite(peakGflops) && peakGflops > 0 ? (100 * work.Flops / row.MedianNs / peakGflops).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
                text.Append(CultureInfo.InvariantCulture, $"| {work.Flops / row.MedianNs:0.00} | {ofPeak} | {work.ExactFlops / row.MedianNs:0.00} | {work.Samples * 1e9 / row.MedianNs:N0} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Ratio(naive, row.MedianNs)} | {Ratio(dynamic, row.MedianNs)} | {FormatBytes(row.AllocatedBytes)} | {bars} | {met} |");
                text.AppendLine();
            }

            return text.ToString();
        }

        /// <summary>The generated rows that allocate, which the lead must hear about.</summary>
        public static IEnumerable<ResultRow> AllocatingGeneratedRows(IEnumerable<ResultRow> rows) =>
            rows.Where(r => r.Implementation == "Generated" && r.Operation != nameof(MlpEpoch) && r.AllocatedBytes is > 0);

        public static string FormatTime(double ns) => ns switch
        {
            < 1e3 => ns.ToString("0.00", CultureInfo.InvariantCulture) + " ns",
            < 1e6 => (ns / 1e3).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
            < 1e9 => (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
            _ => (ns / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + " s",
        };

        public static string FormatBytes(long? bytes) => bytes switch
        {
            null => "?",
            < 1024 => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
            < 1024 * 1024 => (bytes.Value / 1024d).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
            _ => (bytes.Value / (1024d * 1024d)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        };

        private static string Label(string operation) => operation switch
        {
            nameof(Forward) => "Forward (batch 1)",
            nameof(ForwardBatch64) => "ForwardBatch (64)",
            nameof(TrainStep64) => "Train step (64, Adam)",
            nameof(MlpEpoch) => "Fashion-MNIST epoch (64, Adam)",
            _ => operation,
        };

        private static string Ratio(double? baseline, double median) =>
            baseline is { } b ? (b / median).ToString("0.00", CultureInfo.InvariantCulture) : "-";

        private static double? Find(IReadOnlyList<ResultRow> rows, ResultRow row, string implementation) =>
            rows.FirstOrDefault(r => r.Operation == row.Operation && r.Network == row.Network && r.Implementation == implementation)?.MedianNs;
    }
}
