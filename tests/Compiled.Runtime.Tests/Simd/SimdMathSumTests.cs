using System;
using System.Globalization;
using System.Runtime.Intrinsics;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>
    /// The transpose-reduce sums against straightforward double-precision sums, with distinct random values in every
    /// lane of every vector (so a wrong lane order fails), and against the single-vector <c>Sum</c> bit for bit.
    /// </summary>
    public sealed class SimdMathSumTests
    {
        private static float[][] RandomRows(Random random, int rows, int width)
        {
            var a = new float[rows][];
            for (int r = 0; r < rows; r++)
            {
                a[r] = new float[width];
                for (int i = 0; i < width; i++)
                {
                    // Distinct magnitudes per row and lane: row r sums to roughly 1000 r, lane i adds i * 1e-1.
                    a[r][i] = (float)((1000.0 * r / width) + (0.1 * i) + (random.NextDouble() - 0.5));
                }
            }

            return a;
        }

        private static void AssertRowSums(float[][] rows, float[] got, Func<int, float> single)
        {
            for (int k = 0; k < rows.Length; k++)
            {
                double exact = 0, magnitude = 0;
                foreach (float v in rows[k])
                {
                    exact += v;
                    magnitude += Math.Abs(v);
                }

                // Recursive-summation bound: (n - 1) eps sum |x|.
                double bound = rows[k].Length * Math.ScaleB(1.0, -24) * magnitude;
                Assert.True(Math.Abs(got[k] - exact) <= bound, string.Create(CultureInfo.InvariantCulture, $"lane {k}: {got[k]:R}, expected {exact:R}"));
                Assert.Equal(BitConverter.SingleToInt32Bits(single(k)), BitConverter.SingleToInt32Bits(got[k]));
            }
        }

        [Fact]
        public void Sum4PutsTheSumOfEachVectorInItsLane()
        {
            var random = new Random(4);
            for (int trial = 0; trial < 200; trial++)
            {
                float[][] a = RandomRows(random, 4, 4);
                var v = new Vector128<float>[4];
                for (int k = 0; k < 4; k++)
                {
                    v[k] = Vector128.Create(a[k]);
                }

                var got = new float[4];
                SimdMath.Sum4(v[0], v[1], v[2], v[3]).CopyTo(got);
                AssertRowSums(a, got, k => SimdMath.Sum(v[k]));
            }
        }

        [Fact]
        public void Sum8PutsTheSumOfEachVectorInItsLane()
        {
            var random = new Random(8);
            for (int trial = 0; trial < 200; trial++)
            {
                float[][] a = RandomRows(random, 8, 8);
                var v = new Vector256<float>[8];
                for (int k = 0; k < 8; k++)
                {
                    v[k] = Vector256.Create(a[k]);
                }

                var got = new float[8];
                SimdMath.Sum8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]).CopyTo(got);
                AssertRowSums(a, got, k => SimdMath.Sum(v[k]));
            }
        }

        [Fact]
        public void Sum16PutsTheSumOfEachVectorInItsLane()
        {
            var random = new Random(16);
            for (int trial = 0; trial < 200; trial++)
            {
                float[][] a = RandomRows(random, 16, 16);
                var v = new Vector512<float>[16];
                for (int k = 0; k < 16; k++)
                {
                    v[k] = Vector512.Create(a[k]);
                }

                var got = new float[16];
                SimdMath.Sum16(
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                    v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]).CopyTo(got);
                AssertRowSums(a, got, k => SimdMath.Sum(v[k]));
            }
        }

        [Fact]
        public void Sum16WithZeroRowsGivesZeroLanes()
        {
            var random = new Random(160);
            float[][] a = RandomRows(random, 3, 16);
            Vector512<float> z = Vector512<float>.Zero;
            Vector512<float> r0 = Vector512.Create(a[0]), r1 = Vector512.Create(a[1]), r2 = Vector512.Create(a[2]);
            Vector512<float> sum = SimdMath.Sum16(r0, r1, r2, z, z, z, z, z, z, z, z, z, z, z, z, z);
            Assert.Equal(SimdMath.Sum(r0), sum[0]);
            Assert.Equal(SimdMath.Sum(r1), sum[1]);
            Assert.Equal(SimdMath.Sum(r2), sum[2]);
            for (int k = 3; k < 16; k++)
            {
                Assert.Equal(0f, sum[k]);
            }

            // A single row in the middle lands in its own lane.
            Vector512<float> only = SimdMath.Sum16(z, z, z, z, z, z, z, z, z, z, z, r1, z, z, z, z);
            for (int k = 0; k < 16; k++)
            {
                Assert.Equal(k == 11 ? SimdMath.Sum(r1) : 0f, only[k]);
            }
        }

        [Fact]
        public void SumOfOneHotVectorsIdentifiesEveryLane()
        {
            // Row k holds (k + 1) * 100 in lane (k * 7) % 16 and 0 elsewhere: any mix-up of rows or lanes shows.
            var v = new Vector512<float>[16];
            for (int k = 0; k < 16; k++)
            {
                var row = new float[16];
                row[(k * 7) % 16] = (k + 1) * 100;
                v[k] = Vector512.Create(row);
            }

            Vector512<float> s = SimdMath.Sum16(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]);
            Vector256<float> s8 = SimdMath.Sum8(
                v[0].GetLower() + v[0].GetUpper(), v[1].GetLower() + v[1].GetUpper(), v[2].GetLower() + v[2].GetUpper(), v[3].GetLower() + v[3].GetUpper(),
                v[4].GetLower() + v[4].GetUpper(), v[5].GetLower() + v[5].GetUpper(), v[6].GetLower() + v[6].GetUpper(), v[7].GetLower() + v[7].GetUpper());
            for (int k = 0; k < 16; k++)
            {
                Assert.Equal((k + 1) * 100f, s[k]);
                Assert.Equal((k + 1) * 100f, SimdMath.Sum(v[k]));
            }

            for (int k = 0; k < 8; k++)
            {
                Assert.Equal((k + 1) * 100f, s8[k]);
            }

            var q = new Vector128<float>[4];
            for (int k = 0; k < 4; k++)
            {
                var row = new float[4];
                row[(k * 3) % 4] = (k + 1) * 100;
                q[k] = Vector128.Create(row);
            }

            Vector128<float> s4 = SimdMath.Sum4(q[0], q[1], q[2], q[3]);
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal((k + 1) * 100f, s4[k]);
            }
        }
    }
}
