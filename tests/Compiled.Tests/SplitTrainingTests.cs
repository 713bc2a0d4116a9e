using System;
using System.Linq;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Tests.Checks;
using Compiled.Tests.Networks;
using Compiled.Training;

namespace Compiled.Tests
{
    /// <summary>
    /// Split training (the first layer's units shared between two threads, <see cref="ISplitTraining"/>) must compute
    /// exactly what one thread computes: same kernels, same summation order, so the same bits.
    /// </summary>
    public class SplitTrainingTests
    {
        public static TheoryData<string> Splittable => new() { "Mlp", "SplitGelu", "SplitImage", "SplitDropout" };

        [Fact]
        public void OnlyNetworksWithALargeFirstLayerCanSplit()
        {
            Assert.True(new Mlp() is ISplitTraining);
            Assert.True(new SplitGelu() is ISplitTraining);
            Assert.True(new SplitImage() is ISplitTraining);
            Assert.False(new Game() is ISplitTraining);       // 16 x 32: too small to be worth it
            Assert.False(new Digits() is ISplitTraining);     // 64 x 64
            Assert.False(new Line() is ISplitTraining);       // one layer: nothing after the first
        }

        [Fact]
        public void PartsAreSplitOnSixteenUnitBoundaries()
        {
            ISplitTraining gelu = new SplitGelu();
            Assert.Equal(2, gelu.SplitParts);
            Assert.Equal(new[] { 0, 32, 70 }, Enumerable.Range(0, 3).Select(gelu.SplitUnit));
            ISplitTraining mlp = new Mlp();
            Assert.Equal(new[] { 0, 64, 128 }, Enumerable.Range(0, 3).Select(mlp.SplitUnit));
        }

        [Theory]
        [MemberData(nameof(Splittable))]
        public void PhasesGiveTheGradientsOfBackwardBatchBitForBit(string name) => Assert.True(SplitChecks.PhasesMatchBackwardBatch(name));

        [Theory]
        [MemberData(nameof(Splittable))]
        public void TrainingOnTwoThreadsGivesTheSameParametersBitForBit(string name) => AssertTwoThreadsTrainAsOne(name, samples: 150, batchSize: 70);

        /// <summary>
        /// Epochs of 19 batches: the trainer runs the first 6 split, the next 6 on one thread, and the rest in whichever
        /// mode was faster (Training/SplitChoice), so the epoch switches modes at least once; the bits must not notice.
        /// </summary>
        [Theory]
        [MemberData(nameof(Splittable))]
        public void TrainingThatSwitchesBetweenTwoThreadsAndOneGivesTheSameParametersBitForBit(string name) => AssertTwoThreadsTrainAsOne(name, samples: 300, batchSize: 16);

        private static void AssertTwoThreadsTrainAsOne(string name, int samples, int batchSize)
        {
            INetwork probe = NetworkCases.Create(name);
            float[] features = NetworkCases.Inputs(probe, samples, seed: 11);
            Dataset data = probe.Loss == Loss.CrossEntropy
                ? Dataset.FromLabels(features, probe.InputSize, Enumerable.Range(0, samples).Select(i => (i * 5 + (i / 3)) % probe.OutputSize).ToArray())
                : Dataset.FromTargets(features, probe.InputSize, NetworkCases.Targets(probe, samples, seed: 11), probe.OutputSize);

            (float[] Parameters, double[] Losses, double[] Accuracies) Train(int threads)
            {
                INetwork network = NetworkCases.Create(name, seed: 2);
                var trainer = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = batchSize, Seed = 4, Threads = threads, TrackTrainingAccuracy = true });
                TrainingHistory history = trainer.Fit(network, new Adam(0.01f), data);
                return (network.Parameters.ToArray(), history.Epochs.Select(e => e.TrainLoss).ToArray(), history.Epochs.Select(e => e.TrainAccuracy ?? -1).ToArray());
            }

            (float[] oneParameters, double[] oneLosses, double[] oneAccuracies) = Train(1);
            (float[] twoParameters, double[] twoLosses, double[] twoAccuracies) = Train(2);
            Assert.Equal(oneLosses, twoLosses);
            Assert.Equal(oneAccuracies, twoAccuracies);
            Assert.Equal(oneParameters, twoParameters);
            Assert.NotEqual(NetworkCases.Create(name, seed: 2).Parameters.ToArray(), twoParameters);
        }

        [Fact]
        public void WrongPartsAndChunksAreRefused()
        {
            var parts = (ISplitTraining)new Mlp();
            parts.SplitPrepare();
            float[] inputs = new float[784 * 2];
            Assert.Throws<ArgumentException>(() => parts.SplitForward(2, inputs, 2));
            Assert.Throws<ArgumentException>(() => parts.SplitForward(-1, inputs, 2));
            Assert.Throws<ArgumentException>(() => parts.SplitForward(0, inputs, 3));
            Assert.Throws<ArgumentException>(() => parts.SplitBackward(0, inputs, 0));
            Assert.Throws<ArgumentException>(() => parts.SplitBackward(0, inputs, parts.SplitChunk + 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => parts.SplitRest(new[] { 0, 10 }, 2, 0.5f, Span<float>.Empty));
            Assert.Throws<ArgumentException>(() => parts.SplitRest(new[] { 0 }, 2, 0.5f, Span<float>.Empty));
        }
    }
}
