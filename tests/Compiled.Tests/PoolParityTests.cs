using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Kernels;
using Compiled.Tests.Networks;
using Xunit.Abstractions;

using Compiled.Tests.Checks;
using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    // Pooling configurations checked against PyTorch only (the others are test networks of NetworkCases).

    // nn.AvgPool3d((3, 2, 3), (2, 2, 1), (1, 0, 1), ceil_mode=True): (2, 5, 4, 6) -> (2, 3, 2, 6), a window, stride and
    // padding per dimension.
    [Network]
    [Input(2, 5, 4, 6)]
    [AvgPool3D(KernelShape = new[] { 3, 2, 3 }, Strides = new[] { 2, 2, 1 }, Paddings = new[] { 1, 0, 1 }, CeilMode = true)]
    [Flatten]
    [Dense(3)]
    public partial class ParityAvg3D { }

    // nn.MaxPool1d(3, 2, 1, dilation=2): (3, 10) -> (3, 4).
    [Network(Loss = Loss.CrossEntropy)]
    [Input(3, 10)]
    [MaxPool1D(3, Stride = 2, Padding = 1, Dilation = 2)]
    [Flatten]
    [Dense(4, Activation.Softmax)]
    public partial class ParityMax1D { }

    // nn.AdaptiveMaxPool3d(1) + nn.Flatten(): (4, 3, 2, 5) -> 4.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(4, 3, 2, 5)]
    [GlobalMaxPool]
    [Dense(2, Activation.Sigmoid)]
    public partial class ParityGlobalMax { }

    /// <summary>
    /// Pooling layers against PyTorch 1.13 (Fixtures/torch/make_pool_fixtures.py wrote pool_fixtures.json): the equivalent
    /// nn.Sequential's parameters load unchanged (same names: a global pool counts as two modules) and give PyTorch's
    /// outputs, mean loss and parameter gradients, and through Backpropagate with PyTorch's dL/d(output) the same parameter
    /// gradients and input gradients; and the max-pooling kernel gives PyTorch's values and argmax on ties and NaNs.
    /// </summary>
    public class PoolParityTests
    {
        private static readonly JsonElement s_fixtures = TorchFixtures.Load("pool_fixtures.json");

        private readonly ITestOutputHelper _output;

        public PoolParityTests(ITestOutputHelper output)
        {
            _output = output;
        }

        public static TheoryData<string> Names => new()
        {
            "PoolMax2D", "PoolAvg1D", "PoolMax3D", "PoolNormMax", "PoolCeil", "PoolGlobalAvg", "ParityAvg3D", "ParityMax1D", "ParityGlobalMax",
        };

        [Theory]
        [MemberData(nameof(Names))]
        public void PoolingNetworkMatchesPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = name switch
            {
                "ParityAvg3D" => new ParityAvg3D(),
                "ParityMax1D" => new ParityMax1D(),
                "ParityGlobalMax" => new ParityGlobalMax(),
                _ => NetworkCases.Create(name),
            };
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;
            var differences = new System.Collections.Generic.List<string>();

            // Training mode (the Backward methods): with batch normalisation, the batch's statistics, as PyTorch's train().
            network.ZeroGradients();
            float loss = fixture.TryGetProperty("labels", out JsonElement labels)
                ? network.BackwardBatch(inputs, labels.EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch)
                : network.BackwardBatch(inputs, Floats(fixture, "targets"), batch);
            float expectedLoss = fixture.GetProperty("loss").GetSingle();
            Assert.True(Math.Abs(expectedLoss - loss) <= 2e-6f + (1e-5f * Math.Abs(expectedLoss)), $"{name} loss {loss:R}, PyTorch {expectedLoss:R}");
            differences.Add($"loss {Math.Abs(expectedLoss - loss):E1}");
            differences.Add("gradients " + AssertClose(Floats(fixture, "gradients"), network.Gradients, 1e-6f, 1e-4f, $"{name} gradients"));

            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            differences.Add("via Backpropagate " + AssertClose(Floats(fixture, "gradients"), network.Gradients, 1e-6f, 1e-4f, $"{name} gradients through Backpropagate"));
            differences.Add("input gradients " + AssertClose(Floats(fixture, "input_gradients"), inputGradients, 1e-7f, 1e-4f, $"{name} input gradients"));

            // Inference: without batch normalisation, the training outputs; with it, the running statistics differ from
            // the batch's, so only the networks without one compare their inference outputs with PyTorch's train() outputs.
            if (network.BufferTensors.Count == 0)
            {
                var outputs = new float[batch * network.OutputSize];
                network.ForwardBatch(inputs, outputs, batch);
                differences.Add("outputs " + AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, $"{name} outputs"));
            }

            _output.WriteLine($"{name}: max abs differences: {string.Join(", ", differences)}");
        }

        [Fact]
        public void MaxPoolingTiesAndNaNsGivePyTorchsValuesAndIndices()
        {
            // nn.functional.max_pool2d(x, 2, 1, padding=1, return_indices=True) on (1, 2, 4, 4): a window of equal values
            // takes its first position, a NaN wins over every number and the last NaN of a window wins.
            JsonElement fixture = s_fixtures.GetProperty("MaxTiesAndNaN");
            float[] x = Special(fixture, "inputs");
            float[] expected = Special(fixture, "outputs");
            int[] indices = fixture.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var geometry = new PoolGeometry(2, 1, 4, 4, 1, 5, 5, 1, 2, 2, 1, 1, 1, 0, 1, 1);
            var y = new float[expected.Length];
            var argmax = new int[expected.Length];
            PoolingKernels.MaxForward(ref x[0], ref y[0], ref argmax[0], geometry, 1);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(expected[i].Equals(y[i]), $"output {i}: {y[i]:R}, PyTorch {expected[i]:R}");
                Assert.True(indices[i] == argmax[i], $"argmax {i}: {argmax[i]}, PyTorch {indices[i]}");
            }

            // Backward: each output gradient lands on PyTorch's index.
            var dy = Enumerable.Range(1, expected.Length).Select(v => (float)v).ToArray();
            var dx = new float[x.Length];
            PoolingKernels.MaxBackward(ref dy[0], ref argmax[0], ref dx[0], geometry, 1);
            var reference = new float[x.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                reference[((i / 25) * 16) + indices[i]] += dy[i];
            }

            Assert.Equal(reference, dx);
        }

        private static float[] Special(JsonElement fixture, string property) =>
            fixture.GetProperty(property).EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.String ? float.Parse(e.GetString()!.Replace("inf", "Infinity").Replace("nan", "NaN"), CultureInfo.InvariantCulture) : e.GetSingle())
                .ToArray();

        /// <summary>Asserts closeness element by element and returns the largest absolute difference, formatted.</summary>
        private static string AssertClose(float[] expected, ReadOnlySpan<float> actual, float absolute, float relative, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            double max = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                float tolerance = absolute + (relative * Math.Abs(expected[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R}");
                max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            }

            return max.ToString("E1", CultureInfo.InvariantCulture);
        }
    }
}
