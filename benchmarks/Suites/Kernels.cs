using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Compiled.Benchmarks.Networks;
using Compiled.Benchmarks.Reporting;
using Compiled.Kernels;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>What <see cref="KernelsVsGenerated"/> times: one layer of Mlp or all of it, forward or training.</summary>
    public enum KernelCase
    {
        /// <summary>784 -> 128 ReLU, ForwardBatch of 64.</summary>
        Dense784x128Batch64,

        /// <summary>128 -> 10 Identity, ForwardBatch of 64.</summary>
        Dense128x10Batch64,

        /// <summary>Mlp 784-128-10, ForwardBatch of 64 (softmax included).</summary>
        MlpBatch64,

        /// <summary>784 -> 128 ReLU, Forward of one sample.</summary>
        Dense784x128One,

        /// <summary>Mlp, Forward of one sample.</summary>
        MlpOne,

        /// <summary>784 -> 128 ReLU with MSE, training forward + backward of 64 (no optimizer).</summary>
        Dense784x128Train64,

        /// <summary>Mlp with cross-entropy, training forward + backward of 64 (no optimizer).</summary>
        MlpTrain64,
    }

    /// <summary>
    /// The runtime's hand-written generic kernels (<see cref="DenseKernels"/>) against the generated network's own methods,
    /// on Mlp's layers: <c>Generated</c> calls the generated network (a one-layer network for the layer cases), <c>Kernels</c>
    /// the same computation composed from <see cref="DenseKernels"/> calls on the same packed weights (with the same loss
    /// helpers the generated code calls). Setup checks that both give the same bits. Only run when a filter names it
    /// (<c>--filter '*Kernels*'</c>).
    /// </summary>
    public class KernelsVsGenerated
    {
        private const int Batch = Workload.BatchSize;

        private Mlp _mlp = null!;
        private Dense784x128 _first = null!;
        private Dense128x10 _second = null!;
        private float[] _inputs = null!;
        private float[] _input = null!;
        private int[] _labels = null!;
        private float[] _targets = null!;
        private float[] _outputs10 = null!;
        private float[] _outputs128 = null!;
        private float[] _output10 = null!;
        private float[] _output128 = null!;
        private float[] _inputs128 = null!;

        // The kernels' own state: packed weights [in, padded] + bias, gradients, training workspace (all 64-byte aligned).
        private float[] _packed0 = null!;
        private int _packed0At;
        private float[] _packed1 = null!;
        private int _packed1At;
        private float[] _parameters = null!;
        private int _parametersAt;
        private float[] _gradients = null!;
        private int _gradientsAt;
        private float[] _work = null!;
        private int _workAt;

        [ParamsAllValues]
        public KernelCase Case { get; set; }

        /// <summary>2 x the multiply-adds really done per invocation: forward, weight gradients, and input gradients of every layer but the first.</summary>
        public static double Flops(KernelCase @case) => @case switch
        {
            KernelCase.Dense784x128Batch64 => 2d * 784 * 128 * Batch,
            KernelCase.Dense128x10Batch64 => 2d * 128 * 10 * Batch,
            KernelCase.MlpBatch64 => 2d * ((784 * 128) + (128 * 10)) * Batch,
            KernelCase.Dense784x128One => 2d * 784 * 128,
            KernelCase.MlpOne => 2d * ((784 * 128) + (128 * 10)),
            KernelCase.Dense784x128Train64 => 2d * 2 * 784 * 128 * Batch,
            _ => 2d * ((2 * 784 * 128) + (3 * 128 * 10)) * Batch,
        };

        [GlobalSetup]
        public void Setup()
        {
            Workload w = Workload.Create(NetworkName.Mlp);
            _mlp = (Mlp)w.Generated;
            _inputs = w.Inputs;
            _input = w.Input;
            _labels = w.Labels;
            var random = new Random(5);
            _targets = Enumerable.Range(0, Batch * 128).Select(_ => (float)random.NextDouble()).ToArray();
            _inputs128 = Enumerable.Range(0, Batch * 128).Select(_ => (float)random.NextDouble()).ToArray();

            // The one-layer networks hold Mlp's parameters of that layer.
            _first = new Dense784x128();
            _first.SetParameters(_mlp.Parameters[..(784 * 128 + 128)]);
            _second = new Dense128x10();
            _second.SetParameters(_mlp.Parameters[(784 * 128 + 128)..]);

            _parameters = NetworkStorage.AllocateAligned(Mlp.ParameterCount, out _parametersAt);
            _mlp.Parameters.CopyTo(_parameters.AsSpan(_parametersAt));
            _gradients = NetworkStorage.AllocateAligned(Mlp.ParameterCount, out _gradientsAt);
            _packed0 = NetworkStorage.AllocateAligned(785 * 128, out _packed0At);
            _packed1 = NetworkStorage.AllocateAligned(129 * 16, out _packed1At);
            GeneratedCodeSupport.PackTransposed(ref _parameters[_parametersAt], 128, 784, ref _packed0[_packed0At], 128);
            GeneratedCodeSupport.PackCopy(ref _parameters[_parametersAt + (784 * 128)], ref _packed0[_packed0At + (784 * 128)], 128);
            GeneratedCodeSupport.PackTransposed(ref _parameters[_parametersAt + (785 * 128)], 10, 128, ref _packed1[_packed1At], 16);
            GeneratedCodeSupport.PackCopy(ref _parameters[_parametersAt + (785 * 128) + 1280], ref _packed1[_packed1At + (128 * 16)], 10);

            // Workspace: h [64, 128], z [64, 10], dz [64, 10], dh [64, 128].
            _work = NetworkStorage.AllocateAligned((2 * Batch * 128) + (2 * Batch * 16), out _workAt);
            _outputs10 = new float[Batch * 10];
            _outputs128 = new float[Batch * 128];
            _output10 = new float[10];
            _output128 = new float[128];
            Verify();
        }

        [Benchmark(Baseline = true)]
        public float Generated()
        {
            switch (Case)
            {
                case KernelCase.Dense784x128Batch64: _first.ForwardBatch(_inputs, _outputs128, Batch); return _outputs128[0];
                case KernelCase.Dense128x10Batch64: _second.ForwardBatch(_inputs128, _outputs10, Batch); return _outputs10[0];
                case KernelCase.MlpBatch64: _mlp.ForwardBatch(_inputs, _outputs10, Batch); return _outputs10[0];
                case KernelCase.Dense784x128One: _first.Forward(_input, _output128); return _output128[0];
                case KernelCase.MlpOne: _mlp.Forward(_input, _output10); return _output10[0];
                case KernelCase.Dense784x128Train64: return _first.BackwardBatch(_inputs, _targets, Batch);
                default: return _mlp.BackwardBatch(_inputs, _labels, Batch);
            }
        }

        [Benchmark]
        public float Kernels()
        {
            switch (Case)
            {
                case KernelCase.Dense784x128Batch64: FirstLayerBatch(_inputs, _outputs128); return _outputs128[0];
                case KernelCase.Dense128x10Batch64: SecondLayerBatch(_inputs128, _outputs10); return _outputs10[0];
                case KernelCase.MlpBatch64: MlpBatch(_inputs, _outputs10); return _outputs10[0];
                case KernelCase.Dense784x128One: FirstLayerOne(_input, _output128); return _output128[0];
                case KernelCase.MlpOne: MlpOne(_input, _output10); return _output10[0];
                case KernelCase.Dense784x128Train64: return FirstLayerTrain();
                default: return MlpTrain();
            }
        }

        private ref float Packed0 => ref _packed0[_packed0At];

        private ref float Bias0 => ref _packed0[_packed0At + (784 * 128)];

        private ref float Packed1 => ref _packed1[_packed1At];

        private ref float Bias1 => ref _packed1[_packed1At + (128 * 16)];

        private ref float Work(int offset) => ref _work[_workAt + offset];

        private void FirstLayerBatch(float[] x, float[] y) =>
            DenseKernels.ForwardBatch(ref Packed0, ref Bias0, 128, ref x[0], 784, ref y[0], 128, 784, 128, Batch, default(ReLU));

        private void SecondLayerBatch(float[] x, float[] y) =>
            DenseKernels.ForwardBatch(ref Packed1, ref Bias1, 16, ref x[0], 128, ref y[0], 10, 128, 10, Batch, default(Identity));

        private void MlpBatch(float[] x, float[] y)
        {
            DenseKernels.ForwardBatch(ref Packed0, ref Bias0, 128, ref x[0], 784, ref Work(0), 128, 784, 128, Batch, default(ReLU));
            DenseKernels.ForwardBatch(ref Packed1, ref Bias1, 16, ref Work(0), 128, ref y[0], 10, 128, 10, Batch, default(Identity));
            for (int s = 0; s < Batch; s++)
            {
                GeneratedCodeSupport.Softmax(ref y[s * 10], 10);
            }
        }

        private void FirstLayerOne(float[] x, float[] y) =>
            DenseKernels.Forward(ref Packed0, ref Bias0, 128, ref x[0], ref y[0], 784, 128, default(ReLU));

        private void MlpOne(float[] x, float[] y)
        {
            Span<float> hidden = stackalloc float[128];
            DenseKernels.Forward(ref Packed0, ref Bias0, 128, ref x[0], ref hidden[0], 784, 128, default(ReLU));
            DenseKernels.Forward(ref Packed1, ref Bias1, 16, ref hidden[0], ref y[0], 128, 10, default(Identity));
            GeneratedCodeSupport.Softmax(ref y[0], 10);
        }

        /// <summary>As the generated BackwardBatch of Dense784x128: forward, MSE gradient, ReLU backward, weight gradients.</summary>
        private float FirstLayerTrain()
        {
            ref float h = ref Work(0);
            ref float dh = ref Work(Batch * 128);
            ref float g = ref _gradients[_gradientsAt];
            DenseKernels.ForwardBatch(ref Packed0, ref Bias0, 128, ref _inputs[0], 784, ref h, 128, 784, 128, Batch, default(ReLU));
            float scale = 1f / Batch;
            float loss = 0f;
            for (int s = 0; s < Batch; s++)
            {
                loss += GeneratedCodeSupport.MeanSquaredError(ref Work(s * 128), 128, ref _targets[s * 128], ref Work((Batch * 128) + (s * 128)), scale);
            }

            DenseKernels.ActivationBackward(ref dh, ref h, ref h, Batch * 128, default(ReLU));
            DenseKernels.Backward(ref g, ref System.Runtime.CompilerServices.Unsafe.Add(ref g, 784 * 128), ref _inputs[0], ref dh, 128, 784, 128, Batch);
            double total = loss;
            return (float)(total / Batch);
        }

        /// <summary>As the generated BackwardBatch of Mlp with labels: forward, softmax cross-entropy gradient, both layers' backward.</summary>
        private float MlpTrain()
        {
            ref float h = ref Work(0);
            ref float dh = ref Work(Batch * 128);
            ref float z = ref Work(2 * Batch * 128);
            ref float dz = ref Work((2 * Batch * 128) + (Batch * 16));
            ref float g = ref _gradients[_gradientsAt];
            ref float p = ref _parameters[_parametersAt];
            DenseKernels.ForwardBatch(ref Packed0, ref Bias0, 128, ref _inputs[0], 784, ref h, 128, 784, 128, Batch, default(ReLU));
            DenseKernels.ForwardBatchLogits(ref Packed1, ref Bias1, 16, ref h, 128, ref z, 10, 128, 10, Batch);
            float scale = 1f / Batch;
            double total = 0;
            float sum = 0f;
            for (int s = 0; s < Batch; s++)
            {
                sum += GeneratedCodeSupport.SoftmaxCrossEntropy(ref Work((2 * Batch * 128) + (s * 10)), 10, _labels[s], ref Work((2 * Batch * 128) + (Batch * 16) + (s * 10)), scale);
            }

            total += sum;
            const int Second = 785 * 128;
            DenseKernels.BackwardWithInputGradient(
                ref System.Runtime.CompilerServices.Unsafe.Add(ref p, Second), ref System.Runtime.CompilerServices.Unsafe.Add(ref g, Second), ref System.Runtime.CompilerServices.Unsafe.Add(ref g, Second + 1280),
                ref h, ref dz, 10, ref dh, 128, 10, Batch);
            DenseKernels.ActivationBackward(ref dh, ref h, ref h, Batch * 128, default(ReLU));
            DenseKernels.Backward(ref g, ref System.Runtime.CompilerServices.Unsafe.Add(ref g, 784 * 128), ref _inputs[0], ref dh, 128, 784, 128, Batch);
            return (float)(total / Batch);
        }

        /// <summary>Both implementations once, from zero gradients: the same bits, or no timing is meaningful.</summary>
        private void Verify()
        {
            static void Same(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
            {
                for (int i = 0; i < expected.Length; i++)
                {
                    if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    {
                        throw new InvalidOperationException($"{what}: element {i} differs, generated {expected[i]:R}, kernels {actual[i]:R}.");
                    }
                }
            }

            var generated = new float[Batch * 128];
            var kernels = new float[Batch * 128];
            _first.ForwardBatch(_inputs, generated, Batch);
            FirstLayerBatch(_inputs, kernels);
            Same("Dense784x128 ForwardBatch", generated, kernels);
            _second.ForwardBatch(_inputs128, generated.AsSpan(0, Batch * 10), Batch);
            SecondLayerBatch(_inputs128, kernels);
            Same("Dense128x10 ForwardBatch", generated.AsSpan(0, Batch * 10), kernels.AsSpan(0, Batch * 10));
            _mlp.ForwardBatch(_inputs, generated.AsSpan(0, Batch * 10), Batch);
            MlpBatch(_inputs, kernels);
            Same("Mlp ForwardBatch", generated.AsSpan(0, Batch * 10), kernels.AsSpan(0, Batch * 10));
            _first.Forward(_input, generated.AsSpan(0, 128));
            FirstLayerOne(_input, kernels);
            Same("Dense784x128 Forward", generated.AsSpan(0, 128), kernels.AsSpan(0, 128));
            _mlp.Forward(_input, generated.AsSpan(0, 10));
            MlpOne(_input, kernels);
            Same("Mlp Forward", generated.AsSpan(0, 10), kernels.AsSpan(0, 10));

            _first.ZeroGradients();
            Array.Clear(_gradients);
            float generatedLoss = _first.BackwardBatch(_inputs, _targets, Batch);
            float kernelLoss = FirstLayerTrain();
            Same("Dense784x128 BackwardBatch gradients", _first.Gradients, _gradients.AsSpan(_gradientsAt, Dense784x128.ParameterCount));
            Same("Dense784x128 BackwardBatch loss", new[] { generatedLoss }, new[] { kernelLoss });

            _mlp.ZeroGradients();
            Array.Clear(_gradients);
            generatedLoss = _mlp.BackwardBatch(_inputs, _labels, Batch);
            kernelLoss = MlpTrain();
            Same("Mlp BackwardBatch gradients", _mlp.Gradients, _gradients.AsSpan(_gradientsAt, Mlp.ParameterCount));
            Same("Mlp BackwardBatch loss", new[] { generatedLoss }, new[] { kernelLoss });
            Console.WriteLine("// Kernels and generated code agree bit for bit on every case.");
        }
    }

    /// <summary>GFLOP/s of a <see cref="KernelsVsGenerated"/> case: <see cref="KernelsVsGenerated.Flops"/> / median.</summary>
    public sealed class KernelGflopsColumn : ComputedColumn
    {
        public KernelGflopsColumn()
            : base("GFLOP/s", "2 x multiply-adds really done per invocation (forward, weight gradients, input gradients after the first layer) / median")
        {
        }

        protected override string? Compute(Summary summary, BenchmarkCase benchmark) =>
            benchmark.Parameters["Case"] is KernelCase @case && summary[benchmark] is { Success: true, ResultStatistics: { } statistics }
                ? (KernelsVsGenerated.Flops(@case) / statistics.Median).ToString("0.0", CultureInfo.InvariantCulture)
                : null;
    }
}
