using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>The median time of a case in nanoseconds, or null when it did not run.</summary>
    internal static class Medians
    {
        public static double? Of(Summary summary, BenchmarkCase benchmark) =>
            summary[benchmark] is { Success: true, ResultStatistics: { } statistics } ? statistics.Median : null;

        /// <summary>The sibling case of the same suite and parameters whose method is <paramref name="method"/>.</summary>
        public static BenchmarkCase? Sibling(Summary summary, BenchmarkCase benchmark, string method) =>
            summary.BenchmarksCases.FirstOrDefault(b =>
                b.Descriptor.Type == benchmark.Descriptor.Type
                && b.Descriptor.WorkloadMethod.Name == method
                && b.Parameters.DisplayInfo == benchmark.Parameters.DisplayInfo
                && b.Job.Id == benchmark.Job.Id);
    }

    /// <summary>Base for the custom columns: numeric, always shown, after the statistics.</summary>
    public abstract class ComputedColumn : IColumn
    {
        protected ComputedColumn(string name, string legend)
        {
            ColumnName = name;
            Legend = legend;
        }

        public string Id => nameof(ComputedColumn) + "." + ColumnName;

        public string ColumnName { get; }

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend { get; }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => Compute(summary, benchmarkCase) ?? "-";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        protected abstract string? Compute(Summary summary, BenchmarkCase benchmark);
    }

    /// <summary>GFLOP/s: 2 × multiply-adds per invocation / median time (training: 3 × forward multiply-adds).</summary>
    public sealed class GflopsColumn : ComputedColumn
    {
        public GflopsColumn()
            : base("GFLOP/s", "2 x weight multiply-adds per invocation / median (training counts forward + backward as 3 x forward)")
        {
        }

        protected override string? Compute(Summary summary, BenchmarkCase benchmark) =>
            Work.Of(benchmark) is { } work && Medians.Of(summary, benchmark) is { } median
                ? (work.Flops / median).ToString("0.00", CultureInfo.InvariantCulture)
                : null;
    }

    /// <summary>Samples per second at the median.</summary>
    public sealed class SamplesColumn : ComputedColumn
    {
        public SamplesColumn()
            : base("Samples/s", "samples processed per second at the median")
        {
        }

        protected override string? Compute(Summary summary, BenchmarkCase benchmark) =>
            Work.Of(benchmark) is { } work && Medians.Of(summary, benchmark) is { } median
                ? (work.Samples * 1e9 / median).ToString("N0", CultureInfo.InvariantCulture)
                : null;
    }

    /// <summary>Speed-up over a baseline of the same suite and parameters: baseline median / this median.</summary>
    public sealed class SpeedupColumn : ComputedColumn
    {
        private readonly string _baseline;

        public SpeedupColumn(string baseline)
            : base("x vs " + baseline, $"speed-up over {baseline} of the same network: {baseline} median / this median (above 1: faster)")
        {
            _baseline = baseline;
        }

        protected override string? Compute(Summary summary, BenchmarkCase benchmark) =>
            Medians.Sibling(summary, benchmark, _baseline) is { } sibling
            && Medians.Of(summary, sibling) is { } baseline
            && Medians.Of(summary, benchmark) is { } median
                ? (baseline / median).ToString("0.00", CultureInfo.InvariantCulture)
                : null;
    }
}
