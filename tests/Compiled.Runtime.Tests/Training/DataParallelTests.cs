using System;
using System.Linq;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    [Network(Loss = Loss.CrossEntropy)]
    [Input(20)]
    [Dense(16, Activation.ReLU)]
    [Dense(5, Activation.Softmax)]
    public partial class ParallelNet { }

    /// <summary>Data-parallel gradients: the same result as one thread (up to rounding), without allocation.</summary>
    public class DataParallelTests
    {
        [Theory]
        [InlineData(2, 7)]
        [InlineData(2, 64)]
        [InlineData(3, 10)]
        [InlineData(4, 3)]
        public void ParallelGradientEqualsSingleThreadedGradient(int threads, int batch)
        {
            var random = new Random(batch);
            float[] inputs = Enumerable.Range(0, batch * 20).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(5)).ToArray();

            var single = new ParallelNet();
            single.ZeroGradients();
            float expectedLoss = single.BackwardBatch(inputs, labels, batch);

            var network = new ParallelNet();
            using var parallel = new DataParallelGradients(network, threads);
            for (int repeat = 0; repeat < 3; repeat++)
            {
                float loss = parallel.Compute(inputs, labels, Array.Empty<float>(), useLabels: true, batch, default);
                Assert.Equal(expectedLoss, loss, 1e-6f);
                float[] expected = single.Gradients.ToArray();
                float[] actual = network.Gradients.ToArray();
                Assert.Contains(expected, g => g != 0);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f + (1e-5f * Math.Abs(expected[i])), $"parameter {i}: {actual[i]} vs {expected[i]}");
                }
            }
        }

        [Fact]
        public void TrainingWithTwoThreadsMatchesOneThreadAndAllocatesNothingPerBatch()
        {
            var random = new Random(3);
            const int count = 600;
            float[] features = Enumerable.Range(0, count * 20).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, count).Select(i => (int)(features[i * 20] * 5 * 0.999f)).ToArray();
            Dataset data = Dataset.FromLabels(features, 20, labels);

            TrainingHistory Train(int threads, out float[] parameters)
            {
                var network = new ParallelNet();
                var trainer = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 32, Seed = 1, Threads = threads, TrackTrainingAccuracy = false });
                TrainingHistory history = trainer.Fit(network, new Adam(0.01f), data);
                parameters = network.Parameters.ToArray();
                return history;
            }

            TrainingHistory one = Train(1, out float[] p1);
            TrainingHistory two = Train(2, out float[] p2);
            Assert.Equal(one.Epochs[^1].TrainLoss, two.Epochs[^1].TrainLoss, 1e-3);
            for (int i = 0; i < p1.Length; i++)
            {
                Assert.True(Math.Abs(p1[i] - p2[i]) <= 1e-3f, $"parameter {i}: {p2[i]} vs {p1[i]}");
            }
        }

        [Fact]
        public void NoThreadAllocatesPerBatch()
        {
            var random = new Random(5);
            const int batch = 48;
            float[] inputs = Enumerable.Range(0, batch * 20).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, batch).Select(_ => random.Next(5)).ToArray();
            using var parallel = new DataParallelGradients(new ParallelNet(), 3);
            long[] before = new long[3];
            long[] after = new long[3];
            float[] empty = Array.Empty<float>();

            // Warm up past the JIT's tiering (call counting, on-stack replacement), which may allocate a little once.
            for (int i = 0; i < 300; i++)
            {
                parallel.Compute(inputs, labels, Array.Empty<float>(), useLabels: true, batch, default);
            }

            // Each thread's own allocation counter, read by that thread at the end of each batch. The arrays were made
            // before the warm-up so the main thread's counter does not count them.
            for (int t = 0; t < 3; t++)
            {
                before[t] = parallel.AllocatedBytes(t);
            }

            for (int i = 0; i < 500; i++)
            {
                parallel.Compute(inputs, labels, empty, useLabels: true, batch, default);
            }

            for (int t = 0; t < 3; t++)
            {
                after[t] = parallel.AllocatedBytes(t);
            }

            Assert.Equal(before, after);
        }

        [Fact]
        public async System.Threading.Tasks.Task ABatchPostedBeforeTheWorkersStartIsNotMissed()
        {
            // Regression: a worker that read the job counter only once running could miss the first batch and hang.
            var random = new Random(9);
            float[] inputs = Enumerable.Range(0, 8 * 20).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, 8).Select(_ => random.Next(5)).ToArray();
            var network = new ParallelNet();
            var run = System.Threading.Tasks.Task.Run(() =>
            {
                for (int i = 0; i < 300; i++)
                {
                    using var parallel = new DataParallelGradients(network, 2 + (i % 3));
                    parallel.Compute(inputs, labels, Array.Empty<float>(), useLabels: true, 8, default);
                }
            });
            System.Threading.Tasks.Task finished = await System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(finished == run, "data-parallel training hung");
            await run;
        }

        [Fact]
        public void ThreadsOptionIsValidated()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Threads = 0 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Threads = 65 });
        }
    }
}

namespace Compiled.Runtime.Tests.Training
{
    using Compiled.Optimizers;

    /// <summary>An optimizer step applied in slices (data-parallel training) equals the whole-buffer step bit for bit.</summary>
    public class SlicedOptimizerStepTests
    {
        public static TheoryData<string> Optimizers => new() { "sgd", "nesterov", "adam", "amsgrad", "adamw", "rmsprop", "adagrad" };

        private static Optimizer Create(string name) => name switch
        {
            "sgd" => new Sgd(0.1f, momentum: 0.9, weightDecay: 0.01) { L1 = 0.001 },
            "nesterov" => new Sgd(0.1f, momentum: 0.9, nesterov: true),
            "adam" => new Adam(0.01f) { L2 = 0.01 },
            "amsgrad" => new Adam(0.01f, amsgrad: true, weightDecay: 0.1),
            "adamw" => new AdamW(0.01f),
            "rmsprop" => new RMSprop(0.01f, momentum: 0.5, centered: true),
            _ => new Adagrad(0.1f, learningRateDecay: 0.01),
        };

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void SlicedStepsEqualWholeSteps(string name)
        {
            const int length = 1037;
            var random = new Random(name.Length);
            float[] start = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            float[] whole = (float[])start.Clone();
            float[] sliced = (float[])start.Clone();
            Optimizer a = Create(name);
            Optimizer b = Create(name);
            for (int step = 0; step < 5; step++)
            {
                float[] gradients = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                a.Step(whole, gradients);
                long number = b.BeginParallelStep(length);
                foreach ((int begin, int end) in new[] { (0, 496), (496, 992), (992, length) })
                {
                    b.UpdateSlice(sliced, gradients, begin, end - begin, number);
                }
            }

            Assert.Equal(whole, sliced);
            Assert.Equal(a.StepCount, b.StepCount);
        }
    }
}
