using System;
using System.Globalization;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>NaN, infinities, signed zeros, saturation and the documented range boundaries, through every width.</summary>
    public sealed class SimdMathSpecialValueTests
    {
        private const float Inf = float.PositiveInfinity;

        private static float Eval(string name, float x)
        {
            // Every lane holds x; all widths must agree with the scalar overload.
            var xs = new float[16];
            Array.Fill(xs, x);
            return SimdTestSupport.EvaluateAllWidths(SimdTestSupport.Get(name), xs)[0];
        }

        private static void Expect(string name, float x, float expected)
        {
            float got = Eval(name, x);
            bool ok = float.IsNaN(expected) ? float.IsNaN(got) : got == expected;
            Assert.True(ok, string.Create(CultureInfo.InvariantCulture, $"{name}({x:R}) = {got:R}, expected {expected:R}"));
        }

        private static void ExpectNear(string name, float x, double expected, double maxUlps)
        {
            float got = Eval(name, x);
            double ulps = Math.Abs(got - expected) / SimdTestSupport.Ulp(expected);
            Assert.True(ulps <= maxUlps, string.Create(CultureInfo.InvariantCulture, $"{name}({x:R}) = {got:R}, expected {expected:R} ({ulps:F2} ulp)"));
        }

        [Theory]
        [MemberData(nameof(SimdTestSupport.FunctionNames), MemberType = typeof(SimdTestSupport))]
        public void NaNPropagates(string name) => Expect(name, float.NaN, float.NaN);

        [Theory]
        [MemberData(nameof(SimdTestSupport.FunctionNames), MemberType = typeof(SimdTestSupport))]
        public void NoNaNForNonNaNInput(string name)
        {
            float[] xs = SimdTestSupport.Sweep();
            float[] got = SimdTestSupport.EvaluateAllWidths(SimdTestSupport.Get(name), xs);
            for (int i = 0; i < xs.Length; i++)
            {
                bool nanAllowed = float.IsNaN(xs[i]) || (name == "Log" && xs[i] < 0);
                Assert.False(!nanAllowed && float.IsNaN(got[i]), string.Create(CultureInfo.InvariantCulture, $"{name}({xs[i]:R}) is NaN"));
            }
        }

        [Theory]
        [InlineData("Relu", Inf, Inf)]
        [InlineData("Relu", -Inf, 0f)]
        [InlineData("LeakyRelu(0.01)", Inf, Inf)]
        [InlineData("LeakyRelu(0.01)", -Inf, -Inf)]
        [InlineData("Elu(1)", Inf, Inf)]
        [InlineData("Elu(1)", -Inf, -1f)]
        [InlineData("Elu(0.3)", -Inf, -0.3f)]
        [InlineData("Elu(0.3)", -1000f, -0.3f)]
        [InlineData("Exp", Inf, Inf)]
        [InlineData("Exp", -Inf, 0f)]
        [InlineData("Exp", 1e30f, Inf)]
        [InlineData("Exp", -1e30f, 0f)]
        [InlineData("Sigmoid", Inf, 1f)]
        [InlineData("Sigmoid", -Inf, 0f)]
        [InlineData("Sigmoid", 1e30f, 1f)]
        [InlineData("Sigmoid", -1e30f, 0f)]
        [InlineData("Tanh", Inf, 1f)]
        [InlineData("Tanh", -Inf, -1f)]
        [InlineData("Tanh", 1e30f, 1f)]
        [InlineData("Tanh", -1e30f, -1f)]
        [InlineData("Softplus", Inf, Inf)]
        [InlineData("Softplus", -Inf, 0f)]
        [InlineData("Softplus", 1e30f, 1e30f)]
        [InlineData("Silu", Inf, Inf)]
        [InlineData("Silu", -Inf, 0f)]
        [InlineData("Silu", -1e30f, 0f)]
        [InlineData("Gelu", Inf, Inf)]
        [InlineData("Gelu", -Inf, 0f)]
        [InlineData("Gelu", -1e30f, 0f)]
        [InlineData("Gelu", 1e30f, 1e30f)]
        [InlineData("Log", Inf, Inf)]
        [InlineData("Log", 0f, -Inf)]
        [InlineData("Log", -1f, float.NaN)]
        [InlineData("Log", -Inf, float.NaN)]
        [InlineData("Log", 1f, 0f)]
        [InlineData("SoftplusDerivative", Inf, 1f)]
        [InlineData("SoftplusDerivative", -Inf, 0f)]
        [InlineData("SiluDerivative", Inf, 1f)]
        [InlineData("SiluDerivative", -Inf, 0f)]
        [InlineData("GeluDerivative", Inf, 1f)]
        [InlineData("GeluDerivative", -Inf, 0f)]
        public void Limits(string name, float x, float expected) => Expect(name, x, expected);

        [Fact]
        public void ExpRangeBoundaries()
        {
            Assert.Equal(1f, Eval("Exp", 0f));
            Assert.Equal(1f, Eval("Exp", -0f));
            Assert.True(float.IsFinite(Eval("Exp", 88.72283f)), "exp(88.72283) must not overflow");
            Assert.Equal(Inf, Eval("Exp", 88.72284f));
            Assert.Equal(float.Epsilon, Eval("Exp", -103.97f));
            Assert.Equal(0f, Eval("Exp", -103.973f));

            // Gradual underflow: exp(-100) = 3.72e-44 is subnormal, 26.6 times 2^-149.
            ExpectNear("Exp", -100f, Math.Exp(-100), 0.5);
        }

        [Fact]
        public void TanhIsExactlyOneFromItsClampAndNeverAboveOne()
        {
            // Every float in [6, 10]: |tanh| <= 1, and exactly 1 from the clamp point on.
            for (float x = 6f; x <= 10f; x = MathF.BitIncrement(x))
            {
                float t = SimdMath.Tanh(x);
                Assert.True(t <= 1f, string.Create(CultureInfo.InvariantCulture, $"tanh({x:R}) = {t:R} > 1"));
                if (x >= SimdTestSupport.TanhClamp)
                {
                    Assert.Equal(1f, t);
                }
            }

            Assert.Equal(-1f, Eval("Tanh", -SimdTestSupport.TanhClamp));
            Assert.Equal(1f, Eval("Tanh", 9.01f));
        }

        [Fact]
        public void TanhIsOddAndExactNearZero()
        {
            foreach (float x in new[] { float.Epsilon, 1e-30f, 1e-10f, 1e-5f })
            {
                Assert.Equal(x, Eval("Tanh", x));
                Assert.Equal(-x, Eval("Tanh", -x));
            }

            foreach (float x in SimdTestSupport.Sweep())
            {
                Assert.Equal(-SimdMath.Tanh(x), SimdMath.Tanh(-x));
            }
        }

        [Fact]
        public void SigmoidHitsExactLimits()
        {
            Assert.Equal(0.5f, Eval("Sigmoid", 0f));
            Assert.Equal(0.5f, Eval("Sigmoid", -0f));
            Assert.Equal(1f, Eval("Sigmoid", 16.7f));
            Assert.Equal(0f, Eval("Sigmoid", -104f));

            // Relative accuracy in the left tail, down to subnormals.
            ExpectNear("Sigmoid", -90f, Reference.Sigmoid(-90), 1);
            ExpectNear("Sigmoid", -30f, Reference.Sigmoid(-30), 3);
        }

        [Fact]
        public void SmallArgumentsKeepTheirRelativeAccuracy()
        {
            // expm1 in ELU, log1p in softplus, x in tanh: no cancellation to 0 or to a few bits.
            ExpectNear("Elu(1)", -1e-7f, Reference.Expm1(-1e-7f), 1);
            Assert.Equal(-1e-30f, Eval("Elu(1)", -1e-30f));
            ExpectNear("Softplus", -30f, Reference.Softplus(-30), 2);
            ExpectNear("Softplus", -100f, Math.Exp(-100), 0.5);
            Assert.Equal(0.5e-30f, Eval("Silu", 1e-30f));
            Assert.Equal(0.5e-30f, Eval("Gelu", 1e-30f));
        }

        [Fact]
        public void SoftplusIsTheIdentityAboveTheThreshold()
        {
            Assert.Equal(20.5f, Eval("Softplus", 20.5f));
            Assert.Equal(MathF.BitIncrement(20f), Eval("Softplus", MathF.BitIncrement(20f)));
            Assert.Equal(20f, Eval("Softplus", 20f)); // log1p(exp(20)) = 20 + 2e-9 rounds to 20
        }

        [Fact]
        public void LogHandlesSubnormalsAndExtremes()
        {
            Assert.Equal(-Inf, Eval("Log", -0f));
            ExpectNear("Log", float.Epsilon, Math.Log(float.Epsilon), 1);
            ExpectNear("Log", 1e-40f, Math.Log(1e-40f), 1);
            ExpectNear("Log", 1.17549435e-38f, Math.Log(1.17549435e-38f), 1);
            ExpectNear("Log", float.MaxValue, Math.Log(float.MaxValue), 1);
        }
    }
}
