using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Compiled.Benchmarks.Reporting;
using Compiled.Benchmarks.Suites;
using Perfolizer.Horology;

namespace Compiled.Benchmarks
{
    /// <summary>
    /// Runs the suites. Own options (everything else goes to BenchmarkDotNet, e.g. <c>--filter '*Forward*'</c>, default all):
    /// <c>--quick</c> short smoke-run jobs; <c>--verify</c> only the correctness guards; <c>--layouts</c> also the Dynamic
    /// layout study; <c>--kernels-ab</c> only the runtime kernels against the generated code, interleaved in one process;
    /// <c>--peak</c> only the machine's measured bounds (<see cref="MachineBounds"/>), a second or two; <c>--paths</c> the
    /// same run once per accelerated vector path (<see cref="PathRuns"/>).
    /// </summary>
    public static class Program
    {
        private static readonly Type[] StepSuites = { typeof(Forward), typeof(ForwardBatch64), typeof(TrainStep64), typeof(CoreToCore) };

        /// <summary>The suites of single calls of nanoseconds to microseconds, measured in several processes (<see cref="LatencyJob"/>).</summary>
        private static readonly Type[] LatencySuites = { typeof(Forward), typeof(Suites.Recurrent) };

        public static int Main(string[] args)
        {
            var bdnArgs = new List<string>(args);
            bool quick = Take(bdnArgs, "--quick");
            bool verifyOnly = Take(bdnArgs, "--verify");
            bool layouts = Take(bdnArgs, "--layouts");
            if (Take(bdnArgs, "--peak"))
            {
                Console.WriteLine(MachineDescription());
                Console.WriteLine($"Load average at start: {LoadAverage()}");
                Console.WriteLine(MachineBounds.Measure().Render());
                Console.WriteLine($"Load average at end: {LoadAverage()}");
                return 0;
            }

            if (Take(bdnArgs, "--paths"))
            {
                // The same run once per accelerated vector path, in child processes, then the paths side by side.
                Console.WriteLine(MachineDescription());
                return PathRuns.Run(bdnArgs.Concat(quick ? new[] { "--quick" } : Array.Empty<string>()).ToList(), ResultsDirectory());
            }

            if (Take(bdnArgs, "--recurrent"))
            {
                Console.WriteLine(MachineDescription());
                Console.WriteLine($"Load average at start: {LoadAverage()}");
                RecurrentVerification.ThrowIfFailed(print: true);
                Suites.Recurrent.Run(rounds: 100);
                Console.WriteLine($"Load average at end: {LoadAverage()}");
                return 0;
            }

            if (Take(bdnArgs, "--steps-quick"))
            {
                Console.WriteLine(MachineDescription());
                Console.WriteLine($"Load average at start: {LoadAverage()}");
                Suites.StepsQuick.Run(rounds: 60);
                Console.WriteLine($"Load average at end: {LoadAverage()}");
                return 0;
            }

            if (Take(bdnArgs, "--kernels-ab"))
            {
                Console.WriteLine(MachineDescription());
                Console.WriteLine($"Load average at start: {LoadAverage()}");
                KernelsInterleaved.Run(rounds: 200);
                Console.WriteLine($"Load average at end: {LoadAverage()}");
                return 0;
            }

            if (!bdnArgs.Contains("--filter") && !bdnArgs.Contains("-f") && !bdnArgs.Contains("--list"))
            {
                bdnArgs.AddRange(new[] { "--filter", "*" });
            }

            string startLoad = LoadAverage();
            Console.WriteLine(MachineDescription());
            Console.WriteLine($"Load average at start: {startLoad}");
            Console.WriteLine();

            Console.WriteLine($"Correctness guards (tolerance {Verification.Tolerance:0e0}, relative above magnitude 1):");
            int failures = 0;
            foreach (NetworkName name in Enum.GetValues<NetworkName>())
            {
                foreach (Verification.Check check in Verification.Verify(name))
                {
                    Console.WriteLine("  " + check);
                    failures += check.Passed ? 0 : 1;
                }
            }

            Console.WriteLine($"Recurrent guards (same tolerance):");
            foreach (RecurrentVerification.Check check in RecurrentVerification.Verify())
            {
                Console.WriteLine("  " + check);
                failures += check.Passed ? 0 : 1;
            }

            if (failures > 0)
            {
                Console.Error.WriteLine($"{failures} correctness check(s) failed: the implementations compute different things, so no timing is meaningful. Stopping.");
                return 1;
            }

            if (verifyOnly)
            {
                return 0;
            }

            // The machine's ceilings, measured before the rows (and before BenchmarkDotNet loads the machine) so that every
            // row can be read as a share of them.
            Console.WriteLine();
            MachineBounds bounds = MachineBounds.Measure();
            Console.WriteLine(bounds.Render());

            string[] filters = Filters(bdnArgs);
            var summaries = new List<Summary>();
            IConfig stepConfig = Config(StepJob(quick));
            Type[] stepSuites = layouts ? StepSuites.Append(typeof(DynamicLayouts)).ToArray() : StepSuites;
            if (Matches(typeof(Forward), filters))
            {
                summaries.AddRange(BenchmarkSwitcher.FromTypes(new[] { typeof(Forward) }).Run(bdnArgs.ToArray(), Config(LatencyJob(quick))));
            }

            if (stepSuites.Any(t => t != typeof(Forward) && Matches(t, filters)))
            {
                summaries.AddRange(BenchmarkSwitcher.FromTypes(stepSuites.Where(t => t != typeof(Forward) && Matches(t, filters)).ToArray()).Run(bdnArgs.ToArray(), stepConfig));
            }

            if (Matches(typeof(MlpEpoch), filters))
            {
                if (FashionMnist.IsPresent)
                {
                    summaries.AddRange(BenchmarkSwitcher.FromTypes(new[] { typeof(MlpEpoch) }).Run(bdnArgs.ToArray(), Config(EpochJob(quick))));
                }
                else
                {
                    Console.WriteLine(FashionMnist.MissingMessage);
                }
            }

            if (Matches(typeof(Suites.Recurrent), filters))
            {
                // The shared machine is often busy building: a longer build timeout than BenchmarkDotNet's 2 minutes.
                summaries.AddRange(BenchmarkSwitcher.FromTypes(new[] { typeof(Suites.Recurrent) }).Run(bdnArgs.ToArray(), ManualConfig.Create(Config(LatencyJob(quick))).WithBuildTimeout(TimeSpan.FromMinutes(10))));
            }

            // The runtime kernels against the generated code: only when a filter names them (--filter '*Kernels*').
            if (filters.Any(f => f.Contains("Kernel", StringComparison.OrdinalIgnoreCase)) && Matches(typeof(KernelsVsGenerated), filters))
            {
                BenchmarkSwitcher.FromTypes(new[] { typeof(KernelsVsGenerated) }).Run(bdnArgs.ToArray(), KernelConfig(StepJob(quick)));
            }

            // What dropout and batch normalisation cost on top of Mlp: only when a filter names it (--filter '*LayerOverhead*').
            if (filters.Any(f => f.Contains("LayerOverhead", StringComparison.OrdinalIgnoreCase)))
            {
                BenchmarkSwitcher.FromTypes(new[] { typeof(LayerOverhead) }).Run(bdnArgs.ToArray(), KernelConfig(StepJob(quick)));
            }

            List<ResultRow> rows = ResultTable.Collect(summaries);
            List<RecurrentRow> recurrentRows = RecurrentTable.Collect(summaries);
            string? coreToCore = CoreToCoreLine(summaries);
            if (rows.Count == 0 && recurrentRows.Count == 0)
            {
                if (coreToCore is not null)
                {
                    Console.WriteLine();
                    Console.WriteLine(coreToCore);
                }

                return 0;
            }

            string endLoad = LoadAverage();
            var report = new StringBuilder();
            report.AppendLine(MachineDescription());
            report.AppendLine(CultureInfo.InvariantCulture, $"Job: {(quick ? "quick (smoke run: few iterations, not for publishing)" : "full")}; load average at start {startLoad}, at end {endLoad}.");
            report.AppendLine();
            report.Append(bounds.Render());
            report.AppendLine();
            if (rows.Count > 0)
            {
                report.Append(ResultTable.Render(rows, bounds));
            }

            if (recurrentRows.Count > 0)
            {
                report.AppendLine();
                report.Append(RecurrentTable.Render(recurrentRows, bounds.PeakGflops));
                report.AppendLine();
                report.AppendLine("Recurrent rows: a step row is one streaming Step (the state carried); GFLOP/s = 2 x weight multiply-adds (3 x for the training row, as the other training rows). References: RTNeural's compile-time API on this kind of CPU at this path's vector width (issues #9 and #13 on a Zen 5 with AVX-512 and a Zen 3 with AVX2; benchmarks/rtneural for the Zen 5's 256- and 128-bit builds); PyTorch 1.13 + OpenBLAS, one thread, benchmarks/pytorch/rnn.py --time.");
            }
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"IQR = interquartile range of the iterations, relative to the median (the noise). GFLOP/s = 2 x weight multiply-adds / median; training rows count forward + backward as 3 x the forward multiply-adds; % of peak = GFLOP/s / the measured single-core float32 FMA peak of the widest accelerated width ({MachineBounds.PeakWidth}: {bounds.PeakGflops:0.0} GFLOP/s; the two-thread row too, so it can pass 100%); GFLOP/s exact counts the multiply-adds really done (forward, weight gradients, input gradients of all layers but the first: 2.0x forward for Mlp, 2.1x Mlp2, 2.3x Xor, 2.7x Game). x vs Naive/Dynamic = baseline median / this median. Allocated = bytes per invocation.");
            if (coreToCore is not null)
            {
                report.AppendLine();
                report.AppendLine(coreToCore);
            }

