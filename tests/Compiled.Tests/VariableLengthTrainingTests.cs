using System;
using System.Linq;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;

namespace Compiled.Tests
{
    // Small variable-length networks for the trainer: a GRU reading up to 8 steps of 2 features, classifying (sequence to
    // one, labels) or regressing every step (sequence to sequence, a target per step).
    [Network(Loss = Loss.CrossEntropy)] [Input(8, 2, VariableLength = true)] [GRU(8)] [Dense(2, Activation.Softmax)] public partial class VarClassifier { }
    [Network] [Input(8, 2, VariableLength = true)] [GRU(8, ReturnSequences = true)] [Dense(1)] public partial class VarTagger { }

    /// <summary>The trainer and the data sets with sequence lengths (<see cref="Dataset.WithLengths"/>).</summary>
    public class VariableLengthTrainingTests
    {
        private const int Steps = 8;

        /// <summary>
        /// Random sequences of 1 to 8 steps; padded with <paramref name="padding"/>. Label: whether the first feature's sum
        /// over the real steps is positive. Per-step target: the running mean of the first feature.
        /// </summary>
        private static (float[] Features, int[] Lengths, int[] Labels, float[] Targets) Data(int count, float padding, int seed)
        {
            var random = new Random(seed);
            var features = new float[count * Steps * 2];
            var lengths = new int[count];
            var labels = new int[count];
            var targets = new float[count * Steps];
            for (int s = 0; s < count; s++)
            {
                lengths[s] = random.Next(1, Steps + 1);
                float sum = 0;
                for (int t = 0; t < Steps; t++)
                {
                    for (int f = 0; f < 2; f++)
                    {
                        features[(((s * Steps) + t) * 2) + f] = t < lengths[s] ? (float)((random.NextDouble() * 2) - 1) : padding;
                    }

                    if (t < lengths[s])
                    {
                        sum += features[((s * Steps) + t) * 2];
                        targets[(s * Steps) + t] = sum / (t + 1);
                    }
                    else
                    {
                        targets[(s * Steps) + t] = padding; // ignored
                    }
                }

                labels[s] = sum > 0 ? 1 : 0;
            }

            return (features, lengths, labels, targets);
        }

        [Fact]
        public void PaddingValuesDoNotChangeTraining()
        {
            // The same sequences padded with zeros or with large values train to the same parameters, bit for bit.
            float[] Train(float padding)
            {
                (float[] features, int[] lengths, int[] labels, _) = Data(200, padding, 7);
                Dataset data = Dataset.FromLabels(features, Steps * 2, labels).WithLengths(lengths);
                var network = new VarClassifier();
                network.InitializeParameters(3);
                new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 5 }).Fit(network, new Adam(0.01f), data);
                return network.Parameters.ToArray();
            }

