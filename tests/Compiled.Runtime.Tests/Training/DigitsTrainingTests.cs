using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Serialization;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>The network of the Digits sample: 64 pixels, 64 ReLU units, a softmax over the 10 digits.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(64)]
    [Dense(64, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public partial class DigitsTestNetwork
    {
    }

    /// <summary>
    /// End to end on real data: a generated network trained by the <see cref="Trainer"/> on the 8x8 digits
    /// (samples/data/digits.csv.gz, linked as Fixtures/digits.csv.gz), as the Digits sample does. Trained once for the class.
    /// </summary>
    public sealed class DigitsTrainingTests : IClassFixture<DigitsTrainingTests.TrainedDigits>
    {
        private readonly TrainedDigits _trained;

        public DigitsTrainingTests(TrainedDigits trained) => _trained = trained;

        [Fact]
        public void The_digits_fixture_reads_as_1797_samples_of_64_pixels_in_10_balanced_classes()
        {
            Dataset digits = TrainedDigits.Load();
            Assert.Equal(1797, digits.Count);
            Assert.Equal(64, digits.FeatureCount);
            Assert.Equal(0f, digits.Features.Min());
            Assert.Equal(1f, digits.Features.Max());
            int[] perClass = Enumerable.Range(0, 10).Select(c => digits.Labels!.Count(label => label == c)).ToArray();
            Assert.All(perClass, count => Assert.InRange(count, 174, 183));
            Assert.Equal(1438, _trained.Train.Count);
            Assert.Equal(359, _trained.Test.Count);
        }

        [Fact]
        public void A_64_64_10_network_reaches_95_percent_accuracy_on_held_out_digits()
        {
            EvaluationResult result = Trainer.Evaluate(_trained.Network, _trained.Test);
            Assert.True(result.Accuracy >= 0.95, $"held-out accuracy {result.Accuracy:F4}");
            Assert.Equal(result.Accuracy!.Value, _trained.History.Epochs[^1].ValidationAccuracy!.Value, 12);
            Assert.Equal(StopReason.Completed, _trained.History.StopReason);
            Assert.True(_trained.History.Epochs[^1].TrainLoss < _trained.History.Epochs[0].TrainLoss / 5);
        }

        [Fact]
        public void Saving_and_reloading_gives_bit_identical_parameters_and_outputs()
        {
            string folder = Path.Combine(Path.GetTempPath(), "compiled-digits-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string path = Path.Combine(folder, "digits.cmpl");
                ModelFile.Save(_trained.Network, path);
                Assert.Equal(DigitsTestNetwork.Architecture, ModelFile.ReadInfo(path).Architecture);

                var reloaded = new DigitsTestNetwork();
                reloaded.InitializeParameters(123);
                Assert.False(Bits(reloaded.Parameters).SequenceEqual(Bits(_trained.Network.Parameters)));
                ModelFile.Load(reloaded, path);
                Assert.True(Bits(reloaded.Parameters).SequenceEqual(Bits(_trained.Network.Parameters)));

                Dataset test = _trained.Test;
                float[] expected = new float[test.Count * DigitsTestNetwork.OutputSize];
                float[] actual = new float[expected.Length];
                _trained.Network.ForwardBatch(test.Features, expected, test.Count);
                reloaded.ForwardBatch(test.Features, actual, test.Count);
                Assert.True(Bits(actual).SequenceEqual(Bits(expected)), "the reloaded network's outputs differ");
                Assert.Equal(Trainer.Evaluate(_trained.Network, test).Accuracy, Trainer.Evaluate(reloaded, test).Accuracy);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        private static ReadOnlySpan<byte> Bits(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values);

        /// <summary>The digits split 80/20 by class, and a network trained on the 80%, once for all the tests.</summary>
        public sealed class TrainedDigits
        {
            public TrainedDigits()
            {
                (Train, Test) = Load().StratifiedSplit(validationFraction: 0.2, seed: 42);
                Network = new DigitsTestNetwork();
                var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 42 });
                History = trainer.Fit(Network, new Adam(learningRate: 1e-3f), Train, Test);
            }

            public Dataset Train { get; }

            public Dataset Test { get; }

            public DigitsTestNetwork Network { get; }

            public TrainingHistory History { get; }

            /// <summary>Reads the fixture with the CSV reader and scales the pixels from 0..16 to 0..1.</summary>
            public static Dataset Load()
            {
                Dataset digits = Csv.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "digits.csv.gz"));
                Normalization.Scale(digits, 1f / 16);
                return digits;
            }
        }
    }
}
