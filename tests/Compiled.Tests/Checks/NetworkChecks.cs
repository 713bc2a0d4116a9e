using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.Networks;
using Compiled.Tests.Reference;
using Xunit;

namespace Compiled.Tests.Checks
{
    /// <summary>
    /// The end-to-end checks of a generated network against the double-precision reference, shared by the xunit tests and
    /// by the console program that repeats them on the narrower SIMD paths.
    /// </summary>
    public static class NetworkChecks
    {
        public static void ForwardMatchesReference(string name, int samples = 20)
        {
            INetwork network = NetworkCases.Create(name);
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            var output = new float[network.OutputSize];
            for (int seed = 0; seed < samples; seed++)
            {
                float[] input = NetworkCases.Inputs(network, 1, seed);
                network.Forward(input, output);
                double[] expected = reference.Forward(parameters, input, out _);
                AssertClose(expected, output, $"{name} seed {seed}");
            }
        }

        public static void ForwardBatchMatchesReference(string name, IEnumerable<int> batches)
        {
            INetwork network = NetworkCases.Create(name);
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            foreach (int batch in batches)
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

        /// <summary>BackwardBatch with targets (and with labels for cross-entropy) against central finite differences.</summary>
        public static void GradientsMatchFiniteDifferences(string name, int batch, int maxParameters)
        {
            INetwork network = NetworkCases.Create(name, seed: 3);
            float[] inputs = NetworkCases.Inputs(network, batch, 11);
            float[] targets = NetworkCases.Targets(network, batch, 12);
            network.TrainingContext = new TrainingContext(5, 7, 3);
            network.ZeroGradients();
            TrainingContext context = network.TrainingContext;
            float loss = network.BackwardBatch(inputs, targets, batch);
            CheckAgainstReference(network, inputs, targets, null, batch, loss, maxParameters, $"{name} batch {batch} targets", context);
            if (network.Loss == Loss.CrossEntropy)
            {
                int[] labels = NetworkCases.Labels(network, batch, 22);
                network.ZeroGradients();
                context = network.TrainingContext;
                loss = network.BackwardBatch(inputs, labels, batch);
                CheckAgainstReference(network, inputs, null, labels, batch, loss, maxParameters, $"{name} batch {batch} labels", context);
            }
        }

        /// <summary>
        /// The loss and the gradients of a training call against the reference's mean loss and its central finite
        /// differences; <paramref name="training"/> is the network's <see cref="INetwork.TrainingContext"/> when the call
        /// was made (stochastic layers draw from it).
        /// </summary>
        public static void CheckAgainstReference(INetwork network, float[] inputs, float[]? targets, int[]? labels, int batch, float loss, int maxParameters, string what, TrainingContext? training = null)
        {
            var reference = new ReferenceNetwork(network);
            double[] parameters = Array.ConvertAll(network.Parameters.ToArray(), v => (double)v);
            float[] gradients = network.Gradients.ToArray();

            // The whole batch's training forward pass (batch normalisation's statistics are the batch's).
            TrainingContext context = training ?? network.TrainingContext;
            double MeanLoss() => reference.MeanLoss(parameters, inputs, targets, labels, batch, context);

            double expectedLoss = MeanLoss();
            Assert.True(Math.Abs(expectedLoss - loss) <= 1e-5 * Math.Max(1, Math.Abs(expectedLoss)), $"{what}: loss {loss:R}, expected {expectedLoss:R}");
            foreach (int i in Indices(network, maxParameters))
            {
                double saved = parameters[i];
                double h = 1e-5 * Math.Max(1, Math.Abs(saved));
                parameters[i] = saved + h;
                double plus = MeanLoss();
                parameters[i] = saved - h;
                double minus = MeanLoss();
                parameters[i] = saved;
                double numeric = reference.IsTrained(i) ? (plus - minus) / (2 * h) : 0;
                double tolerance = 1e-6 + (2e-3 * Math.Abs(numeric));
                if (!(Math.Abs(numeric - gradients[i]) <= tolerance))
                {
                    Assert.Fail($"{what}: gradient of parameter {i} ({TensorOf(network, i)}) is {gradients[i]:R}, finite difference {numeric:R}");
                }
            }
        }

        public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what)
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

        /// <summary>All parameters for small networks; otherwise every tensor's first and last elements plus a seeded sample.</summary>
        private static IEnumerable<int> Indices(INetwork network, int budget)
        {
            if (network.ParameterCount <= budget)
            {
                return Enumerable.Range(0, network.ParameterCount);
            }

            var random = new Random(network.ParameterCount);
            var set = new SortedSet<int>();
            foreach (ParameterTensor tensor in network.ParameterTensors)
            {
                set.Add(tensor.Offset);
                set.Add(tensor.Offset + tensor.Length - 1);
            }

            while (set.Count < budget)
            {
                set.Add(random.Next(network.ParameterCount));
            }

            return set;
        }

        private static string TensorOf(INetwork network, int index)
        {
            ParameterTensor tensor = network.ParameterTensors.Last(t => t.Offset <= index);
            return $"{tensor.Name}[{index - tensor.Offset}]";
        }
    }
}
