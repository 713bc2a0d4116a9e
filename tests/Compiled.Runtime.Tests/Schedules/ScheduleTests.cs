using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Schedules;

namespace Compiled.Runtime.Tests.Schedules
{
    /// <summary>The schedules against torch.optim.lr_scheduler 1.13 runs stored in Fixtures/optim/schedules.json.</summary>
    public sealed class ScheduleTests
    {
        private static readonly Lazy<JsonElement[]> s_fixtures = new(() =>
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "optim", "schedules.json");
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
        });

        public static IEnumerable<object[]> FixtureIndices() => Enumerable.Range(0, s_fixtures.Value.Length).Select(i => new object[] { i });

        [Theory]
        [MemberData(nameof(FixtureIndices))]
        public void MatchesPyTorchSchedulerSteppedThatManyTimes(int index)
        {
            JsonElement fixture = s_fixtures.Value[index];
            ILearningRateSchedule schedule = Create(fixture.GetProperty("schedule"));
            float baseLearningRate = fixture.GetProperty("baseLearningRate").GetSingle();
            double[] expected = fixture.GetProperty("learningRates").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(31, expected.Length);

            // Query out of order: the schedules are closed forms of the step count.
            foreach (int step in Enumerable.Range(0, expected.Length).Reverse())
            {
                float actual = schedule.GetLearningRate(baseLearningRate, step);
                Assert.True(
                    Math.Abs(actual - expected[step]) <= 1e-10 + (1e-6 * expected[step]),
                    $"{fixture.GetProperty("schedule")} at step {step}: {actual:R}, expected {expected[step]:R}");
            }
        }

        [Fact]
        public void FixturesCoverEverySchedule()
        {
            string[] types = s_fixtures.Value.Select(f => f.GetProperty("schedule").GetProperty("type").GetString()!).ToArray();
            Assert.Equal(new[] { "Constant", "CosineAnnealing", "Exponential", "Step", "Warmup" }, types.Distinct().OrderBy(t => t, StringComparer.Ordinal));
            Assert.Contains(s_fixtures.Value, f => f.GetProperty("schedule").TryGetProperty("then", out _));
        }

        [Fact]
        public void HandCheckedValues()
        {
            Assert.Equal(0.1f, new StepSchedule(3).GetLearningRate(1f, 5), 6);
            Assert.Equal(0.25f, new StepSchedule(2, 0.5).GetLearningRate(1f, 4));
            Assert.Equal(0.125f, new ExponentialSchedule(0.5).GetLearningRate(1f, 3));
            Assert.Equal(1f, new CosineAnnealingSchedule(10).GetLearningRate(1f, 0));
            Assert.Equal(0.55f, new CosineAnnealingSchedule(10, 0.1f).GetLearningRate(1f, 5), 6);
            Assert.Equal(0.1f, new CosineAnnealingSchedule(10, 0.1f).GetLearningRate(1f, 10), 6);
            Assert.Equal(1f, new CosineAnnealingSchedule(10, 0.1f).GetLearningRate(1f, 20), 6);
            Assert.Equal(0.7f, new ConstantSchedule().GetLearningRate(0.7f, 1000));

            var warmup = new WarmupSchedule(4, 0.0, new ExponentialSchedule(0.5));
            Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f, 0.5f, 0.25f }, Enumerable.Range(0, 7).Select(t => warmup.GetLearningRate(1f, t)));
            var plain = new WarmupSchedule(2, 0.5);
            Assert.Equal(new[] { 1f, 1.5f, 2f, 2f, 2f }, Enumerable.Range(0, 5).Select(t => plain.GetLearningRate(2f, t)));
        }

        [Fact]
        public void PropertiesKeepTheArguments()
        {
            var step = new StepSchedule(7);
            Assert.Equal((7, 0.1), (step.StepSize, step.Gamma));
            Assert.Equal(0.9, new ExponentialSchedule(0.9).Gamma);
            var cosine = new CosineAnnealingSchedule(12, 0.001f);
            Assert.Equal((12, 0.001f), (cosine.TMax, cosine.EtaMin));
            Assert.Equal(0f, new CosineAnnealingSchedule(3).EtaMin);
            var then = new ConstantSchedule();
            var warmup = new WarmupSchedule(5, 0.2, then);
            Assert.Equal((5, 0.2), (warmup.WarmupSteps, warmup.StartFactor));
            Assert.Same(then, warmup.Then);
            Assert.Null(new WarmupSchedule(5, 0.2).Then);
        }

        public static IEnumerable<object[]> InvalidConstructions()
        {
            yield return Case("stepSize", () => new StepSchedule(0));
            yield return Case("stepSize", () => new StepSchedule(-3));
            foreach (double gamma in new[] { 0.0, -0.5, double.NaN, double.PositiveInfinity })
            {
                yield return Case("gamma", () => new StepSchedule(3, gamma));
                yield return Case("gamma", () => new ExponentialSchedule(gamma));
            }

            yield return Case("tMax", () => new CosineAnnealingSchedule(0));
            yield return Case("tMax", () => new CosineAnnealingSchedule(-1));
            foreach (float etaMin in new[] { -1e-3f, float.NaN, float.PositiveInfinity })
            {
                yield return Case("etaMin", () => new CosineAnnealingSchedule(10, etaMin));
            }

            yield return Case("warmupSteps", () => new WarmupSchedule(0, 0.5));
            yield return Case("warmupSteps", () => new WarmupSchedule(-2, 0.5));
            foreach (double factor in new[] { -0.1, 1.01, double.NaN, double.PositiveInfinity })
            {
                yield return Case("startFactor", () => new WarmupSchedule(5, factor));
            }

            static object[] Case(string parameter, Func<ILearningRateSchedule> create) => new object[] { parameter, create };
        }

        [Theory]
        [MemberData(nameof(InvalidConstructions))]
        public void ConstructorsRejectOutOfRangeValues(string parameter, Func<ILearningRateSchedule> create)
        {
            Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => create()).ParamName);
        }

        public static IEnumerable<object[]> AllSchedules() => new ILearningRateSchedule[]
        {
            new ConstantSchedule(), new StepSchedule(3), new ExponentialSchedule(0.9), new CosineAnnealingSchedule(10),
            new WarmupSchedule(3, 0.1), new WarmupSchedule(3, 0.1, new CosineAnnealingSchedule(10)),
        }.Select(s => new object[] { s });

        [Theory]
        [MemberData(nameof(AllSchedules))]
        public void GetLearningRateRejectsNegativeStepsAndInvalidBaseRates(ILearningRateSchedule schedule)
        {
            Assert.Equal("step", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.GetLearningRate(0.1f, -1)).ParamName);
            foreach (float bad in new[] { -0.1f, float.NaN, float.PositiveInfinity })
            {
                Assert.Equal("baseLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.GetLearningRate(bad, 0)).ParamName);
            }

            Assert.Equal(0f, schedule.GetLearningRate(0f, 5));
        }

        [Fact]
        public void WarmupHandsOverToTheNextScheduleCountingFromTheEndOfWarmup()
        {
            var then = new StepSchedule(2, 0.5);
            var warmup = new WarmupSchedule(10, 0.5, then);
            for (int t = 10; t < 20; t++)
            {
                Assert.Equal(then.GetLearningRate(0.3f, t - 10), warmup.GetLearningRate(0.3f, t));
            }
        }

        private static ILearningRateSchedule Create(JsonElement spec)
        {
            double D(string name, double fallback) => spec.TryGetProperty(name, out JsonElement e) ? e.GetDouble() : fallback;
            int I(string name) => spec.GetProperty(name).GetInt32();
            return spec.GetProperty("type").GetString() switch
            {
                "Constant" => new ConstantSchedule(),
                "Step" => spec.TryGetProperty("gamma", out _) ? new StepSchedule(I("stepSize"), D("gamma", 0)) : new StepSchedule(I("stepSize")),
                "Exponential" => new ExponentialSchedule(D("gamma", double.NaN)),
                "CosineAnnealing" => spec.TryGetProperty("etaMin", out _) ? new CosineAnnealingSchedule(I("tMax"), (float)D("etaMin", 0)) : new CosineAnnealingSchedule(I("tMax")),
                "Warmup" => new WarmupSchedule(I("warmupSteps"), D("startFactor", double.NaN), spec.TryGetProperty("then", out JsonElement then) ? Create(then) : null),
                string other => throw new InvalidDataException($"Unknown schedule {other}."),
                null => throw new InvalidDataException("A schedule has no type."),
            };
        }
    }
}
