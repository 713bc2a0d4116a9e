using System;
using System.Globalization;
using Xunit.Abstractions;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>The backward-pass derivatives against central finite differences of the double-precision activations.</summary>
    public sealed class SimdMathDerivativeTests
    {
        private readonly ITestOutputHelper output;

        public SimdMathDerivativeTests(ITestOutputHelper output) => this.output = output;

        private static double CentralDifference(Func<double, double> f, double z)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(z));
            return (f(z + h) - f(z - h)) / (2 * h);
        }

        private void CheckAgainstFiniteDifferences(string name, Func<double, double> activation, double absTolerance, double relTolerance)
        {
            UnaryFunction derivative = SimdTestSupport.Get(name);
            var zs = new float[2016];
            for (int i = 0; i < zs.Length; i++)
            {
                zs[i] = (float)(-12 + (i * 0.012));
            }

            float[] got = SimdTestSupport.EvaluateAllWidths(derivative, zs);
            double worst = 0;
            float at = 0;
            for (int i = 0; i < zs.Length; i++)
            {
                double fd = CentralDifference(activation, zs[i]);
                double err = Math.Abs(got[i] - fd);
                double allowed = absTolerance + (relTolerance * Math.Abs(fd));
                Assert.True(err <= allowed, string.Create(CultureInfo.InvariantCulture, $"{name}({zs[i]:R}) = {got[i]:R}, finite difference {fd:R}"));
                if (err > worst)
                {
                    worst = err;
                    at = zs[i];
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: max |error| vs finite differences {worst:E2} at z = {at:R}"));
        }

        [Fact]
        public void SoftplusDerivativeMatchesFiniteDifferences() =>
            CheckAgainstFiniteDifferences("SoftplusDerivative", Reference.Softplus, 1e-7, 1e-6);

        [Fact]
        public void SiluDerivativeMatchesFiniteDifferences() =>
            CheckAgainstFiniteDifferences("SiluDerivative", Reference.Silu, 1e-7, 1e-6);

        [Fact]
        public void GeluDerivativeMatchesFiniteDifferences() =>
            CheckAgainstFiniteDifferences("GeluDerivative", Reference.Gelu, 6e-6, 1e-6);

        [Fact]
        public void SoftplusDerivativeIsOneAboveTheThreshold()
        {
            foreach (float z in new[] { 16.7f, 20f, MathF.BitIncrement(20f), 20.5f, 25f, 1e6f, float.MaxValue, float.PositiveInfinity })
            {
                Assert.Equal(1f, SimdMath.SoftplusDerivative(z));
            }
        }

        [Fact]
        public void DerivativesAtTheOriginAreExact()
        {
            Assert.Equal(0.5f, SimdMath.SoftplusDerivative(0f));
            Assert.Equal(0.5f, SimdMath.SiluDerivative(0f));
            Assert.Equal(0.5f, SimdMath.GeluDerivative(0f));
        }
    }
}
