using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Serialization;
using Compiled.Tests.Networks;
using Xunit.Abstractions;

using Compiled.Tests.Checks;
using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    /// <summary>
    /// Convolutions against PyTorch 1.13 (Fixtures/torch/make_conv_fixtures.py wrote conv_fixtures.json and
    /// torch_conv.safetensors): for each configuration the equivalent nn.Sequential's parameters load in state_dict order
    /// under the same names, and one batch gives PyTorch's outputs (ForwardBatch and Forward), mean loss, parameter
    /// gradients (BackwardBatch) and, through BackpropagateBatch with PyTorch's dL/d(output), the same parameter gradients
    /// and PyTorch's input gradients. PyTorch's state_dict of a Conv2d network imports from safetensors.
    /// </summary>
    public class ConvParityTests
    {
        private static readonly JsonElement s_fixtures = TorchFixtures.Load("conv_fixtures.json");

        private static readonly Dictionary<string, Func<INetwork>> s_networks = new()
        {
            ["ConvSmall2d"] = () => new ConvSmall2d(),
            ["ConvDepthwise"] = () => new ConvDepthwise(),
            ["Conv1dCausal"] = () => new Conv1dCausal(),
            ["Conv3dTiny"] = () => new Conv3dTiny(),
            ["ConvOutput"] = () => new ConvOutput(),
            ["ParityStride2d"] = () => new ParityStride2d(),
            ["ParitySameEven2d"] = () => new ParitySameEven2d(),
            ["ParityNonSquare2d"] = () => new ParityNonSquare2d(),
            ["ParityNoBias2d"] = () => new ParityNoBias2d(),
            ["ParityStrideDilation1d"] = () => new ParityStrideDilation1d(),
            ["ParityGroups1d"] = () => new ParityGroups1d(),
            ["ParitySame3d"] = () => new ParitySame3d(),
            ["ParityStrideNoBias3d"] = () => new ParityStrideNoBias3d(),
            ["ParityDepthwise2d"] = () => new ParityDepthwise2d(),
            ["ParityCausalStride1d"] = () => new ParityCausalStride1d(),
        };

        private readonly ITestOutputHelper _output;

        public ConvParityTests(ITestOutputHelper output) => _output = output;

        public static TheoryData<string> Names
        {
            get
            {
                var names = new TheoryData<string>();
                foreach (string name in s_networks.Keys)
                {
                    names.Add(name);
                }

                return names;
            }
        }

        [Fact]
        public void EveryConfigurationHasAFixture() =>
            Assert.Equal(s_networks.Keys.OrderBy(n => n, StringComparer.Ordinal), s_fixtures.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));

        [Theory]
        [MemberData(nameof(Names))]
        public void OneBatchMatchesPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = s_networks[name]();
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;
            float[] expected = Floats(fixture, "outputs");
            var summary = new List<string>();

            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            summary.Add("outputs " + AssertClose(expected, outputs, 1e-5f, 1e-4f, $"{name} outputs (ForwardBatch)"));
            var single = new float[network.OutputSize];
            for (int s = 0; s < batch; s++)
            {
                network.Forward(inputs.AsSpan(s * network.InputSize, network.InputSize), single);
                AssertClose(expected.AsSpan(s * network.OutputSize, network.OutputSize).ToArray(), single, 1e-5f, 1e-4f, $"{name} outputs (Forward, sample {s})");
            }

            network.ZeroGradients();
            float loss = fixture.TryGetProperty("labels", out JsonElement labels)
                ? network.BackwardBatch(inputs, labels.EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch)
                : network.BackwardBatch(inputs, Floats(fixture, "targets"), batch);
            float expectedLoss = fixture.GetProperty("loss").GetSingle();
            Assert.True(Math.Abs(expectedLoss - loss) <= 1e-5f * Math.Max(1, Math.Abs(expectedLoss)), $"{name}: loss {loss:R}, PyTorch {expectedLoss:R}");
            summary.Add($"loss {Math.Abs(expectedLoss - loss):E1}");
            float[] gradients = Floats(fixture, "gradients");
            summary.Add("gradients " + AssertClose(gradients, network.Gradients, 1e-5f, 1e-4f, $"{name} gradients"));

            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            AssertClose(gradients, network.Gradients, 1e-5f, 1e-4f, $"{name} gradients through Backpropagate");
            summary.Add("input gradients " + AssertClose(Floats(fixture, "input_gradients"), inputGradients, 1e-5f, 1e-4f, $"{name} input gradients"));
            _output.WriteLine($"PARITY {name}: {string.Join(", ", summary)}");
        }

        [Fact]
        public void PyTorchConv2dStateDictImportsFromSafeTensors()
        {
            JsonElement fixture = s_fixtures.GetProperty("ConvSmall2d");
            INetwork network = new ConvSmall2d();
            SafeTensors.Import(network, Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "torch_conv.safetensors"));
            Assert.Equal(Floats(fixture, "parameters"), network.Parameters.ToArray());
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;
            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            _output.WriteLine("PARITY safetensors import ConvSmall2d: outputs " + AssertClose(Floats(fixture, "outputs"), outputs, 1e-5f, 1e-4f, "imported ConvSmall2d outputs"));
        }

        private string AssertClose(float[] expected, ReadOnlySpan<float> actual, float absolute, float relative, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                float tolerance = absolute + (relative * Math.Abs(expected[i]));
                worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R}");
            }

            return worst.ToString("E1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    // The parity-only configurations (make_conv_fixtures.py builds the same nn.Sequential for each).
    [Network]
    [Input(3, 9, 7)]
    [Conv2D(6, 3, Activation.ReLU, Stride = 2, Padding = 1)]
    [Flatten]
    [Dense(4)]
    public partial class ParityStride2d { }

    [Network]
    [Input(2, 6, 5)]
    [Conv2D(4, 2, Activation.Tanh, KernelShape = new[] { 2, 3 }, Dilations = new[] { 2, 1 }, Padding = Padding.Same)]
    [Conv2D(3, 4, Padding = Padding.Same)]
    [Flatten]
    [Dense(3)]
    public partial class ParitySameEven2d { }

    [Network]
    [Input(3, 8, 9)]
    [Conv2D(5, 1, Activation.LeakyReLU, NegativeSlope = 0.1f, KernelShape = new[] { 1, 3 }, Strides = new[] { 2, 1 }, Paddings = new[] { 1, 0 }, Dilations = new[] { 1, 2 })]
    [Flatten]
    [Dense(2)]
    public partial class ParityNonSquare2d { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(2, 5, 5)]
    [Conv2D(4, 3, Activation.ELU, Alpha = 0.5f, Bias = false, Init = Initializer.PyTorchDefault)]
    [Flatten]
    [Dense(3, Activation.Softmax)]
    public partial class ParityNoBias2d { }

    [Network]
    [Input(2, 23)]
    [Conv1D(6, 5, Activation.GELU, Stride = 3, Padding = 2, Dilation = 2)]
    [Flatten]
    [Dense(2)]
    public partial class ParityStrideDilation1d { }

    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(3, 10)]
    [Conv1D(6, 3, Activation.SiLU, Groups = 3, Padding = Padding.Same)]
    [Conv1D(4, 1)]
    [Flatten]
    [Dense(2, Activation.Sigmoid)]
    public partial class ParityGroups1d { }

    [Network]
    [Input(2, 4, 4, 3)]
    [Conv3D(3, 3, Activation.Softplus, Padding = Padding.Same)]
    [Flatten]
    [Dense(2)]
    public partial class ParitySame3d { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(1, 5, 6, 5)]
    [Conv3D(4, 2, Activation.ReLU, Stride = 2, Bias = false)]
    [Flatten]
    [Dense(3, Activation.Softmax)]
    public partial class ParityStrideNoBias3d { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(3, 6, 6)]
    [Conv2D(3, 3, Activation.Sigmoid, Groups = 3, Padding = 1)]
    [Conv2D(5, 1, Activation.ReLU)]
    [Flatten]
    [Dense(2, Activation.Softmax)]
    public partial class ParityDepthwise2d { }

    [Network]
    [Input(2, 13)]
    [Conv1D(3, 4, Activation.Tanh, Causal = true, Stride = 2)]
    [Flatten]
    [Dense(2)]
    public partial class ParityCausalStride1d { }
}
