using System;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>The generated API's contract: constants, layout, validation, initialisation, workers, threads.</summary>
    public class ApiTests
    {
        [Fact]
        public void ConstantsDescribeTheNetwork()
        {
            Assert.Equal(784, Mlp.InputSize);
            Assert.Equal(10, Mlp.OutputSize);
            Assert.Equal((784 * 128) + 128 + (128 * 10) + 10, Mlp.ParameterCount);
            Assert.Equal("Input(784) -> Dense(128, ReLU) -> Dense(10, Softmax)", Mlp.Architecture);
            Assert.Equal(Loss.CrossEntropy, Mlp.Loss);
            Assert.Equal("Input(2, 3, 5) -> Flatten -> Dense(12, ELU(1)) -> Dense(4, Softmax)", Image.Architecture);
            Assert.Equal(new[] { 2, 3, 5 }, Image.InputShape);
            Assert.Equal("Input(3) -> Dense(17, LeakyReLU(0.2)) -> Dense(6, ELU(0.7)) -> Dense(2, Softplus)", Regressor.Architecture);
        }

        [Fact]
        public void ParameterTensorsFollowTheStateDictLayout()
        {
            var tensors = Image.ParameterTensors;
            // As nn.Sequential(nn.Flatten(), nn.Linear(30, 12), nn.ELU(), nn.Linear(12, 4), nn.Softmax(dim=1)) names them.
            Assert.Equal(new[] { "1.weight", "1.bias", "3.weight", "3.bias" }, tensors.Select(t => t.Name));
            Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, Mlp.ParameterTensors.Select(t => t.Name));
            Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias" }, Game.ParameterTensors.Select(t => t.Name));
            Assert.Equal(new[] { 12, 30 }, tensors[0].Shape);
            Assert.Equal(0, tensors[0].Offset);
            Assert.Equal(360, tensors[1].Offset);
            Assert.Equal(new[] { 4, 12 }, tensors[2].Shape);
            Assert.Equal(372, tensors[2].Offset);
            Assert.Equal(420, tensors[3].Offset);
            Assert.Equal(Image.ParameterCount, tensors[3].Offset + tensors[3].Length);
            Assert.Equal(Image.ParameterCount, new Image().Parameters.Length);
            Assert.Equal(Image.ParameterCount, new Image().Gradients.Length);
        }

        [Fact]
        public void WeightsAreReadAsTorchLinearWeights()
        {
            // y = W x + b with W [2, 3] row-major: y0 = 1*1 + 2*2 + 3*3 + 0.5, y1 = 4*1 + 5*2 + 6*3 - 1.
            var network = new Tiny();
            network.SetParameters(new float[] { 1, 2, 3, 4, 5, 6, 0.5f, -1 });
            var output = new float[2];
            network.Forward(new float[] { 1, 2, 3 }, output);
            Assert.Equal(new[] { 14.5f, 31f }, output);
        }

        [Fact]
        public void WrongLengthsThrowNamingExpectedAndActual()
        {
            var network = new Mlp();
            var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[783], new float[10]));
            Assert.Equal("input", error.ParamName);
            Assert.Contains("783", error.Message);
            Assert.Contains("784", error.Message);
            Assert.Throws<ArgumentException>(() => network.Forward(new float[784], new float[9]));
            Assert.Throws<ArgumentException>(() => network.ForwardBatch(new float[784 * 2], new float[10 * 3], 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => network.ForwardBatch(new float[784], new float[10], 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => network.BackwardBatch(new float[784], new int[1], -1));
            Assert.Throws<ArgumentException>(() => network.BackwardBatch(new float[784 * 2], new int[3], 2));
            Assert.Throws<ArgumentException>(() => network.Backward(new float[784], new float[11]));
        }

        [Fact]
        public void LabelsOutOfRangeThrowAndLoseNothing()
        {
            INetwork network = NetworkCases.Create("Mlp");
            float[] inputs = NetworkCases.Inputs(network, 3, 1);
            network.ZeroGradients();
            network.BackwardBatch(inputs, new[] { 1, 2, 3 }, 3);
            float[] gradients = network.Gradients.ToArray();
            float[] parameters = network.Parameters.ToArray();
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => network.BackwardBatch(inputs, new[] { 0, 10, 1 }, 3));
            Assert.Contains("10", error.Message);
            Assert.Contains("sample 1", error.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => network.Backward(inputs.AsSpan(0, 784), -1));
            Assert.Equal(gradients, network.Gradients.ToArray());
            Assert.Equal(parameters, network.Parameters.ToArray());
        }

        [Fact]
        public void LabelsOnANetworkWithoutCrossEntropyAreNotSupported()
        {
            INetwork network = new Game();
            var error = Assert.Throws<NotSupportedException>(() => network.Backward(new float[16], 1));
            Assert.Contains("MeanSquaredError", error.Message);
            Assert.Throws<NotSupportedException>(() => network.BackwardBatch(new float[16], new[] { 1 }, 1));
        }

        [Fact]
        public void InitializationIsDeterministicAndScaledForTheActivation()
        {
            var a = new Mlp();
            var b = new Mlp();
            Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
            b.InitializeParameters(7);
            Assert.NotEqual(a.Parameters.ToArray(), b.Parameters.ToArray());
            a.InitializeParameters(7);
            Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());

            // Layer 0 (ReLU): Kaiming uniform, bound sqrt(2) * sqrt(3 / 784); layer 1 (Softmax): Glorot, sqrt(6 / (128 + 10)).
            float[] w0 = a.Parameters[..(784 * 128)].ToArray();
            double kaiming = Math.Sqrt(2) * Math.Sqrt(3.0 / 784);
            Assert.InRange(w0.Max(Math.Abs), 0.99 * kaiming, kaiming);
            Assert.InRange(w0.Average(), -0.01 * kaiming, 0.01 * kaiming);
            float[] w1 = a.Parameters.Slice(100480, 1280).ToArray();
            double glorot = Math.Sqrt(6.0 / 138);
            Assert.InRange(w1.Max(Math.Abs), 0.95 * glorot, glorot);
            Assert.All(a.Parameters.Slice(100352, 128).ToArray(), v => Assert.Equal(0f, v));
        }

        [Fact]
        public unsafe void BuffersStartOnACacheLineWhenAllocated()
        {
            // The kernels stream weights and gradients with 512-bit loads; the buffers start on a cache line when allocated.
            var network = new Mlp();
            Assert.Equal(0, (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(network.Parameters)) % 64);
            Assert.Equal(0, (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(network.Gradients)) % 64);
            Assert.Equal(0, (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(network.CreateWorker().Gradients)) % 64);
        }

        [Fact]
        public void WorkersShareParametersButNotGradients()
        {
            INetwork network = NetworkCases.Create("OddClassifier");
            INetwork worker = network.CreateWorker();
            Assert.IsType<OddClassifier>(worker);
            using (ParameterEdit edit = network.EditParameters())
            {
                edit.Values[5] = 42f;
            }

            Assert.Equal(42f, worker.Parameters[5]);
            network.ZeroGradients();
            worker.ZeroGradients();
            worker.Backward(NetworkCases.Inputs(network, 1, 1), 1);
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
            Assert.Contains(worker.Gradients.ToArray(), g => g != 0f);
        }

        [Fact]
        public void ForwardIsSafeOnManyThreadsAtOnce()
        {
            INetwork network = NetworkCases.Create("Digits");
            float[] inputs = NetworkCases.Inputs(network, 256, 9);
            var expected = new float[256 * 10];
            network.ForwardBatch(inputs, expected, 256);
            var results = new float[8][];
            Parallel.For(0, 8, t =>
            {
                var mine = new float[256 * 10];
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    for (int s = 0; s < 256; s++)
                    {
                        network.Forward(inputs.AsSpan(s * 64, 64), mine.AsSpan(s * 10, 10));
                    }
                }

                results[t] = mine;
            });
            foreach (float[] result in results)
            {
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], result[i], 1e-6f);
                }
            }
        }
    }

    [Network]
    [Input(3)]
    [Dense(2)]
    public partial class Tiny { }
}
