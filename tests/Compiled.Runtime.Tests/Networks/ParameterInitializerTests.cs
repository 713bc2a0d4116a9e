using System;
using Compiled.Testing;
using System.Linq;

namespace Compiled.Runtime.Tests.Networks
{
    /// <summary>
    /// Each scheme of <see cref="ParameterInitializer"/> against its <c>torch.nn.init</c> formula. Statistics are taken over a
    /// million draws from fixed seeds, with tolerances of four standard errors computed from the distribution (not guessed):
    /// the mean's standard error is <c>sigma / sqrt(N)</c>, that of the mean square <c>sigma^2 sqrt((kurtosis - 1) / N)</c>
    /// (kurtosis 9/5 uniform, 3 normal).
    /// </summary>
    public class ParameterInitializerTests
    {
        private const int Rows = 1000;
        private const int Columns = 1000;

        [Fact]
        public void Kaiming_uniform_has_the_bound_gain_sqrt_3_over_fan_in()
        {
            float[] values = Draw((r, v) => r.KaimingUniform(v, fanIn: Columns, gain: Math.Sqrt(2)));
            Statistics.CheckUniform(values, Math.Sqrt(2) * Math.Sqrt(3.0 / Columns));
        }

        [Fact]
        public void Glorot_uniform_has_the_bound_gain_sqrt_6_over_fan_in_plus_fan_out()
        {
            float[] values = Draw((r, v) => r.GlorotUniform(v, fanIn: Columns, fanOut: 500, gain: 5.0 / 3.0));
            Statistics.CheckUniform(values, 5.0 / 3.0 * Math.Sqrt(6.0 / (Columns + 500)));
        }

        [Fact]
        public void Kaiming_normal_has_the_std_gain_over_sqrt_fan_in()
        {
            float[] values = Draw((r, v) => r.KaimingNormal(v, fanIn: Columns, gain: Math.Sqrt(2)));
            Statistics.CheckNormal(values, Math.Sqrt(2) / Math.Sqrt(Columns));
        }

        [Fact]
        public void Glorot_normal_has_the_std_gain_sqrt_2_over_fan_in_plus_fan_out()
        {
            float[] values = Draw((r, v) => r.GlorotNormal(v, fanIn: Columns, fanOut: 250, gain: 1));
            Statistics.CheckNormal(values, Math.Sqrt(2.0 / (Columns + 250)));
        }

        [Fact]
        public void Normal_fills_odd_lengths_and_scales_by_the_std()
        {
            var values = new float[(Rows * Columns) - 1];
            new ParameterInitializer(5).Normal(values, 3.0);
            Statistics.CheckNormal(values, 3.0);
        }

        [Fact]
        public void Streams_are_pinned_so_initial_parameters_never_change_across_runtimes()
        {
            // Reference values from an independent implementation of the documented algorithms (Fixtures/init/reference.py):
            // xoshiro128** seeded by SplitMix64; 24-bit floats for the uniform schemes; 53-bit doubles from two draws (the
            // first the high bits) and Marsaglia's polar method for the normal ones; Householder QR in double with fixed-order
            // sums for the orthogonal one (the same bits with or without 256-bit vectors: the test passes with AVX off too).
            var random = new ParameterInitializer(42);
            Assert.Equal(new uint[] { 0x0c2ec5ae, 0x6d113d84, 0xefb7993e }, new[] { random.NextUInt(), random.NextUInt(), random.NextUInt() });

            Assert.Equal(new[] { -0.9048227f, -0.14791143f, 0.87279046f }, Fill(3, r => r.Uniform, 1.0));
            Assert.Equal(new[] { 1.5257818f, -1.4155599f, -2.1706772f, -0.9594184f, 0.46646774f }, Fill(5, r => r.Normal, 1.0));

            var wide = new float[15];
            new ParameterInitializer(42).Orthogonal(wide, 3, 5, 1);
            Assert.Equal(new[] { 0.4781691f, -0.44362637f, -0.6802747f, -0.3006749f, 0.14618765f, -0.57370234f, 0.2934346f, -0.4989396f, -0.4137439f, -0.40575483f, -0.10693992f, 0.49367207f, -0.42819944f, 0.3833779f, 0.643831f }, wide);

            var tall = new float[15];
            new ParameterInitializer(42).Orthogonal(tall, 5, 3, 1);
            Assert.Equal(new[] { 0.7752764f, -0.057553805f, -0.44731426f, -0.4874973f, -0.2177197f, -0.7963801f, 0.13013718f, -0.81935793f, 0.30902135f, -0.37078106f, -0.22799294f, 0.17591253f, -0.08293722f, 0.4753499f, 0.19811432f }, tall);

            var square = new float[36];
            new ParameterInitializer(42).Orthogonal(square, 6, 6, 2);
            Assert.Equal(
                new[]
                {
                    1.3386431f, -0.41766375f, -0.08005093f, -0.79381865f, 0.5554435f, -1.0433205f, 0.22470337f, -1.0666946f, -0.92237777f,
                    -0.5874314f, 0.0681246f, 1.2693201f, -0.14320484f, 0.6221697f, 1.0762465f, -1.1679761f, 0.7106386f, 0.7516084f,
                    -1.0239339f, -0.29169485f, -0.5112797f, 0.14868222f, 1.5430472f, -0.4494058f, -0.90925646f, -1.1675766f, 0.6891895f,
                    -0.69091576f, -0.7042927f, -0.60136724f, 0.5117104f, -0.9232029f, 1.1171908f, 1.0775607f, 0.5520972f, 0.4144698f,
                },
                square);

            static float[] Fill(int length, Func<ParameterInitializer, SpanFill> scheme, double scale)
            {
                var values = new float[length];
                scheme(new ParameterInitializer(42))(values, scale);
                return values;
            }
        }

