using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Tests.Networks;
using Compiled.Training;

using Compiled.Tests.Checks;
using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    /// <summary>A large table, for the initialisation statistics.</summary>
    [Network]
    [Input(2)]
    [Embedding(4000, 50, PaddingIndex = 17)]
    [Flatten]
    [Dense(1)]
    public partial class WideVocabulary { }

    /// <summary>Inputs long enough that the int overloads convert them in several chunks.</summary>
    [Network]
    [Input(300)]
    [Embedding(9, 2)]
    [Flatten]
    [Dense(3)]
    public partial class LongSequence { }

    /// <summary>
    /// <c>[Embedding]</c>: PyTorch parity (Fixtures/torch/make_embedding_fixtures.py wrote embedding_fixtures.json), token-id
    /// validation that names the id and its position and changes nothing, gradients only in the rows used and never in the
    /// padding row, initialisation statistics, the int overloads and training end to end.
    /// </summary>
    public class EmbeddingTests
    {
        private static readonly JsonElement s_fixtures = TorchFixtures.Load("embedding_fixtures.json");

        [Theory]
        [InlineData("Tokens")]
        [InlineData("TokensPadded")]
        public void MatchesPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = NetworkCases.Create(name);
            Assert.Equal(NetworkInputKind.TokenIds, network.InputKind);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;

            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, $"{name} outputs");

            float Train()
            {
                network.ZeroGradients();
                return fixture.TryGetProperty("labels", out JsonElement labels)
                    ? network.BackwardBatch(inputs, labels.EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch)
                    : network.BackwardBatch(inputs, Floats(fixture, "targets"), batch);
            }

            Assert.Equal(fixture.GetProperty("loss").GetSingle(), Train(), 2e-6f);
            float[] expected = Floats(fixture, "gradients");
            AssertClose(expected, network.Gradients, 1e-6f, 1e-4f, $"{name} gradients");

            // Rows of ids that no sample uses, and the padding row, have exactly zero gradient in both.
            ParameterTensor table = network.ParameterTensors[0];
            int dimension = table.Shape[1];
            for (int id = 0; id < table.Shape[0]; id++)
            {
                bool used = inputs.Contains(id);
                bool padding = name == "TokensPadded" && id == 0;
                for (int j = 0; j < dimension; j++)
                {
                    int i = table.Offset + (id * dimension) + j;
                    if (!used || padding)
                    {
                        Assert.Equal(0f, expected[i]);
                        Assert.Equal(0f, network.Gradients[i]);
                    }
                }
            }

            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            inputGradients.AsSpan().Fill(7f);
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            AssertClose(expected, network.Gradients, 1e-6f, 1e-4f, $"{name} gradients through Backpropagate");
            Assert.All(inputGradients, g => Assert.Equal(0f, g)); // token ids are not differentiable

            var adam = new Adam(0.01f);
            for (int step = 0; step < 3; step++)
            {
                Train();
                adam.Step(network);
            }

            AssertClose(Floats(fixture, "after_adam"), network.Parameters, 2e-6f, 1e-4f, $"{name} parameters after three Adam steps");
        }

        [Theory]
        [InlineData(11f, "11")]
        [InlineData(-1f, "-1")]
        [InlineData(2.5f, "2.5")]
        [InlineData(float.NaN, "NaN")]
        [InlineData(1e10f, "10000000000")]
        public void BadIdsThrowNamingIdAndPositionAndChangeNothing(float bad, string shown)
        {
            INetwork network = NetworkCases.Create("Tokens");
            float[] inputs = NetworkCases.Inputs(network, 3, seed: 5);
            inputs[(2 * 5) + 3] = bad; // sample 2, position 3
            float[] before = network.Parameters.ToArray();
            network.ZeroGradients();
            var outputs = new float[3 * network.OutputSize];

            void Expect(Action call, string parameter)
            {
                ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(call);
                Assert.Equal(parameter, error.ParamName);
                Assert.Contains($"Token id {shown} at sample 2, position 3", error.Message, StringComparison.Ordinal);
                Assert.Contains("[0, 11)", error.Message, StringComparison.Ordinal);
            }

            Expect(() => network.ForwardBatch(inputs, outputs, 3), "inputs");
            Expect(() => network.BackwardBatch(inputs, new[] { 0, 1, 2 }, 3), "inputs");
            Expect(() => network.BackwardBatch(inputs, NetworkCases.Targets(network, 3, 1), 3), "inputs");
            Expect(() => network.BackpropagateBatch(inputs, new float[outputs.Length], Span<float>.Empty, 3), "inputs");
            ArgumentOutOfRangeException single = Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(inputs.AsSpan(10, 5), outputs.AsSpan(0, 4)));
            Assert.Contains($"Token id {shown} at sample 0, position 3", single.Message, StringComparison.Ordinal);
            Assert.Equal(before, network.Parameters.ToArray());
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
        }

        [Fact]
        public void IntOverloadsMatchFloatsAndCheckIds()
        {
            var network = new LongSequence();
            const int batch = 33; // 4096 / 300 = 13 samples per chunk: three chunks
            var random = new Random(8);
            int[] tokens = Enumerable.Range(0, batch * LongSequence.InputSize).Select(_ => random.Next(9)).ToArray();
            float[] floats = Array.ConvertAll(tokens, t => (float)t);
            var expected = new float[batch * LongSequence.OutputSize];
            var actual = new float[expected.Length];
            network.ForwardBatch(floats, expected, batch);
            network.ForwardBatch(tokens, actual, batch);
            for (int i = 0; i < expected.Length; i++)
            {
                // The same lookups; the dense layer's batch kernel may order its sums differently for other batch sizes.
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"output {i}: {actual[i]:R}, float ids {expected[i]:R}");
            }

            network.Forward(tokens.AsSpan(300, 300), actual.AsSpan(0, 3));
            var one = new float[3];
            network.Forward(floats.AsSpan(300, 300), one);
            Assert.Equal(one, actual.AsSpan(0, 3).ToArray());

            tokens[(20 * 300) + 7] = 9;
            ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => network.ForwardBatch(tokens, actual, batch));
            Assert.Equal("tokens", error.ParamName);
            Assert.Contains("Token id 9 at sample 20, position 7", error.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => network.Forward(tokens.AsSpan(0, 299), actual.AsSpan(0, 3)));
        }

        [Fact]
        public void InitialisationIsStandardNormalWithAZeroPaddingRow()
        {
            var network = new WideVocabulary();
            ParameterTensor table = WideVocabulary.ParameterTensors[0];
            Assert.Equal("0.weight", table.Name);
            ReadOnlySpan<float> values = network.Parameters.Slice(table.Offset, table.Length);
            Assert.All(values.Slice(17 * 50, 50).ToArray(), v => Assert.Equal(0f, v));
            double[] others = values.ToArray().Where((_, i) => i / 50 != 17).Select(v => (double)v).ToArray();
            double mean = others.Average();
            double variance = others.Select(v => (v - mean) * (v - mean)).Sum() / (others.Length - 1);
            // N(0, 1) over 199,950 values: the mean's standard error is 0.0022, the variance's 0.0032.
            Assert.True(Math.Abs(mean) < 5 * 0.0023, $"mean {mean}");
            Assert.True(Math.Abs(variance - 1) < 5 * 0.0032, $"variance {variance}");
            network.InitializeParameters(5);
            Assert.All(network.Parameters.Slice(table.Offset + (17 * 50), 50).ToArray(), v => Assert.Equal(0f, v));
        }

        [Fact]
        public void PaddingRowIsNeverTrained()
        {
            var network = new WideVocabulary();
            using (ParameterEdit edit = network.EditParameters())
            {
                edit.Values.Slice(17 * 50, 50).Fill(0.5f); // a user's own padding vector stays what it is
            }

            float[] inputs = { 17, 3, 17, 17, 5, 3 };
            var optimizer = new Adam(0.1f);
            for (int step = 0; step < 5; step++)
            {
                network.ZeroGradients();
                network.BackwardBatch(inputs, new float[] { 1, -1, 2 }, 3);
                optimizer.Step(network);
            }

            Assert.All(network.Parameters.Slice(17 * 50, 50).ToArray(), v => Assert.Equal(0.5f, v));
            Assert.NotEqual(new WideVocabulary().Parameters.Slice(3 * 50, 50).ToArray(), network.Parameters.Slice(3 * 50, 50).ToArray());
        }

        [Fact]
        public void TrainerLearnsWhichTokenComesFirst()
        {
            // Five tokens of eleven; the class is the first token's id mod 4: only the embedding of position 0 matters.
            var random = new Random(3);
            int[] tokens = Enumerable.Range(0, 600 * 5).Select(_ => random.Next(11)).ToArray();
            int[] labels = Enumerable.Range(0, 600).Select(s => tokens[s * 5] % 4).ToArray();
            Dataset data = Dataset.FromTokens(tokens, 5, labels);
            var network = new Tokens();
            var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 1, Threads = 2 });
            trainer.Fit(network, new Adam(0.02f), data);
            Assert.Equal(1.0, Trainer.Evaluate(network, data).Accuracy);

            Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromTokens(new[] { 1, -2 }, 2, new[] { 0 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromTokens(new[] { 1, 1 << 24 }, 2, new float[] { 0 }, 1));
        }

        [Fact]
        public void TrainerLearnsToLabelEveryTokenOfASequence()
        {
            // Twelve tokens of eleven per sample, a label per step: the previous token (the first step's label is 0), which
            // only the recurrent state can know. Dataset.FromTokenSequenceLabels keeps each sample's twelve labels together.
            var random = new Random(5);
            const int Samples = 400;
            int[] tokens = Enumerable.Range(0, Samples * 12).Select(_ => random.Next(11)).ToArray();
            int[] labels = Enumerable.Range(0, Samples * 12).Select(i => i % 12 == 0 ? 0 : tokens[i - 1]).ToArray();
            Dataset data = Dataset.FromTokenSequenceLabels(tokens, 12, labels, 12);
            Assert.Equal(Samples, data.Count);
            Assert.Equal(12, data.LabelsPerSample);
            Assert.Equal((float)tokens[12 * 7 + 3], data.Features[12 * 7 + 3]);
            var network = new CharModel();
            var trainer = new Trainer(new TrainerOptions { Epochs = 40, BatchSize = 32, Seed = 1 });
            trainer.Fit(network, new Adam(0.02f), data);
            Assert.True(Trainer.Evaluate(network, data).Accuracy > 0.95, $"per-step accuracy {Trainer.Evaluate(network, data).Accuracy}");

            Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.FromTokenSequenceLabels(new[] { 1, -2 }, 2, new[] { 0, 0 }, 2));
            Assert.Throws<ArgumentException>(() => Dataset.FromTokenSequenceLabels(new[] { 1, 2 }, 2, new[] { 0, 0, 0 }, 2));
        }
    }
}
