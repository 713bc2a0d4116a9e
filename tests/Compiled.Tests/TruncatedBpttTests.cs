using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    // The networks of Fixtures/torch/make_tbptt_fixtures.py: windows of 4 steps of 3 parallel streams of 12 steps.
    [Network] [Input(4, 3)] [GRU(6, NumLayers = 2, ReturnSequences = true)] [Dense(2)] public partial class GruTbpttSequence { }
    [Network] [Input(12, 3)] [GRU(6, NumLayers = 2, ReturnSequences = true)] [Dense(2)] public partial class GruTbpttWhole { }
    [Network] [Input(4, 3)] [LSTM(5, NumLayers = 2)] [Dense(1)] public partial class LstmTbpttLast { }
    [Network] [Input(4, 3)] [SimpleRNN(4, ReturnSequences = true)] public partial class RnnTbpttSequence { }

    /// <summary>
    /// Truncated backpropagation through time (<c>BackwardWindow</c>): against PyTorch 1.13's detach-per-window loop
    /// (tbptt_fixtures.json): each window's loss, every gradient (the gradient cut at the window's start) and the final
    /// states carried to the next window; the carried forward equals the whole-sequence forward; one window over the whole
    /// sequence is full backpropagation through time.
    /// </summary>
    public class TruncatedBpttTests
    {
        private const int Streams = 3;
        private static readonly JsonElement s_fixtures = Load("tbptt_fixtures.json");

        private static INetwork Create(string name) => name switch
        {
            "GruTbpttSequence" => new GruTbpttSequence(),
            "LstmTbpttLast" => new LstmTbpttLast(),
            "RnnTbpttSequence" => new RnnTbpttSequence(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        [Theory]
        [InlineData("GruTbpttSequence", 6, 2, false)]
        [InlineData("LstmTbpttLast", 5, 2, true)]
        [InlineData("RnnTbpttSequence", 4, 1, false)]
        public void WindowsMatchPyTorchsDetachedLoop(string name, int hidden, int layers, bool lstm)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Create(name);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            var states = new float[Streams * network.StateSize]; // zero: the first window starts from PyTorch's zero state
            int window = 0;
            foreach (JsonElement w in fixture.GetProperty("windows").EnumerateArray())
            {
                network.ZeroGradients();
                float loss = network.BackwardWindow(Floats(w, "inputs"), Floats(w, "targets"), Streams, states);
                Assert.Equal(w.GetProperty("loss").GetSingle(), loss, 2e-6f);
                AssertClose(Floats(w, "gradients"), network.Gradients, 2e-6f, 1e-4f, $"{name} window {window} gradients");

                // The final states, as PyTorch's h_n (and c_n): [layers, streams, hidden]; a state holds per layer h then c.
                float[] h = Floats(w, "h_n");
                float[] c = Floats(w, "c_n");
                int perLayer = lstm ? 2 * hidden : hidden;
                for (int s = 0; s < Streams; s++)
                {
                    for (int l = 0; l < layers; l++)
                    {
                        int at = (s * network.StateSize) + (l * perLayer);
                        AssertClose(h.AsSpan(((l * Streams) + s) * hidden, hidden).ToArray(), states.AsSpan(at, hidden), 2e-6f, 2e-5f, $"{name} window {window} h_n");
                        if (lstm)
                        {
                            AssertClose(c.AsSpan(((l * Streams) + s) * hidden, hidden).ToArray(), states.AsSpan(at + hidden, hidden), 2e-6f, 2e-5f, $"{name} window {window} c_n");
                        }
                    }
                }

                window++;
            }

            Assert.Equal(3, window);
        }

        [Fact]
        public void CarriedForwardEqualsTheWholeSequence()
        {
            JsonElement fixture = s_fixtures.GetProperty("GruTbpttSequence");
            var windows = new GruTbpttSequence();
            var whole = new GruTbpttWhole();
            windows.SetParameters(Floats(fixture, "parameters"));
            whole.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");

            var expected = new float[Streams * GruTbpttWhole.OutputSize];
            whole.ForwardBatch(inputs, expected, Streams);
            AssertClose(Floats(fixture, "whole_outputs"), expected, 2e-6f, 2e-5f, "whole-sequence outputs");

            // Window by window, the states carried by training: the outputs of each window's forward from the carried state
            // (ForwardSequence from the state the previous BackwardWindow left) are the whole sequence's.
            var states = new GruTbpttSequence.State[Streams];
            JsonElement[] fixtureWindows = fixture.GetProperty("windows").EnumerateArray().ToArray();
            for (int w = 0; w < 3; w++)
            {
                float[] windowInputs = Floats(fixtureWindows[w], "inputs");
                for (int s = 0; s < Streams; s++)
                {
                    GruTbpttSequence.State copy = states[s];
                    var outputs = new float[4 * GruTbpttSequence.StepOutputSize];
                    windows.ForwardSequence(windowInputs.AsSpan(s * GruTbpttSequence.InputSize, GruTbpttSequence.InputSize), outputs, 4, ref copy);
                    AssertClose(expected.AsSpan((s * GruTbpttWhole.OutputSize) + (w * outputs.Length), outputs.Length).ToArray(), outputs, 1e-6f, 1e-5f, $"window {w} stream {s}");
                }

                windows.BackwardWindow(windowInputs, Floats(fixtureWindows[w], "targets"), Streams, states);
            }
        }

        [Fact]
        public void OneWindowOverTheWholeSequenceIsFullBackpropagation()
        {
            JsonElement fixture = s_fixtures.GetProperty("GruTbpttSequence");
            var network = new GruTbpttWhole();
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            float[] targets = Enumerable.Range(0, Streams * GruTbpttWhole.OutputSize).Select(i => MathF.Sin(i)).ToArray();
            network.ZeroGradients();
            float full = network.BackwardBatch(inputs, targets, Streams);
            float[] expected = network.Gradients.ToArray();
            network.ZeroGradients();
            var states = new GruTbpttWhole.State[Streams];
            float windowed = network.BackwardWindow(inputs, targets, Streams, states);

            // BackwardBatch runs the batched recurrent kernels (one product over every sample per step) and a window from a
            // carried state the per-sample ones, which group the sums differently: equal to float rounding, not bit for bit.
            Assert.Equal(full, windowed, 6);
            float[] gradients = network.Gradients.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - gradients[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"gradient {i}: {gradients[i]} against {expected[i]}");
            }
        }

        [Fact]
        public void WindowsAreCheckedAndAllocateNothing()
        {
            var network = new LstmTbpttLast();
            var inputs = new float[Streams * LstmTbpttLast.InputSize];
            var targets = new float[Streams];
            var states = new LstmTbpttLast.State[Streams];
            Assert.Throws<ArgumentException>(() => network.BackwardWindow(inputs, targets, Streams, new LstmTbpttLast.State[2]));
            Assert.Throws<ArgumentException>(() => ((INetwork)network).BackwardWindow(inputs, targets, Streams, new float[5]));
            Assert.Throws<NotSupportedException>(() => ((INetwork)new GruParityBidirectional()).BackwardWindow(new float[15], new float[60], 1, new float[0]));
            for (int i = 0; i < 20; i++)
            {
                network.BackwardWindow(inputs, targets, Streams, states);
            }

            long best = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 300; i++)
                {
                    network.BackwardWindow(inputs, targets, Streams, states);
                }

                best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, best);
        }
    }
}

