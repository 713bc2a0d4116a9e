using System;
using System.Linq;
using Compiled.Tests.Networks;
using Xunit;

namespace Compiled.Tests.Checks
{
    /// <summary>
    /// Split training's phases (<see cref="ISplitTraining"/>) against <c>BackwardBatch</c>: the same loss and the same
    /// gradient bits. Shared by the xunit tests and the console program that repeats the checks on the narrower SIMD paths.
    /// </summary>
    public static class SplitChecks
    {
        /// <summary>Checks the network if it implements <see cref="ISplitTraining"/>; returns false if it does not.</summary>
        public static bool PhasesMatchBackwardBatch(string name)
        {
            INetwork single = NetworkCases.Create(name, seed: 3);
            INetwork split = NetworkCases.Create(name, seed: 3);
            if (split is not ISplitTraining parts)
            {
                return false;
            }

            int chunk = parts.SplitChunk;
            int batch = chunk + 7; // two chunks, the second partial
            float[] inputs = NetworkCases.Inputs(single, batch, seed: 5);
            float[] targets = NetworkCases.Targets(single, batch, seed: 5);
            int[] labels = Enumerable.Range(0, batch).Select(i => (i * 7) % single.OutputSize).ToArray();
            bool useLabels = single.Loss == Loss.CrossEntropy;

            single.ZeroGradients();
            float expected = useLabels ? single.BackwardBatch(inputs, labels, batch) : single.BackwardBatch(inputs, targets, batch);

            split.ZeroGradients();
            parts.SplitPrepare();
            parts.SplitPack(1);
            parts.SplitPack(0);
            double total = 0;
            for (int start = 0; start < batch; start += chunk)
            {
                int count = Math.Min(chunk, batch - start);
                ReadOnlySpan<float> x = inputs.AsSpan(start * split.InputSize, count * split.InputSize);
                parts.SplitForward(1, x, count);
                parts.SplitForward(0, x, count);
                split.TrainingContext = new TrainingContext(0, 0, start); // as SplitTraining does: the chunk's first sample
                total += useLabels
                    ? parts.SplitRest((ReadOnlySpan<int>)labels.AsSpan(start, count), count, 1f / batch, Span<float>.Empty)
                    : parts.SplitRest((ReadOnlySpan<float>)targets.AsSpan(start * split.OutputSize, count * split.OutputSize), count, 1f / batch, Span<float>.Empty);
                parts.SplitBackward(0, x, count);
                parts.SplitBackward(1, x, count);
            }

            Assert.Equal(expected, (float)(total / batch));
            Assert.Equal(single.Gradients.ToArray(), split.Gradients.ToArray());
            return true;
        }
    }
}
