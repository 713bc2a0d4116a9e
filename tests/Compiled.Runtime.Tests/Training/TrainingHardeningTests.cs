using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Data;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>NaN and infinity in the data, in the validation loss and in training (issue 11).</summary>
    public class TrainingHardeningTests
    {
        private static readonly float[] NonFinite = { float.NaN, float.PositiveInfinity, float.NegativeInfinity };

        private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";

        [Fact]
        public void NonFiniteFeaturesAndTargetsAreRefusedBeforeTrainingNamingTheSampleAndFeature()
        {
            // 400 data sets of random sizes with one NaN or infinity at a random place: in the training or the validation
            // features, or in target vectors. Each is refused before any backward pass, naming the data set, the sample
            // and the feature; Evaluate refuses it too.
            var random = new Random(1107);
            for (int trial = 0; trial < 400; trial++)
            {
                int features = random.Next(1, 20), count = random.Next(1, 40);
                var network = new LogisticRegressionNetwork(features, 3);
                bool targets = trial % 4 == 3;
                Dataset Make(float[] x) => targets
                    ? Dataset.FromTargets(x, features, Enumerable.Range(0, count * 3).Select(i => i % 3 == 0 ? 1f : 0f).ToArray(), 3)
                    : Dataset.FromLabels(x, features, Enumerable.Range(0, count).Select(i => i % 3).ToArray());
                float[] trainFeatures = Enumerable.Range(0, count * features).Select(_ => (float)random.NextDouble()).ToArray();
                float[] validationFeatures = (float[])trainFeatures.Clone();
                Dataset train = Make(trainFeatures), validation = Make(validationFeatures);
                bool inValidation = trial % 2 == 1;
                int sample = random.Next(count), feature = random.Next(features);
                float value = NonFinite[random.Next(3)];
                (inValidation ? validationFeatures : trainFeatures)[(sample * features) + feature] = value;

                var optimizer = new TestSgd(0.1f);
                var exception = Assert.ThrowsAny<ArgumentException>(() => new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 }).Fit(network, optimizer, train, validation));
                Assert.Equal(inValidation ? "validation" : "train", exception.ParamName);
                Assert.Contains($"Feature {feature} of sample {sample} (0-based) in the '{exception.ParamName}' data set is {Describe(value)}", exception.Message);
                Assert.Equal(0, network.BackwardCalls);
                Assert.Equal(0, optimizer.StepCount);
                Assert.Contains($"Feature {feature} of sample {sample}", Assert.ThrowsAny<ArgumentException>(() => Trainer.Evaluate(network, inValidation ? validation : train)).Message);
            }

            // A NaN target value.
            var targetValues = new float[] { 1, 0, 0, 0, 1, 0, 0, float.NaN, 1 };
            var withTargets = Dataset.FromTargets(new float[6], 2, targetValues, 3);
            var error = Assert.ThrowsAny<ArgumentException>(() => new Trainer().Fit(new LogisticRegressionNetwork(2, 3), new TestSgd(0.1f), withTargets));
            Assert.Contains("Target value 1 of sample 2 (0-based) in the 'train' data set is NaN", error.Message);
        }

        [Fact]
        public void TheFiniteCheckIsOnePassWithoutAllocation()
        {
            // 1,000 random arrays (lengths 0 to 300, at most one bad value, anywhere, including the vector tails) against a
            // scalar reference.
            var random = new Random(1108);
            for (int trial = 0; trial < 1000; trial++)
            {
                var values = Enumerable.Range(0, random.Next(0, 301)).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 39)))).ToArray();
                if (values.Length > 0 && trial % 3 != 0)
                {
                    values[random.Next(values.Length)] = NonFinite[random.Next(3)];
                }

                Assert.Equal(Array.FindIndex(values, v => !float.IsFinite(v)), FiniteValues.IndexOfNonFinite(values));
            }

            var large = Enumerable.Range(0, 1 << 20).Select(i => (float)Math.Sin(i) * float.MaxValue).ToArray();
            for (int warm = 0; warm < 3; warm++)
            {
                Assert.Equal(-1, FiniteValues.IndexOfNonFinite(large)); // compiled and run before counting
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            int found = FiniteValues.IndexOfNonFinite(large);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(-1, found);
        }

        private static readonly Dataset Train = Dataset.FromLabels(new float[] { 0, 1, 2, 3 }, 1, new int[4]);
        private static readonly Dataset Validation = Dataset.FromLabels(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 1, new int[10]);

        [Fact]
        public void ANonFiniteValidationLossStopsTrainingNamingTheEpoch()
        {
            // Scripted validation losses 1.0, 0.5, 0.7, then NaN (the network's outputs turn NaN) at epochs 4 to 8, with and
            // without early stopping: training stops at that epoch, with the history of the epochs before it.
            for (int nanEpoch = 2; nanEpoch <= 8; nanEpoch++)
            {
                double[] losses = new[] { 1.0, 0.5, 0.7, 0.6, 0.8, 0.9, 0.95 }.Take(nanEpoch - 1).Append(double.NaN).ToArray();
                foreach (bool early in new[] { true, false })
                {
                    var network = ScriptedNetwork.WithValidationLosses(losses);
                    var trainer = new Trainer(new TrainerOptions { Epochs = 20, BatchSize = 4, TrackTrainingAccuracy = false, EarlyStopping = early ? new EarlyStopping { Patience = 10 } : null });
                    var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(network, new TestSgd(1f), Train, Validation));
                    Assert.Equal(nanEpoch, exception.Epoch);
                    Assert.Contains($"validation loss was NaN after epoch {nanEpoch} of 20", exception.Message);
                    TrainingHistory history = exception.History!;
                    Assert.Equal(StopReason.Diverged, history.StopReason);
                    Assert.Equal(nanEpoch - 1, history.Epochs.Count);
                    Assert.Equal(nanEpoch == 2 ? 1 : 2, history.BestEpoch);
                    Assert.Equal(early, history.RestoredBestParameters);
                    Assert.Equal(early ? history.BestEpoch : nanEpoch, network.StepsTaken);
                    Assert.Contains(early ? $"restored the parameters after epoch {history.BestEpoch}" : $"keeps the parameters after epoch {nanEpoch}", exception.Message);
                }
            }
        }

        [Fact]
        public void AfterDivergenceTheBestParametersAreRestoredAndTheHistoryIsAttached()
        {
            // 10 samples in batches of 4 (3 batches per epoch), 5 epochs: a NaN loss, an infinite loss or a NaN gradient at
            // every one of the 15 backward calls, with and without early stopping (90 runs).
            foreach (string kind in new[] { "nan", "inf", "gradient" })
            {
                for (int call = 1; call <= 15; call++)
                {
                    foreach (bool early in new[] { true, false })
                    {
                        var network = new LogisticRegressionNetwork(2, 3);
                        network.InitializeParameters(3);
                        if (kind == "gradient")
                        {
                            network.NaNGradientAtCall = call;
                        }
                        else
                        {
                            network.DivergeAtCall = call;
                            network.DivergentLoss = kind == "nan" ? float.NaN : float.PositiveInfinity;
                        }

                        var afterEpoch = new List<float[]>();
                        var progress = new CountingProgress { OnReport = p => { if (p.Kind == TrainingProgressKind.EpochEnd) { afterEpoch.Add(network.Parameters.ToArray()); } } };
                        var trainer = new Trainer(new TrainerOptions { Epochs = 5, BatchSize = 4, Seed = 2, EarlyStopping = early ? new EarlyStopping { Patience = 5 } : null });
                        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(network, new TestSgd(0.1f), TestData.Blobs(10), TestData.Blobs(6, seed: 9), progress));

                        // A NaN gradient shows at the next batch's loss, or at the end of the epoch for an epoch's last batch.
                        int failingCall = kind == "gradient" && call % 3 != 0 ? call + 1 : call;
                        int epoch = ((failingCall - 1) / 3) + 1;
                        Assert.Equal(epoch, exception.Epoch);
                        TrainingHistory history = exception.History!;
                        Assert.Equal(StopReason.Diverged, history.StopReason);
                        Assert.Equal(epoch - 1, history.Epochs.Count);
                        Assert.Equal(afterEpoch.Count, history.Epochs.Count);
                        bool restored = early && epoch > 1;
                        Assert.Equal(restored, history.RestoredBestParameters);
                        if (restored)
                        {
                            Assert.InRange(history.BestEpoch, 1, epoch - 1);
                            Assert.Equal(afterEpoch[history.BestEpoch - 1], network.Parameters.ToArray());
                            Assert.Contains($"Early stopping restored the parameters after epoch {history.BestEpoch}", exception.Message);
                        }
                        else if (kind != "gradient")
                        {
                            Assert.Equal(network.ParametersAtDivergence, network.Parameters.ToArray());
                            Assert.Contains("keeps the parameters that produced this loss", exception.Message);
                        }
                    }
                }
            }
        }
    }
}