            Assert.Equal(Train(0f), Train(1000f));
        }

        [Fact]
        public void SequenceToOneLearnsAndDataParallelAgrees()
        {
            (float[] features, int[] lengths, int[] labels, _) = Data(1000, 0f, 11);
            Dataset data = Dataset.FromLabels(features, Steps * 2, labels).WithLengths(lengths);
            (Dataset train, Dataset validation) = data.Split(0.2, seed: 1);
            Assert.NotNull(train.Lengths);
            Assert.NotNull(validation.Lengths);

            var network = new VarClassifier();
            network.InitializeParameters(1);
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 12, BatchSize = 32, Seed = 2 }).Fit(network, new Adam(0.01f), train, validation);
            EvaluationResult result = Trainer.Evaluate(network, validation);
            Assert.True(result.Accuracy > 0.9, $"validation accuracy {result.Accuracy}");
            Assert.Equal(history.Epochs[^1].ValidationLoss!.Value, result.Loss, 6);

            // Two threads split each batch with its lengths: the same gradients up to rounding.
            var single = new VarClassifier();
            var parallel = new VarClassifier();
            single.InitializeParameters(4);
            parallel.InitializeParameters(4);
            new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = 3, Threads = 1 }).Fit(single, new Sgd(0.1f), train);
            new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = 3, Threads = 2 }).Fit(parallel, new Sgd(0.1f), train);
            float[] a = single.Parameters.ToArray();
            float[] b = parallel.Parameters.ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f, $"parameter {i}: {a[i]} one thread, {b[i]} two");
            }
        }

        [Fact]
        public void SequenceToSequenceLossCountsOnlyRealSteps()
        {
            (float[] features, int[] lengths, _, float[] targets) = Data(300, 5f, 13);
            Dataset data = Dataset.FromTargets(features, Steps * 2, targets, Steps).WithLengths(lengths);
            var network = new VarTagger();
            network.InitializeParameters(2);
            Assert.True(((INetwork)network).OutputPerStep);

            // Evaluate's loss is the mean over the real steps of the whole set: what BackwardBatch with lengths gives for one batch of all.
            double evaluated = Trainer.Evaluate(network, data).Loss;
            float batchLoss = network.BackwardBatch(features, targets, 300, lengths);
            Assert.Equal(batchLoss, evaluated, 4);

            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 15, BatchSize = 32, Seed = 1 }).Fit(network, new Adam(0.01f), data);
            double after = Trainer.Evaluate(network, data).Loss;
            Assert.True(after < evaluated / 4, $"loss {evaluated} -> {after}");
            Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss);
        }

        [Fact]
        public void DataSetLengthsAreChecked()
        {
            (float[] features, int[] lengths, int[] labels, _) = Data(10, 0f, 1);
            Dataset data = Dataset.FromLabels(features, Steps * 2, labels);
            Assert.Throws<ArgumentException>(() => data.WithLengths(new int[9]));
            ArgumentOutOfRangeException zero = Assert.Throws<ArgumentOutOfRangeException>(() => data.WithLengths(lengths.Select((l, i) => i == 4 ? 0 : l).ToArray()));
            Assert.Contains("Sample 4", zero.Message, StringComparison.Ordinal);

            ArgumentException tooLong = Assert.Throws<ArgumentException>(() => Trainer.Evaluate(new VarClassifier(), data.WithLengths(lengths.Select((l, i) => i == 3 ? 9 : l).ToArray())));
            Assert.Contains("Sample 3", tooLong.Message, StringComparison.Ordinal);

            // Lengths for a network of one length: refused, with the declaration to use.
            Dataset fixedData = Dataset.FromTargets(new float[2 * 15], 15, new float[2], 1).WithLengths(new[] { 5, 3 });
            ArgumentException notVariable = Assert.Throws<ArgumentException>(() => Trainer.Evaluate(new GruParity1Last(), Dataset.FromTargets(new float[2 * 15], 15, new float[12], 6).WithLengths(new[] { 5, 3 })));
            Assert.Contains("VariableLength = true", notVariable.Message, StringComparison.Ordinal);
            Assert.Equal(2, fixedData.Count);
        }
    }
}

namespace Compiled.Tests
{
    // Token ids of their own lengths: an embedding, then a GRU.
    [Network(Loss = Loss.CrossEntropy)] [Input(6, VariableLength = true)] [Embedding(10, 4)] [GRU(5)] [Dense(2, Activation.Softmax)] public partial class VarTokens { }

    /// <summary>Variable-length token sequences: the padding ids are never read, through the float and the int overloads.</summary>
    public class VariableLengthTokenTests
    {
        [Fact]
        public void PaddingTokensAreIgnored()
        {
            var network = new VarTokens();
            int[] a = { 1, 2, 3, 0, 0, 0, 4, 5, 6, 7, 8, 9 };
            int[] b = { 1, 2, 3, 9, 8, 7, 4, 5, 6, 7, 8, 9 };
            int[] lengths = { 3, 6 };
            var outputsA = new float[4];
            var outputsB = new float[4];
            network.ForwardBatch(a, outputsA, 2, lengths);
            network.ForwardBatch(b, outputsB, 2, lengths);
            Assert.Equal(outputsA, outputsB);

            var one = new float[2];
            network.Forward(b.AsSpan(0, 6), one, 3);
            Assert.Equal(outputsA[0], one[0], 1e-6f); // the one-sample path rounds a little differently
            Assert.Equal(outputsA[1], one[1], 1e-6f);

            // The first sample of 3 tokens is the first 3 tokens of a full sequence that stops there: a 3-step network's output.
            var full = new float[4];
            network.ForwardBatch(a, full, 2);
            Assert.NotEqual(outputsA.AsSpan(0, 2).ToArray(), full.AsSpan(0, 2).ToArray());
            Assert.Equal(outputsA.AsSpan(2, 2).ToArray(), full.AsSpan(2, 2).ToArray());

            network.ZeroGradients();
            float loss = network.BackwardBatch(a.Select(t => (float)t).ToArray(), new[] { 0, 1 }, 2, lengths);
            network.ZeroGradients();
            Assert.Equal(loss, network.BackwardBatch(b.Select(t => (float)t).ToArray(), new[] { 0, 1 }, 2, lengths));
        }
    }
}
