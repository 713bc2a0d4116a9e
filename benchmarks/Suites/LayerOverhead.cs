using System;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.Networks;
using Compiled.Optimizers;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// Mlp as it is, with <c>[Dropout(0.5)]</c> and with <c>[BatchNorm]</c> after its hidden layer (after its ReLU, or before
    /// a ReLU layer, where inference folds it into the Dense); LeNet-5 without and with batch normalisation (the same two
    /// orders; the same 784 inputs and 10 classes).
    /// </summary>
    public enum LayerCase
    {
        /// <summary>784-128-10.</summary>
        Mlp,

        /// <summary>784-128, Dropout(0.5), 10.</summary>
        MlpDropout,

        /// <summary>784-128, BatchNorm, 10.</summary>
        MlpBatchNorm,

        /// <summary>LeNet-5 on 1x28x28: two convolutions with max pooling, then 120-84-10.</summary>
        LeNet5,

        /// <summary>LeNet-5 with BatchNorm after both convolutions and the 120-unit layer.</summary>
        LeNet5BatchNorm,

        /// <summary>784-128 without activation, BatchNorm, ReLU layer, 10: PyTorch's Linear-BatchNorm1d-ReLU order, folded at inference.</summary>
        MlpBatchNormFolded,

        /// <summary>LeNet-5 with each convolution and the 120-unit layer followed by BatchNorm then ReLU (Conv-BN-ReLU), folded at inference.</summary>
        LeNet5BatchNormFolded,
    }

    /// <summary>
    /// What a dropout or batch-normalisation layer costs on top of Mlp: inference (one sample and a batch of 64) and a
    /// training step of 64 (ZeroGradients, BackwardBatch with labels, Adam). The three networks share Mlp's Dense layers
    /// and weights. Only run when a filter names it (<c>--filter '*LayerOverhead*'</c>).
    /// </summary>
    public class LayerOverhead
    {
        private const int Batch = Workload.BatchSize;

        private INetwork _network = null!;
        private Adam _adam = null!;
        private float[] _inputs = null!;
        private float[] _outputs = null!;
        private int[] _labels = null!;

        [ParamsAllValues]
        public LayerCase Case { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            INetwork mlp = new Mlp();
            _network = Case switch
            {
                LayerCase.MlpDropout => new MlpDropout(),
                LayerCase.MlpBatchNorm => new MlpBatchNorm(),
                LayerCase.LeNet5 => new LeNet5(),
                LayerCase.LeNet5BatchNorm => new LeNet5BatchNorm(),
                LayerCase.MlpBatchNormFolded => new MlpBatchNormFolded(),
                LayerCase.LeNet5BatchNormFolded => new LeNet5BatchNormFolded(),
                _ => mlp,
            };
            mlp.InitializeParameters(1);
            _network.InitializeParameters(1);
            var random = new Random(2);
            _inputs = new float[Batch * 784];
            for (int i = 0; i < _inputs.Length; i++)
            {
                _inputs[i] = (float)random.NextDouble();
            }

            _labels = new int[Batch];
            for (int i = 0; i < Batch; i++)
            {
                _labels[i] = random.Next(10);
            }

            _outputs = new float[Batch * 10];
            _adam = new Adam(Workload.LearningRate);
            TrainStep(); // the training workspace and the optimizer state, allocated once
        }

        [Benchmark]
        public void Forward() => _network.Forward(_inputs.AsSpan(0, 784), _outputs.AsSpan(0, 10));

        [Benchmark]
        public void ForwardBatch() => _network.ForwardBatch(_inputs, _outputs, Batch);

        [Benchmark]
        public float TrainStep()
        {
            _network.ZeroGradients();
            float loss = _network.BackwardBatch(_inputs, _labels, Batch);
            _adam.Step(_network);
            return loss;
        }
    }
}
