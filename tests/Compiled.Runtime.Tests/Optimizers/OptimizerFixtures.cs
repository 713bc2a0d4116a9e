using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Compiled.Optimizers;

namespace Compiled.Runtime.Tests.Optimizers
{
    /// <summary>One PyTorch-generated optimizer run (Fixtures/optim/optimizers.json, written by generate.py).</summary>
    public sealed class OptimizerCase
    {
        public required string Name { get; init; }

        public required string Optimizer { get; init; }

        public required JsonElement Hyper { get; init; }

        public required float[] LearningRates { get; init; }

        public required float[] Initial { get; init; }

        public required float[][] Gradients { get; init; }

        /// <summary>The expected parameters after some of the steps (1-based step number).</summary>
        public required IReadOnlyDictionary<int, float[]> Expected { get; init; }

        public int Steps => LearningRates.Length;

        /// <summary>Creates the C# optimizer with this case's hyper-parameters; absent ones take the C# defaults.</summary>
        public Optimizer Create()
        {
            float lr = LearningRates[0];
            bool defaults = !Hyper.EnumerateObject().Any();
            return Optimizer switch
            {
                "Sgd" => new Sgd(lr, momentum: D("momentum", 0), dampening: D("dampening", 0), weightDecay: D("weightDecay", 0), nesterov: B("nesterov")),
                "Adam" => defaults
                    ? new Adam(lr)
                    : new Adam(lr, beta1: D("beta1", 0.9), beta2: D("beta2", 0.999), epsilon: D("epsilon", 1e-8), weightDecay: D("weightDecay", 0), amsgrad: B("amsgrad")),
                "AdamW" => defaults
                    ? new AdamW(lr)
                    : new AdamW(lr, beta1: D("beta1", 0.9), beta2: D("beta2", 0.999), epsilon: D("epsilon", 1e-8), weightDecay: D("weightDecay", 0.01), amsgrad: B("amsgrad")),
                "RMSprop" => defaults
                    ? new RMSprop(lr)
                    : new RMSprop(lr, alpha: D("alpha", 0.99), epsilon: D("epsilon", 1e-8), weightDecay: D("weightDecay", 0), momentum: D("momentum", 0), centered: B("centered")),
                "Adagrad" => defaults
                    ? new Adagrad(lr)
                    : new Adagrad(lr, learningRateDecay: D("learningRateDecay", 0), weightDecay: D("weightDecay", 0), initialAccumulatorValue: D("initialAccumulatorValue", 0), epsilon: D("epsilon", 1e-10)),
                _ => throw new InvalidOperationException($"Unknown optimizer {Optimizer}."),
            };
        }

        public override string ToString() => Name;

        private double D(string name, double fallback) => Hyper.TryGetProperty(name, out JsonElement e) ? e.GetDouble() : fallback;

        private bool B(string name) => Hyper.TryGetProperty(name, out JsonElement e) && e.GetBoolean();
    }

    public static class OptimizerFixtures
    {
        private static readonly Lazy<IReadOnlyList<OptimizerCase>> s_cases = new(Load);

        public static IReadOnlyList<OptimizerCase> Cases => s_cases.Value;

        public static OptimizerCase Get(string name) => Cases.Single(c => c.Name == name);

        /// <summary>Every case name, for theories.</summary>
        public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

        /// <summary>Every case name with every vector width (512, 256, 128 bits; 0 = scalar only).</summary>
        public static IEnumerable<object[]> CaseNamesAndWidths() =>
            from c in Cases from bits in new[] { 512, 256, 128, 0 } select new object[] { c.Name, bits };

