using System;
using Xunit.Abstractions;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>
    /// Maximum error of every function against a double-precision reference over <see cref="SimdTestSupport.Sweep"/>,
    /// evaluated through every width (which must agree bit for bit). Bounds sit a little above the measured maxima
    /// documented in SimdMath's remarks, far below what a wrong formula or coefficient gives.
    /// </summary>
    public sealed class SimdMathAccuracyTests
    {
        private readonly ITestOutputHelper output;

        public SimdMathAccuracyTests(ITestOutputHelper output) => this.output = output;

        private (double MaxUlps, float At) Check(
            string name, Func<double, double> reference, double boundUlps, Func<double, double>? scale = null, Func<float, bool>? include = null)
        {
            float[] xs = SimdTestSupport.Sweep();
            float[] got = SimdTestSupport.EvaluateAllWidths(SimdTestSupport.Get(name), xs);
            (double MaxUlps, float At) e = SimdTestSupport.MaxError(name, xs, got, reference, scale, include);
            string text = SimdTestSupport.Describe(name, e);
            output.WriteLine(text);
            Assert.True(e.MaxUlps <= boundUlps, $"{text}, bound {boundUlps} ulp");
            return e;
        }

        [Fact]
        public void ReluIsExact() => Check("Relu", Reference.Relu, 0);

        [Fact]
        public void LeakyReluIsCorrectlyRounded()
        {
            Check("LeakyRelu(0.01)", x => Reference.LeakyRelu(x, 0.01f), 0.5);
            Check("LeakyRelu(0.2)", x => Reference.LeakyRelu(x, 0.2f), 0.5);
        }

        [Fact]
        public void EluIsWithinTwoUlp()
        {
            // Including tiny negative x, where a naive exp(x) - 1 would lose all its digits.
            Check("Elu(1)", x => Reference.Elu(x, 1), 2);
            Check("Elu(0.3)", x => Reference.Elu(x, 0.3f), 2);
        }

        [Fact]
        public void ExpIsWithinOnePointFiveUlp() => Check("Exp", Math.Exp, 1.5);

        [Fact]
        public void SigmoidIsWithinThreeUlpIncludingTheLeftTail() => Check("Sigmoid", Reference.Sigmoid, 3);

        [Fact]
        public void TanhIsWithinSixUlp()
        {
            Check("Tanh", Math.Tanh, 6);

            // Near 0 tanh(x) ~ x keeps its relative accuracy.
            Check("Tanh", Math.Tanh, 2, include: x => Math.Abs(x) < 0.01f);
        }

        [Fact]
        public void SoftplusIsWithinTwoPointFiveUlp() => Check("Softplus", Reference.Softplus, 2.5);

        [Fact]
        public void SiluIsWithinFourUlp() =>
            // Below -87 x * exp(x) is built from a subnormal exp(x): errors there are counted against 1e-36.
            Check("Silu", Reference.Silu, 4, scale: _ => 1e-36);

        [Fact]
        public void GeluIsWithinItsFormulasAccuracy()
        {
            // Relative where 1 + tanh does not cancel.
            Check("Gelu", Reference.Gelu, 3, include: x => x >= -0.5f);

            // Everywhere, relative to 0.5 |x| (the size of the terms of 0.5 x + 0.5 x t, which cancel in the left tail).
            Check("Gelu", Reference.Gelu, 6, scale: x => 0.5 * Math.Abs(x));
        }

        [Fact]
        public void LogIsWithinOnePointFiveUlp() => Check("Log", Reference.Log, 1.5);

        [Fact]
        public void SoftplusDerivativeIsWithinThreeUlp() => Check("SoftplusDerivative", Reference.SoftplusDerivative, 3);

        [Fact]
        public void SiluDerivativeIsWithinFiveUlpOfItsLargestTerm() =>
            Check("SiluDerivative", Reference.SiluDerivative, 5, scale: z => Math.Max(Reference.SiluDerivativeScale(z), 1e-36));

        [Fact]
        public void GeluDerivativeIsWithinItsFormulasAccuracy()
        {
            // |z| <= 1: within 4 ulp of the largest term.
            Check("GeluDerivative", Reference.GeluDerivative, 4, Reference.GeluDerivativeScale, x => Math.Abs(x) <= 1);

            // Elsewhere the (1 - t^2) factor amplifies tanh's few-ulp error near +-1 by up to ~9 (as in PyTorch's float
            // formula): bounded by 80 ulp of the largest term, i.e. about 5e-6 absolute.
            Check("GeluDerivative", Reference.GeluDerivative, 80, Reference.GeluDerivativeScale);
        }
    }
}
