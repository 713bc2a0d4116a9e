using System;
using System.Linq;
using Compiled.Data;
using Compiled.Kernels;
using Compiled.Optimizers;
using Compiled.Tests.Networks;
using Compiled.Training;

namespace Compiled.Tests
{
    /// <summary>
    /// <c>[Dropout(p)]</c>: the identity at inference, inverted dropout in training with masks that are a function of the
    /// training context (seed, step, sample) and so reproducible and independent of threads and chunking. The gradients of
    /// the networks with dropout are checked against finite differences by the shared checks (GradientTests, on every SIMD
    /// path through Compiled.Tests.Paths).
    /// </summary>
    public class DropoutTests
    {
        [Fact]
        public void InferenceIsTheIdentityAndIgnoresTheTrainingContext()
        {
            INetwork network = NetworkCases.Create("Dropouts");
            float[] inputs = NetworkCases.Inputs(network, 5, seed: 1);
            var before = new float[5 * network.OutputSize];
            network.ForwardBatch(inputs, before, 5);

            network.TrainingContext = new TrainingContext(99, 12345, 7);
            network.ZeroGradients();
            network.BackwardBatch(inputs, NetworkCases.Labels(network, 5, seed: 2), 5);
            var after = new float[5 * network.OutputSize];
            network.ForwardBatch(inputs, after, 5);
            Assert.Equal(before, after);

            // The same network without the dropout layers computes the same bits: dropout costs nothing at inference.
            Assert.Equal("Input(30) -> Dropout(0.2) -> Dense(40, ReLU) -> Dropout(0.5) -> Dense(21, Tanh) -> Dropout(0.3) -> Dense(5, Softmax)", network.Architecture);
            var plain = new DropoutsWithout();
            plain.SetParameters(network.Parameters);
            var expected = new float[5 * network.OutputSize];
            plain.ForwardBatch(inputs, expected, 5);
            Assert.Equal(expected, after);
        }

        [Theory]
        [InlineData(0.1f)]
        [InlineData(0.5f)]
        [InlineData(0.9f)]
        public void KeptFractionAndMeanAreThoseOfInvertedDropout(float p)
        {
            // 64 samples x 1,000 elements of ones: the kept fraction is 1 - p within 5 standard errors, kept elements are
            // exactly 1 / (1 - p) (in single precision, as PyTorch), so the mean is 1 within sampling error.
            const int width = 1000, count = 64, n = width * count;
            float[] ones = Enumerable.Repeat(1f, n).ToArray();
            var output = new float[n];
            DropoutKernels.Forward(ref ones[0], ref output[0], width, count, p, new TrainingContext(1, 2, 0), 0, 3);
            float scale = 1f / (1f - p);
            Assert.All(output, v => Assert.True(v == 0f || v == scale, $"{v} is neither 0 nor {scale}"));
            double kept = output.Count(v => v != 0) / (double)n;
            double error = Math.Sqrt(p * (1 - p) / n);
            Assert.True(Math.Abs(kept - (1 - p)) <= 5 * error, $"kept {kept}, expected {1 - p} +- {5 * error}");
            Assert.True(Math.Abs(output.Average() - 1) <= 5 * error * scale, $"mean {output.Average()}");
        }

        [Fact]
        public void ZeroKeepsEverythingAndOneDropsEverything()
        {
            float[] x = NetworkCases.Normal(333, seed: 4);
            var y = new float[333];
            DropoutKernels.Forward(ref x[0], ref y[0], 111, 3, 0f, default, 0, 0);
            Assert.Equal(x, y);
            DropoutKernels.Forward(ref x[0], ref y[0], 111, 3, 1f, default, 0, 0);
            Assert.All(y, v => Assert.Equal(0f, v));
        }

