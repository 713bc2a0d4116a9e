using System;
using System.IO;
using System.Linq;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Serialization;
using Compiled.Tests.Checks;
using Compiled.Tests.Networks;
using Compiled.Tests.Reference;
using Compiled.Training;

namespace Compiled.Tests
{
    /// <summary>
    /// What is particular to batch normalisation: batches of one value per channel refused, running statistics moved once per
    /// training call, the packed copy rebuilt after an edit of the buffers, a workspace that grows with the batch, the trainer
    /// on one thread, and the buffers through model files and safetensors.
    /// </summary>
    public class BatchNormTests
    {
        [Fact]
        public void ABatchOfOneValuePerChannelIsRefusedAndChangesNothing()
        {
            INetwork network = NetworkCases.Create("BatchNorms");
            float[] input = NetworkCases.Inputs(network, 1, 1);
            float[] buffers = network.Buffers.ToArray();
            network.ZeroGradients();
            ArgumentException error = Assert.Throws<ArgumentException>(() => network.BackwardBatch(input, new[] { 1 }, 1));
            Assert.Equal("batchSize", error.ParamName);
            Assert.Contains("Expected more than 1 value per channel when training", error.Message, StringComparison.Ordinal);
            Assert.Equal("input", Assert.Throws<ArgumentException>(() => network.Backward(input, 2)).ParamName);
            Assert.Equal("input", Assert.Throws<ArgumentException>(() => network.Backward(input, new float[network.OutputSize])).ParamName);
            Assert.Equal("batchSize", Assert.Throws<ArgumentException>(() => network.Backpropagate(input, new float[network.OutputSize], Span<float>.Empty)).ParamName);
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
            Assert.Equal(buffers, network.Buffers.ToArray());

            // Inference takes any batch: it reads the running statistics.
            network.Forward(input, new float[network.OutputSize]);

            // Nine positions per channel: one sample trains, as in PyTorch's BatchNorm2d.
            INetwork spatial = NetworkCases.Create("SpatialNorm");
            spatial.Backward(NetworkCases.Inputs(spatial, 1, 2), NetworkCases.Targets(spatial, 1, 3));
            Assert.Equal(4f, spatial.Buffers[spatial.BufferTensors.Single(t => t.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Offset]);
        }

        [Fact]
        public void RunningStatisticsMoveOncePerTrainingCallWithTheWholeBatchsStatistics()
        {
            // SpatialNorm's batch normalisation reads the network input: the expected statistics are the inputs' own.
            INetwork network = NetworkCases.Create("SpatialNorm");
            const int batch = 70; // more than the 64-sample chunk of networks without batch normalisation
            const double momentum = 0.5;
            float[] inputs = NetworkCases.Inputs(network, batch, 4);
            float[] before = network.Buffers.ToArray();
            network.BackwardBatch(inputs, NetworkCases.Targets(network, batch, 5), batch);
            float[] after = network.Buffers.ToArray();
            const int channels = 2, spatial = 9, n = batch * spatial;
            for (int c = 0; c < channels; c++)
            {
                double[] values = Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range(0, spatial).Select(j => (double)inputs[(s * channels * spatial) + (c * spatial) + j])).ToArray();
                double mean = values.Average();
                double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
                Assert.Equal(((1 - momentum) * before[c]) + (momentum * mean), after[c], 1e-6);
                Assert.Equal(((1 - momentum) * before[channels + c]) + (momentum * unbiased), after[channels + c], 1e-5);
            }

            Assert.Equal(before[2 * channels] + 1, after[2 * channels]); // num_batches_tracked, once for the whole batch

            // Backpropagate is a training call too: once more.
            network.BackpropagateBatch(inputs, new float[batch * network.OutputSize], Span<float>.Empty, batch);
            Assert.Equal(before[2 * channels] + 2, network.Buffers[2 * channels]);
        }

        [Fact]
        public void AnEditOfTheBuffersMakesThePackedCopyStale()
        {
            INetwork network = NetworkCases.Create("BatchNorms");
            float[] input = NetworkCases.Inputs(network, 1, 6);
            var first = new float[network.OutputSize];
            network.Forward(input, first);
            long version = network.ParameterVersion;
            using (ParameterEdit edit = network.EditBuffers())
            {
                edit.Values[0] += 1.5f; // running_mean[0]
                edit.Values[20 + 3] *= 4f; // running_var[3]
            }

            Assert.True(network.ParameterVersion > version);
            var second = new float[network.OutputSize];
            network.Forward(input, second);
            Assert.NotEqual(first, second);
            var reference = new ReferenceNetwork(network);
            NetworkChecks.AssertClose(reference.Forward(Array.ConvertAll(network.Parameters.ToArray(), v => (double)v), input, out _), second, "Forward after a buffer edit");

            // A training call moves the running statistics: the next inference sees them too.
            float[] inputs = NetworkCases.Inputs(network, 8, 7);
            network.BackwardBatch(inputs, NetworkCases.Labels(network, 8, 8), 8);
            var third = new float[network.OutputSize];
            network.Forward(input, third);
            NetworkChecks.AssertClose(reference.Forward(Array.ConvertAll(network.Parameters.ToArray(), v => (double)v), input, out _), third, "Forward after a training call");
        }

