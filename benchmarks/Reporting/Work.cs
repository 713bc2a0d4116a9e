using System;
using BenchmarkDotNet.Running;
using Compiled.Benchmarks.Suites;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>
    /// The work one invocation of a benchmark does: samples processed and floating-point operations, counted as
    /// 2 × multiply-adds of the weight matrices (biases, activations, losses and optimizer not counted). A training step or
    /// epoch counts forward + backward as 3 × the forward multiply-adds (forward, input gradients, weight gradients).
    /// </summary>
    /// <remarks><see cref="ExactFlops"/> counts what the implementations really compute (see <see cref="NetworkSpec.TrainingMultiplyAddsPerSample"/>).</remarks>
    public readonly record struct Work(string Operation, NetworkName Network, long Samples, double Flops, double ExactFlops)
    {
        /// <summary>Training images in Fashion-MNIST.</summary>
        public const int FashionTrainCount = 60_000;

        public static Work? Of(BenchmarkCase benchmark)
        {
            Type type = benchmark.Descriptor.Type;
            NetworkName network = benchmark.Parameters.Items is { Count: > 0 } && benchmark.Parameters["Network"] is NetworkName n ? n : NetworkName.Mlp;
            return Of(type.Name, network);
        }

        public static Work? Of(string operation, NetworkName network)
        {
            NetworkSpec spec = NetworkCatalog.Spec(operation == nameof(MlpEpoch) ? NetworkName.Mlp : network);
            long macs = spec.MultiplyAddsPerSample;
            long training = spec.TrainingMultiplyAddsPerSample;
            return operation switch
            {
                nameof(Forward) => new Work(operation, network, 1, 2d * macs, 2d * macs),
                nameof(ForwardBatch64) => new Work(operation, network, Workload.BatchSize, 2d * macs * Workload.BatchSize, 2d * macs * Workload.BatchSize),
                nameof(TrainStep64) => new Work(operation, network, Workload.BatchSize, 3 * 2d * macs * Workload.BatchSize, 2d * training * Workload.BatchSize),
                nameof(MlpEpoch) => new Work(operation, NetworkName.Mlp, FashionTrainCount, 3 * 2d * macs * FashionTrainCount, 2d * training * FashionTrainCount),
                _ => null,
            };
        }
    }
}
