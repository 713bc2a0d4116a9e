using System;
using System.Linq;
using Compiled.Optimizers;

namespace Compiled.Runtime.Tests.Optimizers
{
    /// <summary>The L1 and L2 penalties of the base class, against hand-computed updates.</summary>
    public sealed class PenaltyTests
    {
        private const int Count = 37;

        public static TheoryData<int> Widths => new() { 512, 256, 128, 0 };

        [Fact]
        public void PenaltiesDefaultToZero()
        {
            var optimizer = new Sgd(0.1f);
            Assert.Equal(0d, optimizer.L1);
            Assert.Equal(0d, optimizer.L2);
        }

        [Theory]
        [MemberData(nameof(Widths))]
        public void SgdAddsL1SignAndL2TimesParameterToTheGradient(int vectorBits)
        {
            (float[] p, float[] g) = Inputs();
            var optimizer = new Sgd(0.5f) { L1 = 0.25, L2 = 0.125, MaxVectorBits = vectorBits };
            float[] actual = (float[])p.Clone();
            optimizer.Step(actual, g);

            double[] expected = p.Select((x, i) => x - (0.5 * (g[i] + (0.25 * Math.Sign(x)) + (0.125 * x)))).ToArray();
            AssertClose(expected, actual);

            // sign(0) = 0: a zero weight feels no L1 pull (and no L2 pull), only its gradient.
            Assert.Equal(0f, p[3]);
            Assert.Equal(-0.5f * g[3], actual[3]);
        }

        [Theory]
        [MemberData(nameof(Widths))]
        public void AdamFirstStepSeesThePenalisedGradient(int vectorBits)
        {
            (float[] p, float[] g) = Inputs();
            var optimizer = new Adam(0.01f) { L1 = 0.5, L2 = 0.25, MaxVectorBits = vectorBits };
            float[] actual = (float[])p.Clone();
            optimizer.Step(actual, g);

            // Step 1: m = 0.1 g', v = 0.001 g'^2, p -= (lr / 0.1) m / (sqrt(v) / sqrt(0.001) + eps) = lr g' / (|g'| + eps).
            double[] expected = p.Select((x, i) =>
            {
                double penalised = g[i] + (0.5 * Math.Sign(x)) + (0.25 * x);
                return x - (0.01 * penalised / (Math.Abs(penalised) + 1e-8));
            }).ToArray();
            AssertClose(expected, actual);
        }

        [Theory]
        [MemberData(nameof(Widths))]
        public void AdagradSecondStepAccumulatesPenalisedGradients(int vectorBits)
        {
            (float[] p, float[] g) = Inputs();
            var optimizer = new Adagrad(0.1f, initialAccumulatorValue: 0.5) { L2 = 0.3, MaxVectorBits = vectorBits };
            float[] actual = (float[])p.Clone();
            optimizer.Step(actual, g);
            optimizer.Step(actual, g);

            double[] expected = p.Select((x, i) =>
            {
                double g1 = g[i] + (0.3 * x);
                double s = 0.5 + (g1 * g1);
                double x1 = x - (0.1 * g1 / (Math.Sqrt(s) + 1e-10));
                double g2 = g[i] + (0.3 * x1);
                s += g2 * g2;
                return x1 - (0.1 * g2 / (Math.Sqrt(s) + 1e-10));
            }).ToArray();
            AssertClose(expected, actual);
        }

        [Fact]
        public void L2IsCoupledWeightDecayForSgdAdamRmspropAdagrad()
        {
            (float[] p, float[] g) = Inputs();
            (Optimizer WithDecay, Optimizer WithL2)[] pairs =
            {
                (new Sgd(0.1f, momentum: 0.9, weightDecay: 0.05), new Sgd(0.1f, momentum: 0.9) { L2 = 0.05 }),
                (new Adam(0.01f, weightDecay: 0.05), new Adam(0.01f) { L2 = 0.05 }),
                (new RMSprop(0.01f, weightDecay: 0.05, centered: true), new RMSprop(0.01f, centered: true) { L2 = 0.05 }),
                (new Adagrad(0.1f, weightDecay: 0.05), new Adagrad(0.1f) { L2 = 0.05 }),
            };
            foreach ((Optimizer withDecay, Optimizer withL2) in pairs)
            {
                float[] a = (float[])p.Clone(), b = (float[])p.Clone();
                for (int k = 0; k < 5; k++)
                {
                    withDecay.Step(a, g);
                    withL2.Step(b, g);
                }

                Assert.Equal(a, b);
            }
        }

        [Fact]
        public void L2IsNotAdamWsDecoupledWeightDecay()
        {
            (float[] p, float[] g) = Inputs();
            var decoupled = new AdamW(0.01f, weightDecay: 0.5);
            var penalised = new AdamW(0.01f, weightDecay: 0) { L2 = 0.5 };
            float[] a = (float[])p.Clone(), b = (float[])p.Clone();
            decoupled.Step(a, g);
            penalised.Step(b, g);

            // Decoupled: p (1 - lr wd) - lr sign(g); penalised: p - lr sign(g + wd p).
            double[] expectedDecoupled = p.Select((x, i) => (x * (1 - (0.01 * 0.5))) - (0.01 * g[i] / (Math.Abs(g[i]) + 1e-8))).ToArray();
            double[] expectedPenalised = p.Select((x, i) =>
            {
                double pg = g[i] + (0.5 * x);
                return x - (0.01 * pg / (Math.Abs(pg) + 1e-8));
            }).ToArray();
            AssertClose(expectedDecoupled, a);
            AssertClose(expectedPenalised, b);
            Assert.NotEqual(a, b);
        }

        [Theory]
        [InlineData(-0.1)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void RejectsInvalidPenalties(double value)
        {
            var optimizer = new Adam();
            Assert.Equal("L1", Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.L1 = value).ParamName);
            Assert.Equal("L2", Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.L2 = value).ParamName);
            Assert.Equal(0d, optimizer.L1);
            Assert.Equal(0d, optimizer.L2);
        }

        private static (float[] Parameters, float[] Gradients) Inputs()
        {
            float[] p = Enumerable.Range(0, Count).Select(i => (float)(1.5 * Math.Sin((i * 0.9) + 0.3))).ToArray();
            float[] g = Enumerable.Range(0, Count).Select(i => (float)(0.7 * Math.Cos((i * 1.7) + 0.1))).ToArray();
            p[3] = 0f;
            return (p, g);
        }

        private static void AssertClose(double[] expected, float[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6 + (1e-6 * Math.Abs(expected[i])), $"element {i}: {actual[i]:R}, expected {expected[i]:R}");
            }
        }
    }
}