        private delegate void SpanFill(Span<float> values, double scale);

        [Fact]
        public void Every_scheme_is_deterministic_for_a_seed_and_differs_between_seeds()
        {
            foreach (Action<ParameterInitializer, float[]> scheme in new Action<ParameterInitializer, float[]>[]
            {
                (r, v) => r.Uniform(v, 0.5),
                (r, v) => r.KaimingUniform(v, 30, Math.Sqrt(2)),
                (r, v) => r.GlorotUniform(v, 30, 20, 1),
                (r, v) => r.Normal(v, 0.5),
                (r, v) => r.KaimingNormal(v, 30, Math.Sqrt(2)),
                (r, v) => r.GlorotNormal(v, 30, 20, 1),
                (r, v) => r.Orthogonal(v, 20, 30, 1),
            })
            {
                float[] first = new float[600], again = new float[600], other = new float[600];
                scheme(new ParameterInitializer(123), first);
                scheme(new ParameterInitializer(123), again);
                scheme(new ParameterInitializer(124), other);
                Assert.Equal(first, again);
                Assert.NotEqual(first, other);
            }
        }

        [Theory]
        [InlineData(200, 200, 1.0)]
        [InlineData(300, 100, 1.0)]
        [InlineData(100, 300, 1.0)]
        [InlineData(64, 64, 2.5)]
        [InlineData(1, 50, 1.0)]
        [InlineData(50, 1, 1.0)]
        [InlineData(1, 1, 1.0)]
        public void Orthogonal_rows_or_columns_are_orthonormal_times_the_gain(int rows, int columns, double gain)
        {
            var w = new float[rows * columns];
            new ParameterInitializer(11).Orthogonal(w, rows, columns, gain);

            // Columns orthonormal for rows >= columns (W^T W = gain^2 I), rows otherwise (W W^T = gain^2 I); both when square.
            double worst = 0;
            int n = Math.Min(rows, columns);
            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b < n; b++)
                {
                    double dot = 0;
                    if (rows >= columns)
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            dot += (double)w[(i * columns) + a] * w[(i * columns) + b];
                        }
                    }
                    else
                    {
                        for (int j = 0; j < columns; j++)
                        {
                            dot += (double)w[(a * columns) + j] * w[(b * columns) + j];
                        }
                    }

