using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Serialization;

using Compiled.Tests.Checks;
using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    // The networks of Fixtures/torch/make_recurrent_fixtures.py: the recurrent module is module 0 of the container
    // (tensors "0.weight_ih_l0", ...), the input batch_first (steps, features), mean squared error.
    [Network] [Input(5, 3)] [SimpleRNN(6)] public partial class RnnParity1Last { }
    [Network] [Input(5, 3)] [SimpleRNN(6, ReturnSequences = true)] public partial class RnnParity1Sequence { }
    [Network] [Input(5, 3)] [SimpleRNN(6, NumLayers = 2)] public partial class RnnParity2Last { }
    [Network] [Input(5, 3)] [SimpleRNN(6, NumLayers = 2, ReturnSequences = true)] public partial class RnnParity2Sequence { }
    [Network] [Input(5, 3)] [GRU(6)] public partial class GruParity1Last { }
    [Network] [Input(5, 3)] [GRU(6, ReturnSequences = true)] public partial class GruParity1Sequence { }
    [Network] [Input(5, 3)] [GRU(6, NumLayers = 2)] public partial class GruParity2Last { }
    [Network] [Input(5, 3)] [GRU(6, NumLayers = 2, ReturnSequences = true)] public partial class GruParity2Sequence { }
    [Network] [Input(5, 3)] [LSTM(6)] public partial class LstmParity1Last { }
    [Network] [Input(5, 3)] [LSTM(6, ReturnSequences = true)] public partial class LstmParity1Sequence { }
    [Network] [Input(5, 3)] [LSTM(6, NumLayers = 2)] public partial class LstmParity2Last { }
    [Network] [Input(5, 3)] [LSTM(6, NumLayers = 2, ReturnSequences = true)] public partial class LstmParity2Sequence { }
    [Network] [Input(5, 4)] [SimpleRNN(5, Nonlinearity = RecurrentNonlinearity.ReLU, NumLayers = 2, Bias = false, ReturnSequences = true)] public partial class RnnParityReluNoBias { }
    [Network] [Input(5, 3)] [LSTM(7, Bias = false)] public partial class LstmParityNoBias { }
    [Network] [Input(5, 3)] [GRU(6, ReturnSequences = true)] [Dense(2)] public partial class GruParitySequenceDense { }
    [Network] [Input(7, 10)] [GRU(20)] public partial class GruParityWide { }

    [Network] [Input(5, 3)] [GRU(6, NumLayers = 2, Bidirectional = true, ReturnSequences = true)] public partial class GruParityBidirectional { }
    [Network] [Input(5, 3)] [LSTM(5, Bidirectional = true)] public partial class LstmParityBidirectionalLast { }
    [Network] [Input(5, 4)] [SimpleRNN(3, Nonlinearity = RecurrentNonlinearity.ReLU, NumLayers = 2, Bias = false, Bidirectional = true, ReturnSequences = true)] public partial class RnnParityBidirectionalNoBias { }

    // The network PyTorch trained (torch_gru.safetensors): two stacked GRUs, every step, then a Linear per step.
    [Network] [Input(10, 2)] [GRU(8, NumLayers = 2, ReturnSequences = true)] [Dense(1)] public partial class TrainedGru { }

    /// <summary>
    /// The recurrent layers against PyTorch 1.13 (Fixtures/torch/make_recurrent_fixtures.py wrote recurrent_fixtures.json):
    /// nn.RNN / nn.GRU / nn.LSTM's parameters load unchanged in state_dict order and give PyTorch's outputs, mean loss,
    /// parameter gradients and (through Backpropagate with PyTorch's dL/d(output)) input gradients.
    /// </summary>
    public class RecurrentParityTests
    {
        private readonly Xunit.Abstractions.ITestOutputHelper _output;

        public RecurrentParityTests(Xunit.Abstractions.ITestOutputHelper output)
        {
            _output = output;
        }

        private static readonly string s_folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch");
        private static readonly JsonElement s_fixtures = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_folder, "recurrent_fixtures.json"))).RootElement;

        public static TheoryData<string> Names => new(
            "RnnParity1Last", "RnnParity1Sequence", "RnnParity2Last", "RnnParity2Sequence",
            "GruParity1Last", "GruParity1Sequence", "GruParity2Last", "GruParity2Sequence",
            "LstmParity1Last", "LstmParity1Sequence", "LstmParity2Last", "LstmParity2Sequence",
            "RnnParityReluNoBias", "LstmParityNoBias", "GruParitySequenceDense", "GruParityWide",
            "GruParityBidirectional", "LstmParityBidirectionalLast", "RnnParityBidirectionalNoBias");

        private static INetwork Create(string name) => name switch
        {
            "RnnParity1Last" => new RnnParity1Last(),
            "RnnParity1Sequence" => new RnnParity1Sequence(),
            "RnnParity2Last" => new RnnParity2Last(),
            "RnnParity2Sequence" => new RnnParity2Sequence(),
            "GruParity1Last" => new GruParity1Last(),
            "GruParity1Sequence" => new GruParity1Sequence(),
            "GruParity2Last" => new GruParity2Last(),
            "GruParity2Sequence" => new GruParity2Sequence(),
            "LstmParity1Last" => new LstmParity1Last(),
            "LstmParity1Sequence" => new LstmParity1Sequence(),
            "LstmParity2Last" => new LstmParity2Last(),
            "LstmParity2Sequence" => new LstmParity2Sequence(),
            "RnnParityReluNoBias" => new RnnParityReluNoBias(),
            "LstmParityNoBias" => new LstmParityNoBias(),
            "GruParitySequenceDense" => new GruParitySequenceDense(),
            "GruParityWide" => new GruParityWide(),
            "GruParityBidirectional" => new GruParityBidirectional(),
            "LstmParityBidirectionalLast" => new LstmParityBidirectionalLast(),
            "RnnParityBidirectionalNoBias" => new RnnParityBidirectionalNoBias(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        [Theory]
        [MemberData(nameof(Names))]
        public void RecurrentLayerMatchesPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;

            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, $"{name} outputs");
            var one = new float[network.OutputSize];
            network.Forward(inputs.AsSpan(0, network.InputSize), one);
            AssertClose(Floats(fixture, "outputs").Take(network.OutputSize).ToArray(), one, 2e-6f, 2e-5f, $"{name} Forward");

            network.ZeroGradients();
            float loss = network.BackwardBatch(inputs, Floats(fixture, "targets"), batch);
            Assert.Equal(fixture.GetProperty("loss").GetSingle(), loss, 2e-6f);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} gradients");

            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} gradients through Backpropagate");
            AssertClose(Floats(fixture, "input_gradients"), inputGradients, 2e-6f, 1e-4f, $"{name} input gradients");
        }

        [Fact]
        public void PyTorchTrainedGruImportsThroughSafeTensors()
        {
            var network = new TrainedGru();
            SafeTensors.Import(network, Path.Combine(s_folder, "torch_gru.safetensors"));
            JsonElement fixture = s_fixtures.GetProperty("TrainedGru");
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / TrainedGru.InputSize;
            var outputs = new float[batch * TrainedGru.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, "TrainedGru outputs");
        }

        [Fact]
        public void MaxDifferencesFromPyTorchAreSmall()
        {
            _output.WriteLine("config | outputs | parameter gradients | input gradients");
            foreach (string name in Names)
            {
                (double outputs, double gradients, double inputGradients) = MaxDifferences(name);
                _output.WriteLine($"{name} | {outputs:E2} | {gradients:E2} | {inputGradients:E2}");
                Assert.True(outputs < 1e-5 && gradients < 1e-4 && inputGradients < 1e-4, name);
            }
        }

        /// <summary>The largest absolute difference from PyTorch of each configuration's outputs, gradients and input gradients (for the report).</summary>
        internal static (double Outputs, double Gradients, double InputGradients) MaxDifferences(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;
            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            static double Max(float[] a, ReadOnlySpan<float> b)
            {
                double max = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    max = Math.Max(max, Math.Abs(a[i] - b[i]));
                }

                return max;
            }

            return (Max(Floats(fixture, "outputs"), outputs), Max(Floats(fixture, "gradients"), network.Gradients), Max(Floats(fixture, "input_gradients"), inputGradients));
        }
    }
}
