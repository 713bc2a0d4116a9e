using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Optimizers;

namespace Compiled.Runtime.Tests.Optimizers
{
    /// <summary>Defaults, argument validation, state handling and allocation behaviour of the optimizers.</summary>
    public sealed class OptimizerBehaviourTests
    {
        public static TheoryData<string> Kinds => new() { "Sgd", "Adam", "AdamW", "RMSprop", "Adagrad" };

        /// <summary>Each optimizer with every option on, so that every buffer and branch is live.</summary>
        private static Optimizer Full(string kind) => kind switch
        {
            "Sgd" => new Sgd(0.01f, momentum: 0.9, weightDecay: 1e-4, nesterov: true) { L1 = 1e-5, L2 = 1e-4 },
            "Adam" => new Adam(1e-3f, weightDecay: 1e-4, amsgrad: true) { L1 = 1e-5, L2 = 1e-4 },
            "AdamW" => new AdamW(1e-3f, amsgrad: true) { L1 = 1e-5, L2 = 1e-4 },
            "RMSprop" => new RMSprop(1e-3f, weightDecay: 1e-4, momentum: 0.9, centered: true) { L1 = 1e-5, L2 = 1e-4 },
            "Adagrad" => new Adagrad(1e-2f, learningRateDecay: 1e-3, weightDecay: 1e-4, initialAccumulatorValue: 0.1) { L1 = 1e-5, L2 = 1e-4 },
            _ => throw new ArgumentException(kind),
        };

        [Fact]
        public void DefaultsAreTorchOptimDefaults()
        {
            var sgd = new Sgd(0.1f);
            Assert.Equal((0.1f, 0d, 0d, 0d, false), (sgd.LearningRate, sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));

            var adam = new Adam();
            Assert.Equal((1e-3f, 0.9, 0.999, 1e-8, 0d, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.Amsgrad));

            var adamW = new AdamW();
            Assert.Equal((1e-3f, 0.9, 0.999, 1e-8, 1e-2, false), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.Amsgrad));

            var rmsprop = new RMSprop();
            Assert.Equal((1e-2f, 0.99, 1e-8, 0d, 0d, false), (rmsprop.LearningRate, rmsprop.Alpha, rmsprop.Epsilon, rmsprop.WeightDecay, rmsprop.Momentum, rmsprop.Centered));

            var adagrad = new Adagrad();
            Assert.Equal((1e-2f, 0d, 0d, 0d, 1e-10), (adagrad.LearningRate, adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
        }

        [Fact]
        public void ConstructorsKeepTheirArguments()
        {
            var sgd = new Sgd(0.2f, momentum: 0.5, dampening: 0.1, weightDecay: 0.3);
            Assert.Equal((0.2f, 0.5, 0.1, 0.3, false), (sgd.LearningRate, sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));
            Assert.True(new Sgd(0.2f, momentum: 0.5, nesterov: true).Nesterov);

            var adam = new Adam(0.2f, 0.5, 0.6, 0.7, 0.8, true);
            Assert.Equal((0.2f, 0.5, 0.6, 0.7, 0.8, true), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.Amsgrad));

            var adamW = new AdamW(0.2f, 0.5, 0.6, 0.7, 0.8, true);
            Assert.Equal((0.2f, 0.5, 0.6, 0.7, 0.8, true), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.Amsgrad));

            var rmsprop = new RMSprop(0.2f, 0.5, 0.6, 0.7, 0.8, true);
            Assert.Equal((0.2f, 0.5, 0.6, 0.7, 0.8, true), (rmsprop.LearningRate, rmsprop.Alpha, rmsprop.Epsilon, rmsprop.WeightDecay, rmsprop.Momentum, rmsprop.Centered));

            var adagrad = new Adagrad(0.2f, 0.5, 0.6, 0.7, 0.8);
            Assert.Equal((0.2f, 0.5, 0.6, 0.7, 0.8), (adagrad.LearningRate, adagrad.LearningRateDecay, adagrad.WeightDecay, adagrad.InitialAccumulatorValue, adagrad.Epsilon));
        }

