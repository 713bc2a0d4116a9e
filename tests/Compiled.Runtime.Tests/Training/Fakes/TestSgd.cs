using System;
using System.Collections.Generic;
using Compiled.Optimizers;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>
    /// Plain SGD, <c>p -= lr * g</c>. Optionally records each step's learning rate (in a list) or the thread's allocated
    /// bytes after each step (in a preallocated array, so recording allocates nothing).
    /// </summary>
    internal sealed class TestSgd : Optimizer
    {
        public TestSgd(float learningRate)
            : base(learningRate)
        {
        }

        public List<float>? LearningRates { get; init; }

        public long[]? AllocatedBytesAfterStep { get; init; }

        protected override void AllocateState(int parameterCount)
        {
        }

        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            float learningRate = LearningRate;
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= learningRate * gradients[i];
            }

            LearningRates?.Add(learningRate);
            if (AllocatedBytesAfterStep is long[] bytes && step <= bytes.Length)
            {
                bytes[step - 1] = GC.GetAllocatedBytesForCurrentThread();
            }
        }
    }
}
