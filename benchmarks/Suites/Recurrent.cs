using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.Networks;
using Compiled.Optimizers;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// The recurrent rows of issue #13: one streaming <c>Step</c> of GRU(8→16)+Dense(16→1) and of LSTM(8→16)+Dense(16→1)
    /// (the real-time case, against RTNeural's compile-time API), one <c>Step</c> of a GRU(64→128), and a training step of
    /// 64 row-by-row Fashion-MNIST sequences (28 steps × 28 features, LSTM(128) + Dense(10, Softmax), cross-entropy:
    /// <c>ZeroGradients</c>, <c>BackwardBatch</c>, Adam 1e-3), against PyTorch 1.13's <c>benchmarks/pytorch/rnn.py</c>.
    /// </summary>
    /// <remarks>
    /// The step rows carry the state from call to call (as an audio callback does) on a fixed step input; the state stays
    /// bounded (tanh/sigmoid cells). The training row is put back on its initial parameters every
    /// <see cref="TrainStep64.RestoreEvery"/> steps, as <see cref="TrainStep64"/> does. Every call goes through the
    /// network's own sealed type, as user code does.
    /// </remarks>
    public class Recurrent
    {
        /// <summary>Steps of the sequences the streaming networks declare (only <c>Forward</c> and the guards use it).</summary>
        public const int SequenceSteps = 20;

        private const int Batch = Workload.BatchSize;

        private Gru8x16 _gru = null!;
        private Lstm8x16 _lstm = null!;
        private Gru64x128 _gruWide = null!;
        private FashionRowsLstm _fashion = null!;
        private Gru8x16.State _gruState;
        private Lstm8x16.State _lstmState;
        private Gru64x128.State _gruWideState;
        private float[] _step8 = null!;
        private float[] _step64 = null!;
        private float[] _out1 = null!;
        private float[] _out128 = null!;
        private float[] _images = null!;
        private float[] _outputs = null!;
        private int[] _labels = null!;
        private float[] _initial = null!;
        private Adam _adam = null!;
        private int _trainSteps;

        [GlobalSetup]
        public void Setup()
        {
            RecurrentVerification.ThrowIfFailed();
            _gru = new Gru8x16();
            _lstm = new Lstm8x16();
            _gruWide = new Gru64x128();
            _fashion = new FashionRowsLstm();
            _gru.InitializeParameters(1);
            _lstm.InitializeParameters(2);
            _gruWide.InitializeParameters(3);
            _fashion.InitializeParameters(4);
            var random = new Random(5);
            _step8 = Uniform(random, 8, -1f, 1f);
            _step64 = Uniform(random, 64, -1f, 1f);
            _out1 = new float[1];
            _out128 = new float[128];
            _images = Uniform(random, Batch * 28 * 28, 0f, 1f);
            _outputs = new float[Batch * 10];
            _labels = new int[Batch];
            for (int s = 0; s < Batch; s++)
            {
                _labels[s] = random.Next(10);
            }

            _initial = _fashion.Parameters.ToArray();
            _adam = new Adam(Workload.LearningRate);
            LstmTrainStep64(); // the training workspace and the optimizer state, allocated once
            GruStep8x16();
            LstmStep8x16();
            GruStep64x128();
        }

        /// <summary>One step of GRU(8→16)+Dense(16→1), the state carried.</summary>
        [Benchmark]
        public float GruStep8x16()
        {
            _gru.Step(_step8, _out1, ref _gruState);
            return _out1[0];
        }

        /// <summary>One step of LSTM(8→16)+Dense(16→1), the state carried.</summary>
        [Benchmark]
        public float LstmStep8x16()
        {
            _lstm.Step(_step8, _out1, ref _lstmState);
            return _out1[0];
        }

        /// <summary>One step of GRU(64→128), the state carried.</summary>
        [Benchmark]
        public float GruStep64x128()
        {
            _gruWide.Step(_step64, _out128, ref _gruWideState);
            return _out128[0];
        }

        /// <summary>Inference on 64 Fashion-MNIST images read row by row (the forward part of the training step).</summary>
        [Benchmark]
        public float LstmForwardBatch64()
        {
            _fashion.ForwardBatch(_images, _outputs, Batch);
            return _outputs[0];
        }

        /// <summary>A training step of 64 Fashion-MNIST images read row by row: LSTM(28→128) + Dense(10, Softmax), Adam.</summary>
        [Benchmark]
        public float LstmTrainStep64()
        {
            _fashion.ZeroGradients();
            float loss = _fashion.BackwardBatch(_images, _labels, Batch);
            _adam.Step(_fashion);
            if (++_trainSteps == TrainStep64.RestoreEvery)
            {
                _trainSteps = 0;
                _fashion.SetParameters(_initial);
            }

            return loss;
        }

        /// <summary>
        /// A quick Stopwatch measurement of the four rows (<c>--recurrent</c>): <paramref name="rounds"/> rounds of ~2 ms per
        /// row, the rows interleaved so that all see the same load; prints the median time per call and its quartiles.
        /// Not BenchmarkDotNet: for decisions while tuning, not for publishing.
        /// </summary>
        public static void Run(int rounds)
        {
            var suite = new Recurrent();
            suite.Setup();
            var rows = new (string Name, Func<float> Call, List<double> Times)[]
            {
                (nameof(GruStep8x16), suite.GruStep8x16, new List<double>(rounds)),
                (nameof(LstmStep8x16), suite.LstmStep8x16, new List<double>(rounds)),
                (nameof(GruStep64x128), suite.GruStep64x128, new List<double>(rounds)),
                (nameof(LstmForwardBatch64), suite.LstmForwardBatch64, new List<double>(rounds)),
                (nameof(LstmTrainStep64), suite.LstmTrainStep64, new List<double>(rounds)),
            };
            int[] calls = rows.Select(row => CallsPerSlice(() => row.Call(), milliseconds: 2)).ToArray();

            var cpu = rows.Select(_ => new List<double>(rounds)).ToArray();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            float sink = 0;
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < rows.Length; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    long cpuStart = ThreadCpuNanoseconds();
                    for (int c = 0; c < calls[i]; c++)
                    {
                        sink += rows[i].Call();
                    }

                    rows[i].Times.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls[i]);
                    cpu[i].Add((double)(ThreadCpuNanoseconds() - cpuStart) / calls[i]);
                }
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine($"Stopwatch, {rounds} interleaved rounds of ~2 ms per row; path: {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512-bit" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit" : "128-bit")}; allocated during the rounds: {allocated} B (sink {sink:0.0})");
            Console.WriteLine("CPU = this thread's CPU time per call (clock_gettime(CLOCK_THREAD_CPUTIME_ID), median over rounds; -1 where unavailable): on a loaded machine, closer to the quiet figure than the wall-clock median, though caches are still shared.");
            Console.WriteLine("| Row | Median | Q1 | Q3 | CPU | Samples/s | GFLOP/s | Reference |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
            for (int row = 0; row < rows.Length; row++)
            {
                (string name, _, List<double> times) = rows[row];
                times.Sort();
                cpu[row].Sort();
                double median = times[times.Count / 2];
                RecurrentWork work = RecurrentWork.Of(name);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {work.Label} | {Reporting.ResultTable.FormatTime(median)} | {Reporting.ResultTable.FormatTime(times[times.Count / 4])} | {Reporting.ResultTable.FormatTime(times[3 * times.Count / 4])} | {Reporting.ResultTable.FormatTime(cpu[row][cpu[row].Count / 2])} | {work.Samples * 1e9 / median:N0} | {work.Flops / median:0.00} | {work.Reference} ({(work.IsMet(median) ? "met" : "NOT met")}) |"));
            }
        }

        /// <summary>
        /// How many calls of <paramref name="call"/> take about <paramref name="milliseconds"/> (from 20 ms of probing, which
        /// also warms it up): the size of one slice of an interleaved Stopwatch round.
        /// </summary>
        public static int CallsPerSlice(Action call, double milliseconds)
        {
            var probe = Stopwatch.StartNew();
            int n = 0;
            while (probe.Elapsed.TotalMilliseconds < 20)
            {
                call();
                n++;
            }

            return Math.Max(1, (int)(n * milliseconds / probe.Elapsed.TotalMilliseconds));
        }

        /// <summary>The calling thread's CPU time in nanoseconds (Linux), or -1.</summary>
        private static long ThreadCpuNanoseconds()
        {
            try
            {
                return OperatingSystem.IsLinux() && ClockGetTime(3, out TimeSpec time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : -1; // CLOCK_THREAD_CPUTIME_ID
            }
            catch (DllNotFoundException)
            {
                return -1;
            }
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        private static float[] Uniform(Random random, int length, float low, float high)
        {
            var values = new float[length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = low + ((high - low) * (float)random.NextDouble());
            }

            return values;
        }
    }

    /// <summary>The work of one call of a <see cref="Recurrent"/> row, and the reference it is measured against.</summary>
    /// <param name="Method">The benchmark method.</param>
    /// <param name="Label">The row's label in the tables.</param>
    /// <param name="Samples">Samples (sequences or steps) per call.</param>
    /// <param name="MultiplyAdds">Weight multiply-adds of one forward pass of the call's samples.</param>
    /// <param name="Training">Whether the call trains (GFLOP/s then count 3 × the forward multiply-adds, as the other training rows).</param>
    /// <param name="Reference">The bar, as text.</param>
    /// <param name="IsMet">Whether a median (ns) meets the bar.</param>
    public sealed record RecurrentWork(string Method, string Label, long Samples, long MultiplyAdds, bool Training, string Reference, Func<double, bool> IsMet)
    {
        /// <summary>RTNeural on this kind of CPU and vector width (<see cref="Reporting.MachineKind.RtNeural"/>), or null.</summary>
        private static Reporting.RtNeuralReference? RtNeural => Reporting.MachineKind.Current.RtNeural;

        /// <summary>
        /// PyTorch 1.13 (Debian) with Debian's OpenBLAS 0.3.21, one thread, <c>benchmarks/pytorch/rnn.py --time</c>: training
        /// step of LSTM(28→128, batch_first) + Linear(128→10), batch 64, Adam (samples/s), on this machine (AMD EPYC family 26
        /// model 2, Zen 5); re-measure on a quiet machine and update (see benchmarks/README.md).
        /// </summary>
        public const double PyTorchLstmTrainSamplesPerSecond = 2_520; // 25.40 ms per step, 2026-12-02 07:05 UTC, load average 0.93 (06:30 UTC at load 5.1: 23.2 ms)

        /// <summary>Multiply-adds of one step of a GRU(inputs→hidden).</summary>
        public static long GruStep(int inputs, int hidden) => 3L * hidden * (inputs + hidden);

        /// <summary>Multiply-adds of one step of an LSTM(inputs→hidden).</summary>
        public static long LstmStep(int inputs, int hidden) => 4L * hidden * (inputs + hidden);

        /// <summary>The rows of the suite.</summary>
        public static readonly IReadOnlyList<RecurrentWork> All = new RecurrentWork[]
        {
            new(nameof(Suites.Recurrent.GruStep8x16), "Step GRU(8→16)+Dense(16→1)", 1, GruStep(8, 16) + 16, false,
                RtNeural is { } gru ? $"< RTNeural {gru.GruStepNs} ns ({gru.Machine})" : "", ns => RtNeural is not { } r || ns < r.GruStepNs),
            new(nameof(Suites.Recurrent.LstmStep8x16), "Step LSTM(8→16)+Dense(16→1)", 1, LstmStep(8, 16) + 16, false,
                RtNeural is { } lstm ? $"< RTNeural {lstm.LstmStepNs} ns ({lstm.Machine})" : "", ns => RtNeural is not { } r || ns < r.LstmStepNs),
            new(nameof(Suites.Recurrent.GruStep64x128), "Step GRU(64→128)", 1, GruStep(64, 128), false, "", _ => true),
            new(nameof(Suites.Recurrent.LstmForwardBatch64), "ForwardBatch LSTM(28×28→128)+Dense(10), batch 64", Workload.BatchSize, Workload.BatchSize * ((28 * LstmStep(28, 128)) + (128 * 10)), false, "", _ => true),
            new(nameof(Suites.Recurrent.LstmTrainStep64), "Train step LSTM(28×28→128)+Dense(10), batch 64, Adam", Workload.BatchSize, Workload.BatchSize * ((28 * LstmStep(28, 128)) + (128 * 10)), true,
                $">= 3x PyTorch 1.13 + OpenBLAS ({PyTorchLstmTrainSamplesPerSecond:N0} samples/s): >= {3 * PyTorchLstmTrainSamplesPerSecond:N0} samples/s",
                ns => Workload.BatchSize * 1e9 / ns >= 3 * PyTorchLstmTrainSamplesPerSecond),
        };

        /// <summary>Floating-point operations per call: 2 × multiply-adds, 3 × that for training.</summary>
        public double Flops => 2d * MultiplyAdds * (Training ? 3 : 1);

        /// <summary>The row of a benchmark method.</summary>
        public static RecurrentWork Of(string method) => All.First(w => w.Method == method);
    }

    /// <summary>The guards of the <see cref="Recurrent"/> suite: no row is fast because it computes something else.</summary>
    public static class RecurrentVerification
    {
        private const int SequenceSteps = Recurrent.SequenceSteps;

        /// <summary>One comparison.</summary>
        public readonly record struct Check(string What, double MaxError)
        {
            public bool Passed => MaxError <= Verification.Tolerance;

            public override string ToString() =>
                string.Create(CultureInfo.InvariantCulture, $"{What,-60} max error {MaxError:0.00e+00} {(Passed ? "ok" : "FAILED")}");
        }

        /// <summary>
        /// 20 <c>Step</c> calls equal <c>Forward</c> of the 20-step sequence (each streaming network; the last step's output);
        /// <c>ForwardSequence</c> equals the steps; the Fashion LSTM's <c>ForwardBatch</c> of 64 equals 64 <c>Forward</c> calls
        /// and its <c>BackwardBatch</c> loss and gradients equal the sums of 64 one-sample <c>Backward</c> calls.
        /// </summary>
        public static IReadOnlyList<Check> Verify()
        {
            var checks = new List<Check>();
            var random = new Random(11);
            checks.Add(Streaming(new Gru8x16(), random, "GRU(8→16)+Dense", (n, seq, last) =>
            {
                var state = default(Gru8x16.State);
                for (int t = 0; t < SequenceSteps; t++)
                {
                    n.Step(seq.AsSpan(t * Gru8x16.StepInputSize, Gru8x16.StepInputSize), last, ref state);
                }
            }));
            checks.Add(Streaming(new Lstm8x16(), random, "LSTM(8→16)+Dense", (n, seq, last) =>
            {
                var state = default(Lstm8x16.State);
                for (int t = 0; t < SequenceSteps; t++)
                {
                    n.Step(seq.AsSpan(t * Lstm8x16.StepInputSize, Lstm8x16.StepInputSize), last, ref state);
                }
            }));
            checks.Add(Streaming(new Gru64x128(), random, "GRU(64→128)", (n, seq, last) =>
            {
                var state = default(Gru64x128.State);
                for (int t = 0; t < SequenceSteps; t++)
                {
                    n.Step(seq.AsSpan(t * Gru64x128.StepInputSize, Gru64x128.StepInputSize), last, ref state);
                }
            }));

            var fashion = new FashionRowsLstm();
            fashion.InitializeParameters(4);
            int batch = Workload.BatchSize;
            int inputSize = FashionRowsLstm.InputSize;
            float[] images = new float[batch * inputSize];
            for (int i = 0; i < images.Length; i++)
            {
                images[i] = (float)random.NextDouble();
            }

            int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(10)).ToArray();
            var outputs = new float[batch * 10];
            var singles = new float[batch * 10];
            fashion.ForwardBatch(images, outputs, batch);
            for (int s = 0; s < batch; s++)
            {
                fashion.Forward(images.AsSpan(s * inputSize, inputSize), singles.AsSpan(s * 10, 10));
            }

            checks.Add(new Check("Fashion LSTM: ForwardBatch(64) vs 64 x Forward", MaxError(singles, outputs)));
            fashion.ZeroGradients();
            float batchLoss = fashion.BackwardBatch(images, labels, batch);
            float[] batchGradients = fashion.Gradients.ToArray();
            fashion.ZeroGradients();
            double lossSum = 0;
            for (int s = 0; s < batch; s++)
            {
                lossSum += fashion.Backward(images.AsSpan(s * inputSize, inputSize), labels[s]);
            }

            // BackwardBatch returns the mean loss and the gradients of the mean; Backward of one sample the sample's.
            float[] summed = fashion.Gradients.ToArray();
            for (int i = 0; i < summed.Length; i++)
            {
                summed[i] /= batch;
            }

            checks.Add(new Check("Fashion LSTM: BackwardBatch(64) loss vs 64 x Backward", MaxError(new[] { (float)(lossSum / batch) }, new[] { batchLoss })));
            checks.Add(new Check("Fashion LSTM: BackwardBatch(64) gradients vs 64 x Backward", MaxError(summed, batchGradients)));
            return checks;
        }

        /// <summary>Prints the checks; throws if one fails.</summary>
        public static void ThrowIfFailed(bool print = false)
        {
            IReadOnlyList<Check> checks = Verify();
            if (print)
            {
                foreach (Check check in checks)
                {
                    Console.WriteLine("  " + check);
                }
            }

            if (checks.Any(c => !c.Passed))
            {
                throw new InvalidOperationException("Recurrent guards failed: " + string.Join("; ", checks.Where(c => !c.Passed)));
            }
        }

        /// <summary>20 steps of a fresh state against <c>Forward</c> of the same sequence (the last step's output).</summary>
        private static Check Streaming<TNetwork>(TNetwork network, Random random, string name, Action<TNetwork, float[], float[]> steps)
            where TNetwork : INetwork
        {
            network.InitializeParameters(random.Next());
            float[] sequence = new float[network.InputSize];
            for (int i = 0; i < sequence.Length; i++)
            {
                sequence[i] = (2 * (float)random.NextDouble()) - 1;
            }

            var whole = new float[network.OutputSize];
            network.Forward(sequence, whole);
            var last = new float[network.OutputSize];
            steps(network, sequence, last);
            return new Check($"{name}: {SequenceSteps} x Step vs Forward", MaxError(last, whole));
        }

        private static double MaxError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
        {
            if (actual.Length != expected.Length || !expected.ContainsAnyExcept(0f))
            {
                return double.PositiveInfinity;
            }

            double worst = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                double error = Math.Abs((double)actual[i] - expected[i]) / Math.Max(1d, Math.Abs((double)expected[i]));
                worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
            }

            return worst;
        }
    }
}