        [Fact]
        public void TheWorkspaceGrowsWithTheBatchAndGivesTheSameGradients()
        {
            // Offsets scale with the capacity: a network that trained a batch of 70 computes a batch of 5 as a fresh one does.
            INetwork grown = NetworkCases.Create("ChannelNorms");
            INetwork fresh = NetworkCases.Create("ChannelNorms");
            float[] big = NetworkCases.Inputs(grown, 70, 1);
            grown.BackwardBatch(big, NetworkCases.Targets(grown, 70, 2), 70);
            using (ParameterEdit edit = grown.EditBuffers())
            {
                fresh.Buffers.CopyTo(edit.Values);
            }

            float[] inputs = NetworkCases.Inputs(grown, 5, 3);
            float[] targets = NetworkCases.Targets(grown, 5, 4);
            grown.ZeroGradients();
            fresh.ZeroGradients();
            Assert.Equal(fresh.BackwardBatch(inputs, targets, 5), grown.BackwardBatch(inputs, targets, 5));
            Assert.Equal(fresh.Gradients.ToArray(), grown.Gradients.ToArray());
            Assert.Equal(fresh.Buffers.ToArray(), grown.Buffers.ToArray());
        }

        [Fact]
        public void TrainerWithTwoThreadsTrainsAsOneThread()
        {
            // Batch statistics are the whole batch's: the trainer does not split a batch of a network that requires it.
            Assert.True(((INetwork)new BatchNorms()).RequiresWholeBatch);
            Assert.False(((INetwork)new Mlp()).RequiresWholeBatch);
            (float[] Parameters, float[] Buffers, double Loss) Train(int threads)
            {
                INetwork network = NetworkCases.Create("BatchNorms", seed: 2);
                const int samples = 100; // the last batch holds 4
                float[] features = NetworkCases.Inputs(network, samples, seed: 11);
                Dataset data = Dataset.FromLabels(features, network.InputSize, Enumerable.Range(0, samples).Select(i => (i * 7) % 4).ToArray());
                var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 4, Threads = threads });
                TrainingHistory history = trainer.Fit(network, new Sgd(0.05f), data);
                return (network.Parameters.ToArray(), network.Buffers.ToArray(), history.Epochs[^1].TrainLoss);
            }

            (float[] parameters1, float[] buffers1, double loss1) = Train(1);
            (float[] parameters2, float[] buffers2, double loss2) = Train(2);
            Assert.Equal(parameters1, parameters2);
            Assert.Equal(buffers1, buffers2);
            Assert.Equal(loss1, loss2);
            Assert.Equal(3f + 8f, buffers1[^1]); // num_batches_tracked: NetworkCases starts it at 3, then 4 batches an epoch for 2 epochs
        }

        [Theory]
        [InlineData("BatchNorms")]
        [InlineData("ChannelNorms")]
        public void BuffersRoundTripThroughModelFilesAndSafeTensors(string name)
        {
            INetwork trained = NetworkCases.Create(name);
            trained.BackwardBatch(NetworkCases.Inputs(trained, 9, 1), NetworkCases.Targets(trained, 9, 2), 9);
            new Sgd(0.1f).Step(trained);
            float[] inputs = NetworkCases.Inputs(trained, 4, 3);
            float[] expected = Outputs(trained, inputs);

            using (var stream = new MemoryStream())
            {
                ModelFile.Save(trained, stream);
                stream.Position = 0;
                INetwork loaded = NetworkCases.Create(name, seed: 7);
                ModelFile.Load(loaded, stream);
                Assert.Equal(trained.Parameters.ToArray(), loaded.Parameters.ToArray());
                Assert.Equal(trained.Buffers.ToArray(), loaded.Buffers.ToArray());
                Assert.Equal(expected, Outputs(loaded, inputs));
            }

            using (var stream = new MemoryStream())
            {
                SafeTensors.Export(trained, stream);
                stream.Position = 0;
                SafeTensorsHeader header = SafeTensors.ReadHeader(stream);
                Assert.All(header.Tensors.Where(t => t.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)), t => Assert.Equal("I64", t.DataType));
                Assert.Equal(trained.ParameterTensors.Count + trained.BufferTensors.Count, header.Tensors.Count);
                stream.Position = 0;
                INetwork loaded = NetworkCases.Create(name, seed: 7);
                SafeTensors.Import(loaded, stream);
                Assert.Equal(trained.Parameters.ToArray(), loaded.Parameters.ToArray());
                Assert.Equal(trained.Buffers.ToArray(), loaded.Buffers.ToArray());
                Assert.Equal(expected, Outputs(loaded, inputs));
            }
        }

        private static float[] Outputs(INetwork network, float[] inputs)
        {
            int batch = inputs.Length / network.InputSize;
            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            return outputs;
        }
    }

}