        /// <summary>Parses a fixture file; public so that tests can feed it corrupted data.</summary>
        public static IReadOnlyList<OptimizerCase> Parse(string json)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            var cases = new List<OptimizerCase>();
            foreach (JsonElement e in document.RootElement.EnumerateArray())
            {
                int count = e.GetProperty("count").GetInt32();
                float[] lrs = Floats(e.GetProperty("learningRates"));
                int seed = e.GetProperty("seed").GetInt32();
                float[] initial;
                float[][] gradients;
                if (seed == 0)
                {
                    initial = Floats(e.GetProperty("initial"));
                    gradients = e.GetProperty("gradients").EnumerateArray().Select(Floats).ToArray();
                }
                else
                {
                    (initial, gradients) = XorShift32.Inputs((uint)seed, count, lrs.Length);
                    float[] first = Floats(e.GetProperty("firstInputs"));
                    float[] mine = initial.Take(4).Concat(gradients[0].Take(4)).ToArray();
                    if (!first.SequenceEqual(mine))
                    {
                        throw new InvalidDataException($"The xorshift32 port does not reproduce generate.py's inputs for {e.GetProperty("name")}.");
                    }
                }

                var expected = new Dictionary<int, float[]>();
                foreach (JsonElement x in e.GetProperty("expected").EnumerateArray())
                {
                    expected.Add(x.GetProperty("step").GetInt32(), Floats(x.GetProperty("values")));
                }

                if (initial.Length != count || gradients.Length != lrs.Length || gradients.Any(g => g.Length != count) || expected.Values.Any(v => v.Length != count))
                {
                    throw new InvalidDataException($"Inconsistent lengths in fixture {e.GetProperty("name")}.");
                }

                cases.Add(new OptimizerCase
                {
                    Name = e.GetProperty("name").GetString()!,
                    Optimizer = e.GetProperty("optimizer").GetString()!,
                    Hyper = e.GetProperty("hyper").Clone(),
                    LearningRates = lrs,
                    Initial = initial,
                    Gradients = gradients,
                    Expected = expected,
                });
            }

            return cases;
        }

        private static IReadOnlyList<OptimizerCase> Load() =>
            Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "optim", "optimizers.json")));

        private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(x => x.GetSingle()).ToArray();
    }

    /// <summary>The input generator of generate.py's large cases.</summary>
    public sealed class XorShift32
    {
        private uint _state;

        public XorShift32(uint seed) => _state = seed;

        public static (float[] Initial, float[][] Gradients) Inputs(uint seed, int count, int steps)
        {
            var random = new XorShift32(seed);
            float[] initial = new float[count];
            for (int i = 0; i < count; i++)
            {
                initial[i] = random.Parameter();
            }

            float[][] gradients = new float[steps][];
            for (int k = 0; k < steps; k++)
            {
                gradients[k] = new float[count];
                for (int i = 0; i < count; i++)
                {
                    gradients[k][i] = random.Gradient();
                }
            }

            return (initial, gradients);
        }

        public uint Next()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x;
        }

        public double Uniform() => (Next() >> 8) * Math.Pow(2, -24);

        public float Parameter() => (float)(((2.0 * Uniform()) - 1.0) * 2.0);

        public float Gradient()
        {
            uint r = Next();
            if (r % 16 == 0)
            {
                return 0f;
            }

            int e = (int)((r >> 4) % 8);
            return (float)(((2.0 * Uniform()) - 1.0) * Math.Pow(2, -e));
        }
    }

    internal static class FloatAssert
    {
        /// <summary>Asserts |actual - expected| &lt;= absolute + relative * |expected| element-wise.</summary>
        public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative, double absolute, string context)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected[i], a = actual[i];
                if (!(Math.Abs(a - e) <= absolute + (relative * Math.Abs(e))))
                {
                    Assert.Fail($"{context}: element {i} is {a:R}, expected {e:R} (difference {a - e:R}).");
                }
            }
        }

        /// <summary>The largest distance in units in the last place between two float vectors.</summary>
        public static long MaxUlps(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
        {
            long max = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                max = Math.Max(max, Math.Abs(Ordered(expected[i]) - Ordered(actual[i])));
            }

            return max;
        }

        private static long Ordered(float x)
        {
            int bits = BitConverter.SingleToInt32Bits(x);
            return bits < 0 ? (long)int.MinValue - bits : bits;
        }
    }
}
