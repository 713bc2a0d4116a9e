using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;
using Compiled.Benchmarks.Suites;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>One measured row of the <see cref="Recurrent"/> suite.</summary>
    public sealed record RecurrentRow(RecurrentWork Work, double MedianNs, double InterquartileNs, long? AllocatedBytes);

    /// <summary>The recurrent rows of the combined table, with their references (RTNeural, PyTorch) and bars.</summary>
    public static class RecurrentTable
    {
        public static List<RecurrentRow> Collect(IEnumerable<Summary> summaries) =>
            summaries.SelectMany(s => s.Reports)
                .Where(r => r.Success && r.ResultStatistics is not null && r.BenchmarkCase.Descriptor.Type == typeof(Recurrent))
                .Select(r => new RecurrentRow(
                    RecurrentWork.Of(r.BenchmarkCase.Descriptor.WorkloadMethod.Name),
                    r.ResultStatistics!.Median,
                    r.ResultStatistics.InterquartileRange,
                    r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
                .OrderBy(r => RecurrentWork.All.ToList().IndexOf(r.Work))
                .ToList();

        /// <summary>Markdown, one row per benchmark; <paramref name="peakGflops"/> as <see cref="ResultTable.Render"/>.</summary>
        public static string Render(IReadOnlyList<RecurrentRow> rows, double peakGflops)
        {
            var text = new StringBuilder();
            text.AppendLine("| Recurrent (Generated) | Median | IQR | GFLOP/s | % of peak | Samples/s | Allocated | Reference to beat | Met |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
            foreach (RecurrentRow row in rows)
            {
                double gflops = row.Work.Flops / row.MedianNs;
                string ofPeak = double.IsFinite(peakGflops) && peakGflops > 0 ? (100 * gflops / peakGflops).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
                string met = row.Work.Reference.Length == 0 ? "" : row.Work.IsMet(row.MedianNs) ? "met" : "NOT met";
                text.AppendLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {row.Work.Label} | {ResultTable.FormatTime(row.MedianNs)} | {100 * row.InterquartileNs / row.MedianNs:0.0}% | {gflops:0.00} | {ofPeak} | {row.Work.Samples * 1e9 / row.MedianNs:N0} | {ResultTable.FormatBytes(row.AllocatedBytes)} | {row.Work.Reference} | {met} |"));
            }

            return text.ToString();
        }
    }
}