            foreach (RecurrentRow row in recurrentRows.Where(r => r.AllocatedBytes is > 0))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"WARNING: {row.Work.Label} allocates {ResultTable.FormatBytes(row.AllocatedBytes)} per invocation.");
            }

            List<ResultRow> allocating = ResultTable.AllocatingGeneratedRows(rows).ToList();
            foreach (ResultRow row in allocating)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"WARNING: generated {row.Operation} of {row.Network} allocates {ResultTable.FormatBytes(row.AllocatedBytes)} per invocation.");
            }

            Console.WriteLine();
            Console.WriteLine("// * Compiled summary *");
            Console.WriteLine(report.ToString());
            string directory = ResultsDirectory();
            PathRuns.WriteRows(directory, rows, bounds);
            string path = Path.Combine(directory, "Compiled-summary.md");
            File.WriteAllText(path, report.ToString());
            Console.WriteLine($"Written to {path}");
            return 0;
        }

        /// <summary>The measured suites' job: fixed counts so that the whole run stays well under 15 minutes.</summary>
        private static Job StepJob(bool quick) => quick
            ? Job.Default.WithId("Quick").WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default.WithId("Bench").WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(250));

        /// <summary>
        /// The job of the batch-1 and streaming-step rows (<see cref="LatencySuites"/>): three processes of 5 iterations
        /// each, one median over all 15. On this project's 2-vCPU virtual machines the same binary measures such calls up to
        /// 30% apart from one process to the next and steadily within one (Xor's Forward: 9.7 ns in one process, 17 ns in
        /// the next), so one process would report whichever it drew; the pooled median and its IQR show the spread.
        /// </summary>
        private static Job LatencyJob(bool quick) => quick
            ? StepJob(quick)
            : Job.Default.WithId("Latency").WithLaunchCount(3).WithWarmupCount(4).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(250));

        /// <summary>
        /// An epoch is long (a naive one takes seconds): one invocation per iteration; 2 warm-up and 9 measured epochs, since
        /// the two-thread row varies from epoch to epoch on a shared machine.
        /// </summary>
        private static Job EpochJob(bool quick) => quick
            ? Job.Default.WithId("QuickEpoch").WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(1).WithInvocationCount(1).WithUnrollFactor(1)
            : Job.Default.WithId("Epoch").WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(9).WithInvocationCount(1).WithUnrollFactor(1);

        private static IConfig Config(Job job) => ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, new GflopsColumn(), new SamplesColumn(), new SpeedupColumn("Naive"), new SpeedupColumn("Dynamic"))
            .HideColumns(Column.Error)
            .WithBuildTimeout(TimeSpan.FromMinutes(10)) // a busy machine, or a --paths child whose compiler runs on a narrower path
            .WithOption(ConfigOptions.JoinSummary, false);

        private static IConfig KernelConfig(Job job) => ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Q1, StatisticColumn.Q3, new KernelGflopsColumn())
            .HideColumns(Column.Error)
            .WithBuildTimeout(TimeSpan.FromMinutes(10)) // the shared machine is often busy building
            .WithOption(ConfigOptions.JoinSummary, false);

        /// <summary>BenchmarkDotNet's results folder under the current directory, created if needed.</summary>
        private static string ResultsDirectory()
        {
            string directory = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts", "results");
            Directory.CreateDirectory(directory);
            return directory;
        }

        private static bool Take(List<string> args, string flag) => args.RemoveAll(a => string.Equals(a, flag, StringComparison.OrdinalIgnoreCase)) > 0;

        /// <summary>The glob patterns after --filter (BenchmarkDotNet matches them against Namespace.Type.Method).</summary>
        private static string[] Filters(List<string> args)
        {
            int at = Math.Max(args.IndexOf("--filter"), args.IndexOf("-f"));
            return at < 0 ? new[] { "*" } : args.Skip(at + 1).TakeWhile(a => !a.StartsWith('-')).ToArray();
        }

        private static bool Matches(Type suite, string[] filters) =>
            suite.GetMethods().Where(m => m.IsDefined(typeof(BenchmarkDotNet.Attributes.BenchmarkAttribute), false))
                .Any(m => filters.Any(f => Regex.IsMatch($"{suite.FullName}.{m.Name}", "^" + Regex.Escape(f).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase)));

        private static string MachineDescription()
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; CPU {MachineKind.Current.Description}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.OSDescription}); accelerated vector widths: {MachineBounds.AcceleratedWidths()}; single-threaded.");
        }

        /// <summary>The <see cref="CoreToCore"/> medians as a sentence, if that suite ran.</summary>
        private static string? CoreToCoreLine(IEnumerable<Summary> summaries)
        {
            double? Median(string method) => summaries.SelectMany(s => s.Reports)
                .FirstOrDefault(r => r.Success && r.BenchmarkCase.Descriptor.Type == typeof(CoreToCore) && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method)
                ?.ResultStatistics?.Median;
            if (Median(nameof(CoreToCore.Local)) is not { } local || Median(nameof(CoreToCore.OtherCoreWritesThisCoreReads)) is not { } remote)
            {
                return null;
            }

            double bytes = CoreToCore.Floats * 4d;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"Core to core ({bytes / 1024:0} KB, Mlp's parameters): written and read on one core {ResultTable.FormatTime(local)}; written on the other core and read on this one {ResultTable.FormatTime(remote)} ({bytes / remote:0.0} GB/s for the hand-over). A data-parallel step moves parameters and gradients between the cores once per batch.");
        }

        private static string LoadAverage()
        {
            try
            {
                return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "unknown";
            }
        }
    }
}
