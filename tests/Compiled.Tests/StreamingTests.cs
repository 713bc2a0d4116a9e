using System;
using Compiled.Tests.Networks;
using StreamConvNetwork = Compiled.Tests.Networks.StreamConv;

namespace Compiled.Tests
{
    // Streaming networks: 20-step sequences, the last step only or every step, stacked layers, a per-step Dense after.
    [Network] [Input(20, 3)] [GRU(6)] [Dense(2, Activation.Tanh)] public partial class StreamGru { }

    [Network] [Input(20, 3)] [LSTM(8, NumLayers = 2, ReturnSequences = true)] [Dense(2)] public partial class StreamLstm { }

    [Network] [Input(20, 4)] [SimpleRNN(5, ReturnSequences = true)] [GRU(7, ReturnSequences = true)] public partial class StreamStack { }

    /// <summary>
    /// The generated streaming API (<c>State</c>, <c>Step</c>, <c>ForwardSequence</c>): step by step it gives what
    /// <c>Forward</c> gives for the whole sequence, the state is the caller's (several streams on one network), it is
    /// carried across <c>ForwardSequence</c> calls, <c>Reset</c> starts a new sequence, and nothing is allocated.
    /// </summary>
    public class StreamingTests
    {
        private const int Steps = 20;

        [Fact]
        public void StepsOfTheLastStepNetworkMatchForward()
        {
            var network = new StreamGru();
            Seed(network);
            float[] sequence = NetworkCases.Normal(StreamGru.InputSize, 3);
            var whole = new float[StreamGru.OutputSize];
            network.Forward(sequence, whole);

            var state = default(StreamGru.State);
            var step = new float[StreamGru.StepOutputSize];
            for (int t = 0; t < Steps; t++)
            {
                network.Step(sequence.AsSpan(t * StreamGru.StepInputSize, StreamGru.StepInputSize), step, ref state);
            }

            AssertClose(whole, step);
        }

        [Fact]
        public void StepsOfTheSequenceNetworksMatchForwardAndForwardSequence()
        {
            var lstm = new StreamLstm();
            Seed(lstm);
            float[] sequence = NetworkCases.Normal(StreamLstm.InputSize, 4);
            var whole = new float[StreamLstm.OutputSize];
            lstm.Forward(sequence, whole);
            var state = default(StreamLstm.State);
            var outputs = new float[Steps * StreamLstm.StepOutputSize];
            for (int t = 0; t < Steps; t++)
            {
                lstm.Step(sequence.AsSpan(t * StreamLstm.StepInputSize, StreamLstm.StepInputSize), outputs.AsSpan(t * StreamLstm.StepOutputSize, StreamLstm.StepOutputSize), ref state);
            }

            AssertClose(whole, outputs);

            // In two pieces, the state carried across the calls.
            state.Reset();
            var pieces = new float[outputs.Length];
            lstm.ForwardSequence(sequence.AsSpan(0, 8 * 3), pieces.AsSpan(0, 8 * 2), 8, ref state);
            lstm.ForwardSequence(sequence.AsSpan(8 * 3), pieces.AsSpan(8 * 2), 12, ref state);
            Assert.Equal(outputs, pieces);

            var stack = new StreamStack();
            Seed(stack);
            sequence = NetworkCases.Normal(StreamStack.InputSize, 5);
            whole = new float[StreamStack.OutputSize];
            stack.Forward(sequence, whole);
            var stackState = default(StreamStack.State);
            outputs = new float[StreamStack.OutputSize];
            stack.ForwardSequence(sequence, outputs, Steps, ref stackState);
            AssertClose(whole, outputs);
        }

        [Fact]
        public void StatesAreIndependentAndResetStartsAgain()
        {
            var network = new StreamLstm();
            Seed(network);
            float[] a = NetworkCases.Normal(StreamLstm.InputSize, 6);
            float[] b = NetworkCases.Normal(StreamLstm.InputSize, 7);
            var stateA = default(StreamLstm.State);
            var stateB = default(StreamLstm.State);
            var interleavedA = new float[Steps * 2];
            var interleavedB = new float[Steps * 2];
            for (int t = 0; t < Steps; t++)
            {
                network.Step(a.AsSpan(t * 3, 3), interleavedA.AsSpan(t * 2, 2), ref stateA);
                network.Step(b.AsSpan(t * 3, 3), interleavedB.AsSpan(t * 2, 2), ref stateB);
            }

            var alone = new float[Steps * 2];
            stateA.Reset();
            network.ForwardSequence(a, alone, Steps, ref stateA);
            Assert.Equal(interleavedA, alone);
            Assert.NotEqual(interleavedA, interleavedB);
            Assert.Equal(StreamLstm.StateSize, 2 * 2 * 8); // (h, c) of 2 stacked layers of 8
        }

