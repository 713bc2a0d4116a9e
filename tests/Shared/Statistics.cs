using System;
using System.Linq;

namespace Compiled.Testing
{
    /// <summary>
    /// Shared by the generator and runtime test projects (linked into both). Checks that values were drawn from a distribution, to four standard errors computed from it: the mean's is
    /// <c>sigma / sqrt(N)</c>, the mean square's <c>sigma^2 sqrt((kurtosis - 1) / N)</c> (kurtosis 9/5 uniform, 3 normal).
    /// </summary>
    internal static class Statistics
    {
        /// <summary>U(-bound, bound): every value within the bound, the largest within 20/N of it, mean 0 and variance bound^2/3.</summary>
        public static void CheckUniform(float[] values, double bound)
        {
            double largest = values.Max(v => Math.Abs((double)v));
            Assert.True(largest <= bound * (1 + 1e-6), $"{largest} beyond the bound {bound}"); // (up to the bound's rounding to float)

            // P(every |x| < bound (1 - 20/N)) = (1 - 20/N)^N < e^-20.
            Assert.True(largest >= bound * (1 - (20.0 / values.Length)), $"the largest |x| {largest} is well inside the bound {bound}");
            CheckMoments(values, bound * bound / 3, kurtosis: 9.0 / 5.0);
        }

        /// <summary>N(0, std^2): mean 0, variance std^2, and P(|x| &gt; std) = 0.3173 (a uniform of that variance gives 0.4226).</summary>
        public static void CheckNormal(float[] values, double std)
        {
            CheckMoments(values, std * std, kurtosis: 3);
            const double P = 0.31731050786291404; // erfc(1 / sqrt(2))
            double beyond = values.Count(v => Math.Abs(v) > std) / (double)values.Length;
            Assert.True(Math.Abs(beyond - P) < 4 * Math.Sqrt(P * (1 - P) / values.Length), $"P(|x| > std) = {beyond}, expected {P}");
        }

        private static void CheckMoments(float[] values, double variance, double kurtosis)
        {
            int n = values.Length;
            double mean = 0, square = 0;
            foreach (float v in values)
            {
                mean += v;
                square += (double)v * v;
            }

            mean /= n;
            square /= n;
            double meanTolerance = 4 * Math.Sqrt(variance / n);
            Assert.True(Math.Abs(mean) < meanTolerance, $"mean {mean:E3}, tolerance {meanTolerance:E3}");

            // The mean square estimates the variance (the mean is known: 0).
            double varianceTolerance = 4 * variance * Math.Sqrt((kurtosis - 1) / n);
            Assert.True(Math.Abs(square - variance) < varianceTolerance, $"variance {square:E6}, expected {variance:E6} within {varianceTolerance:E2}");
        }
    }
}
