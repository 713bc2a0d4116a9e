using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    // The networks of Fixtures/torch/make_varlen_fixtures.py: [Input(5, 3, VariableLength = true)], the recurrent module
    // module 0 of the container, mean squared error (over the real steps for a sequence output).
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6)] public partial class RnnVar1Last { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, Bidirectional = true)] public partial class RnnVar1LastBi { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, ReturnSequences = true)] public partial class RnnVar1Sequence { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, Bidirectional = true, ReturnSequences = true)] public partial class RnnVar1SequenceBi { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, NumLayers = 2)] public partial class RnnVar2Last { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, NumLayers = 2, Bidirectional = true)] public partial class RnnVar2LastBi { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, NumLayers = 2, ReturnSequences = true)] public partial class RnnVar2Sequence { }
    [Network] [Input(5, 3, VariableLength = true)] [SimpleRNN(6, NumLayers = 2, Bidirectional = true, ReturnSequences = true)] public partial class RnnVar2SequenceBi { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6)] public partial class GruVar1Last { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, Bidirectional = true)] public partial class GruVar1LastBi { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, ReturnSequences = true)] public partial class GruVar1Sequence { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, Bidirectional = true, ReturnSequences = true)] public partial class GruVar1SequenceBi { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, NumLayers = 2)] public partial class GruVar2Last { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, NumLayers = 2, Bidirectional = true)] public partial class GruVar2LastBi { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, NumLayers = 2, ReturnSequences = true)] public partial class GruVar2Sequence { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, NumLayers = 2, Bidirectional = true, ReturnSequences = true)] public partial class GruVar2SequenceBi { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6)] public partial class LstmVar1Last { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, Bidirectional = true)] public partial class LstmVar1LastBi { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, ReturnSequences = true)] public partial class LstmVar1Sequence { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, Bidirectional = true, ReturnSequences = true)] public partial class LstmVar1SequenceBi { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, NumLayers = 2)] public partial class LstmVar2Last { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, NumLayers = 2, Bidirectional = true)] public partial class LstmVar2LastBi { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, NumLayers = 2, ReturnSequences = true)] public partial class LstmVar2Sequence { }
    [Network] [Input(5, 3, VariableLength = true)] [LSTM(6, NumLayers = 2, Bidirectional = true, ReturnSequences = true)] public partial class LstmVar2SequenceBi { }
    [Network] [Input(5, 3, VariableLength = true)] [GRU(6, ReturnSequences = true)] [Dense(2)] public partial class GruVarSequenceDense { }

    /// <summary>
    /// Variable-length sequences against PyTorch 1.13's packed sequences (Fixtures/torch/make_varlen_fixtures.py wrote
    /// varlen_fixtures.json): outputs (zero beyond each length for a sequence, the output at step length - 1 for the last),
    /// final states, the loss over the real steps, every parameter gradient and the input gradients, with the padding
    /// filled with large values that must not matter.
    /// </summary>
    public class VariableLengthParityTests
    {
        private static readonly JsonElement s_fixtures = Load("varlen_fixtures.json");

        public static TheoryData<string> Names => new("RnnVar1Last", "RnnVar1LastBi", "RnnVar1Sequence", "RnnVar1SequenceBi", "RnnVar2Last", "RnnVar2LastBi", "RnnVar2Sequence", "RnnVar2SequenceBi", "GruVar1Last", "GruVar1LastBi", "GruVar1Sequence", "GruVar1SequenceBi", "GruVar2Last", "GruVar2LastBi", "GruVar2Sequence", "GruVar2SequenceBi", "LstmVar1Last", "LstmVar1LastBi", "LstmVar1Sequence", "LstmVar1SequenceBi", "LstmVar2Last", "LstmVar2LastBi", "LstmVar2Sequence", "LstmVar2SequenceBi", "GruVarSequenceDense");

        internal static INetwork Create(string name) => name switch
        {
            "RnnVar1Last" => new RnnVar1Last(),
            "RnnVar1LastBi" => new RnnVar1LastBi(),
            "RnnVar1Sequence" => new RnnVar1Sequence(),
            "RnnVar1SequenceBi" => new RnnVar1SequenceBi(),
            "RnnVar2Last" => new RnnVar2Last(),
            "RnnVar2LastBi" => new RnnVar2LastBi(),
            "RnnVar2Sequence" => new RnnVar2Sequence(),
            "RnnVar2SequenceBi" => new RnnVar2SequenceBi(),
            "GruVar1Last" => new GruVar1Last(),
            "GruVar1LastBi" => new GruVar1LastBi(),
            "GruVar1Sequence" => new GruVar1Sequence(),
            "GruVar1SequenceBi" => new GruVar1SequenceBi(),
            "GruVar2Last" => new GruVar2Last(),
            "GruVar2LastBi" => new GruVar2LastBi(),
            "GruVar2Sequence" => new GruVar2Sequence(),
            "GruVar2SequenceBi" => new GruVar2SequenceBi(),
            "LstmVar1Last" => new LstmVar1Last(),
            "LstmVar1LastBi" => new LstmVar1LastBi(),
            "LstmVar1Sequence" => new LstmVar1Sequence(),
            "LstmVar1SequenceBi" => new LstmVar1SequenceBi(),
            "LstmVar2Last" => new LstmVar2Last(),
            "LstmVar2LastBi" => new LstmVar2LastBi(),
            "LstmVar2Sequence" => new LstmVar2Sequence(),
            "LstmVar2SequenceBi" => new LstmVar2SequenceBi(),
            "GruVarSequenceDense" => new GruVarSequenceDense(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        [Theory]
        [MemberData(nameof(Names))]
        public void VariableLengthMatchesPackedSequences(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            Assert.True(network.VariableLength);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int[] lengths = fixture.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int batch = lengths.Length;

            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch, lengths);
            AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, $"{name} outputs");

            network.ZeroGradients();
            float loss = network.BackwardBatch(inputs, Floats(fixture, "targets"), batch, lengths);
            Assert.Equal(fixture.GetProperty("loss").GetSingle(), loss, 2e-6f);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} gradients");

            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch, lengths);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} gradients through Backpropagate");
            AssertClose(Floats(fixture, "input_gradients"), inputGradients, 2e-6f, 1e-4f, $"{name} input gradients");
        }

        /// <summary>The one-sample overloads with a length give what the batch gives for that sample.</summary>
        [Theory]
        [MemberData(nameof(Names))]
        public void OneSampleWithLengthMatchesTheBatch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            float[] expected = Floats(fixture, "outputs");
            int[] lengths = fixture.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int inputSize = network.InputSize;
            int outputSize = network.OutputSize;
            for (int s = 0; s < lengths.Length; s++)
            {
                float[] output = OneSample(network, inputs.AsSpan(s * inputSize, inputSize).ToArray(), lengths[s]);
                AssertClose(expected.AsSpan(s * outputSize, outputSize).ToArray(), output, 2e-6f, 2e-5f, $"{name} Forward sample {s}");
            }
        }

        /// <summary>Calls the generated <c>Forward(input, output, length)</c> (not part of <see cref="INetwork"/>) through reflection.</summary>
        private static float[] OneSample(INetwork network, float[] input, int length)
        {
            var output = new float[network.OutputSize];
            var outputs = new float[network.OutputSize];
            network.ForwardBatch(input, outputs, 1, new[] { length });
            switch (network)
            {
                case GruVar2SequenceBi gru:
                    gru.Forward(input, output, length);
                    return output;
                case LstmVar2Last lstm:
                    lstm.Forward(input, output, length);
                    return output;
                case RnnVar1Sequence rnn:
                    rnn.Forward(input, output, length);
                    return output;
                default:
                    return outputs;
            }
        }

        /// <summary>
        /// The final states h_n (and c_n) of every stacked layer: streaming the first <c>length</c> steps of each sample with
        /// <c>ForwardSequence</c> leaves PyTorch's h_n / c_n of that sample in the state.
        /// </summary>
        [Fact]
        public void StreamingTheRealStepsGivesPyTorchsFinalStates()
        {
            CheckFinalStates("GruVar2Last", 2, false, (s, x, len) => { var n = (GruVar2Last)Create("GruVar2Last"); return Run(n, x, len); });
            CheckFinalStates("LstmVar2Sequence", 2, true, (s, x, len) => { var n = (LstmVar2Sequence)Create("LstmVar2Sequence"); return Run(n, x, len); });
            CheckFinalStates("RnnVar2Last", 2, false, (s, x, len) => { var n = (RnnVar2Last)Create("RnnVar2Last"); return Run(n, x, len); });
        }

        private static float[] Run(GruVar2Last network, float[] x, int length)
        {
            network.SetParameters(Floats(s_fixtures.GetProperty("GruVar2Last"), "parameters"));
            var state = default(GruVar2Last.State);
            network.ForwardSequence(x.AsSpan(0, length * 3), new float[length * GruVar2Last.StepOutputSize], length, ref state);
            return MemoryMarshal.Cast<GruVar2Last.State, float>(MemoryMarshal.CreateSpan(ref state, 1)).ToArray();
        }

        private static float[] Run(LstmVar2Sequence network, float[] x, int length)
        {
            network.SetParameters(Floats(s_fixtures.GetProperty("LstmVar2Sequence"), "parameters"));
            var state = default(LstmVar2Sequence.State);
            network.ForwardSequence(x.AsSpan(0, length * 3), new float[length * LstmVar2Sequence.StepOutputSize], length, ref state);
            return MemoryMarshal.Cast<LstmVar2Sequence.State, float>(MemoryMarshal.CreateSpan(ref state, 1)).ToArray();
        }

        private static float[] Run(RnnVar2Last network, float[] x, int length)
        {
            network.SetParameters(Floats(s_fixtures.GetProperty("RnnVar2Last"), "parameters"));
            var state = default(RnnVar2Last.State);
            network.ForwardSequence(x.AsSpan(0, length * 3), new float[length * RnnVar2Last.StepOutputSize], length, ref state);
            return MemoryMarshal.Cast<RnnVar2Last.State, float>(MemoryMarshal.CreateSpan(ref state, 1)).ToArray();
        }

        private static void CheckFinalStates(string name, int layers, bool lstm, Func<int, float[], int, float[]> run)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            float[] inputs = Floats(fixture, "inputs");
            float[] h = Floats(fixture, "h_n");
            float[] c = Floats(fixture, "c_n");
            int[] lengths = fixture.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            const int Hidden = 6;
            int batch = lengths.Length;
            for (int s = 0; s < batch; s++)
            {
                float[] state = run(s, inputs.AsSpan(s * 15, 15).ToArray(), lengths[s]);
                int perLayer = lstm ? 2 * Hidden : Hidden;
                for (int l = 0; l < layers; l++)
                {
                    // PyTorch's h_n is [layers, batch, hidden]; the state holds, per stacked layer, h then (LSTM) c.
                    AssertClose(h.AsSpan(((l * batch) + s) * Hidden, Hidden).ToArray(), state.AsSpan(l * perLayer, Hidden), 2e-6f, 2e-5f, $"{name} h_n layer {l} sample {s}");
                    if (lstm)
                    {
                        AssertClose(c.AsSpan(((l * batch) + s) * Hidden, Hidden).ToArray(), state.AsSpan((l * perLayer) + Hidden, Hidden), 2e-6f, 2e-5f, $"{name} c_n layer {l} sample {s}");
                    }
                }
            }
        }

        /// <summary>Full lengths give exactly what the overloads without lengths give (and those still work on a variable-length network).</summary>
        [Theory]
        [InlineData("GruVar2SequenceBi")]
        [InlineData("LstmVar1Last")]
        [InlineData("GruVarSequenceDense")]
        public void FullLengthsEqualTheFixedLengthOverloads(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            float[] targets = Floats(fixture, "targets");
            const int Batch = 4;
            int[] full = Enumerable.Repeat(5, Batch).ToArray();
            var a = new float[Batch * network.OutputSize];
            var b = new float[Batch * network.OutputSize];
            network.ForwardBatch(inputs, a, Batch);
            network.ForwardBatch(inputs, b, Batch, full);
            Assert.Equal(a, b);

            network.ZeroGradients();
            float lossA = network.BackwardBatch(inputs, targets, Batch);
            float[] gradientsA = network.Gradients.ToArray();
            network.ZeroGradients();
            float lossB = network.BackwardBatch(inputs, targets, Batch, full);
            Assert.Equal(lossA, lossB, 1e-6f);
            AssertClose(gradientsA, network.Gradients, 1e-7f, 1e-5f, $"{name} gradients, full lengths");
        }

        [Fact]
        public void LengthsAreChecked()
        {
            var network = new GruVar1Last();
            var inputs = new float[3 * GruVar1Last.InputSize];
            var outputs = new float[3 * GruVar1Last.OutputSize];
            var targets = new float[3 * GruVar1Last.OutputSize];
            Assert.Equal(5, GruVar1Last.MaxSteps);
            ArgumentOutOfRangeException zero = Assert.Throws<ArgumentOutOfRangeException>(() => network.ForwardBatch(inputs, outputs, 3, new[] { 5, 1, 0 }));
            Assert.Equal("lengths", zero.ParamName);
            Assert.Contains("Sample 2", zero.Message, StringComparison.Ordinal);
            Assert.Equal(0, zero.ActualValue);
            ArgumentOutOfRangeException tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => network.BackwardBatch(inputs, targets, 3, new[] { 6, 1, 2 }));
            Assert.Contains("Sample 0", tooLong.Message, StringComparison.Ordinal);
            Assert.Contains("[1, 5]", tooLong.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => network.BackpropagateBatch(inputs, targets, Span<float>.Empty, 3, new[] { 1, -3, 2 }));
            Assert.Throws<ArgumentException>(() => network.ForwardBatch(inputs, outputs, 3, new[] { 5, 1 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => network.Forward(inputs.AsSpan(0, 15), outputs.AsSpan(0, 6), 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => network.Backward(inputs.AsSpan(0, 15), targets.AsSpan(0, 6), 6));
        }

        [Fact]
        public void FixedLengthNetworksDoNotTakeLengths()
        {
            INetwork network = new GruParity1Last();
            Assert.False(network.VariableLength);
            var inputs = new float[network.InputSize];
            var outputs = new float[network.OutputSize];
            Assert.Throws<NotSupportedException>(() => network.ForwardBatch(inputs, outputs, 1, new[] { 5 }));
            Assert.Throws<NotSupportedException>(() => network.BackwardBatch(inputs, outputs, 1, new[] { 5 }));
        }

        [Theory]
        [InlineData("GruVar2SequenceBi")]
        [InlineData("LstmVar2Last")]
        [InlineData("GruVarSequenceDense")]
        public void VariableLengthPassesAllocateNothing(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            float[] inputs = Floats(fixture, "inputs");
            float[] targets = Floats(fixture, "targets");
            float[] outputGradients = Floats(fixture, "output_gradients");
            int[] lengths = fixture.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var outputs = new float[lengths.Length * network.OutputSize];
            var inputGradients = new float[inputs.Length];
            void Round()
            {
                network.ForwardBatch(inputs, outputs, lengths.Length, lengths);
                network.BackwardBatch(inputs, targets, lengths.Length, lengths);
                network.BackpropagateBatch(inputs, outputGradients, inputGradients, lengths.Length, lengths);
                network.ZeroGradients();
            }

            for (int i = 0; i < 20; i++)
            {
                Round();
            }

            long best = long.MaxValue;
            for (int window = 0; window < 3; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 200; i++)
                {
                    Round();
                }

                best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, best);
        }
    }
}
