using System;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.Baselines;
using Compiled.Benchmarks.Networks;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>The offset of a buffer from the previous 64-byte boundary.</summary>
    public static class Alignment
    {
        public static unsafe long Of(ReadOnlySpan<float> values)
        {
            fixed (float* p = values)
            {
                return (long)p % 64;
            }
        }
    }

    /// <summary>
    /// What every per-network suite shares: the workload (three implementations on the same parameters), verified in the
    /// benchmark process itself before anything is timed, and the generated network held as its own sealed type, so that
    /// <c>Generated</c> calls it as user code does (a direct call, not an interface call).
    /// </summary>
    public abstract class NetworkSuite
    {
        protected Workload W = null!;
        protected NaiveNetwork NaiveNet = null!;
        protected DynamicNetwork DynamicNet = null!;
        protected Xor XorNet = null!;
        protected Game GameNet = null!;
        protected Mlp MlpNet = null!;
        protected Mlp2 Mlp2Net = null!;

        [ParamsAllValues]
        public NetworkName Network { get; set; }

        [GlobalSetup]
        public void Setup()
        {
            Verification.VerifyOrThrow(Network);
            Console.WriteLine($"// Correctness guard passed for {Network}: Naive, Dynamic and Generated agree within {Verification.Tolerance:0e0}.");
            W = Workload.Create(Network);
            NaiveNet = W.Naive;
            DynamicNet = W.Dynamic;
            switch (W.Generated)
            {
                case Xor xor: XorNet = xor; break;
                case Game game: GameNet = game; break;
                case Mlp mlp: MlpNet = mlp; break;
                case Mlp2 mlp2: Mlp2Net = mlp2; break;
            }

            AfterSetup();

            // Where the GC put the arrays relative to 64-byte cache lines changes per process and moves the generated
            // AVX-512 kernels by 10-15%; logged so that a run's figures can be explained.
            Console.WriteLine($"// Alignment (address mod 64): parameters {Alignment.Of(W.Generated.Parameters)}, gradients {Alignment.Of(W.Generated.Gradients)}, batch inputs {Alignment.Of(W.Inputs)}.");
        }

        protected virtual void AfterSetup()
        {
        }
    }
}
