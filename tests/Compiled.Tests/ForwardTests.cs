using System;
using Compiled.Tests.Networks;
using Compiled.Tests.Reference;

namespace Compiled.Tests
{
    /// <summary>Generated forward passes against the independent double-precision reference.</summary>
    public class ForwardTests
    {
        public static TheoryData<string> Names => new(NetworkCases.Names);

        [Theory]
        [MemberData(nameof(Names))]
        public void ForwardMatchesReference(string name)
        {
            INetwork network = NetworkCases.Create(name);
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            var output = new float[network.OutputSize];
            for (int seed = 0; seed < 20; seed++)
            {
                float[] input = NetworkCases.Inputs(network, 1, seed);
                network.Forward(input, output);
                double[] expected = reference.Forward(parameters, input, out _);
                AssertClose(expected, output, $"{name} seed {seed}");
            }
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void ForwardBatchMatchesReferenceAcrossTilesAndChunks(string name)
        {
            INetwork network = NetworkCases.Create(name);
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            foreach (int batch in new[] { 1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 131 })
            {
                float[] inputs = NetworkCases.Inputs(network, batch, batch);
                var outputs = new float[batch * network.OutputSize];
                network.ForwardBatch(inputs, outputs, batch);
                for (int s = 0; s < batch; s++)
                {
                    double[] expected = reference.Forward(parameters, inputs.AsSpan(s * network.InputSize, network.InputSize), out _);
                    AssertClose(expected, outputs.AsSpan(s * network.OutputSize, network.OutputSize), $"{name} batch {batch} sample {s}");
                }
            }
        }

        [Fact]
        public void XorForwardHasKnownValue()
        {
            // Weights set by hand: h = sigmoid(W x + b), y = sigmoid(v h + c).
            var network = new Xor();
            float[] w = { 1, 2, -1, 0.5f, 0.25f, -2, 3, 1 };
            float[] b = { 0.1f, -0.2f, 0.3f, 0 };
            float[] v = { 1, -1, 0.5f, 2 };
            w.CopyTo(network.Parameters);
            b.CopyTo(network.Parameters[8..]);
            v.CopyTo(network.Parameters[12..]);
            network.Parameters[16] = -0.5f;
            float[] x = { 0.5f, -1.5f };
            double c = -0.5;
            for (int j = 0; j < 4; j++)
            {
                double h = 1 / (1 + Math.Exp(-((w[2 * j] * x[0]) + (w[(2 * j) + 1] * x[1]) + b[j])));
                c += v[j] * h;
            }

            double expected = 1 / (1 + Math.Exp(-c));
            var output = new float[1];
            network.Forward(x, output);
            Assert.Equal(expected, output[0], 6);
        }

        internal static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double tolerance = 2e-6 + (2e-5 * Math.Abs(expected[i]));
                if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                {
                    Assert.Fail($"{what}: output {i} is {actual[i]:R}, expected {expected[i]:R} (difference {actual[i] - expected[i]:E2}, tolerance {tolerance:E2})");
                }
            }
        }
    }
}
