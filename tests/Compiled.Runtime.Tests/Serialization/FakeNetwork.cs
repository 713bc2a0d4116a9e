using System;
using System.Collections.Generic;
using System.Linq;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>A hand-made <see cref="INetwork"/>: an architecture string, named tensors and a flat parameter buffer.</summary>
    internal sealed class FakeNetwork : INetwork
    {
        public const string TinyArchitecture = "Input(5) -> Dense(3, ReLU) -> Dense(2, Softmax)";

        private readonly float[] _parameters;
        private readonly float[] _gradients;
        private readonly ParameterTensor[] _tensors;

        public FakeNetwork(string architecture, params (string Name, int[] Shape)[] tensors)
        {
            Architecture = architecture;
            var list = new List<ParameterTensor>();
            int offset = 0;
            foreach (var (name, shape) in tensors)
            {
                var tensor = new ParameterTensor(name, offset, shape);
                list.Add(tensor);
                offset += tensor.Length;
            }

            _tensors = list.ToArray();
            _parameters = new float[offset];
            _gradients = new float[offset];
        }

        /// <summary>The 5 → 3 → 2 network of the tests: 0.weight [3,5], 0.bias [3], 2.weight [2,3], 2.bias [2] (26 parameters).</summary>
        public static FakeNetwork Tiny(string architecture = TinyArchitecture) =>
            new(architecture, ("0.weight", new[] { 3, 5 }), ("0.bias", new[] { 3 }), ("2.weight", new[] { 2, 3 }), ("2.bias", new[] { 2 }));

        /// <summary>The value the Python fixtures store at flat index <paramref name="k"/>: exact in F16, BF16, F32 and F64.</summary>
        public static float FixtureValue(int k) => ((k % 17) - 8) * 0.125f;

        public static FakeNetwork TinyWithFixtureValues()
        {
            FakeNetwork network = Tiny();
            for (int k = 0; k < network.ParameterCount; k++)
            {
                network._parameters[k] = FixtureValue(k);
            }

            return network;
        }

        /// <summary>Fills the parameters with distinct values derived from <paramref name="seed"/>.</summary>
        public FakeNetwork Fill(int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < _parameters.Length; i++)
            {
                _parameters[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return this;
        }

        public int[] ParameterBits() => _parameters.Select(BitConverter.SingleToInt32Bits).ToArray();

        public int InputSize => _tensors.Length > 0 ? _tensors[0].Shape[^1] : 0;

        public int OutputSize => _tensors.Length > 0 ? _tensors[^1].Shape[0] : 0;

        public int ParameterCount => _parameters.Length;

        public string Architecture { get; }

        public IReadOnlyList<int> InputShape => new[] { InputSize };

        public Loss Loss => Loss.CrossEntropy;

        public IReadOnlyList<ParameterTensor> ParameterTensors => _tensors;

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

        public void InitializeParameters(int seed) => Fill(seed);

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => throw new NotSupportedException();

        public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => throw new NotSupportedException();

        public float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => throw new NotSupportedException();

        public float Backward(ReadOnlySpan<float> input, int label) => throw new NotSupportedException();

        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize) => throw new NotSupportedException();

        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize) => throw new NotSupportedException();

        public INetwork CreateWorker() => throw new NotSupportedException();
    }
}
