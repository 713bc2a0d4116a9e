using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Kernels;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>Three layers, none small enough to be written inline: every forward kernel is a kernel method.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(300)]
    [Dense(40, Activation.SiLU)]
    [Dense(200, Activation.ELU, Alpha = 0.7f)]
    [Dense(30, Activation.Softmax)]
    public partial class KernelParityLarge { }

    /// <summary>GELU, Tanh, Sigmoid with mean squared error.</summary>
    [Network]
    [Input(70)]
    [Dense(65, Activation.GELU)]
    [Dense(33, Activation.Tanh)]
    [Dense(5, Activation.Sigmoid)]
    public partial class KernelParitySmooth { }

    /// <summary>LeakyReLU, Softplus, Identity with mean squared error.</summary>
    [Network]
    [Input(90)]
    [Dense(50, Activation.LeakyReLU, NegativeSlope = 0.2f)]
    [Dense(20, Activation.Softplus)]
    [Dense(7)]
    public partial class KernelParityPiecewise { }

    /// <summary>784-128 ReLU, 128-10 Softmax with cross-entropy (the benchmarks' Mlp).</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(128, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public partial class KernelParityMlp { }

    /// <summary>
    /// The runtime kernels composed into whole networks give the same bits as today's generated code on this path: batched
    /// forward, training (gradients of every parameter) and, for layers the generator does not inline, one-sample forward.
    /// </summary>
    public class GeneratedParityTests
    {
        public static IEnumerable<object[]> Networks() => new[] { "Large", "Smooth", "Piecewise", "Mlp" }.Select(n => new object[] { n });

        [Theory]
        [MemberData(nameof(Networks))]
        public void KernelsReproduceGeneratedNetworks(string name)
        {
            (INetwork network, KernelActivation[] activations, bool allKernelMethods) = name switch
            {
                "Large" => ((INetwork)new KernelParityLarge(), new[] { KernelActivation.SiLU, KernelActivation.ELU, KernelActivation.Identity }, true),
                "Smooth" => (new KernelParitySmooth(), new[] { KernelActivation.GELU, KernelActivation.Tanh, KernelActivation.Sigmoid }, false),
                "Piecewise" => (new KernelParityPiecewise(), new[] { KernelActivation.LeakyReLU, KernelActivation.Softplus, KernelActivation.Identity }, false),
                _ => (new KernelParityMlp(), new[] { KernelActivation.ReLU, KernelActivation.Identity }, false),
            };

            network.InitializeParameters(3);
            var random = new Random(4);
            using (ParameterEdit edit = network.EditParameters())
            {
                Span<float> parameters = edit.Values;
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i] += (float)((random.NextDouble() - 0.5) * 0.05); // nonzero biases
                }
            }

            var composed = new ComposedNetwork(network, activations);
            foreach (int count in new[] { 1, 5, 13, 64 })
            {
                float[] inputs = KernelReference.RandomValues(random, count * network.InputSize, 1);
                var expected = new float[count * network.OutputSize];
                network.ForwardBatch(inputs, expected, count);
                float[] actual = composed.ForwardBatch(inputs, count);
                AssertSame(expected, actual, $"{name} ForwardBatch, {count} samples");

                network.ZeroGradients();
                Array.Clear(composed.Gradients);
                float expectedLoss;
                float actualLoss;
                if (network.Loss == Loss.CrossEntropy)
                {
                    int[] labels = Enumerable.Range(0, count).Select(_ => random.Next(network.OutputSize)).ToArray();
                    expectedLoss = network.BackwardBatch(inputs, labels, count);
                    actualLoss = composed.Train(inputs, count, labels, null);
                }
                else
                {
                    float[] targets = KernelReference.RandomValues(random, count * network.OutputSize, 1);
                    expectedLoss = network.BackwardBatch(inputs, targets, count);
                    actualLoss = composed.Train(inputs, count, null, targets);
                }

                AssertSame(new[] { expectedLoss }, new[] { actualLoss }, $"{name} loss, {count} samples");
                AssertSame(network.Gradients.ToArray(), composed.Gradients, $"{name} gradients, {count} samples");
            }

            if (allKernelMethods)
            {
                float[] input = KernelReference.RandomValues(random, network.InputSize, 1);
                var expected = new float[network.OutputSize];
                network.Forward(input, expected);
                AssertSame(expected, composed.Forward(input), $"{name} Forward");
            }
        }

        private static void AssertSame(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{KernelReference.PathName} {what}: element {i} is {actual[i]:R} from the kernels, {expected[i]:R} from the generated code");
            }
        }

        /// <summary>A dense network run by <see cref="DenseKernels"/> calls, in the generated code's sequence of operations.</summary>
        private sealed class ComposedNetwork
        {
            private readonly INetwork _network;
            private readonly KernelActivation[] _activations;
            private readonly int[] _sizes;
            private readonly float[][] _packed;
            private readonly int[] _offsets;

            public ComposedNetwork(INetwork network, KernelActivation[] activations)
            {
                _network = network;
                _activations = activations;
                _sizes = new[] { network.InputSize }.Concat(network.ParameterTensors.Where(t => t.Name.EndsWith(".bias", StringComparison.Ordinal)).Select(t => t.Shape[0])).ToArray();
                _offsets = network.ParameterTensors.Where(t => t.Name.EndsWith(".weight", StringComparison.Ordinal)).Select(t => t.Offset).ToArray();
                float[] p = network.Parameters.ToArray();
                _packed = new float[activations.Length][];
                for (int l = 0; l < activations.Length; l++)
                {
                    int inputs = _sizes[l];
                    int outputs = _sizes[l + 1];
                    _packed[l] = KernelReference.Pack(p[_offsets[l]..(_offsets[l] + (inputs * outputs))], p[(_offsets[l] + (inputs * outputs))..], outputs, inputs);
                }

                Gradients = new float[network.ParameterCount];
            }

            public float[] Gradients { get; }

            private bool Softmax => _network.Loss == Loss.CrossEntropy;

            public float[] Forward(float[] input)
            {
                float[] x = input;
                for (int l = 0; l < _activations.Length; l++)
                {
                    var y = new float[_sizes[l + 1]];
                    int padded = KernelReference.Padded(_sizes[l + 1]);
                    KernelReference.Visit(_activations[l], new LayerCall(Op.Forward, _packed[l], padded, x, null, y, null, _sizes[l], _sizes[l + 1], 1));
                    x = y;
                }

                if (Softmax)
                {
                    GeneratedCodeSupport.Softmax(ref x[0], x.Length);
                }

                return x;
            }

            public float[] ForwardBatch(float[] inputs, int count)
            {
                float[][] y = RunForward(inputs, count, training: false, out _);
                float[] output = y[^1];
                if (Softmax)
                {
                    for (int s = 0; s < count; s++)
                    {
                        GeneratedCodeSupport.Softmax(ref output[s * _sizes[^1]], _sizes[^1]);
                    }
                }

                return output;
            }

            /// <summary>Forward, loss and backward as the generated BackwardBatch (one chunk): adds the gradients, returns the mean loss.</summary>
            public float Train(float[] inputs, int count, int[]? labels, float[]? targets)
            {
                float[][] y = RunForward(inputs, count, training: true, out float[][] z);
                int last = _activations.Length - 1;
                int outputs = _sizes[^1];
                var dy = new float[count * outputs];
                float scale = 1f / count;
                float sum = 0f;
                for (int s = 0; s < count; s++)
                {
                    sum += labels is not null
                        ? GeneratedCodeSupport.SoftmaxCrossEntropy(ref z[last][s * outputs], outputs, labels[s], ref dy[s * outputs], scale)
                        : GeneratedCodeSupport.MeanSquaredError(ref y[last][s * outputs], outputs, ref targets![s * outputs], ref dy[s * outputs], scale);
                }

                double total = sum;
                float[] p = _network.Parameters.ToArray();
                for (int l = last; l >= 0; l--)
                {
                    int inputsOf = _sizes[l];
                    int outputsOf = _sizes[l + 1];
                    bool fused = l == last && Softmax;
                    if (!fused && _activations[l] != KernelActivation.Identity)
                    {
                        KernelReference.Visit(_activations[l], new LayerCall(Op.ActivationBackward, null, 0, dy, z[l] ?? y[l], y[l], null, 0, outputsOf, count));
                    }

                    float[] x = l == 0 ? inputs : y[l - 1];
                    int w = _offsets[l];
                    int b = w + (inputsOf * outputsOf);
                    if (l == 0)
                    {
                        DenseKernels.Backward(ref Gradients[w], ref Gradients[b], ref x[0], ref dy[0], outputsOf, inputsOf, outputsOf, count);
                    }
                    else
                    {
                        var dx = new float[count * inputsOf];
                        DenseKernels.BackwardWithInputGradient(ref p[w], ref Gradients[w], ref Gradients[b], ref x[0], ref dy[0], outputsOf, ref dx[0], inputsOf, outputsOf, count);
                        dy = dx;
                    }
                }

                return (float)(total / count);
            }

            private float[][] RunForward(float[] inputs, int count, bool training, out float[][] z)
            {
                var y = new float[_activations.Length][];
                z = new float[_activations.Length][];
                float[] x = inputs;
                for (int l = 0; l < _activations.Length; l++)
                {
                    int outputs = _sizes[l + 1];
                    int padded = KernelReference.Padded(outputs);
                    float[] packed = _packed[l];
                    float[] xl = x;
                    var yl = new float[count * outputs];
                    int inputsOf = _sizes[l];
                    bool logits = training && l == _activations.Length - 1 && Softmax;
                    if (logits)
                    {
                        var zl = new float[count * outputs];
                        DenseKernels.ForwardBatchLogits(ref packed[0], ref packed[inputsOf * padded], padded, ref xl[0], inputsOf, ref zl[0], outputs, inputsOf, outputs, count);
                        z[l] = zl;
                    }
                    else if (training && KernelReference.NeedsPreActivation(_activations[l]))
                    {
                        var zl = new float[count * outputs];
                        KernelReference.Visit(_activations[l], new LayerCall(Op.ForwardBatchTrain, packed, padded, xl, zl, yl, null, inputsOf, outputs, count));
                        z[l] = zl;
                    }
                    else
                    {
                        KernelReference.Visit(_activations[l], new LayerCall(Op.ForwardBatch, packed, padded, xl, null, yl, null, inputsOf, outputs, count));
                    }

                    y[l] = yl;
                    x = yl;
                }

                return y;
            }
        }

        private enum Op
        {
            Forward,
            ForwardBatch,
            ForwardBatchTrain,
            ActivationBackward,
        }

        /// <summary>One kernel call with the activation struct of a <see cref="KernelActivation"/>.</summary>
        private sealed class LayerCall : IActivationVisitor
        {
            private readonly Op _op;
            private readonly float[]? _packed;
            private readonly int _padded;
            private readonly float[] _x;
            private readonly float[]? _z;
            private readonly float[] _y;
            private readonly int _inputs;
            private readonly int _outputs;
            private readonly int _count;

            /// <param name="x">The input; for <see cref="Op.ActivationBackward"/>, the gradient dy.</param>
            /// <param name="unused">Unused.</param>
            public LayerCall(Op op, float[]? packed, int padded, float[] x, float[]? z, float[] y, object? unused, int inputs, int outputs, int count)
            {
                (_op, _packed, _padded, _x, _z, _y, _inputs, _outputs, _count) = (op, packed, padded, x, z, y, inputs, outputs, count);
            }

            public void Visit<TAct>(TAct activation)
                where TAct : struct, IActivation
            {
                switch (_op)
                {
                    case Op.Forward:
                        DenseKernels.Forward(ref _packed![0], ref _packed[_inputs * _padded], _padded, ref _x[0], ref _y[0], _inputs, _outputs, activation);
                        break;
                    case Op.ForwardBatch:
                        DenseKernels.ForwardBatch(ref _packed![0], ref _packed[_inputs * _padded], _padded, ref _x[0], _inputs, ref _y[0], _outputs, _inputs, _outputs, _count, activation);
                        break;
                    case Op.ForwardBatchTrain:
                        DenseKernels.ForwardBatchTrain(ref _packed![0], ref _packed[_inputs * _padded], _padded, ref _x[0], _inputs, ref _z![0], ref _y[0], _outputs, _inputs, _outputs, _count, activation);
                        break;
                    default:
                        DenseKernels.ActivationBackward(ref _x[0], ref _y[0], ref _z![0], _count * _outputs, activation);
                        break;
                }
            }
        }
    }
}
