using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Optimizers;
using Compiled.Serialization;
using Compiled.Tests.Networks;
using Compiled.Tests.Reference;
using Xunit.Abstractions;

using Compiled.Tests.Checks;
using static Compiled.Tests.Checks.TorchFixtures;

namespace Compiled.Tests
{
    /// <summary>
    /// Batch normalisation against PyTorch 1.13 (Fixtures/torch/make_batchnorm_fixtures.py wrote batchnorm_fixtures.json and
    /// torch_batchnorm.safetensors): the equivalent nn.Sequential's parameters and buffers load in state_dict order; a first
    /// training batch gives PyTorch's loss, parameter gradients, input gradients (through Backpropagate with PyTorch's
    /// dL/d(output)) and running statistics; three SGD steps give PyTorch's losses, parameters, running statistics and
    /// num_batches_tracked; the trained network's eval-mode outputs are PyTorch's; PyTorch's state_dict imports from safetensors.
    /// </summary>
    public class BatchNormParityTests
    {
        private readonly ITestOutputHelper _output;

        public BatchNormParityTests(ITestOutputHelper output) => _output = output;

        private static readonly JsonElement s_fixtures = TorchFixtures.Load("batchnorm_fixtures.json");

        public static TheoryData<string> Names => new() { "BatchNorms", "ChannelNorms", "DenseBnRelu", "ConvBnRelu", "BatchNormUntracked", "BatchNormCumulative" };

        [Theory]
        [MemberData(nameof(Names))]
        public void FirstTrainingBatchMatchesPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Load(name, fixture);
            Assert.Equal(Strings(fixture, "names"), network.ParameterTensors.Select(t => t.Name).ToArray());
            Assert.Equal(Strings(fixture, "buffer_names"), network.BufferTensors.Select(t => t.Name).ToArray());
            float[] inputs = Batch(fixture, "inputs", 0);
            int batch = inputs.Length / network.InputSize;

            // The network's training-mode outputs are not observable through its API (BackwardBatch returns the loss);
            // the reference's training forward pass, which the finite-difference checks trust, is compared instead.
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            double[][] x = Enumerable.Range(0, batch).Select(s => inputs.AsSpan(s * network.InputSize, network.InputSize).ToArray().Select(v => (double)v).ToArray()).ToArray();
            double[][] y = reference.ForwardBatch(parameters, x, out _, default(TrainingContext));
            AssertClose(Floats(fixture, "outputs"), y.SelectMany(r => r).Select(v => (float)v).ToArray(), 2e-6f, 2e-5f, $"{name} reference training outputs");

            network.ZeroGradients();
            float loss = Train(network, fixture, 0);
            Assert.Equal(fixture.GetProperty("loss").GetSingle(), loss, 2e-6f);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 1e-6f, 1e-4f, $"{name} gradients");
            AssertClose(Floats(fixture, "buffers_after_one"), network.Buffers, 1e-6f, 1e-5f, $"{name} buffers after one training call");

            network = Load(name, fixture);
            network.ZeroGradients();
            var inputGradients = new float[inputs.Length];
            network.BackpropagateBatch(inputs, Floats(fixture, "output_gradients"), inputGradients, batch);
            AssertClose(Floats(fixture, "gradients"), network.Gradients, 1e-6f, 1e-4f, $"{name} gradients through Backpropagate");
            AssertClose(Floats(fixture, "input_gradients"), inputGradients, 1e-6f, 1e-4f, $"{name} input gradients");
            AssertClose(Floats(fixture, "buffers_after_one"), network.Buffers, 1e-6f, 1e-5f, $"{name} buffers after Backpropagate");
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void ThreeSgdStepsAndEvalOutputsMatchPyTorch(string name)
        {
            JsonElement fixture = s_fixtures.GetProperty(name);
            INetwork network = Load(name, fixture);
            var sgd = new Sgd(0.1f);
            float[] losses = Floats(fixture, "losses");
            for (int step = 0; step < 3; step++)
            {
                network.ZeroGradients();
                float loss = Train(network, fixture, step);
                Assert.True(Math.Abs(losses[step] - loss) <= 1e-5f * Math.Max(1, Math.Abs(losses[step])), $"{name} step {step}: loss {loss:R}, PyTorch {losses[step]:R}");
                sgd.Step(network);
            }

            AssertClose(Floats(fixture, "parameters_after"), network.Parameters, 2e-6f, 1e-4f, $"{name} parameters after 3 steps");
            AssertClose(Floats(fixture, "buffers_after"), network.Buffers, 2e-6f, 1e-4f, $"{name} running statistics after 3 steps");
            foreach (ParameterTensor tensor in network.BufferTensors.Where(t => t.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)))
            {
                Assert.Equal(3f, network.Buffers[tensor.Offset]);
            }