                    worst = Math.Max(worst, Math.Abs((dot / (gain * gain)) - (a == b ? 1 : 0)));
                }
            }

            Assert.True(worst < 1e-5, $"{rows}x{columns}: largest deviation from the identity {worst:E2}");
            if (rows == columns)
            {
                for (int a = 0; a < rows; a++)
                {
                    double norm = 0;
                    for (int j = 0; j < columns; j++)
                    {
                        norm += (double)w[(a * columns) + j] * w[(a * columns) + j];
                    }

                    Assert.True(Math.Abs((norm / (gain * gain)) - 1) < 1e-5, $"row {a}: {norm}");
                }
            }
        }

        [Theory]
        [InlineData(40, 25)]
        [InlineData(25, 40)]
        [InlineData(30, 30)]
        public void Orthogonal_is_the_q_of_the_drawn_matrix_with_the_signs_of_rs_diagonal(int rows, int columns)
        {
            // PyTorch draws a rows x columns standard normal matrix A (row-major), decomposes A (or A^T when rows < columns)
            // as QR and multiplies Q's columns by sign(diag(R)). So R = Q^T A (or W A^T) is upper triangular with a positive
            // diagonal. The same seed's Normal gives A (in float), the same draws in the same order.
            var w = new float[rows * columns];
            var a = new float[rows * columns];
            new ParameterInitializer(3).Orthogonal(w, rows, columns, 1);
            new ParameterInitializer(3).Normal(a, 1);

            int n = Math.Min(rows, columns);
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    // R[j, k]: Q's column j (W's column j, or W's row j) against A's column k (or A's row k).
                    double r = 0;
                    if (rows >= columns)
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            r += (double)w[(i * columns) + j] * a[(i * columns) + k];
                        }
                    }
                    else
                    {
                        for (int c = 0; c < columns; c++)
                        {
                            r += (double)w[(j * columns) + c] * a[(k * columns) + c];
                        }
                    }

                    if (j == k)
                    {
                        Assert.True(r > 1e-4, $"R[{j},{j}] = {r}: not positive");
                    }
                    else if (j > k)
                    {
                        Assert.True(Math.Abs(r) < 1e-4, $"R[{j},{k}] = {r} below the diagonal");
                    }
                }
            }
        }

        [Fact]
        public void Orthogonal_square_matrices_have_no_preferred_direction()
        {
            // With the sign correction Q is uniformly (Haar) distributed: its trace has mean 0 and variance 1, and the sum
            // of its entries, 1^T (Q 1) = n cos(angle between 1 and a uniform direction), has mean 0 and variance n. Without
            // the correction, Householder's Q is biased (its diagonal leans negative).
            const int n = 300;
            for (int seed = 0; seed < 5; seed++)
            {
                var w = new float[n * n];
                new ParameterInitializer(seed).Orthogonal(w, n, n, 1);
                double trace = Enumerable.Range(0, n).Sum(i => (double)w[(i * n) + i]);
                double sum = w.Sum(v => (double)v);
                Assert.True(Math.Abs(trace) < 4, $"seed {seed}: trace {trace}");
                Assert.True(Math.Abs(sum) < 4 * Math.Sqrt(n), $"seed {seed}: sum {sum}");
            }
        }

        [Fact]
        public void Arguments_are_checked()
        {
            var random = new ParameterInitializer(1);
            var values = new float[6];
            Assert.Throws<ArgumentException>(() => random.Orthogonal(values, 2, 4, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => random.Orthogonal(values, 0, 6, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => random.Orthogonal(values, 2, 3, double.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => random.Normal(values, -1));
            Assert.Throws<ArgumentOutOfRangeException>(() => random.Normal(values, double.PositiveInfinity));
            Assert.Throws<ArgumentOutOfRangeException>(() => random.KaimingNormal(values, 0, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => random.GlorotNormal(values, 3, 0, 1));
        }

        [Fact]
        public void The_portable_logarithm_agrees_with_math_log_to_a_few_ulps()
        {
            var random = new ParameterInitializer(9);
            double[] special = { 1.0, 0.5, 0.25, Math.Sqrt(0.5), Math.BitDecrement(Math.Sqrt(2) / 2), 1 - 1e-12, Math.Pow(2, -104), 3e-30, 0.9999999999999999, 1.5, 7.25 };
            foreach (double x in special.Concat(Enumerable.Range(0, 100_000).Select(_ => 1.0 - random.NextDouble())))
            {
                double expected = Math.Log(x);
                double actual = ParameterInitializer.PortableLog(x);
                double ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
                Assert.True(Math.Abs(actual - expected) <= 4 * ulp, $"log({x:R}) = {actual:R}, Math.Log says {expected:R}");
            }
        }

        // ------------------------------------------------------------------ helpers

        /// <summary>A 1000 x 1000 tensor filled by <paramref name="fill"/> from a fixed seed.</summary>
        private static float[] Draw(Action<ParameterInitializer, float[]> fill)
        {
            var values = new float[Rows * Columns];
            fill(new ParameterInitializer(2024), values);
            return values;
        }
    }
}
