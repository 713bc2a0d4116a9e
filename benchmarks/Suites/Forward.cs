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
