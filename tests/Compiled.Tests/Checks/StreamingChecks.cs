using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.Networks;
using Xunit;

namespace Compiled.Tests.Checks
{
    /// <summary>
    /// The streaming API of the networks in StreamingNetworks.cs against <c>Forward</c> over the whole sequence, shared by
    /// the xunit tests and the console program that repeats them on the narrower SIMD paths: step by step (a fresh state)
    /// the outputs are <c>Forward</c>'s (every position of a network whose last layer keeps the time axis, else the last
    /// step's output is <c>Forward</c>'s output), and <c>ForwardSequence</c> in two pieces gives exactly the steps' outputs.
    /// For a network that starts with a causal convolution, <c>Forward</c>'s input and output are channel-major
    /// <c>[C, L]</c> and a step is one column.
    /// </summary>
    public static class StreamingChecks
    {
        /// <summary>Runs <c>Step</c> over time-major inputs, or <c>ForwardSequence</c> in two pieces of <paramref name="split"/> and the rest steps, from a fresh state.</summary>
        public delegate void Runner(float[] inputs, float[] outputs, int split);

        private static readonly Dictionary<string, Func<Case>> s_cases = new()
        {
            ["StreamConv"] = () =>
            {
                var n = new StreamConv();
                return new Case(n, 24, StreamConv.StepInputSize, StreamConv.StepOutputSize, ChannelMajor: true, EveryStep: true,
                    (x, y, _) => { var s = default(StreamConv.State); for (int t = 0; t < 24; t++) n.Step(x.AsSpan(t * StreamConv.StepInputSize, StreamConv.StepInputSize), y.AsSpan(t * StreamConv.StepOutputSize, StreamConv.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamConv.State); n.ForwardSequence(x.AsSpan(0, k * StreamConv.StepInputSize), y.AsSpan(0, k * StreamConv.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamConv.StepInputSize), y.AsSpan(k * StreamConv.StepOutputSize), 24 - k, ref s); });
            },
            ["StreamDilated"] = () =>
            {
                var n = new StreamDilated();
                return new Case(n, 24, StreamDilated.StepInputSize, StreamDilated.StepOutputSize, ChannelMajor: true, EveryStep: true,
                    (x, y, _) => { var s = default(StreamDilated.State); for (int t = 0; t < 24; t++) n.Step(x.AsSpan(t * StreamDilated.StepInputSize, StreamDilated.StepInputSize), y.AsSpan(t * StreamDilated.StepOutputSize, StreamDilated.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamDilated.State); n.ForwardSequence(x.AsSpan(0, k * StreamDilated.StepInputSize), y.AsSpan(0, k * StreamDilated.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamDilated.StepInputSize), y.AsSpan(k * StreamDilated.StepOutputSize), 24 - k, ref s); });
            },
            ["StreamConvGroups"] = () =>
            {
                var n = new StreamConvGroups();
                return new Case(n, 22, StreamConvGroups.StepInputSize, StreamConvGroups.StepOutputSize, ChannelMajor: true, EveryStep: true,
                    (x, y, _) => { var s = default(StreamConvGroups.State); for (int t = 0; t < 22; t++) n.Step(x.AsSpan(t * StreamConvGroups.StepInputSize, StreamConvGroups.StepInputSize), y.AsSpan(t * StreamConvGroups.StepOutputSize, StreamConvGroups.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamConvGroups.State); n.ForwardSequence(x.AsSpan(0, k * StreamConvGroups.StepInputSize), y.AsSpan(0, k * StreamConvGroups.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamConvGroups.StepInputSize), y.AsSpan(k * StreamConvGroups.StepOutputSize), 22 - k, ref s); });
            },
            ["StreamGateVectors"] = () =>
            {
                var n = new StreamGateVectors();
                return new Case(n, 21, StreamGateVectors.StepInputSize, StreamGateVectors.StepOutputSize, ChannelMajor: false, EveryStep: false,
                    (x, y, _) => { var s = default(StreamGateVectors.State); for (int t = 0; t < 21; t++) n.Step(x.AsSpan(t * StreamGateVectors.StepInputSize, StreamGateVectors.StepInputSize), y.AsSpan(t * StreamGateVectors.StepOutputSize, StreamGateVectors.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamGateVectors.State); n.ForwardSequence(x.AsSpan(0, k * StreamGateVectors.StepInputSize), y.AsSpan(0, k * StreamGateVectors.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamGateVectors.StepInputSize), y.AsSpan(k * StreamGateVectors.StepOutputSize), 21 - k, ref s); });
            },
            ["StreamGateVectorsCells"] = () =>
            {
                var n = new StreamGateVectorsCells();
                return new Case(n, 20, StreamGateVectorsCells.StepInputSize, StreamGateVectorsCells.StepOutputSize, ChannelMajor: false, EveryStep: true,
                    (x, y, _) => { var s = default(StreamGateVectorsCells.State); for (int t = 0; t < 20; t++) n.Step(x.AsSpan(t * StreamGateVectorsCells.StepInputSize, StreamGateVectorsCells.StepInputSize), y.AsSpan(t * StreamGateVectorsCells.StepOutputSize, StreamGateVectorsCells.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamGateVectorsCells.State); n.ForwardSequence(x.AsSpan(0, k * StreamGateVectorsCells.StepInputSize), y.AsSpan(0, k * StreamGateVectorsCells.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamGateVectorsCells.StepInputSize), y.AsSpan(k * StreamGateVectorsCells.StepOutputSize), 20 - k, ref s); });
            },
            ["StreamActivations"] = () =>
            {
                var n = new StreamActivations();
                return new Case(n, 20, StreamActivations.StepInputSize, StreamActivations.StepOutputSize, ChannelMajor: false, EveryStep: false,
                    (x, y, _) => { var s = default(StreamActivations.State); for (int t = 0; t < 20; t++) n.Step(x.AsSpan(t * StreamActivations.StepInputSize, StreamActivations.StepInputSize), y.AsSpan(t * StreamActivations.StepOutputSize, StreamActivations.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamActivations.State); n.ForwardSequence(x.AsSpan(0, k * StreamActivations.StepInputSize), y.AsSpan(0, k * StreamActivations.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamActivations.StepInputSize), y.AsSpan(k * StreamActivations.StepOutputSize), 20 - k, ref s); });
            },
            ["StreamConvActivations"] = () =>
            {
                var n = new StreamConvActivations();
                return new Case(n, 22, StreamConvActivations.StepInputSize, StreamConvActivations.StepOutputSize, ChannelMajor: true, EveryStep: true,
                    (x, y, _) => { var s = default(StreamConvActivations.State); for (int t = 0; t < 22; t++) n.Step(x.AsSpan(t * StreamConvActivations.StepInputSize, StreamConvActivations.StepInputSize), y.AsSpan(t * StreamConvActivations.StepOutputSize, StreamConvActivations.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamConvActivations.State); n.ForwardSequence(x.AsSpan(0, k * StreamConvActivations.StepInputSize), y.AsSpan(0, k * StreamConvActivations.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamConvActivations.StepInputSize), y.AsSpan(k * StreamConvActivations.StepOutputSize), 22 - k, ref s); });
            },
            ["StreamPerStep"] = () =>
            {
                var n = new StreamPerStep();
                return new Case(n, 21, StreamPerStep.StepInputSize, StreamPerStep.StepOutputSize, ChannelMajor: false, EveryStep: false,
                    (x, y, _) => { var s = default(StreamPerStep.State); for (int t = 0; t < 21; t++) n.Step(x.AsSpan(t * StreamPerStep.StepInputSize, StreamPerStep.StepInputSize), y.AsSpan(t * StreamPerStep.StepOutputSize, StreamPerStep.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamPerStep.State); n.ForwardSequence(x.AsSpan(0, k * StreamPerStep.StepInputSize), y.AsSpan(0, k * StreamPerStep.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamPerStep.StepInputSize), y.AsSpan(k * StreamPerStep.StepOutputSize), 21 - k, ref s); });
            },
            ["StreamTokens"] = () =>
            {
                var n = new StreamTokens();
                return new Case(n, 20, StreamTokens.StepInputSize, StreamTokens.StepOutputSize, ChannelMajor: false, EveryStep: false,
                    (x, y, _) => { var s = default(StreamTokens.State); for (int t = 0; t < 20; t++) n.Step(x.AsSpan(t * StreamTokens.StepInputSize, StreamTokens.StepInputSize), y.AsSpan(t * StreamTokens.StepOutputSize, StreamTokens.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(StreamTokens.State); n.ForwardSequence(x.AsSpan(0, k * StreamTokens.StepInputSize), y.AsSpan(0, k * StreamTokens.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * StreamTokens.StepInputSize), y.AsSpan(k * StreamTokens.StepOutputSize), 20 - k, ref s); });
            },
                        // Sequence labelling (a character-level language model): a softmax over each step's classes, step by step as over the whole sequence.
            ["CharModel"] = () =>
            {
                var n = new CharModel();
                return new Case(n, 12, CharModel.StepInputSize, CharModel.StepOutputSize, ChannelMajor: false, EveryStep: true,
                    (x, y, _) => { var s = default(CharModel.State); for (int t = 0; t < 12; t++) n.Step(x.AsSpan(t * CharModel.StepInputSize, CharModel.StepInputSize), y.AsSpan(t * CharModel.StepOutputSize, CharModel.StepOutputSize), ref s); },
                    (x, y, k) => { var s = default(CharModel.State); n.ForwardSequence(x.AsSpan(0, k * CharModel.StepInputSize), y.AsSpan(0, k * CharModel.StepOutputSize), k, ref s); n.ForwardSequence(x.AsSpan(k * CharModel.StepInputSize), y.AsSpan(k * CharModel.StepOutputSize), 12 - k, ref s); });
            },
        };

        /// <summary>The networks checked.</summary>
        public static IEnumerable<string> Names => s_cases.Keys;

        /// <summary>
        /// Steps equal <c>Forward</c> and <c>ForwardSequence</c> (in two pieces) equals the steps, for 3 random parameter sets
        /// (and random running statistics) and inputs.
        /// </summary>
        public static void StepsMatchForward(string name)
        {
            Case c = s_cases[name]();
            INetwork network = c.Network;
            for (int seed = 1; seed <= 3; seed++)
            {
                Randomize(network, seed);
                float[] input = NetworkCases.Inputs(network, 1, 100 + seed);
                var whole = new float[network.OutputSize];
                network.Forward(input, whole);

                float[] inputs = c.ChannelMajor ? Transpose(input, c.StepInput, c.Steps) : input;
                var steps = new float[c.Steps * c.StepOutput];
                c.Step(inputs, steps, 0);
                if (c.EveryStep)
                {
                    float[] expected = c.ChannelMajor ? Transpose(whole, c.StepOutput, c.Steps) : whole;
                    AssertClose(expected, steps, $"{name} seed {seed}");
                }
                else
                {
                    AssertClose(whole, steps.AsSpan((c.Steps - 1) * c.StepOutput), $"{name} seed {seed}, last step");
                }

                var pieces = new float[steps.Length];
                c.Sequence(inputs, pieces, 7);
                Assert.Equal(steps, pieces);
            }
        }

        /// <summary>Parameters from a normal distribution (scaled by 0.5), running statistics positive (variances), from <paramref name="seed"/>.</summary>
        private static void Randomize(INetwork network, int seed)
        {
            network.InitializeParameters(seed);
            float[] values = NetworkCases.Normal(network.Parameters.Length, seed + 50);
            using (ParameterEdit edit = network.EditParameters())
            {
                for (int i = 0; i < values.Length; i++)
                {
                    edit.Values[i] = 0.5f * values[i];
                }
            }

            float[] buffers = NetworkCases.Normal(network.Buffers.Length, seed + 60);
            using (ParameterEdit edit = network.EditBuffers())
            {
                for (int i = 0; i < buffers.Length; i++)
                {
                    edit.Values[i] = 0.5f + Math.Abs(buffers[i]);
                }
            }
        }

        /// <summary>Channel-major <c>[channels, steps]</c> to time-major <c>[steps, channels]</c>.</summary>
        private static float[] Transpose(float[] channelMajor, int channels, int steps)
        {
            Assert.Equal(channels * steps, channelMajor.Length);
            var timeMajor = new float[channelMajor.Length];
            for (int c = 0; c < channels; c++)
            {
                for (int t = 0; t < steps; t++)
                {
                    timeMajor[(t * channels) + c] = channelMajor[(c * steps) + t];
                }
            }

            return timeMajor;
        }

        private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 2e-6f + (2e-5f * Math.Abs(expected[i])), $"{what} [{i}]: {actual[i]:R}, expected {expected[i]:R}");
            }
        }

        private sealed record Case(INetwork Network, int Steps, int StepInput, int StepOutput, bool ChannelMajor, bool EveryStep, Runner Step, Runner Sequence);
    }
}
