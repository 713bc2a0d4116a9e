using System;
using System.Collections.Generic;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>
    /// Records every BackwardBatch call: which overload, the batch size, the inputs' first feature (the tests store each
    /// sample's index there), and the labels or targets. Its gradients are zero and its loss is 0.5.
    /// </summary>
    internal sealed class RecordingNetwork : FakeNetwork
    {
        public RecordingNetwork(int inputSize, int outputSize, Loss loss)
            : base(inputSize, outputSize, 1, loss)
        {
        }

        public List<RecordedBatch> Batches { get; } = new();

        public override void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            CheckBatch(inputs, outputs.Length, OutputSize, batchSize);
            outputs.Fill(1f / OutputSize);
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
        {
            CheckBatch(inputs, targets.Length, OutputSize, batchSize);
            Batches.Add(new RecordedBatch(batchSize, SampleIds(inputs, batchSize), null, targets.ToArray()));
            BackwardCalls++;
            return 0.5f;
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize)
        {
            CheckBatch(inputs, labels.Length, 1, batchSize);
            if (Loss != Loss.CrossEntropy)
            {
                throw new NotSupportedException("Labels need a cross-entropy network.");
            }

            Batches.Add(new RecordedBatch(batchSize, SampleIds(inputs, batchSize), labels.ToArray(), null));
            BackwardCalls++;
            return 0.5f;
        }

        private int[] SampleIds(ReadOnlySpan<float> inputs, int batchSize)
        {
            var ids = new int[batchSize];
            for (int s = 0; s < batchSize; s++)
            {
                ids[s] = (int)inputs[s * InputSize];
                for (int f = 1; f < InputSize; f++)
                {
                    // The other features are id * 10 + f, so a wrongly copied row is caught.
                    if (inputs[(s * InputSize) + f] != (ids[s] * 10) + f)
                    {
                        throw new InvalidOperationException($"Sample {ids[s]} was copied wrongly.");
                    }
                }
            }

            return ids;
        }
    }

    internal sealed record RecordedBatch(int Size, int[] SampleIds, int[]? Labels, float[]? Targets);
}
