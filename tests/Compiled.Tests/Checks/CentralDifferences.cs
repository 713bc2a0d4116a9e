using System;

namespace Compiled.Tests.Checks
{
    /// <summary>Gradients against central differences of a loss computed in double precision.</summary>
    public static class CentralDifferences
    {
        /// <summary>
        /// Asserts that every <paramref name="gradients"/>[i] is <c>(loss(p + h e_i) - loss(p - h e_i)) / 2h</c> at
        /// <paramref name="parameters"/> (h = 1e-6) within 2e-5 + 2e-3 |expected|.
        /// </summary>
        /// <param name="loss">The loss at a parameter vector, in double precision.</param>
        /// <param name="parameters">Where to differentiate.</param>
        /// <param name="gradients">The gradients to check, one per parameter.</param>
        /// <param name="describe">Names parameter <c>i</c> in a failure message.</param>
        public static void AssertGradients(Func<double[], double> loss, double[] parameters, float[] gradients, Func<int, string> describe)
        {
            const double Step = 1e-6;
            for (int i = 0; i < parameters.Length; i++)
            {
                double[] p = (double[])parameters.Clone();
                p[i] = parameters[i] + Step;
                double up = loss(p);
                p[i] = parameters[i] - Step;
                double down = loss(p);
                double expected = (up - down) / (2 * Step);
                Assert.True(Math.Abs(expected - gradients[i]) <= 2e-5 + (2e-3 * Math.Abs(expected)), $"{describe(i)}: {gradients[i]:R}, finite differences {expected:R}");
            }
        }
    }
}
