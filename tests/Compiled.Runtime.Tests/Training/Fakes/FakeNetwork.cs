using System;
using System.Collections.Generic;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>The boring half of <see cref="INetwork"/> for the hand-made test networks.</summary>
    internal abstract class FakeNetwork : INetwork
    {
        private readonly int[] _inputShape;
        private readonly ParameterTensor[] _tensors;

        protected FakeNetwork(int inputSize, int outputSize, int parameterCount, Loss loss, float[]? sharedParameters = null)
        {
            InputSize = inputSize;
            OutputSize = outputSize;
            Loss = loss;
            ParameterArray = sharedParameters ?? new float[parameterCount];
            GradientArray = new float[parameterCount];
            _inputShape = new[] { inputSize };
            _tensors = new[] { new ParameterTensor("0.weight", 0, parameterCount) };
            Architecture = $"{GetType().Name}(Input({inputSize}) -> {outputSize}, {loss})";
        }

        public int InputSize { get; }

        public int OutputSize { get; }

        public int ParameterCount => ParameterArray.Length;

        public string Architecture { get; }

        public IReadOnlyList<int> InputShape => _inputShape;

        public Loss Loss { get; }

        public IReadOnlyList<ParameterTensor> ParameterTensors => _tensors;

        public ReadOnlySpan<float> Parameters => ParameterArray;

        /// <summary>For the tests' own set-up: the parameters, writable without an edit (this fake has no derived copies).</summary>
        public Span<float> WritableParameters => ParameterArray;

        public ParameterEdit EditParameters()
        {
            ParameterVersion++;
            return new ParameterEdit(ParameterArray, null);
        }

        public long ParameterVersion { get; private set; }

        public TrainingContext TrainingContext { get; set; }

        public Span<float> Gradients => GradientArray;

        /// <summary>The number of calls to either BackwardBatch.</summary>
        public int BackwardCalls { get; protected set; }

        protected float[] ParameterArray { get; }

        protected float[] GradientArray { get; }

        public void ZeroGradients() => Array.Clear(GradientArray);

        public virtual void InitializeParameters(int seed)
        {
            // A fixed LCG: the same seed gives the same small weights.
            uint state = (uint)seed * 2654435761u + 12345u;
            for (int i = 0; i < ParameterArray.Length; i++)
            {
                state = (state * 1664525u) + 1013904223u;
                ParameterArray[i] = ((state >> 8) / (float)(1 << 24) - 0.5f) * 0.2f;
            }
        }

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => ForwardBatch(input, output, 1);

        public abstract void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize);

        public float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => BackwardBatch(input, target, 1);

        public float Backward(ReadOnlySpan<float> input, int label) => BackwardBatch(input, new ReadOnlySpan<int>(in label), 1);

        public abstract float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize);

        public abstract float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize);

        public virtual INetwork CreateWorker() => throw new NotSupportedException();

        protected void CheckBatch(ReadOnlySpan<float> inputs, int otherLength, int otherSize, int batchSize)
        {
            if (batchSize <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize));
            }

            if (inputs.Length != batchSize * InputSize || otherLength != batchSize * otherSize)
            {
                throw new ArgumentException("A span has the wrong length.");
            }
        }
    }
}