        [Fact]
        public void OnlyNetworksThatCanStepGetTheStreamingApi()
        {
            Assert.NotNull(typeof(StreamGru).GetMethod("Step"));
            Assert.NotNull(typeof(Networks.GruSequenceDense).GetNestedType("State"));
            Assert.Null(typeof(Networks.GruBidirectional).GetMethod("Step")); // the reverse direction needs the whole sequence
            Assert.NotNull(typeof(Networks.GruNormDenseLstm).GetMethod("Step")); // LayerNorm over the features steps
            Assert.Null(typeof(Networks.Mlp).GetNestedType("State")); // no recurrent layer, no state
        }

        public static TheoryData<string> StreamingCases() => new(Checks.StreamingChecks.Names);

        /// <summary>Causal convolutions (channel-major, a column per step) and the per-step layers: steps equal Forward.</summary>
        [Theory]
        [MemberData(nameof(StreamingCases))]
        public void StepsMatchForwardForConvolutionsAndPerStepLayers(string name) => Checks.StreamingChecks.StepsMatchForward(name);

        [Fact]
        public void CausalConvolutionsStreamWithTheirLastInputsAsState()
        {
            Assert.Equal(8 * 2, StreamConvNetwork.StateSize); // 8 channels x (kernel 3 - 1)
            Assert.Equal(8, StreamConvNetwork.StepInputSize);
            Assert.Equal(8, StreamConvNetwork.StepOutputSize);
            Assert.Equal((1 * 2) + (8 * 4) + (8 * 8), Networks.StreamDilated.StateSize); // per layer C_in x dilation x (kernel - 1)
            Assert.Equal((4 * 3) + (6 * 4), Networks.StreamConvGroups.StateSize); // the 1-wide kernel keeps nothing
            Assert.Equal(1, Networks.StreamTokens.StepInputSize); // one token id per step
            Assert.Null(typeof(Networks.StreamConvStrided).GetMethod("Step")); // stride 2: no output every step
            Assert.Null(typeof(Networks.StreamConvGru).GetMethod("Step")); // the GRU's steps would be the channels
            Assert.Null(typeof(Networks.Conv1dCausal).GetMethod("Step")); // 'same' padding reads the future
            Assert.Null(typeof(Networks.Conv1dCausal).GetNestedType("State"));
        }

        [Fact]
        public void ConvolutionStepAllocatesNothing()
        {
            var network = new StreamConvNetwork();
            Seed(network);
            float[] sequence = NetworkCases.Normal(StreamConvNetwork.InputSize, 9);
            var output = new float[StreamConvNetwork.StepOutputSize];
            var outputs = new float[sequence.Length];
            var state = default(StreamConvNetwork.State);
            void Run()
            {
                for (int i = 0; i < 200; i++)
                {
                    network.Step(sequence.AsSpan(0, 8), output, ref state);
                    network.ForwardSequence(sequence, outputs, 24, ref state);
                }
            }

            Run();
            bool clean = false;
            for (int attempt = 0; attempt < 3 && !clean; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                Run();
                clean = GC.GetAllocatedBytesForCurrentThread() == before;
            }

            Assert.True(clean, "Step or ForwardSequence allocated");
        }

        [Fact]
        public void StepAllocatesNothing()
        {
            var network = new StreamLstm();
            Seed(network);
            float[] sequence = NetworkCases.Normal(StreamLstm.InputSize, 8);
            var output = new float[StreamLstm.StepOutputSize];
            var outputs = new float[Steps * StreamLstm.StepOutputSize];
            var state = default(StreamLstm.State);
            void Run()
            {
                for (int i = 0; i < 200; i++)
                {
                    network.Step(sequence.AsSpan(0, 3), output, ref state);
                    network.ForwardSequence(sequence, outputs, Steps, ref state);
                }
            }

            Run();
            bool clean = false;
            for (int attempt = 0; attempt < 3 && !clean; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                Run();
                clean = GC.GetAllocatedBytesForCurrentThread() == before;
            }

            Assert.True(clean, "Step or ForwardSequence allocated");
        }

        private static void Seed(INetwork network)
        {
            network.InitializeParameters(17);
        }

        private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f + (1e-5f * Math.Abs(expected[i])), $"[{i}]: {actual[i]:R}, expected {expected[i]:R}");
            }
        }
    }
}
