using System;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>After warm-up, no generated method allocates: thousands of calls leave the thread's allocation counter unchanged.</summary>
    public class AllocationTests
    {
        public static TheoryData<string> Names => new(NetworkCases.Names);

        [Theory]
        [MemberData(nameof(Names))]
        public void ForwardAndBackwardAllocateNothing(string name)
        {
            INetwork network = NetworkCases.Create(name);
            const int batch = 70;
            float[] inputs = NetworkCases.Inputs(network, batch, 1);
            float[] targets = NetworkCases.Targets(network, batch, 2);
            int[] labels = NetworkCases.Labels(network, batch, 3);
            var outputs = new float[batch * network.OutputSize];
            float[] input = inputs.AsSpan(0, network.InputSize).ToArray();
            float[] target = targets.AsSpan(0, network.OutputSize).ToArray();
            bool crossEntropy = network.Loss == Loss.CrossEntropy;
            bool trainsSingles = NetworkCases.TrainsSingleSamples(name); // batch normalisation of one value per channel cannot train on one sample

            void Round(int singles)
            {
                for (int i = 0; i < singles; i++)
                {
                    network.Forward(input, outputs.AsSpan(0, network.OutputSize));
                    if (!trainsSingles)
                    {
                        continue;
                    }

                    network.Backward(input, target);
                    if (crossEntropy && network.LabelsPerSample == 1) // a per-step classifier takes a label per step: BackwardBatch only
                    {
                        network.Backward(input, labels[0]);
                    }
                }

                network.ForwardBatch(inputs, outputs, batch);
                network.BackwardBatch(inputs, targets, batch);
                if (crossEntropy)
                {
                    network.BackwardBatch(inputs, labels, batch);
                }

                network.ZeroGradients();
            }

            for (int i = 0; i < 5; i++)
            {
                Round(10);
            }

            // Thousands of single-sample calls and hundreds of batches (of 70, across the 64-sample training chunk). An
            // allocation in the generated code would show in every window; under heavy load the runtime has been seen
            // to charge a one-off few kilobytes to the thread (JIT work), so one clean window out of three is required.
            long allocated = long.MaxValue;
            for (int window = 0; window < 3 && allocated != 0; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 200; i++)
                {
                    Round(10);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }

            Assert.Equal(0, allocated);
        }
    }
}
