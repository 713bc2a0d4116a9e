using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.Intrinsics;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// A quick Stopwatch measurement of the generated networks' rows (<c>--steps-quick</c>): batch-1 <c>Forward</c> of
    /// every network, <c>ForwardBatch</c> 64 and the training step of Mlp and Mlp2, interleaved in rounds of ~2 ms so that every row sees the same load; the median
    /// per call, its quartiles and GFLOP/s. For decisions while tuning kernels, not for publishing (BenchmarkDotNet is).
    /// </summary>
    public static class StepsQuick
    {
        public static void Run(int rounds)
        {
            var rows = new List<(string Name, Action Call, double Flops, List<double> Times)>();
            foreach (NetworkName name in Enum.GetValues<NetworkName>())
            {
                var single = new Forward { Network = name };
                single.Setup();
                rows.Add(($"Forward {name}", single.Generated, 2.0 * NetworkCatalog.Spec(name).MultiplyAddsPerSample, new List<double>()));
            }

            foreach (NetworkName name in new[] { NetworkName.Mlp, NetworkName.Mlp2 })
            {
                var forward = new ForwardBatch64 { Network = name };
                forward.Setup();
                var train = new TrainStep64 { Network = name };
                train.Setup();
                NetworkSpec spec = NetworkCatalog.Spec(name);
                rows.Add(($"ForwardBatch64 {name}", forward.Generated, 2.0 * spec.MultiplyAddsPerSample * Workload.BatchSize, new List<double>()));
                rows.Add(($"TrainStep64 {name}", () => train.Generated(), 2.0 * spec.TrainingMultiplyAddsPerSample * Workload.BatchSize, new List<double>()));
            }

            // The training step's phases on Mlp: the backward pass alone, then Adam alone.
            INetwork mlp = NetworkCatalog.CreateGenerated(NetworkName.Mlp);
            mlp.InitializeParameters(1);
            var random = new Random(3);
            var inputs = new float[Workload.BatchSize * mlp.InputSize];
            var labels = new int[Workload.BatchSize];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)random.NextDouble();
            }

            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = random.Next(mlp.OutputSize);
            }

            var adam = new Optimizers.Adam(1e-4f);
            NetworkSpec mlpSpec = NetworkCatalog.Spec(NetworkName.Mlp);
            rows.Add(("BackwardBatch64 Mlp (forward + backward, no optimizer)", () => { mlp.ZeroGradients(); mlp.BackwardBatch(inputs, labels, Workload.BatchSize); }, 2.0 * mlpSpec.TrainingMultiplyAddsPerSample * Workload.BatchSize, new List<double>()));
            rows.Add(("Adam step Mlp", () => adam.Step(mlp), 0, new List<double>()));

            int[] calls = rows.Select(row => Recurrent.CallsPerSlice(row.Call, milliseconds: 2)).ToArray();

            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < rows.Count; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    for (int c = 0; c < calls[i]; c++)
                    {
                        rows[i].Call();
                    }

                    rows[i].Times.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls[i]);
                }
            }

            Console.WriteLine($"Stopwatch, {rounds} interleaved rounds of ~2 ms per row; path: {(Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit" : "128-bit")}");
            Console.WriteLine("| Row | Median | Q1 | Q3 | GFLOP/s |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach ((string name, _, double flops, List<double> times) in rows)
            {
                times.Sort();
                double median = times[times.Count / 2];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Reporting.ResultTable.FormatTime(median)} | {Reporting.ResultTable.FormatTime(times[times.Count / 4])} | {Reporting.ResultTable.FormatTime(times[3 * times.Count / 4])} | {flops / median:0.0} |"));
            }
        }
    }
}
