using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Text;
using BenchmarkDotNet.Reports;
using Compiled.Benchmarks.Suites;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>One measured benchmark: suite (operation), network, implementation, median and allocation per invocation.</summary>
    public sealed record ResultRow(string Operation, NetworkName Network, string Implementation, double MedianNs, double InterquartileNs, long? AllocatedBytes);

    /// <summary>A target the lead works towards, checked against the measured medians of one operation and network.</summary>
    /// <param name="Text">What the bar asks, given the machine (a bar may depend on the measured bounds).</param>
    /// <param name="AppliesTo">Whether the bar exists on this machine (e.g. an RTNeural figure measured on this CPU kind).</param>
    public sealed record Bar(string Operation, NetworkName Network, Func<BarInputs, string> Text, Func<BarInputs, bool> IsMet, Func<BarInputs, bool>? AppliesTo = null)
    {
        public Bar(string operation, NetworkName network, string text, Func<BarInputs, bool> isMet)
            : this(operation, network, _ => text, isMet)
        {
        }
    }

    /// <summary>What a bar is checked against: the three medians (ns), the work of one invocation and the machine's bounds.</summary>
    /// <param name="WeightReadNs">The median of one read of the network's parameters in the same run (batch-1 forward only), or null.</param>
    public sealed record BarInputs(double GeneratedNs, double? NaiveNs, double? DynamicNs, Work Work, MachineBounds Bounds, double? WeightReadNs = null)
    {
        public double Gflops => Work.Flops / GeneratedNs;

        public double SamplesPerSecond => Work.Samples * 1e9 / GeneratedNs;

        public double? OverNaive => NaiveNs / GeneratedNs;

        public double? OverDynamic => DynamicNs / GeneratedNs;

        /// <summary>Fraction of the measured FMA peak of the widest accelerated width.</summary>
        public double OfPeak => Gflops / Bounds.PeakGflops;

        /// <summary>
        /// The time (ns) one batch-1 forward pass needs just to read the network's float32 parameters once at the measured
        /// L2 read bandwidth: the bound of networks whose weights do not fit in L1.
        /// </summary>
        public double L2StreamNs => NetworkCatalog.Spec(Work.Network).ParameterCount * 4d / Bounds.L2ReadGBps;

        /// <summary>
        /// The streaming bound the L2 bars compare with: one read of the weights timed like the row (median, same run), when
        /// that row was measured; else the L2 figure. The L2 figure is the best repetition of back-to-back passes over a
        /// 512 KiB block, a ceiling no single pass measured by its median reaches on this kind of host (on the Zen 5's
        /// 512-bit path one read of Mlp's 398 KB took 2.44-2.61 µs by median, where the L2 figure gives 1.84 µs).
        /// </summary>
        public double StreamBoundNs => WeightReadNs ?? L2StreamNs;

        /// <summary>RTNeural's figures on this kind of CPU, or null.</summary>
        public static RtNeuralReference? RtNeural => MachineKind.Current.RtNeural;
    }

    /// <summary>The combined table of every suite, with GFLOP/s, speed-ups over both baselines, allocations and the bars.</summary>
    public static class ResultTable
    {
        /// <summary>
        /// The bars of the performance issue, relative to what this machine measures (FMA peak, L2 bandwidth) or to the
        /// external figure measured on the same kind of CPU, so that they mean the same on every machine; plus the speed-ups
        /// over the baselines from the first performance contract.
        /// </summary>
        public static readonly IReadOnlyList<Bar> Bars = new Bar[]
        {
            new(nameof(Forward), NetworkName.Xor, b => $"< RTNeural {BarInputs.RtNeural!.XorNs:0.0} ns ({BarInputs.RtNeural!.Machine})", b => b.GeneratedNs < BarInputs.RtNeural!.XorNs, _ => BarInputs.RtNeural is not null),
            new(nameof(Forward), NetworkName.Game, b => $"< RTNeural {BarInputs.RtNeural!.GameNs:0.0} ns ({BarInputs.RtNeural!.Machine})", b => b.GeneratedNs < BarInputs.RtNeural!.GameNs, _ => BarInputs.RtNeural is not null),
            new(nameof(Forward), NetworkName.Game, _ => ">= 10x Naive", b => b.OverNaive >= 10, b => b.NaiveNs is not null),
            new(nameof(Forward), NetworkName.Game, _ => ">= 3x Dynamic", b => b.OverDynamic >= 3, b => b.DynamicNs is not null),
            new(nameof(Forward), NetworkName.Mlp, StreamText, b => b.GeneratedNs <= 1.1 * b.StreamBoundNs),
            new(nameof(Forward), NetworkName.Mlp, _ => ">= 10x Naive", b => b.OverNaive >= 10, b => b.NaiveNs is not null),
            new(nameof(Forward), NetworkName.Mlp, _ => ">= 3x Dynamic", b => b.OverDynamic >= 3, b => b.DynamicNs is not null),
            new(nameof(Forward), NetworkName.Mlp2, StreamText, b => b.GeneratedNs <= 1.1 * b.StreamBoundNs),
            new(nameof(ForwardBatch64), NetworkName.Mlp, b => $">= {100 * BatchForwardShare():0}% of peak", b => b.OfPeak >= BatchForwardShare(), _ => Vector256.IsHardwareAccelerated),
            new(nameof(TrainStep64), NetworkName.Mlp, ">= 70% of peak", b => b.OfPeak >= 0.70),
            new(nameof(MlpEpoch), NetworkName.Mlp, "< 0.3 s", b => b.GeneratedNs < 0.3e9),
        };

        /// <summary>Two threads against one on the Fashion-MNIST epoch.</summary>
        public const double TwoThreadSpeedUp = 1.6;

        private static readonly string[] OperationOrder = { nameof(Forward), nameof(ForwardBatch64), nameof(TrainStep64), nameof(MlpEpoch) };
        private static readonly string[] ImplementationOrder = { "Naive", "Dynamic", "Generated", "GeneratedTwoThreads", "WeightRead" };

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
        public static string Render(IReadOnlyList<ResultRow> rows, MachineBounds bounds)
        {
            double peakGflops = bounds.PeakGflops;
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
                    var inputs = new BarInputs(row.MedianNs, naive, dynamic, work, bounds, Find(rows, row, "WeightRead"));
                    List<Bar> applicable = Bars.Where(b => b.Operation == row.Operation && b.Network == row.Network && (b.AppliesTo?.Invoke(inputs) ?? true)).ToList();
                    bars = string.Join("; ", applicable.Select(b => b.Text(inputs)));
                    met = string.Join("; ", applicable.Select(b => b.IsMet(inputs) ? "met" : "NOT met"));
                }
                else if (row.Implementation == "GeneratedTwoThreads" && Find(rows, row, "Generated") is { } oneThread)
                {
                    bars = $">= {TwoThreadSpeedUp:0.0}x one thread (measured {oneThread / row.MedianNs:0.00}x)";
                    met = oneThread / row.MedianNs >= TwoThreadSpeedUp ? "met" : "NOT met";
                }

                text.Append(CultureInfo.InvariantCulture, $"| {Label(row.Operation)} | {row.Network} | {row.Implementation} | {FormatTime(row.MedianNs)} | {100 * row.InterquartileNs / row.MedianNs:0.0}% ");
                if (row.Implementation == "WeightRead")
                {
                    // A bound, not an implementation: its bytes per second instead of the network's work.
                    double bytes = NetworkCatalog.Spec(row.Network).ParameterCount * 4d;
                    text.AppendLine(CultureInfo.InvariantCulture, $"| - | - | - | - | - | - | - | the bound: {FormatBytes((long)bytes)} read at {bytes / row.MedianNs:0.0} GB/s | - |");
                    continue;
                }

                string ofPeak = double.IsFinite(peakGflops) && peakGflops > 0 ? (100 * work.Flops / row.MedianNs / peakGflops).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
                text.Append(CultureInfo.InvariantCulture, $"| {work.Flops / row.MedianNs:0.00} | {ofPeak} | {work.ExactFlops / row.MedianNs:0.00} | {work.Samples * 1e9 / row.MedianNs:N0} ");
                text.Append(CultureInfo.InvariantCulture, $"| {Ratio(naive, row.MedianNs)} | {Ratio(dynamic, row.MedianNs)} | {FormatBytes(row.AllocatedBytes)} | {bars} | {met} |");
                text.AppendLine();
            }

            return text.ToString();
        }

        /// <summary>
        /// The batched-forward bar: 85% of the peak when the widest path is 512-bit, 80% when it is 256-bit. The 128-bit path
        /// has no share of its own: its bar is its time against the 256-bit run's (at most 2.2x), see <c>--paths</c>.
        /// </summary>
        private static double BatchForwardShare() => Vector512.IsHardwareAccelerated ? 0.85 : 0.80;

        private static string StreamText(BarInputs b) => b.WeightReadNs is { } read
            ? string.Create(CultureInfo.InvariantCulture, $"<= 1.1 x one read of its weights ({FormatTime(read)} in this run; {FormatTime(b.L2StreamNs)} at the L2 figure)")
            : string.Create(CultureInfo.InvariantCulture, $"<= 1.1 x L2 stream of its weights ({FormatTime(b.L2StreamNs)})");

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
