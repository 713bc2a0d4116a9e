using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Tests.Networks;

using Compiled.Tests.Checks;
using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    /// <summary>
    /// Normalisation layers against PyTorch 1.13 (Fixtures/torch/make_norm_fixtures.py wrote norm_fixtures.json): the
    /// equivalent nn.Sequential's parameters load unchanged in state_dict order and give PyTorch's outputs, mean loss,
    /// parameter gradients, and (through Backpropagate with PyTorch's dL/d(output)) the same parameter and input gradients.
    /// </summary>
    public class NormalizationParityTests
    {
        private static readonly JsonElement s_fixtures = TorchFixtures.Load("norm_fixtures.json");

        [Theory]
        [InlineData("Norms")]
        [InlineData("NormNoAffine")]
        public void LayerNormMatchesPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = NetworkCases.Create(name);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            network.SetParameters(Floats(fixture, "parameters"));
            float[] inputs = Floats(fixture, "inputs");
            int batch = inputs.Length / network.InputSize;

            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            AssertClose(Floats(fixture, "outputs"), outputs, 2e-6f, 2e-5f, $"{name} outputs");

            network.ZeroGradients();
            float loss = fixture.TryGetProperty("labels", out JsonElement labels)
                ? network.BackwardBatch(inputs, labels.EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch)
                : network.BackwardBatch(inputs, Floats(fixture, "targets"), batch);
            Assert.Equal(fixture.GetProperty("loss").GetSingle(), loss, 2e-6f);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 1e-6f, 1e-4f, $"{name} gradients");

            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 1e-6f, 1e-4f, $"{name} gradients through Backpropagate");
            AssertClose(Floats(fixture, "input_gradients"), inputGradients, 1e-6f, 1e-4f, $"{name} input gradients");
        }
    }
}