        public static IEnumerable<object[]> InvalidArguments()
        {
            double[] bad = { -1e-3, double.NaN, double.PositiveInfinity, double.NegativeInfinity };
            foreach (double x in bad)
            {
                yield return Case("momentum", () => new Sgd(0.1f, momentum: x));
                yield return Case("weightDecay", () => new Sgd(0.1f, weightDecay: x));
                yield return Case("epsilon", () => new Adam(epsilon: x));
                yield return Case("weightDecay", () => new Adam(weightDecay: x));
                yield return Case("epsilon", () => new AdamW(epsilon: x));
                yield return Case("weightDecay", () => new AdamW(weightDecay: x));
                yield return Case("alpha", () => new RMSprop(alpha: x));
                yield return Case("epsilon", () => new RMSprop(epsilon: x));
                yield return Case("weightDecay", () => new RMSprop(weightDecay: x));
                yield return Case("momentum", () => new RMSprop(momentum: x));
                yield return Case("learningRateDecay", () => new Adagrad(learningRateDecay: x));
                yield return Case("weightDecay", () => new Adagrad(weightDecay: x));
                yield return Case("initialAccumulatorValue", () => new Adagrad(initialAccumulatorValue: x));
                yield return Case("epsilon", () => new Adagrad(epsilon: x));
            }

            foreach (double x in new[] { double.NaN, double.PositiveInfinity })
            {
                yield return Case("dampening", () => new Sgd(0.1f, momentum: 0.9, dampening: x));
            }

            foreach (double beta in new[] { -0.1, 1.0, 1.5, double.NaN })
            {
                yield return Case("beta1", () => new Adam(beta1: beta));
                yield return Case("beta2", () => new Adam(beta2: beta));
                yield return Case("beta1", () => new AdamW(beta1: beta));
                yield return Case("beta2", () => new AdamW(beta2: beta));
            }

            foreach (float lr in new[] { -0.1f, float.NaN, float.PositiveInfinity })
            {
                yield return Case("learningRate", () => new Sgd(lr));
                yield return Case("learningRate", () => new Adam(lr));
                yield return Case("learningRate", () => new AdamW(lr));
                yield return Case("learningRate", () => new RMSprop(lr));
                yield return Case("learningRate", () => new Adagrad(lr));
            }

            static object[] Case(string parameter, Func<Optimizer> create) => new object[] { parameter, create };
        }