        [Fact]
        public void MasksAreTheDefinitionOnEveryWidthAndInPlace()
        {
            // Every width from 1 to 70 (vector bodies and scalar tails) against Keeps, element by element; the backward
            // kernel applies the same mask, and both work in place.
            var context = new TrainingContext(-5, 3, 11);
            for (int width = 1; width <= 70; width++)
            {
                const int count = 3;
                float[] x = NetworkCases.Normal(width * count, seed: width);
                var y = new float[x.Length];
                DropoutKernels.Forward(ref x[0], ref y[0], width, count, 0.4f, context, 2, 6);
                float[] inPlace = (float[])x.Clone();
                DropoutKernels.Backward(ref inPlace[0], ref inPlace[0], width, count, 0.4f, context, 2, 6);
                Assert.Equal(y, inPlace);
                for (int s = 0; s < count; s++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        float expected = DropoutKernels.Keeps(context, 6, 2 + s, j, 0.4f) ? x[(s * width) + j] * (1f / 0.6f) : 0f;
                        Assert.Equal(expected, y[(s * width) + j]);
                    }
                }
            }
        }

        [Fact]
        public void MasksDependOnSeedStepLayerSampleAndElement()
        {
            // Pairs of masks that differ in one coordinate agree on about 1 - 2p(1 - p) of their elements (independent
            // draws), never on all of them.
            const int width = 4096;
            const float p = 0.5f;
            bool[] Mask(TrainingContext context, int layer, int sample) =>
                Enumerable.Range(0, width).Select(j => DropoutKernels.Keeps(context, layer, sample, j, p)).ToArray();
            double Agreement(bool[] a, bool[] b) => a.Zip(b).Count(pair => pair.First == pair.Second) / (double)width;

            bool[] basis = Mask(new TrainingContext(1, 1, 0), 1, 0);
            Assert.Equal(basis, Mask(new TrainingContext(1, 1, 0), 1, 0));
            Assert.Equal(basis, Mask(new TrainingContext(1, 1, 1), 1, -1));
            foreach (bool[] other in new[]
            {
                Mask(new TrainingContext(2, 1, 0), 1, 0),
                Mask(new TrainingContext(1, 2, 0), 1, 0),
                Mask(new TrainingContext(1, 1, 0), 2, 0),
                Mask(new TrainingContext(1, 1, 0), 1, 1),
            })
            {
                Assert.InRange(Agreement(basis, other), 0.5 - 0.04, 0.5 + 0.04);
            }

            // Neighbouring elements are not correlated.
            int same = 0;
            for (int j = 1; j < width; j++)
            {
                same += basis[j] == basis[j - 1] ? 1 : 0;
            }

            Assert.InRange(same / (double)(width - 1), 0.5 - 0.04, 0.5 + 0.04);
        }

        [Theory]
        [InlineData(0.2f)]
        [InlineData(0.5f)]
        [InlineData(0.9f)]
        public void ChannelDropoutZeroesOrScalesWholeChannels(float p)
        {
            // nn.Dropout2d: one draw per (sample, channel), which is Keeps of element c; kept channels exactly x / (1 - p).
            const int channels = 40, positions = 9, count = 50;
            float[] x = NetworkCases.Normal(channels * positions * count, seed: 6);
            var y = new float[x.Length];
            var context = new TrainingContext(17, 3, 100);
            DropoutKernels.ForwardChannels(ref x[0], ref y[0], channels, positions, count, p, context, 5, 2);
            int kept = 0;
            float scale = 1f / (1f - p);
            for (int s = 0; s < count; s++)
            {
                for (int c = 0; c < channels; c++)
                {
                    bool keeps = DropoutKernels.Keeps(context, 2, 5 + s, c, p);
                    kept += keeps ? 1 : 0;
                    for (int j = 0; j < positions; j++)
                    {
                        int i = (((s * channels) + c) * positions) + j;
                        Assert.Equal(keeps ? x[i] * scale : 0f, y[i]);
                    }
                }
            }

            double n = channels * count;
            double standardError = Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(kept / n, 1 - p - (5 * standardError), 1 - p + (5 * standardError));

            // Backward applies the same masks, also in place.
            var g = (float[])x.Clone();
            DropoutKernels.BackwardChannels(ref g[0], ref g[0], channels, positions, count, p, context, 5, 2);
            Assert.Equal(y, g);
        }

