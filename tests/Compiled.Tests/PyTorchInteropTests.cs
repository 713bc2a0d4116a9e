using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Serialization;

namespace Compiled.Tests
{
    [Network(Loss = Loss.CrossEntropy)]
    [Input(12)]
    [Dense(9, Activation.ReLU)]
    [Dense(7, Activation.Tanh)]
    [Dense(4, Activation.Softmax)]
    public partial class TorchMlp { }

    /// <summary>
    /// A PyTorch <c>nn.Sequential(Linear, ReLU, Linear, Tanh, Linear)</c>'s state_dict, saved as safetensors, loads into
    /// the equivalent generated network by name and reproduces PyTorch's outputs, loss and gradients
    /// (Fixtures/torch/make_fixture.py wrote the files with PyTorch 1.13).
    /// </summary>
    public class PyTorchInteropTests
    {
        private static readonly string s_folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch");

        [Fact]
        public void StateDictLoadsByNameAndReproducesPyTorch()
        {
            var network = new TorchMlp();
            SafeTensors.Import(network, Path.Combine(s_folder, "torch_mlp.safetensors"));
            using JsonDocument fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_folder, "torch_mlp.json")));
            JsonElement root = fixture.RootElement;
            float[] inputs = root.GetProperty("inputs").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            int[] labels = root.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            float[] expected = root.GetProperty("probabilities").EnumerateArray().Select(e => e.GetSingle()).ToArray();

            var outputs = new float[expected.Length];
            network.ForwardBatch(inputs, outputs, labels.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], outputs[i], 2e-6f);
            }

            network.ZeroGradients();
            float loss = network.BackwardBatch(inputs, labels, labels.Length);
            Assert.Equal(root.GetProperty("loss").GetSingle(), loss, 2e-6f);
            foreach (JsonProperty tensorGradient in root.GetProperty("gradients").EnumerateObject())
            {
                ParameterTensor tensor = TorchMlp.ParameterTensors.Single(t => t.Name == tensorGradient.Name);
                float[] torch = tensorGradient.Value.EnumerateArray().Select(e => e.GetSingle()).ToArray();
                Assert.Equal(tensor.Length, torch.Length);
                for (int i = 0; i < torch.Length; i++)
                {
                    Assert.Equal(torch[i], network.Gradients[tensor.Offset + i], 1e-6f + (1e-5f * Math.Abs(torch[i])));
                }
            }
        }

        [Fact]
        public void ExportedFileReimportsBitExact()
        {
            var network = new TorchMlp();
            network.InitializeParameters(3);
            using var stream = new MemoryStream();
            SafeTensors.Export(network, stream);
            stream.Position = 0;
            var copy = new TorchMlp();
            SafeTensors.Import(copy, stream);
            Assert.Equal(network.Parameters.ToArray(), copy.Parameters.ToArray());
            string[] names = SafeTensors.ReadHeader(new MemoryStream(stream.ToArray())).Tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight" }, names);
        }
    }
}
