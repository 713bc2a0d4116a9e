using System;
using System.Collections.Generic;

namespace Compiled.Runtime.Tests.Optimizers
{
    /// <summary>Just enough of a network for <c>Optimizer.Step(INetwork)</c>: a parameter and a gradient buffer.</summary>
    internal sealed class FakeNetwork : INetwork
    {
        private readonly float[] _parameters;
        private readonly float[] _gradients;

        public FakeNetwork(int parameterCount)
        {
            _parameters = new float[parameterCount];
            _gradients = new float[parameterCount];
        }

        public int InputSize => 1;

        public int OutputSize => 1;

        public int ParameterCount => _parameters.Length;

        public string Architecture => "Fake";

        public IReadOnlyList<int> InputShape => new[] { 1 };

        public Loss Loss => Loss.MeanSquaredError;

        public IReadOnlyList<ParameterTensor> ParameterTensors => new[] { new ParameterTensor("0.weight", 0, _parameters.Length) };

        public ReadOnlySpan<float> Parameters => _parameters;

        /// <summary>For the tests' own set-up: the parameters, writable without an edit (this fake has no derived copies).</summary>
        public Span<float> WritableParameters => _parameters;

        public ParameterEdit EditParameters()
        {
            ParameterVersion++;
            return new ParameterEdit(_parameters, null);
        }

        public long ParameterVersion { get; private set; }

        public TrainingContext TrainingContext { get; set; }

        public Span<float> Gradients => _gradients;

        public void ZeroGradients() => Array.Clear(_gradients);

        public void InitializeParameters(int seed) => throw new NotSupportedException();

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

        public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => throw new NotSupportedException();

        public float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => throw new NotSupportedException();

        public float Backward(ReadOnlySpan<float> input, int label) => throw new NotSupportedException();

        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => throw new NotSupportedException();

        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize) => throw new NotSupportedException();

        public INetwork CreateWorker() => throw new NotSupportedException();
    }
}