namespace Compiled.Tests
{
    /// <summary><see cref="Training.TruncatedBackpropagation"/>: the runtime's loop over windows is the generated calls in order.</summary>
    public class TruncatedBackpropagationLoopTests
    {
        [Fact]
        public void TheLoopIsBackwardWindowAndAStepPerWindow()
        {
            JsonElement fixture = Load("tbptt_fixtures.json").GetProperty("GruTbpttSequence");
            float[] sequences = Floats(fixture, "inputs");
            JsonElement[] windows = fixture.GetProperty("windows").EnumerateArray().ToArray();

            // targets [streams, windows, OutputSize] = [streams, steps, 2] from the fixture's windows [streams, window, 2].
            var targets = new float[3 * 12 * 2];
            for (int w = 0; w < 3; w++)
            {
                float[] t = Floats(windows[w], "targets");
                for (int s = 0; s < 3; s++)
                {
                    t.AsSpan(s * 8, 8).CopyTo(targets.AsSpan((s * 24) + (w * 8)));
                }
            }

            var looped = new GruTbpttSequence();
            var manual = new GruTbpttSequence();
            looped.SetParameters(Floats(fixture, "parameters"));
            manual.SetParameters(Floats(fixture, "parameters"));
            double loss = Training.TruncatedBackpropagation.TrainEpoch(looped, new Optimizers.Sgd(0.1f), sequences, targets, 3, 12);

            var optimizer = new Optimizers.Sgd(0.1f);
            var states = new GruTbpttSequence.State[3];
            double total = 0;
            for (int w = 0; w < 3; w++)
            {
                manual.ZeroGradients();
                total += manual.BackwardWindow(Floats(windows[w], "inputs"), Floats(windows[w], "targets"), 3, states);
                optimizer.Step(manual);
            }

            Assert.Equal(total / 3, loss, 6);
            Assert.Equal(manual.Parameters.ToArray(), looped.Parameters.ToArray());
        }
    }
}
