using System;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>Outputs its input unchanged, so a test chooses the outputs Evaluate sees by choosing the features.</summary>
    internal sealed class IdentityNetwork : FakeNetwork
    {
        public IdentityNetwork(int size, Loss loss)
            : base(size, size, 1, loss)
        {
        }

        public int ForwardBatchCalls { get; private set; }

        public override void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            CheckBatch(inputs, outputs.Length, OutputSize, batchSize);
            ForwardBatchCalls++;
            inputs.CopyTo(outputs);
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => throw new NotSupportedException();

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize) => throw new NotSupportedException();
    }
}