        [Fact]
        public void EachTrainingCallAdvancesTheStepSoMasksAreFresh()
        {
            INetwork network = NetworkCases.Create("Dropouts");
            float[] inputs = NetworkCases.Inputs(network, 4, seed: 1);
            int[] labels = NetworkCases.Labels(network, 4, seed: 2);
            network.TrainingContext = new TrainingContext(3, 10, 0);
            network.ZeroGradients();
            float first = network.BackwardBatch(inputs, labels, 4);
            Assert.Equal(new TrainingContext(3, 11, 0), network.TrainingContext);
            network.ZeroGradients();
            float second = network.BackwardBatch(inputs, labels, 4);
            Assert.NotEqual(first, second);

            network.TrainingContext = new TrainingContext(3, 10, 0);
            network.ZeroGradients();
            Assert.Equal(first, network.BackwardBatch(inputs, labels, 4));
        }

        [Fact]
        public void NetworksWithoutStochasticLayersKeepTheirContext()
        {
            INetwork network = NetworkCases.Create("Mlp");
            network.TrainingContext = new TrainingContext(3, 10, 0);
            network.ZeroGradients();
            network.BackwardBatch(NetworkCases.Inputs(network, 2, seed: 1), NetworkCases.Labels(network, 2, seed: 2), 2);
            Assert.Equal(new TrainingContext(3, 10, 0), network.TrainingContext);
        }

        [Theory]
        [InlineData("Dropouts", false)]
        [InlineData("SplitDropout", true)]
        [InlineData("ConvDropout", false)]
        [InlineData("GruDropouts", false)]
        [InlineData("LstmDropouts", false)]
        public void TrainingOnTwoThreadsDrawsTheMasksOfOneThreadAndIsReproducible(string name, bool split)
        {
            // SplitDropout trains with its first layer split between two threads, which computes exactly what one thread
            // computes: bit for bit. Dropouts trains data-parallel, whose gradient sums run in another order (float
            // rounding, as without dropout): within 1e-4 after 3 epochs, where different masks (another seed) move
            // parameters by more than 1e-2. Either way a seed reproduces its run exactly.
            INetwork probe = NetworkCases.Create(name);
            Assert.Equal(split, probe is ISplitTraining);
            const int samples = 150;
            float[] features = NetworkCases.Inputs(probe, samples, seed: 11);
            Dataset data = probe.Loss == Loss.CrossEntropy
                ? Dataset.FromLabels(features, probe.InputSize, Enumerable.Range(0, samples).Select(i => (i * 5 + (i / 3)) % probe.OutputSize).ToArray())
                : Dataset.FromTargets(features, probe.InputSize, NetworkCases.Targets(probe, samples, seed: 11), probe.OutputSize);

            (float[] Parameters, double[] Losses) Train(int threads, int seed)
            {
                INetwork network = NetworkCases.Create(name, seed: 2);
                var trainer = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 70, Seed = seed, Threads = threads });
                TrainingHistory history = trainer.Fit(network, new Adam(0.01f), data);
                return (network.Parameters.ToArray(), history.Epochs.Select(e => e.TrainLoss).ToArray());
            }

            (float[] one, double[] oneLosses) = Train(1, 4);
            (float[] two, double[] twoLosses) = Train(2, 4);
            (float[] again, double[] againLosses) = Train(1, 4);
            (float[] otherSeed, _) = Train(1, 5);
            Assert.Equal(one, again);
            Assert.Equal(oneLosses, againLosses);
            if (split)
            {
                Assert.Equal(oneLosses, twoLosses);
                Assert.Equal(one, two);
            }
            else
            {
                Assert.All(one.Zip(two), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-4f, $"{pair.Second} vs {pair.First}"));
            }

            Assert.True(one.Zip(otherSeed).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-2f);
        }
    }

    /// <summary><see cref="Dropouts"/> without its dropout layers: the same parameters and tensor sizes.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(30)]
    [Dense(40, Activation.ReLU)]
    [Dense(21, Activation.Tanh)]
    [Dense(5, Activation.Softmax)]
    public partial class DropoutsWithout { }
}
