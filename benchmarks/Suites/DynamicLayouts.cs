using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.Baselines;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>
    /// Why the Dynamic baseline stores each layer the way it does: every network with all layers as dot products
    /// (<see cref="DynamicLayout.Rows"/>), all as row-broadcast FMAs (<see cref="DynamicLayout.Columns"/>), or chosen per
    /// layer (<see cref="DynamicLayout.Auto"/>, the baseline's setting). Not part of the default run: <c>--layouts</c>.
    /// </summary>
    public class DynamicLayouts
    {
        private DynamicNetwork _network = null!;
        private Workload _workload = null!;
        private float[] _output = null!;
        private float[] _outputs = null!;

        [ParamsAllValues]
        public NetworkName Network { get; set; }

        [Params(DynamicLayout.Rows, DynamicLayout.Columns, DynamicLayout.Auto)]
        public DynamicLayout Layout { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            _workload = Workload.Create(Network);
            _network = new DynamicNetwork(_workload.Spec, Workload.BatchSize, Layout);
            _network.LoadParameters(_workload.InitialParameters);
            _output = new float[_workload.Spec.OutputSize];
            _outputs = new float[Workload.BatchSize * _workload.Spec.OutputSize];
        }

        [Benchmark]
        public void Forward() => _network.Forward(_workload.Input, _output);

        [Benchmark]
        public void ForwardBatch64() => _network.ForwardBatch(_workload.Inputs, _outputs, Workload.BatchSize);

        [Benchmark]
        public float Backward64()
        {
            _network.ZeroGradients();
            return _workload.UsesLabels
                ? _network.BackwardBatch(_workload.Inputs, _workload.Labels, Workload.BatchSize)
                : _network.BackwardBatch(_workload.Inputs, _workload.Targets, Workload.BatchSize);
        }
    }
}
