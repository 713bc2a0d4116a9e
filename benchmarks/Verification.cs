using System;
using System.Collections.Generic;
using System.Globalization;
using Compiled.Optimizers;

namespace Compiled.Benchmarks
{
    /// <summary>
    /// Correctness guards: for the same parameters and data, the naive, dynamic and generated implementations must agree
    /// within 1e-4 (relative to magnitudes above 1) on the forward pass at batch 1 and 64, on the batch loss and every
    /// gradient, and on the parameters after one Adam step from the same gradients. So no row is fast because it computes
    /// something else.
    /// </summary>
    public static class Verification
    {
        public const double Tolerance = 1e-4;

        /// <summary>One comparison: the largest scaled difference found.</summary>
        public readonly record struct Check(NetworkName Network, string What, string Implementation, double MaxError, int WorstIndex)
        {
            public bool Passed => MaxError <= Tolerance;

            public override string ToString() =>
                string.Create(CultureInfo.InvariantCulture, $"{Network,-5} {What,-22} {Implementation,-8} max error {MaxError:0.00e+00} {(Passed ? "ok" : $"FAILED (worst at index {WorstIndex})")}");
        }

        /// <summary>Runs every check on a fresh workload (the checks train it one step); throws if any fails.</summary>
        public static IReadOnlyList<Check> Verify(NetworkName name)
        {
            Workload w = Workload.Create(name, seed: 7);
            var checks = new List<Check>();
            INetwork g = w.Generated;
            int batch = Workload.BatchSize;

            // Forward, one sample.
            g.Forward(w.Input, w.GeneratedOutput);
            w.Naive.Forward(w.Input, w.NaiveOutput);
            w.Dynamic.Forward(w.Input, w.DynamicOutput);
            checks.Add(Compare(name, "Forward", "Naive", w.NaiveOutput, w.GeneratedOutput));
            checks.Add(Compare(name, "Forward", "Dynamic", w.DynamicOutput, w.GeneratedOutput));

            // Forward, a batch; and the batch must agree with the one-sample path of the generated network.
            g.ForwardBatch(w.Inputs, w.GeneratedOutputs, batch);
            w.Naive.ForwardBatch(w.Inputs, w.NaiveOutputs, batch);
            w.Dynamic.ForwardBatch(w.Inputs, w.DynamicOutputs, batch);
            checks.Add(Compare(name, "ForwardBatch64", "Naive", w.NaiveOutputs, w.GeneratedOutputs));
            checks.Add(Compare(name, "ForwardBatch64", "Dynamic", w.DynamicOutputs, w.GeneratedOutputs));
            var single = new float[w.Spec.OutputSize];
            var singles = new float[batch * w.Spec.OutputSize];
            for (int s = 0; s < batch; s++)
            {
                g.Forward(w.Inputs.AsSpan(s * w.Spec.InputSize, w.Spec.InputSize), single);
                single.CopyTo(singles, s * w.Spec.OutputSize);
            }

            checks.Add(Compare(name, "Forward vs batch", "Generated", singles, w.GeneratedOutputs));

            // Loss and gradients of one batch.
            g.ZeroGradients();
            w.Naive.ZeroGradients();
            w.Dynamic.ZeroGradients();
            float generatedLoss, naiveLoss, dynamicLoss;
            if (w.UsesLabels)
            {
                generatedLoss = g.BackwardBatch(w.Inputs, w.Labels, batch);
                naiveLoss = w.Naive.BackwardBatch(w.Inputs, w.Labels, batch);
                dynamicLoss = w.Dynamic.BackwardBatch(w.Inputs, w.Labels, batch);
            }
            else
            {
                generatedLoss = g.BackwardBatch(w.Inputs, w.Targets, batch);
                naiveLoss = w.Naive.BackwardBatch(w.Inputs, w.Targets, batch);
                dynamicLoss = w.Dynamic.BackwardBatch(w.Inputs, w.Targets, batch);
            }

            checks.Add(Compare(name, "Loss", "Naive", new[] { naiveLoss }, new[] { generatedLoss }));
            checks.Add(Compare(name, "Loss", "Dynamic", new[] { dynamicLoss }, new[] { generatedLoss }));
            float[] generatedGradients = g.Gradients.ToArray();
            var gradients = new float[generatedGradients.Length];
            w.Naive.StoreGradients(gradients);
            checks.Add(Compare(name, "Gradients", "Naive", gradients, generatedGradients));
            w.Dynamic.StoreGradients(gradients);
            checks.Add(Compare(name, "Gradients", "Dynamic", gradients, generatedGradients));

            // One Adam step from the same gradients (the generated network's), so that the optimizers are compared alone.
            w.Naive.LoadGradients(generatedGradients);
            w.Dynamic.LoadGradients(generatedGradients);
            var adam = new Adam(Workload.LearningRate);
            adam.Step(g);
            w.Naive.AdamStep(Workload.LearningRate);
            w.Dynamic.AdamStep(Workload.LearningRate);
            float[] generatedParameters = g.Parameters.ToArray();
            var parameters = new float[generatedParameters.Length];
            w.Naive.StoreParameters(parameters);
            checks.Add(Compare(name, "Adam step parameters", "Naive", parameters, generatedParameters));
            w.Dynamic.StoreParameters(parameters);
            checks.Add(Compare(name, "Adam step parameters", "Dynamic", parameters, generatedParameters));
            return checks;
        }

        /// <summary>Verifies one network and throws with every failed check if any.</summary>
        public static void VerifyOrThrow(NetworkName name)
        {
            var failures = new List<string>();
            foreach (Check check in Verify(name))
            {
                if (!check.Passed)
                {
                    failures.Add(check.ToString());
                }
            }

            if (failures.Count > 0)
            {
                throw new InvalidOperationException($"Correctness guard failed for {name}: the implementations disagree, so their timings are not comparable:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
            }
        }

        private static Check Compare(NetworkName name, string what, string implementation, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
        {
            if (actual.Length != expected.Length)
            {
                return new Check(name, what, implementation, double.PositiveInfinity, -1);
            }

            double worst = 0;
            int worstIndex = -1;
            for (int i = 0; i < actual.Length; i++)
            {
                double error = Math.Abs((double)actual[i] - expected[i]) / Math.Max(1d, Math.Abs((double)expected[i]));
                if (double.IsNaN(error) || error > worst)
                {
                    worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                    worstIndex = i;
                }
            }

            // Agreement on all-zero data would prove nothing.
            if (!expected.ContainsAnyExcept(0f))
            {
                return new Check(name, what + " (all zero)", implementation, double.PositiveInfinity, -1);
            }

            return new Check(name, what, implementation, worst, worstIndex);
        }
    }
}