        [Theory]
        [MemberData(nameof(InvalidArguments))]
        public void ConstructorsRejectOutOfRangeValues(string parameter, Func<Optimizer> create)
        {
            ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => create());
            Assert.Equal(parameter, e.ParamName);
        }

        [Fact]
        public void BetasAtTheLowerBoundAndZeroValuesAreAccepted()
        {
            _ = new Adam(0f, beta1: 0, beta2: 0, epsilon: 0);
            _ = new AdamW(0f, beta1: 0, beta2: 0, epsilon: 0, weightDecay: 0);
            _ = new RMSprop(0f, alpha: 0, epsilon: 0);
            _ = new Adagrad(0f, epsilon: 0);
            _ = new Sgd(0f, dampening: -0.5);
        }

        [Theory]
        [InlineData(0.0, 0.0)]
        [InlineData(0.9, 0.1)]
        [InlineData(0.0, 0.1)]
        public void NesterovRequiresMomentumAndZeroDampening(double momentum, double dampening)
        {
            ArgumentException e = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: momentum, dampening: dampening, nesterov: true));
            Assert.IsNotType<ArgumentOutOfRangeException>(e);
            Assert.Equal("nesterov", e.ParamName);
            Assert.Contains("Nesterov momentum requires a momentum and zero dampening", e.Message);
        }

        [Theory]
        [InlineData(-1f)]
        [InlineData(float.NaN)]
        [InlineData(float.NegativeInfinity)]
        public void LearningRateSetterRejectsInvalidValues(float value)
        {
            var optimizer = new Adam(0.01f);
            Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = value);
            Assert.Equal(0.01f, optimizer.LearningRate);
            optimizer.LearningRate = 0.5f;
            Assert.Equal(0.5f, optimizer.LearningRate);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void RejectsParameterAndGradientLengthMismatch(string kind)
        {
            Optimizer optimizer = Full(kind);
            ArgumentException e = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[10], new float[9]));
            Assert.Equal("gradients", e.ParamName);
            Assert.Equal(0, optimizer.StepCount);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void RejectsABufferOfAnotherLengthUntilReset(string kind)
        {
            Optimizer optimizer = Full(kind);
            float[] p = new float[10], g = Enumerable.Repeat(0.5f, 10).ToArray();
            optimizer.Step(p, g);
            float[] before = (float[])p.Clone();

            ArgumentException e = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[11], new float[11]));
            Assert.Equal("parameters", e.ParamName);
            Assert.Contains("10", e.Message);
            Assert.Equal(1, optimizer.StepCount);
            Assert.Equal(before, p);

            optimizer.Reset();
            optimizer.Step(new float[11], Enumerable.Repeat(0.5f, 11).ToArray());
            Assert.Equal(1, optimizer.StepCount);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void ResetMakesTheOptimizerBehaveAsNew(string kind)
        {
            float[] p0 = Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray();
            float[][] gradients = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, 37).Select(i => (float)Math.Cos((i * 3) + k)).ToArray()).ToArray();

            Optimizer fresh = Full(kind), reused = Full(kind);
            float[] a = (float[])p0.Clone(), b = (float[])p0.Clone();
            foreach (float[] g in gradients)
            {
                reused.Step(b, g);
            }

            reused.Reset();
            b = (float[])p0.Clone();
            foreach (float[] g in gradients)
            {
                fresh.Step(a, g);
                reused.Step(b, g);
            }

            Assert.Equal(a, b);
            Assert.Equal(fresh.StepCount, reused.StepCount);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void StepsAllocateNothingAfterTheFirst(string kind)
        {
            Optimizer optimizer = Full(kind);
            float[] p = Enumerable.Range(0, 1003).Select(i => (float)Math.Sin(i)).ToArray();
            float[] g = Enumerable.Range(0, 1003).Select(i => (float)Math.Cos(i) * 1e-3f).ToArray();
            optimizer.Step(p, g);
            optimizer.Step(p, g);

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 1000; k++)
            {
                optimizer.LearningRate = 1e-3f / (1 + k);
                optimizer.Step(p, g);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.All(p, x => Assert.True(float.IsFinite(x)));

            // A reset reuses the state buffers.
            optimizer.Reset();
            before = GC.GetAllocatedBytesForCurrentThread();
            optimizer.Step(p, g);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void StepOnANetworkUpdatesItsParametersFromItsGradients(string kind)
        {
            var network = new FakeNetwork(41);
            for (int i = 0; i < 41; i++)
            {
                network.WritableParameters[i] = (float)Math.Sin(i);
                network.Gradients[i] = (float)Math.Cos(i);
            }

            float[] expected = network.Parameters.ToArray();
            Full(kind).Step(expected, network.Gradients.ToArray());
            Full(kind).Step(network);
            Assert.Equal(expected, network.Parameters.ToArray());
            Assert.Throws<ArgumentNullException>(() => Full(kind).Step((INetwork)null!));
        }

        [Fact]
        public void SgdMomentumBufferStartsAtTheFirstGradient()
        {
            // With the buffer initialised to zero (the common mistake) the first step would move by lr * (1 - dampening) * g.
            var optimizer = new Sgd(1f, momentum: 0.9, dampening: 0.5);
            float[] p = { 0f, 0f };
            optimizer.Step(p, new[] { 1f, -2f });
            Assert.Equal(new[] { -1f, 2f }, p);
            optimizer.Step(p, new[] { 1f, -2f });

            // buf = 0.9 * g + 0.5 * g = 1.4 g.
            Assert.Equal(new[] { -2.4f, 4.8f }, p);
        }

        [Fact]
        public void EmptyBuffersAreAllowed()
        {
            foreach (string kind in new[] { "Sgd", "Adam", "AdamW", "RMSprop", "Adagrad" })
            {
                Optimizer optimizer = Full(kind);
                optimizer.Step(Span<float>.Empty, ReadOnlySpan<float>.Empty);
                Assert.Equal(1, optimizer.StepCount);
            }
        }
    }
}
