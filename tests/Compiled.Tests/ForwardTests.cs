using System;
using Compiled.Tests.Checks;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>Generated forward passes against the independent double-precision reference.</summary>
    public class ForwardTests
    {
        public static TheoryData<string> Names => new(NetworkCases.Names);

        [Theory]
        [MemberData(nameof(Names))]
        public void ForwardMatchesReference(string name) => NetworkChecks.ForwardMatchesReference(name);

        [Theory]
        [MemberData(nameof(Names))]
        public void ForwardBatchMatchesReferenceAcrossTilesAndChunks(string name) =>
            NetworkChecks.ForwardBatchMatchesReference(name, new[] { 1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 131 });

        [Fact]
        public void XorForwardHasKnownValue()
        {
            // Weights set by hand: h = sigmoid(W x + b), y = sigmoid(v h + c).
            var network = new Xor();
            float[] w = { 1, 2, -1, 0.5f, 0.25f, -2, 3, 1 };
            float[] b = { 0.1f, -0.2f, 0.3f, 0 };
            float[] v = { 1, -1, 0.5f, 2 };
            using (ParameterEdit edit = network.EditParameters())
            {
                w.CopyTo(edit.Values);
                b.CopyTo(edit.Values[8..]);
                v.CopyTo(edit.Values[12..]);
                edit.Values[16] = -0.5f;
            }

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

        [Fact]
        public void ForwardAndForwardBatchAgree()
        {
            INetwork network = NetworkCases.Create("Mlp");
            float[] inputs = NetworkCases.Inputs(network, 9, 5);
            var batched = new float[9 * network.OutputSize];
            network.ForwardBatch(inputs, batched, 9);
            var single = new float[network.OutputSize];
            for (int s = 0; s < 9; s++)
            {
                network.Forward(inputs.AsSpan(s * network.InputSize, network.InputSize), single);
                for (int j = 0; j < single.Length; j++)
                {
                    Assert.Equal(batched[(s * network.OutputSize) + j], single[j], 1e-6f);
                }
            }
        }
    }
}
