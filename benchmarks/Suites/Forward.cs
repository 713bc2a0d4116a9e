using BenchmarkDotNet.Attributes;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>Forward latency of one sample.</summary>
    public class Forward : NetworkSuite
    {
        private float[] _input = null!;
        private float[] _naiveOutput = null!;
        private float[] _dynamicOutput = null!;
        private float[] _generatedOutput = null!;

        [Benchmark]
        public void Naive() => NaiveNet.Forward(_input, _naiveOutput);

        [Benchmark]
        public void Dynamic() => DynamicNet.Forward(_input, _dynamicOutput);

        [Benchmark]
        public void Generated()
        {
            switch (Network)
            {
                case NetworkName.Xor: XorNet.Forward(_input, _generatedOutput); break;
                case NetworkName.Game: GameNet.Forward(_input, _generatedOutput); break;
                case NetworkName.Mlp: MlpNet.Forward(_input, _generatedOutput); break;
                default: Mlp2Net.Forward(_input, _generatedOutput); break;
            }
        }

        /// <summary>
        /// One read of the generated network's float32 parameters (<see cref="MachineBounds.ReadOnce"/>): the streaming bound
        /// of a batch-1 forward pass whose weights live in L2, timed in the same run, by the same harness and statistic, and
        /// from the same memory as <see cref="Generated"/>.
        /// </summary>
        [Benchmark]
        public float WeightRead() => MachineBounds.ReadOnce(Network switch
        {
            NetworkName.Xor => XorNet.Parameters,
            NetworkName.Game => GameNet.Parameters,
            NetworkName.Mlp => MlpNet.Parameters,
            _ => Mlp2Net.Parameters,
        });

        protected override void AfterSetup()
        {
            _input = W.Input;
            _naiveOutput = W.NaiveOutput;
            _dynamicOutput = W.DynamicOutput;
            _generatedOutput = W.GeneratedOutput;
        }
    }

    /// <summary>Forward throughput over a batch of 64 samples.</summary>
    public class ForwardBatch64 : NetworkSuite
    {
        private const int Batch = Workload.BatchSize;
        private float[] _inputs = null!;
        private float[] _naiveOutputs = null!;
        private float[] _dynamicOutputs = null!;
        private float[] _generatedOutputs = null!;

        [Benchmark]
        public void Naive() => NaiveNet.ForwardBatch(_inputs, _naiveOutputs, Batch);

        [Benchmark]
        public void Dynamic() => DynamicNet.ForwardBatch(_inputs, _dynamicOutputs, Batch);

        [Benchmark]
        public void Generated()
        {
            switch (Network)
            {
                case NetworkName.Xor: XorNet.ForwardBatch(_inputs, _generatedOutputs, Batch); break;
                case NetworkName.Game: GameNet.ForwardBatch(_inputs, _generatedOutputs, Batch); break;
                case NetworkName.Mlp: MlpNet.ForwardBatch(_inputs, _generatedOutputs, Batch); break;
                default: Mlp2Net.ForwardBatch(_inputs, _generatedOutputs, Batch); break;
            }
        }

        protected override void AfterSetup()
        {
            _inputs = W.Inputs;
            _naiveOutputs = W.NaiveOutputs;
            _dynamicOutputs = W.DynamicOutputs;
            _generatedOutputs = W.GeneratedOutputs;
        }
    }
}
