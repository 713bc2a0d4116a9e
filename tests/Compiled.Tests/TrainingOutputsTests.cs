using System;
using System.Linq;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>
    /// <c>BackwardBatch(..., outputs)</c>: the outputs are those of the training pass the loss came from (so a training loop
    /// counts its accuracy without a second forward pass), and asking for them changes nothing else.
    /// </summary>
    public class TrainingOutputsTests
    {
        private const int Batch = 5;

        [Theory]
        [MemberData(nameof(NetworkCases.All), MemberType = typeof(NetworkCases))]
        public void TargetOutputsAreThoseTheLossCameFrom(string name)
        {
            INetwork plain = NetworkCases.Create(name), withOutputs = NetworkCases.Create(name);
            float[] x = NetworkCases.Inputs(plain, Batch, 7), t = NetworkCases.Targets(plain, Batch, 7);
            var outputs = new float[Batch * plain.OutputSize];
            plain.ZeroGradients();
            withOutputs.ZeroGradients();

            float expected = plain.BackwardBatch(x, t, Batch);
            float loss = withOutputs.BackwardBatch(x, t, Batch, outputs);

            Assert.Equal(expected, loss); // bit for bit: asking for the outputs changes nothing
            Assert.True(plain.Gradients.SequenceEqual(withOutputs.Gradients), "the gradients differ when the outputs are asked for");
            AssertClose(LossOf(plain.Loss, outputs, t, plain.OutputSize / plain.LabelsPerSample), loss, name); // a row: a sample, or one step of a per-step classifier
        }

        [Theory]
        [MemberData(nameof(NetworkCases.All), MemberType = typeof(NetworkCases))]
        public void LabelOutputsAreThoseTheLossCameFrom(string name)
        {
            INetwork plain = NetworkCases.Create(name), withOutputs = NetworkCases.Create(name);
            if (plain.Loss != Loss.CrossEntropy)
            {
                Assert.Throws<NotSupportedException>(() => withOutputs.BackwardBatch(new float[plain.InputSize], new int[1], 1, new float[plain.OutputSize]));
                return;
            }

            float[] x = NetworkCases.Inputs(plain, Batch, 8);
            var random = new Random(8);
            int rows = plain.LabelsPerSample; // one label per sample, or per step
            int classes = plain.OutputSize / rows;
            int[] labels = Enumerable.Range(0, Batch * rows).Select(_ => random.Next(classes)).ToArray();
            var outputs = new float[Batch * plain.OutputSize];
            plain.ZeroGradients();
            withOutputs.ZeroGradients();

            float expected = plain.BackwardBatch(x, labels, Batch);
            float loss = withOutputs.BackwardBatch(x, labels, Batch, outputs);

            Assert.Equal(expected, loss);
            Assert.True(plain.Gradients.SequenceEqual(withOutputs.Gradients), "the gradients differ when the outputs are asked for");
            double sum = 0;
            for (int r = 0; r < Batch * rows; r++)
            {
                sum -= Math.Log(outputs[(r * classes) + labels[r]]);
            }

            AssertClose(sum / (Batch * rows), loss, name);
        }

        [Theory]
        [InlineData("Mlp")]
        [InlineData("Dropouts")]
        [InlineData("MultiLabel")]
        public void WithoutStochasticLayersTheOutputsAreTheForwardPass(string name)
        {
            INetwork network = NetworkCases.Create(name);
            float[] x = NetworkCases.Inputs(network, Batch, 9), t = NetworkCases.Targets(network, Batch, 9);
            var trained = new float[Batch * network.OutputSize];
            var inferred = new float[Batch * network.OutputSize];
            network.ForwardBatch(x, inferred, Batch);
            network.BackwardBatch(x, t, Batch, trained);
            if (name == "Dropouts")
            {
                // Dropout is active in the training pass: its outputs are not inference's, which is the point.
                Assert.False(trained.SequenceEqual(inferred), "dropout should make the training outputs differ from inference");
                return;
            }

            for (int i = 0; i < trained.Length; i++)
            {
                Assert.True(Math.Abs(trained[i] - inferred[i]) <= 1e-5 * Math.Max(1, Math.Abs(inferred[i])), $"{name} output {i}: training {trained[i]}, inference {inferred[i]}");
            }
        }

        [Fact]
        public void TheTrainersAccuracyIsThatOfTheTrainingPass()
        {
            // Dropout makes the training pass differ from inference, so only the training pass's own outputs give this count.
            const int samples = 40;
            INetwork network = NetworkCases.Create("Dropouts"), replay = NetworkCases.Create("Dropouts");
            float[] x = NetworkCases.Inputs(network, samples, 11);
            var random = new Random(11);
            int[] labels = Enumerable.Range(0, samples).Select(_ => random.Next(network.OutputSize)).ToArray();
            var options = new Training.TrainerOptions { Epochs = 1, BatchSize = samples, Shuffle = false, Seed = 5 };
            Training.TrainingHistory history = new Training.Trainer(options).Fit(network, new Optimizers.Sgd(0.1f), Data.Dataset.FromLabels(x, network.InputSize, labels));

            var outputs = new float[samples * network.OutputSize];
            replay.TrainingContext = new TrainingContext(5, 0, 0); // the trainer's context of its first step
            replay.BackwardBatch(x, labels, samples, outputs);
            int correct = Enumerable.Range(0, samples).Count(s => ArgMax(outputs.AsSpan(s * network.OutputSize, network.OutputSize)) == labels[s]);
            Assert.Equal((double)correct / samples, history.Epochs[0].TrainAccuracy);

            // The case discriminates: an inference pass with the same parameters counts differently here.
            INetwork fresh = NetworkCases.Create("Dropouts");
            fresh.ForwardBatch(x, outputs, samples);
            int inferred = Enumerable.Range(0, samples).Count(s => ArgMax(outputs.AsSpan(s * network.OutputSize, network.OutputSize)) == labels[s]);
            Assert.NotEqual(correct, inferred);
        }

        [Fact]
        public void WrongOutputLengthThrowsAndLosesNothing()
        {
            INetwork network = NetworkCases.Create("Mlp");
            float[] x = NetworkCases.Inputs(network, Batch, 3), t = NetworkCases.Targets(network, Batch, 3);
            network.ZeroGradients();
            var e = Assert.Throws<ArgumentException>(() => network.BackwardBatch(x, t, Batch, new float[(Batch * network.OutputSize) - 1]));
            Assert.Contains("outputs", e.Message, StringComparison.Ordinal);
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
            Assert.Throws<ArgumentException>(() => network.BackwardBatch(x, new int[Batch], Batch, new float[1]));
        }

        private static int ArgMax(ReadOnlySpan<float> values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++)
            {
                best = values[i] > values[best] ? i : best;
            }

            return best;
        }

        /// <summary>The batch's mean loss recomputed in double precision from the outputs the call handed back.</summary>
        private static double LossOf(Loss loss, float[] outputs, float[] targets, int n)
        {
            double sum = 0;
            int samples = outputs.Length / n;
            for (int s = 0; s < samples; s++)
            {
                double sample = 0;
                for (int j = 0; j < n; j++)
                {
                    double o = outputs[(s * n) + j], t = targets[(s * n) + j];
                    sample += loss switch
                    {
                        Loss.CrossEntropy => t == 0 ? 0 : -t * Math.Log(o),
                        Loss.BinaryCrossEntropy => -((t * Math.Log(Math.Max(o, 1e-12))) + ((1 - t) * Math.Log(Math.Max(1 - o, 1e-12)))) / n,
                        _ => (o - t) * (o - t) / n,
                    };
                }

                sum += sample;
            }

            return sum / samples;
        }

        private static void AssertClose(double expected, float actual, string name) =>
            Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"{name}: the loss from the handed-back outputs is {expected}, the call returned {actual}");
    }
}
