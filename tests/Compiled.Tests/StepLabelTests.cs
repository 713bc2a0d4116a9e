using System;
using System.Linq;
using System.Text.Json;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;
using Compiled.Tests.Reference;

using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    /// <summary>
    /// Sequence labelling (per-step classification, cross-entropy with one label per step) against PyTorch 1.13
    /// (Fixtures/torch/make_steplabel_fixtures.py wrote steplabel_fixtures.json: <c>F.cross_entropy(logits.reshape(-1, C),
    /// labels.reshape(-1), ignore_index=-100)</c>), finite differences in double precision, the label checks, and the
    /// trainer's loss and accuracy over steps.
    /// </summary>
    public class StepLabelTests
    {
        private static readonly JsonElement s_fixtures = Load("steplabel_fixtures.json");

        public static TheoryData<string> Names => new("GruTagger", "LstmTaggerVar");

        private static INetwork Create(string name) => name switch
        {
            "GruTagger" => new GruTagger(),
            "LstmTaggerVar" => new LstmTaggerVar(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        private static int[] Ints(JsonElement fixture, string property) => fixture.GetProperty(property).EnumerateArray().Select(e => e.GetInt32()).ToArray();

        /// <summary>The fixture's lengths, or null for a fixed-length network.</summary>
        private static int[]? Lengths(JsonElement fixture)
        {
            int[] lengths = Ints(fixture, "lengths");
            return lengths.Length == 0 ? null : lengths;
        }

        private static float Train(INetwork network, float[] inputs, int[] labels, int batch, int[]? lengths) =>
            lengths is null ? network.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, batch) : network.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, batch, lengths);

        [Theory]
        [MemberData(nameof(Names))]
        public void LossGradientsAndOutputsMatchPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            Assert.Equal(network.InputShape[0], network.LabelsPerSample);
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int[] labels = Ints(fixture, "labels");
            int[]? lengths = Lengths(fixture);
            int batch = inputs.Length / network.InputSize;
            Assert.Equal(batch * network.LabelsPerSample, labels.Length);

            // Inference: softmax over each step's classes (padding steps too: softmax of the bias, as PyTorch's zeros through the Linear).
            var outputs = new float[batch * network.OutputSize];
            if (lengths is null)
            {
                network.ForwardBatch(inputs, outputs, batch);
            }
            else
            {
                network.ForwardBatch(inputs, outputs, batch, lengths);
            }

            AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, $"{name} outputs");

            // Training: the mean cross-entropy over the (real) steps, every parameter's gradient.
            network.ZeroGradients();
            float loss = Train(network, inputs, labels, batch, lengths);
            Assert.Equal(fixture.GetProperty("loss").GetSingle(), loss, 3e-6f);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} gradients");

            // Backpropagate from PyTorch's dL/d(probabilities): the same parameter gradients, and the input gradients
            // (zero on the padding steps).
            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            if (lengths is null)
            {
                network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            }
            else
            {
                network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch, lengths);
            }

            AssertClose(Floats(fixture, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} gradients through Backpropagate");
            AssertClose(Floats(fixture, "input_gradients"), inputGradients, 2e-6f, 1e-4f, $"{name} input gradients");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void ThreeSgdAndAdamStepsMatchPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            float[] inputs = Floats(fixture, "inputs");
            int[] labels = Ints(fixture, "labels");
            int[]? lengths = Lengths(fixture);
            foreach ((string prefix, Func<Optimizer> optimizerOf) in new (string, Func<Optimizer>)[] { ("sgd", () => new Sgd(0.1f)), ("adam", () => new Adam(0.01f)) })
            {
                INetwork network = Create(name);
                network.SetParameters(Floats(fixture, "parameters"));
                int batch = inputs.Length / network.InputSize;
                Optimizer optimizer = optimizerOf();
                float[] losses = Floats(fixture, prefix + "_losses");
                for (int step = 0; step < 3; step++)
                {
                    network.ZeroGradients();
                    float loss = Train(network, inputs, labels, batch, lengths);
                    Assert.True(Math.Abs(losses[step] - loss) <= 1e-5f * Math.Max(1, Math.Abs(losses[step])), $"{name} {prefix} step {step}: loss {loss:R}, PyTorch {losses[step]:R}");
                    optimizer.Step(network);
                }

                AssertClose(Floats(fixture, prefix + "_parameters_after"), network.Parameters, 3e-6f, 1e-4f, $"{name} parameters after 3 {prefix} steps");
            }
        }

        /// <summary>The per-step cross-entropy through the double-precision reference layers, differentiated by central differences.</summary>
        [Fact]
        public void GradientsMatchFiniteDifferences()
        {
            JsonElement fixture = s_fixtures.GetProperty("GruTagger");
            var network = new GruTagger();
            float[] parameters = Floats(fixture, "parameters");
            network.SetParameters(parameters);
            float[] inputs = Floats(fixture, "inputs");
            int[] labels = Ints(fixture, "labels");
            const int Batch = 3, Steps = 6, Classes = 5;
            var reference = new ReferenceNetwork(network);

            double Loss(double[] p)
            {
                double sum = 0;
                for (int s = 0; s < Batch; s++)
                {
                    reference.Forward(p, inputs.AsSpan(s * GruTagger.InputSize, GruTagger.InputSize), out double[] logits);
                    for (int t = 0; t < Steps; t++)
                    {
                        double[] row = logits.AsSpan(t * Classes, Classes).ToArray();
                        double max = row.Max();
                        double logSum = max + Math.Log(row.Sum(z => Math.Exp(z - max)));
                        sum += logSum - row[labels[(s * Steps) + t]];
                    }
                }

                return sum / (Batch * Steps);
            }

            double[] p0 = parameters.Select(v => (double)v).ToArray();
            network.ZeroGradients();
            float loss = network.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, Batch);
            Assert.Equal(Loss(p0), loss, 5);
            float[] gradients = network.Gradients.ToArray();
            Checks.CentralDifferences.AssertGradients(Loss, p0, gradients, i => $"gradient {i}");
        }

        /// <summary>
        /// With lengths: the cross-entropy over the real steps only, through <see cref="ReferenceRecurrent"/> with each sample's
        /// length and a per-step linear layer in double precision, differentiated by central differences.
        /// </summary>
        [Fact]
        public void GradientsWithLengthsMatchFiniteDifferences()
        {
            JsonElement fixture = s_fixtures.GetProperty("LstmTaggerVar");
            var network = new LstmTaggerVar();
            float[] parameters = Floats(fixture, "parameters");
            network.SetParameters(parameters);
            float[] inputs = Floats(fixture, "inputs");
            int[] labels = Ints(fixture, "labels");
            int[] lengths = Ints(fixture, "lengths");
            const int Steps = 5, Classes = 4, Hidden = 6;
            int batch = lengths.Length;
            var recurrent = (ReferenceRecurrent)ReferenceRecurrent.TryParse(((INetwork)network).Architecture.Split(" -> ")[1], new[] { Steps, 3 }, 0)!;
            int dense = recurrent.ParameterCount; // the per-step Linear's weight [4, 6], then its bias

            double Loss(double[] p)
            {
                double sum = 0;
                int rows = 0;
                for (int s = 0; s < batch; s++)
                {
                    double[] x = inputs.AsSpan(s * LstmTaggerVar.InputSize, LstmTaggerVar.InputSize).ToArray().Select(v => (double)v).ToArray();
                    double[] h = recurrent.ForwardWithLength(p, x, lengths[s]);
                    for (int t = 0; t < lengths[s]; t++)
                    {
                        var z = new double[Classes];
                        for (int c = 0; c < Classes; c++)
                        {
                            z[c] = p[dense + (Classes * Hidden) + c];
                            for (int i = 0; i < Hidden; i++)
                            {
                                z[c] += p[dense + (c * Hidden) + i] * h[(t * Hidden) + i];
                            }
                        }

                        double max = z.Max();
                        sum += max + Math.Log(z.Sum(v => Math.Exp(v - max))) - z[labels[(s * Steps) + t]];
                        rows++;
                    }
                }

                return sum / rows;
            }

            double[] p0 = parameters.Select(v => (double)v).ToArray();
            network.ZeroGradients();
            float loss = network.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, batch, lengths);
            Assert.Equal(Loss(p0), loss, 5);
            float[] gradients = network.Gradients.ToArray();
            Checks.CentralDifferences.AssertGradients(Loss, p0, gradients, i => $"gradient {i}");
        }

        /// <summary>One-hot target distributions per step give exactly what the labels give (the target overloads also average over steps).</summary>
        [Theory]
        [MemberData(nameof(Names))]
        public void OneHotTargetsEqualLabels(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int[] labels = Ints(fixture, "labels");
            int[]? lengths = Lengths(fixture);
            int batch = inputs.Length / network.InputSize;
            int classes = network.OutputSize / network.LabelsPerSample;
            var targets = new float[batch * network.OutputSize];
            for (int r = 0; r < labels.Length; r++)
            {
                if (labels[r] >= 0)
                {
                    targets[(r * classes) + labels[r]] = 1f;
                }
            }

            network.ZeroGradients();
            float byLabels = Train(network, inputs, labels, batch, lengths);
            float[] expected = network.Gradients.ToArray();
            network.ZeroGradients();
            float byTargets = lengths is null ? network.BackwardBatch(inputs, targets, batch) : network.BackwardBatch(inputs, targets, batch, lengths);
            Assert.Equal(byLabels, byTargets, 6);
            AssertClose(expected, network.Gradients, 1e-7f, 1e-5f, $"{name} gradients from one-hot targets");
        }

        [Fact]
        public void LabelsAreChecked()
        {
            var network = new GruTagger();
            network.InitializeParameters(1);
            INetwork net = network;
            var inputs = new float[2 * GruTagger.InputSize];
            Assert.Equal(6, GruTagger.LabelsPerSample);

            ArgumentException length = Assert.Throws<ArgumentException>(() => net.BackwardBatch(inputs, (ReadOnlySpan<int>)new int[2], 2));
            Assert.Equal("labels", length.ParamName);
            Assert.Contains("has 2 labels", length.Message, StringComparison.Ordinal);
            Assert.Contains("exactly 12", length.Message, StringComparison.Ordinal);

            int[] labels = new int[12];
            labels[9] = 5; // sample 1, step 3: outside [0, 5)
            ArgumentOutOfRangeException range = Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, 2));
            Assert.Equal(5, range.ActualValue);
            Assert.Contains("sample 1, step 3", range.Message, StringComparison.Ordinal);
            Assert.Contains("[0, 5)", range.Message, StringComparison.Ordinal);
            labels[9] = -1;
            Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, 2, new float[2 * GruTagger.OutputSize]));
            Assert.Throws<NotSupportedException>(() => net.Backward(inputs.AsSpan(0, GruTagger.InputSize), 0));

            // Nothing was trained by the failed calls.
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));

            // With lengths, only the real steps' labels are read: -100 (PyTorch's ignore_index) on padding is fine.
            var tagger = new LstmTaggerVar();
            tagger.InitializeParameters(2);
            var varInputs = new float[2 * LstmTaggerVar.InputSize];
            int[] varLabels = { 1, 2, -100, -100, -100, 3, 3, 3, 3, 3 };
            float loss = tagger.BackwardBatch(varInputs, (ReadOnlySpan<int>)varLabels, 2, new[] { 2, 5 });
            Assert.True(float.IsFinite(loss));
            ArgumentOutOfRangeException padding = Assert.Throws<ArgumentOutOfRangeException>(() => tagger.BackwardBatch(varInputs, (ReadOnlySpan<int>)varLabels, 2, new[] { 3, 5 }));
            Assert.Contains("sample 0, step 2", padding.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => tagger.BackwardBatch(varInputs, (ReadOnlySpan<int>)varLabels, 2)); // without lengths every step is real
        }

        /// <summary>One window from zero states over the whole sequence is <c>BackwardBatch</c>, with labels per step too.</summary>
        [Fact]
        public void BackwardWindowTakesLabelsPerStep()
        {
            JsonElement fixture = s_fixtures.GetProperty("GruTagger");
            var network = new GruTagger();
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int[] labels = Ints(fixture, "labels");
            network.ZeroGradients();
            float expected = network.BackwardBatch(inputs, (ReadOnlySpan<int>)labels, 3);
            float[] gradients = network.Gradients.ToArray();
            network.ZeroGradients();
            var states = new float[3 * ((INetwork)network).StateSize];
            float window = ((INetwork)network).BackwardWindow(inputs, (ReadOnlySpan<int>)labels, 3, states);
            Assert.Equal(expected, window, 6);
            AssertClose(gradients, network.Gradients, 1e-7f, 1e-5f, "window gradients");
            Assert.Throws<ArgumentException>(() => ((INetwork)network).BackwardWindow(inputs, (ReadOnlySpan<int>)new int[3], 3, states));
        }

        /// <summary>
        /// A hand-checked case: with every weight zero, each step's probabilities are softmax(bias) whatever the input; the
        /// bias favours class 2 (p = e^2 / (e^2 + 4)), so a step is correct when its label is 2, and the loss of a step is
        /// log(e^2 + 4) - bias[label]. With lengths only the real steps count.
        /// </summary>
        [Fact]
        public void EvaluateScoresEveryStep()
        {
            var network = new LstmTaggerVar();
            var parameters = new float[LstmTaggerVar.ParameterCount];
            ParameterTensor bias = ((INetwork)network).ParameterTensors.Single(t => t.Name == "1.bias");
            parameters[bias.Offset + 2] = 2f;
            network.SetParameters(parameters);
            int[] labels = { 2, 2, 0, 1, 3, /* */ 2, 1, -100, -100, -100, /* */ 2, 2, 2, 2, 2 };
            var features = new float[3 * LstmTaggerVar.InputSize];
            Dataset data = Dataset.FromSequenceLabels(features, LstmTaggerVar.InputSize, labels, 5).WithLengths(new[] { 5, 2, 5 });
            EvaluationResult result = Trainer.Evaluate(network, data);
            double logSum = Math.Log(Math.Exp(2) + 3);
            double expectedLoss = ((logSum - 2) * 8 + (logSum * 4)) / 12; // 12 real steps: 8 labelled 2, 4 others
            Assert.Equal(expectedLoss, result.Loss, 5);
            Assert.Equal(8.0 / 12, result.Accuracy!.Value, 10);
            Assert.Equal(3, result.SampleCount);

            // Training with a learning rate of 0 changes nothing: the epoch's accuracy and loss are the same fractions of the
            // real steps (batches of 2 and 1: the accuracy counts steps, not samples).
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 2, Shuffle = false }).Fit(network, new Sgd(0f), data);
            Assert.Equal(8.0 / 12, history.Epochs[0].TrainAccuracy!.Value, 10);
            Assert.Equal(network.Parameters.ToArray(), parameters);

            // Without lengths every step is real: the fixed-length network, labels all in range.
            var gru = new GruTagger();
            var gruParameters = new float[GruTagger.ParameterCount];
            gruParameters[((INetwork)gru).ParameterTensors.Single(t => t.Name == "1.bias").Offset + 4] = 1f;
            gru.SetParameters(gruParameters);
            int[] gruLabels = { 4, 4, 4, 0, 1, 2, /* */ 4, 3, 3, 3, 3, 3 };
            EvaluationResult fixedResult = Trainer.Evaluate(gru, Dataset.FromSequenceLabels(new float[2 * GruTagger.InputSize], GruTagger.InputSize, gruLabels, 6));
            double gruLogSum = Math.Log(Math.E + 4);
            Assert.Equal(((gruLogSum - 1) * 4 + (gruLogSum * 8)) / 12, fixedResult.Loss, 5);
            Assert.Equal(4.0 / 12, fixedResult.Accuracy!.Value, 10);
        }

        [Fact]
        public void DatasetKeepsEachSamplesLabelsTogether()
        {
            const int Count = 10;
            var features = new float[Count * 2];
            var labels = new int[Count * 3];
            for (int i = 0; i < Count; i++)
            {
                features[i * 2] = i;
                for (int t = 0; t < 3; t++)
                {
                    labels[(i * 3) + t] = (i * 10) + t;
                }
            }

            Dataset data = Dataset.FromSequenceLabels(features, 2, labels, 3);
            Assert.Equal(Count, data.Count);
            Assert.Equal(3, data.LabelsPerSample);
            void Check(Dataset part)
            {
                Assert.Equal(3, part.LabelsPerSample);
                Assert.Equal(part.Count * 3, part.Labels!.Length);
                for (int i = 0; i < part.Count; i++)
                {
                    int sample = (int)part.Features[i * 2];
                    Assert.Equal(new[] { sample * 10, (sample * 10) + 1, (sample * 10) + 2 }, part.Labels.AsSpan(i * 3, 3).ToArray());
                }
            }

            Check(data.Shuffle(3));
            (Dataset train, Dataset validation) = data.Split(0.3, 1);
            Check(train);
            Check(validation);
            Assert.Equal(Count, train.Count + validation.Count);
            Check(data.WithLengths(Enumerable.Repeat(2, Count).ToArray()).Subset(new[] { 4, 1, 4 }));
            Assert.Equal(3, data.WithLengths(Enumerable.Repeat(2, Count).ToArray()).LabelsPerSample);
            Assert.Throws<ArgumentException>(() => data.StratifiedSplit(0.3, 1));
            Assert.Throws<ArgumentException>(() => Dataset.FromSequenceLabels(features, 2, new int[7], 3));
        }

        [Fact]
        public void TrainerChecksTheLabelsPerSample()
        {
            var network = new GruTagger();
            var trainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 });
            var features = new float[4 * GruTagger.InputSize];
            ArgumentException one = Assert.Throws<ArgumentException>(() => trainer.Fit(network, new Sgd(0.1f), Dataset.FromLabels(features, GruTagger.InputSize, new int[4])));
            Assert.Contains("6 labels per sample", one.Message, StringComparison.Ordinal);
            Assert.Contains("FromSequenceLabels", one.Message, StringComparison.Ordinal);
            int[] labels = new int[24];
            labels[13] = 7;
            ArgumentException range = Assert.Throws<ArgumentException>(() => trainer.Fit(network, new Sgd(0.1f), Dataset.FromSequenceLabels(features, GruTagger.InputSize, labels, 6)));
            Assert.Contains("sample 2, step 1", range.Message, StringComparison.Ordinal);
            ArgumentException wrongNetwork = Assert.Throws<ArgumentException>(() => trainer.Fit(new GruTaggerLike(), new Sgd(0.1f), Dataset.FromSequenceLabels(new float[4 * 24], 24, new int[24], 6)));
            Assert.Contains("one label per sample", wrongNetwork.Message, StringComparison.Ordinal);
        }

        /// <summary>
        /// Learning a tagging rule (each step's class is the index of its largest feature), fixed length: the trainer's loss
        /// and per-step accuracy, and two threads give one thread's parameters.
        /// </summary>
        [Fact]
        public void TrainerLearnsPerStepLabelsOnOneAndTwoThreads()
        {
            (float[] features, int[] labels) = TaggingData(256, 6, 4, 5, seed: 7);
            Dataset data = Dataset.FromSequenceLabels(features, GruTagger.InputSize, labels, 6);
            (Dataset train, Dataset validation) = data.Split(0.25, 2);
            var network = new GruTagger();
            network.InitializeParameters(3);
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 25, BatchSize = 32, Seed = 4 }).Fit(network, new Adam(0.02f), train, validation);
            EpochResult last = history.Epochs[^1];
            Assert.True(last.ValidationAccuracy > 0.9, $"validation accuracy {last.ValidationAccuracy}");
            Assert.True(last.TrainAccuracy > 0.85, $"training accuracy {last.TrainAccuracy}");
            EvaluationResult evaluation = Trainer.Evaluate(network, validation);
            Assert.Equal(last.ValidationLoss!.Value, evaluation.Loss, 6);
            Assert.Equal(last.ValidationAccuracy!.Value, evaluation.Accuracy!.Value, 10);

            var single = new GruTagger();
            var parallel = new GruTagger();
            single.InitializeParameters(5);
            parallel.InitializeParameters(5);
            TrainingHistory a = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = 3, Threads = 1 }).Fit(single, new Sgd(0.1f), train);
            TrainingHistory b = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = 3, Threads = 2 }).Fit(parallel, new Sgd(0.1f), train);
            Assert.Equal(a.Epochs[0].TrainLoss, b.Epochs[0].TrainLoss, 5);
            Assert.Equal(a.Epochs[0].TrainAccuracy!.Value, b.Epochs[0].TrainAccuracy!.Value, 10);
            AssertClose(single.Parameters.ToArray(), parallel.Parameters, 1e-5f, 1e-4f, "two threads against one");
        }

        /// <summary>With lengths: the loss over the real steps only, padding features huge and padding labels -100.</summary>
        [Fact]
        public void TrainerLearnsPerStepLabelsWithLengths()
        {
            (float[] features, int[] labels) = TaggingData(256, 5, 3, 4, seed: 11);
            var random = new Random(12);
            int[] lengths = Enumerable.Range(0, 256).Select(_ => random.Next(1, 6)).ToArray();
            for (int s = 0; s < 256; s++)
            {
                for (int t = lengths[s]; t < 5; t++)
                {
                    labels[(s * 5) + t] = -100;
                    for (int f = 0; f < 3; f++)
                    {
                        features[(s * 15) + (t * 3) + f] = 1e6f;
                    }
                }
            }

            Dataset data = Dataset.FromSequenceLabels(features, LstmTaggerVar.InputSize, labels, 5).WithLengths(lengths);
            (Dataset train, Dataset validation) = data.Split(0.25, 2);
            var network = new LstmTaggerVar();
            network.InitializeParameters(3);
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 4 }).Fit(network, new Adam(0.02f), train, validation);
            EpochResult last = history.Epochs[^1];
            Assert.True(last.ValidationAccuracy > 0.85, $"validation accuracy {last.ValidationAccuracy}");
            Assert.True(last.TrainAccuracy > 0.8, $"training accuracy {last.TrainAccuracy}");
            Assert.True(double.IsFinite(last.TrainLoss) && last.TrainLoss < history.Epochs[0].TrainLoss);
        }

        /// <summary>Each step's label is the index of its largest feature among the first <c>classes</c> (ties impossible with random floats).</summary>
        private static (float[] Features, int[] Labels) TaggingData(int count, int steps, int features, int classes, int seed)
        {
            var random = new Random(seed);
            var x = new float[count * steps * features];
            var labels = new int[count * steps];
            for (int r = 0; r < count * steps; r++)
            {
                int best = 0;
                for (int f = 0; f < features; f++)
                {
                    x[(r * features) + f] = (float)((random.NextDouble() * 2) - 1);
                    if (f < classes && x[(r * features) + f] > x[(r * features) + best])
                    {
                        best = f;
                    }
                }

                labels[r] = best;
            }

            return (x, labels);
        }
    }

    /// <summary>A last-step classifier of the same input as <see cref="GruTagger"/>: one label per sample.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(6, 4)]
    [GRU(8)]
    [Dense(5, Activation.Softmax)]
    public partial class GruTaggerLike { }
}
