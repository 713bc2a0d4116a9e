using System;
using System.Linq;
using System.Text.Json;
using Compiled.Tests.Reference;

using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    /// <summary>
    /// Variable-length gradients against finite differences in double precision: <see cref="ReferenceRecurrent"/> with each
    /// sample's length (written from PyTorch's documentation, independent of the kernels) gives the loss over the real
    /// steps; its central differences match the generated backward pass with lengths.
    /// </summary>
    public class VariableLengthGradientTests
    {
        private static readonly JsonElement s_fixtures = Load("varlen_fixtures.json");

        [Theory]
        [InlineData("GruVar2SequenceBi")]
        [InlineData("LstmVar2LastBi")]
        [InlineData("RnnVar1Sequence")]
        [InlineData("LstmVar1Sequence")]
        [InlineData("GruVar2Last")]
        public void GradientsMatchFiniteDifferences(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = VariableLengthParityTests.Create(name);
            float[] parameters = Floats(fixture, "parameters");
            network.SetParameters(parameters);
            float[] inputs = Floats(fixture, "inputs");
            float[] targets = Floats(fixture, "targets");
            int[] lengths = fixture.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int batch = lengths.Length;
            var reference = (ReferenceRecurrent)ReferenceRecurrent.TryParse(network.Architecture.Split(" -> ")[1], network.InputShape.ToArray(), 0)!;
            int outputSize = network.OutputSize;
            int width = reference.Sequences ? outputSize / network.InputShape[0] : outputSize;

            double Loss(double[] p)
            {
                double sum = 0;
                long count = 0;
                for (int s = 0; s < batch; s++)
                {
                    double[] x = inputs.AsSpan(s * network.InputSize, network.InputSize).ToArray().Select(v => (double)v).ToArray();
                    double[] y = reference.ForwardWithLength(p, x, lengths[s]);
                    int real = reference.Sequences ? lengths[s] * width : outputSize;
                    for (int i = 0; i < real; i++)
                    {
                        double d = y[i] - targets[(s * outputSize) + i];
                        sum += d * d;
                    }

                    count += real;
                }

                return sum / count;
            }

            double[] p0 = parameters.Select(v => (double)v).ToArray();
            network.ZeroGradients();
            float loss = network.BackwardBatch(inputs, targets, batch, lengths);
            Assert.Equal(Loss(p0), loss, 5);
            float[] gradients = network.Gradients.ToArray();
            Checks.CentralDifferences.AssertGradients(Loss, p0, gradients, i => $"{name} gradient {i} ({network.ParameterTensors.First(t => t.Offset <= i && i < t.Offset + t.Length).Name})");
        }
    }
}