            float[] evalInputs = Floats(fixture, "eval_inputs");
            float[] expected = Floats(fixture, "eval_outputs");
            AssertEval(network, evalInputs, expected, 2e-6f, 1e-4f, $"{name} eval outputs after 3 steps");

            // The same outputs from PyTorch's trained parameters and buffers loaded as they are (no drift from the steps).
            INetwork loaded = Create(name);
            loaded.SetParameters(Floats(fixture, "parameters_after"));
            if (loaded.BufferTensors.Count > 0)
            {
                using ParameterEdit edit = loaded.EditBuffers();
                Floats(fixture, "buffers_after").CopyTo(edit.Values);
            }

            AssertEval(loaded, evalInputs, expected, 2e-6f, 2e-5f, $"{name} eval outputs of PyTorch's state");
        }

        [Fact]
        public void PyTorchStateDictWithBuffersImportsFromSafeTensors()
        {
            JsonElement fixture = s_fixtures.GetProperty("BatchNorms");
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "torch_batchnorm.safetensors");
            Assert.Equal("I64", SafeTensors.ReadHeader(path).Tensors.Single(t => t.Name == "2.num_batches_tracked").DataType);
            INetwork network = new BatchNorms();
            SafeTensors.Import(network, path);
            Assert.Equal(Floats(fixture, "parameters_after"), network.Parameters.ToArray());
            Assert.Equal(Floats(fixture, "buffers_after"), network.Buffers.ToArray());
            Assert.Equal(3f, network.Buffers[network.BufferTensors.Single(t => t.Name == "2.num_batches_tracked").Offset]);
            AssertEval(network, Floats(fixture, "eval_inputs"), Floats(fixture, "eval_outputs"), 2e-6f, 2e-5f, "imported BatchNorms eval outputs");
        }

        [Fact]
        public void PyTorchLinearBatchNormReluImportsFromSafeTensors()
        {
            // nn.Sequential(Linear, BatchNorm1d, ReLU, Linear) trained in PyTorch: the ReLU is module 2, so the last Linear's
            // tensors are 3.weight and 3.bias in both; its eval outputs (softmax applied) are PyTorch's, folded at inference.
            JsonElement fixture = s_fixtures.GetProperty("DenseBnRelu");
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "torch_bn_relu.safetensors");
            INetwork network = new DenseBnRelu();
            SafeTensors.Import(network, path);
            Assert.Equal(Floats(fixture, "parameters_after"), network.Parameters.ToArray());
            Assert.Equal(Floats(fixture, "buffers_after"), network.Buffers.ToArray());
            AssertEval(network, Floats(fixture, "eval_inputs"), Floats(fixture, "eval_outputs"), 2e-6f, 2e-5f, "imported DenseBnRelu eval outputs");
        }

        /// <summary>The network by name: the shared cases, and ConvBnRelu, which is not among them (see its comment).</summary>
        private static INetwork Create(string name) => name switch
        {
            "ConvBnRelu" => new ConvBnRelu(),
            "BatchNormUntracked" => new BatchNormUntracked(),
            "BatchNormCumulative" => new BatchNormCumulative(),
            _ => NetworkCases.Create(name),
        };

        [Fact]
        public void WithoutRunningStatisticsInferenceNormalisesOverTheWholeBatchAndAllocatesNothing()
        {
            // PyTorch's eval mode with track_running_stats=False: the statistics of the batch given, here 300 samples (more
            // than ForwardBatch's usual chunk of 64, so a per-chunk normalisation would show); one sample of a vector
            // input has one value per channel, which PyTorch refuses too.
            INetwork network = new BatchNormUntracked();
            network.InitializeParameters(4);
            Assert.Empty(network.BufferTensors);
            const int Batch = 300;
            float[] inputs = NetworkCases.Inputs(network, Batch, 8);
            var outputs = new float[Batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, Batch);
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            double[][] x = Enumerable.Range(0, Batch).Select(s => inputs.AsSpan(s * network.InputSize, network.InputSize).ToArray().Select(v => (double)v).ToArray()).ToArray();
            double[][] expected = reference.ForwardBatch(parameters, x, out _);
            AssertClose(expected.SelectMany(r => r).Select(v => (float)v).ToArray(), outputs, 2e-6f, 2e-5f, "BatchNormUntracked over 300 samples");
            Assert.Throws<ArgumentException>(() => network.Forward(inputs.AsSpan(0, network.InputSize), new float[network.OutputSize]));
            Assert.Throws<ArgumentException>(() => network.ForwardBatch(inputs.AsSpan(0, network.InputSize), new float[network.OutputSize], 1));
            network.ForwardBatch(inputs, outputs, Batch);
            long before = GC.GetAllocatedBytesForCurrentThread();
            network.ForwardBatch(inputs, outputs, Batch);
            network.ForwardBatch(inputs.AsSpan(0, 10 * network.InputSize), outputs.AsSpan(0, 10 * network.OutputSize), 10);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        private static INetwork Load(string name, JsonElement fixture)
        {
            INetwork network = Create(name);
            network.SetParameters(Floats(fixture, "parameters"));
            if (network.BufferTensors.Count == 0)
            {
                Assert.Empty(Floats(fixture, "buffers"));
                return network;
            }

            using (ParameterEdit edit = network.EditBuffers())
            {
                float[] buffers = Floats(fixture, "buffers");
                Assert.Equal(edit.Values.Length, buffers.Length);
                buffers.CopyTo(edit.Values);
            }

            return network;
        }

        private static float Train(INetwork network, JsonElement fixture, int step)
        {
            float[] inputs = Batch(fixture, "inputs", step);
            int batch = inputs.Length / network.InputSize;
            return fixture.TryGetProperty("labels", out JsonElement labels)
                ? network.BackwardBatch(inputs, labels[step].EnumerateArray().Select(e => e.GetInt32()).ToArray(), batch)
                : network.BackwardBatch(inputs, Batch(fixture, "targets", step), batch);
        }

        private void AssertEval(INetwork network, float[] inputs, float[] expected, float absolute, float relative, string what)
        {
            int batch = inputs.Length / network.InputSize;
            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            AssertClose(expected, outputs, absolute, relative, $"{what} (ForwardBatch)");
            var single = new float[network.OutputSize];
            for (int s = 0; s < batch && network.BufferTensors.Count > 0; s++) // without running statistics one sample is a batch of its own
            {
                network.Forward(inputs.AsSpan(s * network.InputSize, network.InputSize), single);
                AssertClose(expected.AsSpan(s * network.OutputSize, network.OutputSize).ToArray(), single, absolute, relative, $"{what} (Forward, sample {s})");
            }
        }

        private static float[] Batch(JsonElement fixture, string property, int step) => fixture.GetProperty(property)[step].EnumerateArray().Select(e => e.GetSingle()).ToArray();

        private void AssertClose(float[] expected, ReadOnlySpan<float> actual, float absolute, float relative, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                float tolerance = absolute + (relative * Math.Abs(expected[i]));
                worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R}");
            }

            _output.WriteLine($"{what}: largest difference {worst:E2}");
        }
    }
}
