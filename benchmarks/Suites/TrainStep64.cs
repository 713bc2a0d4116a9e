using System;
using BenchmarkDotNet.Attributes;
using Compiled.Optimizers;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// One training step on a batch of 64: zero the gradients, forward + backward over the batch (labels for the
    /// cross-entropy networks, targets for the MSE ones), one Adam step (learning rate 1e-3). Each implementation is put
    /// back on the initial parameters every <see cref="RestoreEvery"/> steps, so that thousands of steps on one batch never
    /// drift into a different numeric regime (saturated softmax, dead ReLUs) than the other implementations; the copy
    /// costs under 0.1% of a step.
    /// </summary>
    public class TrainStep64 : NetworkSuite
    {
        public const int RestoreEvery = 256;

        private const int Batch = Workload.BatchSize;
        private const float LearningRate = Workload.LearningRate;
        private float[] _inputs = null!;
        private int[] _labels = null!;
        private float[] _targets = null!;
        private float[] _initial = null!;
        private bool _labelled;
        private Adam _adam = null!;
        private int _naiveSteps;
        private int _dynamicSteps;
        private int _generatedSteps;

        [Benchmark]
        public float Naive()
        {
            NaiveNet.ZeroGradients();
            float loss = _labelled ? NaiveNet.BackwardBatch(_inputs, _labels, Batch) : NaiveNet.BackwardBatch(_inputs, _targets, Batch);
            NaiveNet.AdamStep(LearningRate);
            if (++_naiveSteps == RestoreEvery)
            {
                _naiveSteps = 0;
                NaiveNet.LoadParameters(_initial);
            }

            return loss;
        }

        [Benchmark]
        public float Dynamic()
        {
            DynamicNet.ZeroGradients();
            float loss = _labelled ? DynamicNet.BackwardBatch(_inputs, _labels, Batch) : DynamicNet.BackwardBatch(_inputs, _targets, Batch);
            DynamicNet.AdamStep(LearningRate);
            if (++_dynamicSteps == RestoreEvery)
            {
                _dynamicSteps = 0;
                DynamicNet.LoadParameters(_initial);
            }

            return loss;
        }

        [Benchmark]
        public float Generated()
        {
            float loss;
            switch (Network)
            {
                case NetworkName.Xor:
                    XorNet.ZeroGradients();
                    loss = XorNet.BackwardBatch(_inputs, _targets, Batch);
                    _adam.Step(XorNet);
                    break;
                case NetworkName.Game:
                    GameNet.ZeroGradients();
                    loss = GameNet.BackwardBatch(_inputs, _targets, Batch);
                    _adam.Step(GameNet);
                    break;
                case NetworkName.Mlp:
                    MlpNet.ZeroGradients();
                    loss = MlpNet.BackwardBatch(_inputs, _labels, Batch);
                    _adam.Step(MlpNet);
                    break;
                default:
                    Mlp2Net.ZeroGradients();
                    loss = Mlp2Net.BackwardBatch(_inputs, _labels, Batch);
                    _adam.Step(Mlp2Net);
                    break;
            }

            if (++_generatedSteps == RestoreEvery)
            {
                _generatedSteps = 0;
                W.Generated.SetParameters(_initial);
            }

            return loss;
        }

        protected override void AfterSetup()
        {
            _inputs = W.Inputs;
            _labels = W.Labels;
            _targets = W.Targets;
            _initial = W.InitialParameters;
            _labelled = W.UsesLabels;
            _adam = new Adam(LearningRate);
        }
    }
}
