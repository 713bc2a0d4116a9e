using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.Checks;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>
    /// Generated backward passes against central finite differences of the double-precision reference loss: every
    /// activation, every loss, labels and targets, single samples and batches across tile and chunk boundaries.
    /// </summary>
    public class GradientTests
    {
        public static TheoryData<string> Names => new(NetworkCases.Names);

        [Theory]
        [MemberData(nameof(Names))]
        public void BatchGradientWithTargetsMatchesFiniteDifferences(string name)
        {
            // Batches of one only where a single sample can train (not batch normalisation of one value per channel, where
            // batches of two are ill-conditioned in float: both samples normalise to +-1 whatever the input, so the input
            // gradient is a near-total cancellation of order eps / variance, and 3 is the smallest well-posed check).
            foreach (int batch in NetworkCases.TrainsSingleSamples(name) ? new[] { 1, 5, 70 } : new[] { 3, 5, 70 })
            {
                INetwork network = NetworkCases.Create(name, seed: 3);
                float[] inputs = NetworkCases.Inputs(network, batch, 11);
                float[] targets = NetworkCases.Targets(network, batch, 12);
                network.ZeroGradients();
                TrainingContext context = network.TrainingContext;
                float loss = network.BackwardBatch(inputs, targets, batch);
                NetworkChecks.CheckAgainstReference(network, inputs, targets, null, batch, loss, batch > 10 ? 60 : 400, $"{name} batch {batch}", context);
            }
        }

        [Theory]
        [InlineData("Mlp")]
        [InlineData("OddClassifier")]
        [InlineData("Image")]
        [InlineData("Digits")]
        [InlineData("BatchNorms")]
        public void BatchGradientWithLabelsMatchesFiniteDifferences(string name)
        {
            foreach (int batch in NetworkCases.TrainsSingleSamples(name) ? new[] { 1, 6, 67 } : new[] { 3, 6, 67 })
            {
                INetwork network = NetworkCases.Create(name, seed: 4);
                float[] inputs = NetworkCases.Inputs(network, batch, 21);
                int[] labels = NetworkCases.Labels(network, batch, 22);
                network.ZeroGradients();
                TrainingContext context = network.TrainingContext;
                float loss = network.BackwardBatch(inputs, labels, batch);
                NetworkChecks.CheckAgainstReference(network, inputs, null, labels, batch, loss, batch > 10 ? 60 : 400, $"{name} batch {batch}", context);
            }
        }

        /// <summary>
        /// The networks whose training treats samples independently: not those with batch normalisation, whose samples are
        /// normalised with their batch's statistics, so a batch's gradient is not the mean of single samples' gradients.
        /// </summary>
        public static TheoryData<string> IndependentSampleNames => new(NetworkCases.IndependentSampleNames);

        [Theory]
        [MemberData(nameof(IndependentSampleNames))]
        public void SingleSampleBackwardAccumulatesLikeTheBatch(string name)
        {
            // Backward adds into Gradients: the sum of per-sample gradients over 9 samples, divided by 9, is the batch gradient
            // (stochastic layers: sample s of the batch draws what a single call with the context shifted to s draws).
            const int batch = 9;
            INetwork single = NetworkCases.Create(name, seed: 5);
            INetwork batched = NetworkCases.Create(name, seed: 5);
            float[] inputs = NetworkCases.Inputs(single, batch, 31);
            float[] targets = NetworkCases.Targets(single, batch, 32);
            single.ZeroGradients();
            double total = 0;
            for (int s = 0; s < batch; s++)
            {
                single.TrainingContext = new TrainingContext(2, 9, s);
                total += single.Backward(inputs.AsSpan(s * single.InputSize, single.InputSize), targets.AsSpan(s * single.OutputSize, single.OutputSize));
            }

            batched.ZeroGradients();
            batched.TrainingContext = new TrainingContext(2, 9, 0);
            float mean = batched.BackwardBatch(inputs, targets, batch);
            Assert.Equal(total / batch, mean, 1e-5 * Math.Max(1, Math.Abs(mean)));
            float[] a = single.Gradients.ToArray();
            float[] b = batched.Gradients.ToArray();
            double scale = b.Max(Math.Abs);
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs((a[i] / batch) - b[i]) <= (1e-5 * scale) + 1e-7, $"{name} parameter {i}: {a[i] / batch} vs {b[i]}");
            }
        }

        [Fact]
        public void BackwardAddsIntoGradientsAndZeroGradientsClears()
        {
            INetwork network = NetworkCases.Create("OddClassifier");
            float[] input = NetworkCases.Inputs(network, 1, 1);
            network.ZeroGradients();
            network.Backward(input, 2);
            float[] once = network.Gradients.ToArray();
            network.Backward(input, 2);
            float[] twice = network.Gradients.ToArray();
            Assert.Contains(once, g => g != 0);
            for (int i = 0; i < once.Length; i++)
            {
                Assert.Equal(2 * once[i], twice[i], 1e-6f * Math.Max(1, Math.Abs(twice[i])));
            }

            network.ZeroGradients();
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
        }
    }
}
