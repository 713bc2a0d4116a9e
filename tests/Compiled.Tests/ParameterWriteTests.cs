using System;
using System.IO;
using System.Linq;
using System.Threading;
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
    /// No sequence of public calls may make a forward or backward pass compute with weights other than the current ones.
    /// Each test runs a forward pass first (so a packed copy of the weights exists and could go stale), writes the
    /// parameters through one of the write paths, then checks the forward pass, the batched forward pass and the
    /// training loss against the double-precision reference evaluated at the parameters as they now are.
    /// </summary>
    public class ParameterWriteTests
    {
        [Theory]
        [MemberData(nameof(NetworkCases.All), MemberType = typeof(NetworkCases))]
        public void GradientDescentLoopWithOneEditPerStepMatchesTheReference(string name)
        {
            // The seed material's loop: after each step, the loss must be the reference's loss at the updated weights
            // (with a stale packed copy, from the second step on the forward pass used the weights of the step before).
            INetwork network = NetworkCases.Create(name);
            const int batch = 8;
            float[] inputs = NetworkCases.Inputs(network, batch, seed: 5);
            float[] targets = NetworkCases.Targets(network, batch, seed: 6);
            var reference = new ReferenceNetwork(network);
            for (int step = 0; step < 5; step++)
            {
                network.ZeroGradients();
                TrainingContext context = network.TrainingContext;
                float loss = network.BackwardBatch(inputs, targets, batch);
                AssertLoss(reference, network, inputs, targets, batch, loss, $"{name}, step {step}", context);
                ReadOnlySpan<float> g = network.Gradients;
                using (ParameterEdit edit = network.EditParameters())
                {
                    Span<float> p = edit.Values;
                    for (int i = 0; i < p.Length; i++)
                    {
                        p[i] -= 0.5f * g[i];
                    }
                }
            }

            AssertComputesWithCurrentParameters(network, $"{name} after 5 steps");
        }

        [Fact]
        public void ParametersAreReadOnlyAndReadingNeverChangesTheVersion()
        {
            var network = new Mlp();
            long version = network.ParameterVersion;
            float first = network.Parameters[0];
            _ = network.Parameters.ToArray();
            network.Forward(new float[Mlp.InputSize], new float[Mlp.OutputSize]);
            Assert.Equal(version, network.ParameterVersion);
            Assert.Equal(first, network.Parameters[0]);
            using (ParameterEdit edit = network.EditParameters())
            {
                Assert.True(network.ParameterVersion > version, "opening an edit bumps the version");
                version = network.ParameterVersion;
                edit.Values[0] = 1f;
            }

            Assert.True(network.ParameterVersion > version, "closing an edit bumps the version again");
            Assert.Equal(1f, network.Parameters[0]);
        }

        [Theory]
        [MemberData(nameof(NetworkCases.All), MemberType = typeof(NetworkCases))]
        public void EveryWritePathIsSeenByTheNextForwardPass(string name)
        {
            INetwork network = NetworkCases.Create(name);
            INetwork other = NetworkCases.Create(name, seed: 9);
            AssertComputesWithCurrentParameters(network, $"{name}: initial");

            using (ParameterEdit edit = network.EditParameters())
            {
                edit.Values[0] += 0.75f;
                edit.Values[^1] -= 0.5f;
            }

            AssertComputesWithCurrentParameters(network, $"{name}: user edit");

            network.SetParameters(other.Parameters);
            AssertComputesWithCurrentParameters(network, $"{name}: SetParameters");

            network.ZeroGradients();
            float[] inputs = NetworkCases.Inputs(network, 4, seed: 3);
            network.BackwardBatch(inputs, NetworkCases.Targets(network, 4, seed: 4), 4);
            new Adam(0.05f).Step(network);
            AssertComputesWithCurrentParameters(network, $"{name}: optimizer step");

            network.InitializeParameters(1234);
            AssertComputesWithCurrentParameters(network, $"{name}: InitializeParameters");

            string folder = Path.Combine(Path.GetTempPath(), "compiled-writes-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                string model = Path.Combine(folder, "m.cmpl");
                ModelFile.Save(other, model);
                ModelFile.Load(network, model);
                Assert.Equal(other.Parameters.ToArray(), network.Parameters.ToArray());
                AssertComputesWithCurrentParameters(network, $"{name}: ModelFile.Load");

                network.InitializeParameters(77);
                network.Forward(inputs.AsSpan(0, network.InputSize), new float[network.OutputSize]);
                string tensors = Path.Combine(folder, "m.safetensors");
                SafeTensors.Export(other, tensors);
                SafeTensors.Import(network, tensors);
                Assert.Equal(other.Parameters.ToArray(), network.Parameters.ToArray());
                AssertComputesWithCurrentParameters(network, $"{name}: SafeTensors.Import");
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void AWriteOnAnotherThreadIsSeenByTheNextForwardPass()
        {
            INetwork network = NetworkCases.Create("Mlp");
            INetwork other = NetworkCases.Create("Mlp", seed: 9);
            AssertComputesWithCurrentParameters(network, "before");
            var writer = new Thread(() => network.SetParameters(other.Parameters));
            writer.Start();
            writer.Join();
            AssertComputesWithCurrentParameters(network, "after a write on another thread");

            // A worker shares the parameters: a write through the main network is seen by the worker's forward pass.
            INetwork worker = network.CreateWorker();
            AssertComputesWithCurrentParameters(worker, "worker, before");
            using (ParameterEdit edit = network.EditParameters())
            {
                edit.Values[3] = 2.5f;
            }

            AssertComputesWithCurrentParameters(worker, "worker, after the main network's edit");
        }

        [Fact]
        public void AForwardPassDuringAnEditNeverLeavesAStaleCopyBehind()
        {
            // A forward pass that packs the weights while an edit is open may see half-written weights, but the edit's end
            // makes that copy stale, so the pass after it sees them all.
            INetwork network = NetworkCases.Create("Game");
            float[] input = NetworkCases.Inputs(network, 1, seed: 1);
            using (ParameterEdit edit = network.EditParameters())
            {
                edit.Values[0] = 3f;
                network.Forward(input, new float[network.OutputSize]); // packs mid-edit
                edit.Values[1] = -3f;
            }

            AssertComputesWithCurrentParameters(network, "after a forward pass inside an edit");
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void WritesFromAProgressCallbackAreSeenByTheNextBatch(int threads)
        {
            // With two threads, Mlp trains with its first layer split between them, from a copy of the weights of its own;
            // a write from the callback must reach that copy too, so both runs give the same bits.
            (float[] Parameters, double Loss) Train(int threadCount, bool write)
            {
                INetwork network = NetworkCases.Create("Mlp", seed: 2);
                const int samples = 96;
                float[] features = NetworkCases.Inputs(network, samples, seed: 11);
                Dataset data = Dataset.FromLabels(features, network.InputSize, Enumerable.Range(0, samples).Select(i => (i * 7) % 10).ToArray());
                var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 4, Threads = threadCount });
                var progress = new Callback(report =>
                {
                    if (write && report.Kind == TrainingProgressKind.Batch)
                    {
                        using ParameterEdit edit = network.EditParameters();
                        for (int i = 0; i < 784 * 128; i += 97)
                        {
                            edit.Values[i] *= 0.5f;
                        }
                    }
                });
                TrainingHistory history = trainer.Fit(network, new Sgd(0.05f), data, progress: progress);
                return (network.Parameters.ToArray(), history.Epochs[^1].TrainLoss);
            }

            (float[] withWrites, double lossWithWrites) = Train(threads, write: true);
            (float[] oneThread, double lossOneThread) = Train(1, write: true);
            (float[] withoutWrites, _) = Train(threads, write: false);
            Assert.Equal(oneThread, withWrites);
            Assert.Equal(lossOneThread, lossWithWrites);
            Assert.NotEqual(withoutWrites, withWrites);
        }

        [Fact]
        public void BackpropagateGivesTheGradientsOfTheLossItStandsFor()
        {
            // With dL/dy of the network's own loss, Backpropagate must add the gradients BackwardBatch adds.
            foreach (string name in new[] { "Mlp", "Game", "MultiLabel", "Regressor", "SoftmaxMse" })
            {
                INetwork network = NetworkCases.Create(name);
                const int batch = 5;
                float[] inputs = NetworkCases.Inputs(network, batch, seed: 8);
                float[] targets = NetworkCases.Targets(network, batch, seed: 9);
                network.ZeroGradients();
                network.BackwardBatch(inputs, targets, batch);
                float[] expected = network.Gradients.ToArray();

                var outputs = new float[batch * network.OutputSize];
                network.ForwardBatch(inputs, outputs, batch);
                float[] outputGradients = LossGradient(network.Loss, outputs, targets, network.OutputSize, batch);
                network.ZeroGradients();
                network.BackpropagateBatch(inputs, outputGradients, Span<float>.Empty, batch);
                float[] actual = network.Gradients.ToArray();
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-3 * Math.Abs(expected[i])), $"{name}: gradient {i} is {actual[i]:R}, BackwardBatch gives {expected[i]:R}");
                }
            }
        }

        [Theory]
        [InlineData("Game")]
        [InlineData("Mlp")]
        [InlineData("Image")]
        [InlineData("Dropouts")]
        [InlineData("Norms")]
        [InlineData("BatchNorms")]
        [InlineData("ChannelNorms")]
        [InlineData("PoolMax2D")]
        [InlineData("PoolAvg1D")]
        [InlineData("PoolMax3D")]
        [InlineData("PoolNormMax")]
        [InlineData("PoolCeil")]
        [InlineData("PoolGlobalAvg")]
        [InlineData("PoolWiden")]
        public void BackpropagateInputGradientMatchesFiniteDifferences(string name)
        {
            // L = sum_s sum_j c_sj y_sj, so dL/dy = c; dL/dx is checked against central differences of the double reference's
            // training forward pass of the whole batch (with batch normalisation, one input moves every sample's output).
            INetwork network = NetworkCases.Create(name);
            const int batch = 3;
            float[] inputs = NetworkCases.Inputs(network, batch, seed: 12);
            float[] c = NetworkCases.Normal(batch * network.OutputSize, seed: 13);
            var inputGradients = new float[batch * network.InputSize];
            network.ZeroGradients();
            TrainingContext context = network.TrainingContext;
            network.BackpropagateBatch(inputs, c, inputGradients, batch);

            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            var random = new Random(3);
            for (int check = 0; check < 24; check++)
            {
                int s = random.Next(batch);
                int i = random.Next(network.InputSize);
                double[][] x = Enumerable.Range(0, batch).Select(t => inputs.AsSpan(t * network.InputSize, network.InputSize).ToArray().Select(v => (double)v).ToArray()).ToArray();
                double Objective(float value)
                {
                    x[s][i] = value;
                    double[][] y = reference.ForwardBatch(parameters, x, out _, context);
                    return y.SelectMany((row, t) => row.Select((v, j) => v * c[(t * network.OutputSize) + j])).Sum();
                }

                float saved = (float)x[s][i];
                const float h = 1e-2f;
                double numeric = (Objective(saved + h) - Objective(saved - h)) / (2 * h);
                double actual = inputGradients[(s * network.InputSize) + i];
                Assert.True(Math.Abs(numeric - actual) <= 2e-4 + (5e-3 * Math.Abs(numeric)), $"{name}: dL/dx[{s}, {i}] is {actual:R}, finite difference {numeric:R}");
            }
        }

        [Fact]
        public void BackpropagateRefusesWrongLengths()
        {
            var network = new Game();
            var error = Assert.Throws<ArgumentException>(() => network.BackpropagateBatch(new float[32], new float[8], new float[31], 2));
            Assert.Equal("inputGradients", error.ParamName);
            error = Assert.Throws<ArgumentException>(() => network.BackpropagateBatch(new float[32], new float[7], Span<float>.Empty, 2));
            Assert.Equal("outputGradients", error.ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(() => network.BackpropagateBatch(new float[32], new float[8], Span<float>.Empty, 0));
        }

        /// <summary>dL/dy of the per-sample losses, each scaled by 1 / batch (the gradient of the batch's mean loss).</summary>
        private static float[] LossGradient(Loss loss, float[] outputs, float[] targets, int n, int batch)
        {
            var gradient = new float[outputs.Length];
            for (int k = 0; k < outputs.Length; k++)
            {
                double y = outputs[k];
                double t = targets[k];
                gradient[k] = (float)(loss switch
                {
                    Loss.CrossEntropy => -t / y,
                    Loss.BinaryCrossEntropy => ((y - t) / (y * (1 - y))) / n,
                    _ => 2 * (y - t) / n,
                } / batch);
            }

            return gradient;
        }

        private static void AssertLoss(ReferenceNetwork reference, INetwork network, float[] inputs, float[] targets, int batch, float loss, string what, TrainingContext? training = null)
        {
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            double expected = reference.MeanLoss(parameters, inputs, targets, null, batch, training ?? network.TrainingContext);
            Assert.True(Math.Abs(expected - loss) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: loss {loss:R}, the reference at the current parameters gives {expected:R}");
        }

        /// <summary>Forward, ForwardBatch and the training loss agree with the reference at the current parameters.</summary>
        private static void AssertComputesWithCurrentParameters(INetwork network, string what)
        {
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            const int batch = 3;
            float[] inputs = NetworkCases.Inputs(network, batch, seed: 21);
            var outputs = new float[batch * network.OutputSize];
            network.ForwardBatch(inputs, outputs, batch);
            for (int s = 0; s < batch; s++)
            {
                ReadOnlySpan<float> x = inputs.AsSpan(s * network.InputSize, network.InputSize);
                double[] expected = reference.Forward(parameters, x, out _);
                var single = new float[network.OutputSize];
                network.Forward(x, single);
                NetworkChecks.AssertClose(expected, single, $"{what}: Forward, sample {s}");
                NetworkChecks.AssertClose(expected, outputs.AsSpan(s * network.OutputSize, network.OutputSize), $"{what}: ForwardBatch, sample {s}");
            }

            float[] targets = NetworkCases.Targets(network, batch, seed: 22);
            network.ZeroGradients();
            TrainingContext context = network.TrainingContext;
            float loss = network.BackwardBatch(inputs, targets, batch);
            AssertLoss(reference, network, inputs, targets, batch, loss, $"{what}: BackwardBatch", context);
        }

        private sealed class Callback : IProgress<TrainingProgress>
        {
            private readonly Action<TrainingProgress> _action;

            public Callback(Action<TrainingProgress> action) => _action = action;

            public void Report(TrainingProgress value) => _action(value);
        }
    }
}
