using System;
using System.Collections.Generic;
using System.Linq;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>
    /// A hand-made <see cref="INetwork"/>: an architecture string, named tensors and a flat parameter buffer, and
    /// optionally non-trainable buffers (<see cref="WithBuffers"/>) as a BatchNorm layer has.
    /// </summary>
    internal sealed class FakeNetwork : INetwork
    {
        public const string TinyArchitecture = "Input(5) -> Dense(3, ReLU) -> Dense(2, Softmax)";

        /// <summary>The architecture of <see cref="TinyBatchNorm"/> (and of make_fixtures.py's BATCHNORM_ARCHITECTURE).</summary>
        public const string BatchNormArchitecture = "Input(5) -> Dense(3) -> BatchNorm() -> ReLU -> Dense(2, Softmax)";

        private readonly float[] _parameters;
        private readonly float[] _gradients;
        private readonly ParameterTensor[] _tensors;
        private float[] _buffers = Array.Empty<float>();
        private ParameterTensor[] _bufferTensors = Array.Empty<ParameterTensor>();

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

        /// <summary>
        /// The state_dict of <c>nn.Sequential(nn.Linear(5, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2), nn.Softmax(1))</c>:
        /// parameters 0.weight [3,5], 0.bias [3], 1.weight [3], 1.bias [3], 3.weight [2,3], 3.bias [2] (32), buffers
        /// 1.running_mean [3], 1.running_var [3], 1.num_batches_tracked [] (a scalar; 7 buffer values).
        /// </summary>
        public static FakeNetwork TinyBatchNorm(string architecture = BatchNormArchitecture) =>
            new FakeNetwork(architecture, ("0.weight", new[] { 3, 5 }), ("0.bias", new[] { 3 }), ("1.weight", new[] { 3 }), ("1.bias", new[] { 3 }), ("3.weight", new[] { 2, 3 }), ("3.bias", new[] { 2 }))
                .WithBuffers(("1.running_mean", new[] { 3 }), ("1.running_var", new[] { 3 }), ("1.num_batches_tracked", Array.Empty<int>()));

        /// <summary>The buffers make_fixtures.py stores for <see cref="TinyBatchNorm"/> (BATCHNORM_BUFFERS).</summary>
        public static float[] BatchNormFixtureBuffers => new[] { 0.25f, -1.5f, 3.0f, 0.5f, 2.0f, 1.125f, 1234.0f };

        /// <summary>Adds non-trainable buffer tensors, laid out one after another (replacing any).</summary>
        public FakeNetwork WithBuffers(params (string Name, int[] Shape)[] tensors)
        {
            var list = new List<ParameterTensor>();
            int offset = 0;
            foreach (var (name, shape) in tensors)
            {
                var tensor = new ParameterTensor(name, offset, shape);
                list.Add(tensor);
                offset += tensor.Length;
            }

            _bufferTensors = list.ToArray();
            _buffers = new float[offset];
            return this;
        }

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

        /// <summary>
        /// Fills the parameters, then the buffers, with distinct values derived from <paramref name="seed"/> (a
        /// <c>num_batches_tracked</c> buffer with integers, as in PyTorch).
        /// </summary>
        public FakeNetwork Fill(int seed)
        {
            var random = new Random(seed);
            for (int i = 0; i < _parameters.Length; i++)
            {
                _parameters[i] = (float)((random.NextDouble() * 2) - 1);
            }

            foreach (ParameterTensor tensor in _bufferTensors)
            {
                bool count = tensor.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal);
                for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
                {
                    _buffers[i] = count ? random.Next(0, 1 << 20) : (float)((random.NextDouble() * 2) - 1);
                }
            }

            return this;
        }

        public int[] ParameterBits() => _parameters.Select(BitConverter.SingleToInt32Bits).ToArray();

        public int[] BufferBits() => _buffers.Select(BitConverter.SingleToInt32Bits).ToArray();

        /// <summary>The number of buffer edits opened (each load must write through one).</summary>
        public int BufferEdits { get; private set; }

        /// <summary>The number of parameter edits opened.</summary>
        public int ParameterEdits { get; private set; }

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
            ParameterEdits++;
            return new ParameterEdit(_parameters, null);
        }

        public IReadOnlyList<ParameterTensor> BufferTensors => _bufferTensors;

        public ReadOnlySpan<float> Buffers => _buffers;

        /// <summary>For the tests' own set-up: the buffers, writable without an edit.</summary>
        public Span<float> WritableBuffers => _buffers;

        public ParameterEdit EditBuffers()
        {
            ParameterVersion++;
            BufferEdits++;
            return new ParameterEdit(_buffers, null);
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
