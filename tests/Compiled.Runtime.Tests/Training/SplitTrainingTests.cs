using System;
using System.Linq;
using Compiled.Optimizers;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>A first layer large enough for split training (160 x 112 weights), split 64 + 48 units.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(160)]
    [Dense(112, Activation.ReLU)]
    [Dense(5, Activation.Softmax)]
    public partial class SplitNet { }

    /// <summary>The two-thread split of the first layer (<see cref="SplitTraining"/>): what it owns, and no allocation per batch.</summary>
    public class SplitTrainingTests
    {
        [Fact]
        public void EachPartOwnsItsRowsAndBiasesAndPartZeroTheRest()
        {
            var network = new SplitNet();
            (int Start, int Length)[][] ranges = SplitTraining.OwnedRanges(network);
            Assert.Equal(new[] { (0, 64 * 160), (112 * 160, 64), (112 * 161, SplitNet.ParameterCount - (112 * 161)) }, ranges[0]);
            Assert.Equal(new[] { (64 * 160, 48 * 160), ((112 * 160) + 64, 48) }, ranges[1]);

            // Together they cover every parameter exactly once.
            int[] covered = new int[SplitNet.ParameterCount];
            foreach ((int start, int length) in ranges.SelectMany(r => r))
            {
                for (int i = start; i < start + length; i++)
                {
                    covered[i]++;
                }
            }

            Assert.All(covered, c => Assert.Equal(1, c));
        }

        [Fact]
        public void NeitherThreadAllocatesPerBatch()
        {
            var random = new Random(7);
            const int samples = 200;
            const int batch = 50;
            float[] features = Enumerable.Range(0, samples * 160).Select(_ => (float)random.NextDouble()).ToArray();
            int[] allLabels = Enumerable.Range(0, samples).Select(_ => random.Next(5)).ToArray();
            int[] order = Enumerable.Range(0, samples).ToArray();
            float[] inputs = new float[batch * 160];
            int[] labels = new int[batch];
            var network = new SplitNet();
            var adam = new Adam(0.01f);
            using var split = new SplitTraining(network, features, batch);

            void Batch(int step)
            {
                int start = (step % (samples / batch)) * batch;
                split.Begin(order, start, batch);
                for (int k = 0; k < batch; k++)
                {
                    features.AsSpan(order[start + k] * 160, 160).CopyTo(inputs.AsSpan(k * 160));
                    labels[k] = allLabels[order[start + k]];
                }

                Assert.True(float.IsFinite(split.Compute(inputs, labels, Array.Empty<float>(), useLabels: true)));
                split.Step(adam);
            }

            // Warm up past the JIT's tiering (call counting, on-stack replacement), which may allocate a little once.
            for (int step = 0; step < 300; step++)
            {
                Batch(step);
            }

            long main = split.AllocatedBytes(0);
            long worker = split.AllocatedBytes(1);
            for (int step = 0; step < 300; step++)
            {
                Batch(step);
            }

            Assert.Equal(main, split.AllocatedBytes(0));
            Assert.Equal(worker, split.AllocatedBytes(1));
        }

        [Fact]
        public void AFailureInOnePhaseStopsBothThreadsAndTheNextBatchStillWorks()
        {
            var random = new Random(9);
            const int batch = 20;
            float[] features = Enumerable.Range(0, batch * 160).Select(_ => (float)random.NextDouble()).ToArray();
            int[] order = Enumerable.Range(0, batch).ToArray();
            var network = new SplitNet();
            using var split = new SplitTraining(network, features, batch);
            int[] bad = Enumerable.Repeat(7, batch).ToArray(); // 5 classes

            split.Begin(order, 0, batch);
            Assert.Throws<ArgumentOutOfRangeException>(() => split.Compute(features, bad, Array.Empty<float>(), useLabels: true));

            split.Begin(order, 0, batch);
            float loss = split.Compute(features, new int[batch], Array.Empty<float>(), useLabels: true);
            Assert.True(float.IsFinite(loss) && loss > 0);
        }
    }
}
