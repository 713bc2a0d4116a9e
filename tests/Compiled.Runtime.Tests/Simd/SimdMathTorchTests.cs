using System;
using System.Globalization;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>
    /// SimdMath against values PyTorch 1.13 computed in float32 (<see cref="TorchReference"/>): checks the definitions
    /// (constants, thresholds, slopes, backward formulas) are PyTorch's. Tolerances allow for both libraries' few-ulp
    /// errors, PyTorch's own cancellation in GELU's left tail, and its flushing of exp-based tails to 0.
    /// </summary>
    public sealed class SimdMathTorchTests
    {
        public static TheoryData<string> Names() => new()
        {
            "Exp", "Sigmoid", "Tanh", "Relu", "LeakyRelu", "Elu", "Softplus", "Silu", "Gelu",
            "SoftplusDerivative", "SiluDerivative", "GeluDerivative",
        };

        [Theory]
        [MemberData(nameof(Names))]
        public void MatchesPyTorch(string name)
        {
            uint[] expected = (uint[])typeof(TorchReference).GetField(name)!.GetValue(null)!;
            Func<float, float> f = name switch
            {
                "LeakyRelu" => x => SimdMath.LeakyRelu(x, 0.01f),
                "Elu" => x => SimdMath.Elu(x, 1f),
                _ => SimdTestSupport.Get(name).Scalar,
            };

            // Absolute slack: GELU and its derivative cancel in float32 (in PyTorch too); PyTorch 1.13's vectorised ELU
            // computes exp(x) - 1, which cancels near 0 (elu(-1e-6) = -1.0133e-6 there, -9.999995e-7 here and exactly);
            // elsewhere only PyTorch's flush-to-zero of exp tails (sigmoid(-90) = 0 there, 8e-40 here).
            double absolute = name switch
            {
                "Gelu" or "GeluDerivative" => 8e-6,
                "Elu" => 1.2e-7,
                "SiluDerivative" => 1e-7, // s (1 + z (1 - s)) cancels at its zero near z = -1.278
                _ => 1e-37,
            };
            for (int i = 0; i < TorchReference.X.Length; i++)
            {
                float x = BitConverter.UInt32BitsToSingle(TorchReference.X[i]);
                float want = BitConverter.UInt32BitsToSingle(expected[i]);
                float got = f(x);
                bool ok = float.IsInfinity(want) || float.IsNaN(want)
                    ? got.Equals(want)
                    : Math.Abs(got - want) <= (8 * SimdTestSupport.Ulp(want)) + (absolute * Math.Max(1, Math.Abs(x)));
                Assert.True(ok, string.Create(CultureInfo.InvariantCulture, $"{name}({x:R}) = {got:R}, PyTorch {want:R}"));
            }
        }

        [Fact]
        public void LogMatchesPyTorch()
        {
            for (int i = 0; i < TorchReference.LogX.Length; i++)
            {
                float x = BitConverter.UInt32BitsToSingle(TorchReference.LogX[i]);
                float want = BitConverter.UInt32BitsToSingle(TorchReference.Log[i]);
                float got = SimdMath.Log(x);
                Assert.True(Math.Abs(got - want) <= 2 * SimdTestSupport.Ulp(want), string.Create(CultureInfo.InvariantCulture, $"Log({x:R}) = {got:R}, PyTorch {want:R}"));
            }
        }
    }
}
