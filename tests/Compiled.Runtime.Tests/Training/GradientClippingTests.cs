using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>
    /// <see cref="GradientClipping"/> against a plain double-precision reference of <c>torch.nn.utils.clip_grad_norm_</c> and
    /// <c>clip_grad_value_</c>, and the trainer's clipping against the same calls in a hand-written loop, on one thread,
    /// split training and data parallelism.
    /// </summary>
    public class GradientClippingTests
    {
        private static readonly float[] NormTypes = { 1f, 2f, 3f, float.PositiveInfinity, 0.5f, 1.5f };

        /// <summary>Lengths around every vector width's multiples (4, 8, 16 floats, and twice that for the unrolled loops), 0, 1 and 1000+.</summary>
        private static readonly int[] Lengths = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 63, 64, 65, 127, 129, 1000, 1001, 1024, 1031, 4099 };

        // ---- The reference: PyTorch's definitions, written out plainly in double precision. ----

        /// <summary>The total p-norm of the values as one vector: <c>(sum |g|^p)^(1/p)</c> or <c>max |g|</c>, in double.</summary>
        private static double ReferenceNorm(float[] values, float normType)
        {
            if (float.IsPositiveInfinity(normType))
            {
                double max = 0;
                foreach (float v in values)
                {
                    max = Math.Max(max, Math.Abs((double)v)); // Math.Max returns NaN if either is NaN
                }

                return max;
            }

            double sum = 0;
            foreach (float v in values)
            {
                double a = Math.Abs((double)v);
                sum += normType == 2f ? a * a : normType == 1f ? a : Math.Pow(a, normType);
            }

            return normType == 2f ? Math.Sqrt(sum) : normType == 1f ? sum : Math.Pow(sum, 1d / normType);
        }

        /// <summary>
        /// <c>torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)</c> as PyTorch evaluates it on a float32 tensor:
        /// <c>total_norm + 1e-6</c> in float32, then <c>Tensor.__rtruediv__</c>, which is <c>reciprocal() * max_norm</c>.
        /// </summary>
        private static float ReferenceCoefficient(float totalNorm, float maxNorm)
        {
            float denominator = totalNorm + 1e-6f;
            float reciprocal = 1f / denominator;
            float coefficient = reciprocal * maxNorm;
            return float.IsNaN(coefficient) ? coefficient : MathF.Min(coefficient, 1f);
        }

        private static float[] RandomGradients(Random random, int length)
        {
            float scale = (float)Math.Pow(10, random.Next(-4, 4));
            var values = new float[length];
            for (int i = 0; i < length; i++)
            {
                int kind = random.Next(20);
                values[i] = kind == 0 ? 0f : kind == 1 ? -0f : (float)((random.NextDouble() * 2) - 1) * scale;
            }

            return values;
        }

        private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

        private static IEnumerable<int> AllLengths()
        {
            var random = new Random(2024);
            return Lengths.Concat(Enumerable.Range(0, 40).Select(_ => random.Next(0, 6000)));
        }

        // ---- ClipByNorm against the reference. ----

        [Fact]
        public void The_total_norm_matches_the_double_precision_reference_for_every_length_and_norm_type()
        {
            var random = new Random(17);
            foreach (int length in AllLengths())
            {
                foreach (float normType in NormTypes)
                {
                    float[] gradients = RandomGradients(random, length);
                    double reference = ReferenceNorm(gradients, normType);
                    float expected = (float)reference;

                    // A huge maximum: nothing is clipped, and the norm is returned.
                    float[] copy = (float[])gradients.Clone();
                    float norm = GradientClipping.ClipByNorm(copy, 1e30f, normType);

                    // Within one float ulp of the reference (the double sums differ only in their last bits); the max-abs
                    // norm is exact.
                    float ulp = MathF.BitIncrement(expected) - expected;
                    Assert.True(
                        Math.Abs(norm - reference) <= ulp,
                        $"length {length}, p = {normType}: {norm} vs reference {reference:R}");
                    if (float.IsPositiveInfinity(normType))
                    {
                        Assert.Equal(expected, norm);
                    }

                    Assert.Equal(Bits(gradients), Bits(copy));
                }
            }
        }

        [Fact]
        public void Gradients_below_the_maximum_are_unchanged_and_above_it_are_scaled_by_PyTorchs_coefficient()
        {
            var random = new Random(29);
            int clipped = 0;
            foreach (int length in AllLengths())
            {
                foreach (float normType in NormTypes)
                {
                    float[] gradients = RandomGradients(random, length);
                    double reference = ReferenceNorm(gradients, normType);

                    // Below: 1.5 times the norm, or anything for an empty or all-zero gradient.
                    float[] below = (float[])gradients.Clone();
                    float norm = GradientClipping.ClipByNorm(below, (float)(reference * 1.5) + 1e-3f, normType);
                    Assert.Equal(Bits(gradients), Bits(below));

                    // Above: a third of the norm. Every gradient is multiplied by the coefficient computed from the
                    // returned norm, bit for bit, and the clipped gradients have the maximum norm (to float rounding).
                    float maxNorm = (float)(reference / 3);
                    float[] above = (float[])gradients.Clone();
                    Assert.Equal(norm, GradientClipping.ClipByNorm(above, maxNorm, normType));
                    float coefficient = ReferenceCoefficient(norm, maxNorm);
                    float[] expected = gradients.Select(g => g * coefficient).ToArray();
                    Assert.Equal(Bits(expected), Bits(above));
                    if (reference > 1e-30)
                    {
                        Assert.True(coefficient < 1f);
                        double after = ReferenceNorm(above, normType);
                        double target = maxNorm * reference / (reference + 1e-6);
                        Assert.True(Math.Abs(after - target) <= 1e-5 * target, $"length {length}, p = {normType}: norm {after} after clipping to {maxNorm}");
                        clipped++;
                    }
                }
            }

            Assert.True(clipped > 300, $"only {clipped} cases were clipped");
        }

        [Fact]
        public void Exact_values_follow_PyTorchs_formula_with_its_1e_minus_6()
        {
            // [3, 4] has 2-norm 5, 1-norm 7 and max-abs norm 4, all exact.
            float[] g = { 3f, 4f };
            Assert.Equal(5f, GradientClipping.ClipByNorm((float[])g.Clone(), 100f));
            Assert.Equal(7f, GradientClipping.ClipByNorm((float[])g.Clone(), 100f, 1f));
            Assert.Equal(4f, GradientClipping.ClipByNorm((float[])g.Clone(), 100f, float.PositiveInfinity));

            // max_norm 1: coefficient 1 / (5 + 1e-6) computed in float32.
            float[] clipped = (float[])g.Clone();
            Assert.Equal(5f, GradientClipping.ClipByNorm(clipped, 1f));
            float coefficient = (1f / (5f + 1e-6f)) * 1f;
            Assert.Equal(new[] { 3f * coefficient, 4f * coefficient }, clipped);
            Assert.Equal(0.6f, clipped[0], 1e-6f);
            Assert.Equal(0.8f, clipped[1], 1e-6f);

            // At exactly the maximum PyTorch already scales, by 5 / (5 + 1e-6) < 1; a little above 5 + 1e-6 it does not.
            float[] atMaximum = (float[])g.Clone();
            GradientClipping.ClipByNorm(atMaximum, 5f);
            Assert.True(atMaximum[0] < 3f && atMaximum[1] < 4f);
            Assert.Equal(new[] { 3f * ReferenceCoefficient(5f, 5f), 4f * ReferenceCoefficient(5f, 5f) }, atMaximum);
            float[] justAbove = (float[])g.Clone();
            GradientClipping.ClipByNorm(justAbove, 5.00001f);
            Assert.Equal(g, justAbove);

            // max_norm 0 zeroes the gradients (PyTorch: 0 / (norm + 1e-6) = 0), and an all-zero gradient stays zero.
            float[] zeroed = (float[])g.Clone();
            Assert.Equal(5f, GradientClipping.ClipByNorm(zeroed, 0f));
            Assert.Equal(new[] { 0f, 0f }, zeroed);
            float[] zeros = new float[37];
            Assert.Equal(0f, GradientClipping.ClipByNorm(zeros, 0f));
            Assert.All(zeros, z => Assert.Equal(0f, z));

            // An empty gradient has norm 0 (PyTorch returns tensor(0.) when there is no gradient).
            Assert.Equal(0f, GradientClipping.ClipByNorm(Span<float>.Empty, 1f));
        }

        [Fact]
        public void The_coefficient_is_the_reciprocal_times_the_maximum_as_PyTorch_evaluates_it_not_a_division()
        {
            // maxNorm / (norm + 1e-6) and (1 / (norm + 1e-6)) * maxNorm round differently for some inputs; PyTorch
            // computes the second (Tensor.__rtruediv__ is reciprocal() * other). A one-element gradient [n] has norm n
            // exactly, so the clipped value shows the coefficient.
            var random = new Random(5);
            int distinguishing = 0;
            for (int trial = 0; trial < 2000 && distinguishing < 20; trial++)
            {
                float n = (float)(random.NextDouble() * 100) + 1f;
                float maxNorm = n * (float)random.NextDouble();
                float division = maxNorm / (n + 1e-6f);
                float reciprocal = (1f / (n + 1e-6f)) * maxNorm;
                if (n * division == n * reciprocal)
                {
                    continue;
                }

                distinguishing++;
                float[] g = { n };
                Assert.Equal(n, GradientClipping.ClipByNorm(g, maxNorm));
                Assert.Equal(n * reciprocal, g[0]);
            }

            Assert.Equal(20, distinguishing);
        }

        // ---- Non-finite norms. ----

        [Fact]
        public void A_NaN_gradient_makes_the_norm_NaN_and_every_gradient_NaN_as_in_PyTorch()
        {
            foreach (float normType in NormTypes)
            {
                foreach (int length in new[] { 1, 7, 33, 1000 })
                {
                    float[] g = RandomGradients(new Random(length), length);
                    g[length / 2] = float.NaN;
                    float norm = GradientClipping.ClipByNorm(g, 1f, normType);
                    Assert.True(float.IsNaN(norm), $"p = {normType}, length {length}: {norm}");
                    Assert.All(g, v => Assert.True(float.IsNaN(v)));
                }
            }
        }

        [Fact]
        public void An_infinite_norm_zeroes_the_finite_gradients_and_makes_the_infinite_ones_NaN_as_in_PyTorch()
        {
            foreach (float normType in NormTypes)
            {
                float[] g = { 1f, -2f, float.NegativeInfinity, 3f, 0.5f, 0f, 7f, -1f, 2f };
                Assert.Equal(float.PositiveInfinity, GradientClipping.ClipByNorm(g, 1f, normType));
                Assert.True(float.IsNaN(g[2]));
                Assert.All(g.Where((_, i) => i != 2), v => Assert.Equal(0f, Math.Abs(v)));
            }

            // Finite gradients whose 2-norm exceeds float.MaxValue: the norm is +infinity (PyTorch's float32 norm
            // overflows too) and the coefficient 0.
            float[] huge = { 3e38f, 3e38f, 1f };
            Assert.Equal(float.PositiveInfinity, GradientClipping.ClipByNorm(huge, 1f));
            Assert.Equal(new[] { 0f, 0f, 0f }, huge);
        }

        [Fact]
        public void With_errorIfNonFinite_a_non_finite_norm_throws_and_leaves_the_gradients_unchanged()
        {
            float[] withNaN = { 1f, float.NaN, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f };
            float[] before = (float[])withNaN.Clone();
            var nan = Assert.Throws<NotFiniteNumberException>(() => GradientClipping.ClipByNorm(withNaN, 1f, errorIfNonFinite: true));
            Assert.True(double.IsNaN(nan.OffendingNumber));
            Assert.Contains("total 2-norm of the gradients is NaN", nan.Message);
            Assert.Contains("errorIfNonFinite", nan.Message);
            Assert.Equal(Bits(before), Bits(withNaN));

            float[] withInfinity = { 1f, 2f, float.PositiveInfinity };
            var infinite = Assert.Throws<NotFiniteNumberException>(() => GradientClipping.ClipByNorm(withInfinity, 1f, float.PositiveInfinity, errorIfNonFinite: true));
            Assert.Equal(double.PositiveInfinity, infinite.OffendingNumber);
            Assert.Contains("total infinity-norm of the gradients is +infinity", infinite.Message);
            Assert.Equal(new[] { 1f, 2f, float.PositiveInfinity }, withInfinity);

            // A finite norm clips as usual with the option on.
            float[] g = { 3f, 4f };
            Assert.Equal(5f, GradientClipping.ClipByNorm(g, 1f, errorIfNonFinite: true));
            Assert.Equal(0.6f, g[0], 1e-6f);
        }

        // ---- ClipByValue. ----

        [Fact]
        public void ClipByValue_clamps_every_value_like_torch_clamp_for_every_length()
        {
            var random = new Random(41);
            foreach (int length in AllLengths())
            {
                float[] g = RandomGradients(random, length);
                for (int i = 0; i < length; i += 1 + random.Next(50))
                {
                    g[i] = random.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                }

                float clipValue = length % 5 == 0 ? 0f : (float)(random.NextDouble() * g.Select(Math.Abs).Where(float.IsFinite).DefaultIfEmpty(1f).Max());
                float[] clipped = (float[])g.Clone();
                GradientClipping.ClipByValue(clipped, clipValue);
                for (int i = 0; i < length; i++)
                {
                    float v = g[i];
                    if (float.IsNaN(v))
                    {
                        Assert.True(float.IsNaN(clipped[i]), $"length {length}, index {i}: NaN became {clipped[i]}");
                    }
                    else
                    {
                        float expected = v < -clipValue ? -clipValue : v > clipValue ? clipValue : v;
                        Assert.True(expected == clipped[i], $"length {length}, index {i}: {v} clipped to {clipped[i]}, expected {expected}");
                    }
                }
            }
        }

        [Fact]
        public void The_network_overloads_clip_the_networks_gradients()
        {
            var network = new LogisticRegressionNetwork(4, 3); // 15 parameters: one vector and a tail
            float[] g = RandomGradients(new Random(3), network.ParameterCount);
            g.CopyTo(network.Gradients);
            float[] expected = (float[])g.Clone();
            float expectedNorm = GradientClipping.ClipByNorm(expected, 0.1f, 3f);
            Assert.Equal(expectedNorm, GradientClipping.ClipByNorm(network, 0.1f, 3f));
            Assert.Equal(expected, network.Gradients.ToArray());

            GradientClipping.ClipByValue(expected, 0.01f);
            GradientClipping.ClipByValue(network, 0.01f);
            Assert.Equal(expected, network.Gradients.ToArray());

            Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipByNorm((INetwork)null!, 1f));
            Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipByValue((INetwork)null!, 1f));
        }

        // ---- Validation. ----

        [Fact]
        public void An_infinite_maximum_only_measures_the_norm_as_in_PyTorch()
        {
            // torch.nn.utils.clip_grad_norm_(params, float('inf')) returns the norm and leaves finite gradients alone.
            float[] g = { 3f, -4f, 0.5f };
            Assert.Equal(MathF.Sqrt(25.25f), GradientClipping.ClipByNorm(g, float.PositiveInfinity), 6);
            Assert.Equal(new[] { 3f, -4f, 0.5f }, g);
            Assert.Equal(float.PositiveInfinity, new TrainerOptions { ClipGradientNorm = float.PositiveInfinity }.ClipGradientNorm);
        }

        [Fact]
        public void Invalid_arguments_are_refused_naming_the_parameter_and_value()
        {
            float[] g = { 1f, 2f };
            foreach (float bad in new[] { -1f, -float.Epsilon, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                if (!float.IsPositiveInfinity(bad))
                {
                    var maxNorm = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(g, bad));
                    Assert.Equal("maxNorm", maxNorm.ParamName);
                    Assert.Equal(bad, maxNorm.ActualValue);
                }

                var clipValue = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(g, bad));
                Assert.Equal("clipValue", clipValue.ParamName);
                Assert.Equal(bad, clipValue.ActualValue);
            }

            foreach (float bad in new[] { 0f, -0f, -2f, float.NaN, float.NegativeInfinity })
            {
                var normType = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByNorm(g, 1f, bad));
                Assert.Equal("normType", normType.ParamName);
                Assert.Equal(bad, normType.ActualValue);
            }

            Assert.Equal(new[] { 1f, 2f }, g);
        }

        [Fact]
        public void Trainer_options_are_validated_and_off_by_default()
        {
            var defaults = new TrainerOptions();
            Assert.Null(defaults.ClipGradientNorm);
            Assert.Equal(2f, defaults.ClipGradientNormType);
            Assert.Null(defaults.ClipGradientValue);

            foreach (float bad in new[] { -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                if (!float.IsPositiveInfinity(bad))
                {
                    Assert.Equal(bad, Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ClipGradientNorm = bad }).ActualValue);
                }

                Assert.Equal(bad, Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ClipGradientValue = bad }).ActualValue);
            }

            foreach (float bad in new[] { 0f, -1f, float.NaN, float.NegativeInfinity })
            {
                Assert.Equal(bad, Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ClipGradientNormType = bad }).ActualValue);
            }

            var set = new TrainerOptions { ClipGradientNorm = 0f, ClipGradientNormType = float.PositiveInfinity, ClipGradientValue = 0f };
            Assert.Equal((0f, float.PositiveInfinity, 0f), (set.ClipGradientNorm!.Value, set.ClipGradientNormType, set.ClipGradientValue!.Value));
            Assert.Null(new TrainerOptions { ClipGradientNorm = null, ClipGradientValue = null }.ClipGradientNorm);
        }

        [Fact]
        public void Clipping_allocates_nothing()
        {
            float[] g = RandomGradients(new Random(8), 1031);
            void All()
            {
                foreach (float normType in NormTypes)
                {
                    GradientClipping.ClipByNorm(g, 1e-3f, normType);
                    GradientClipping.ClipByValue(g, 1e-4f);
                }
            }

            for (int i = 0; i < 50; i++)
            {
                All();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                All();
            }

            Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        }

        // ---- The trainer. ----

        public static TheoryData<float?, float, float?, string> TrainerCases => new()
        {
            { 0.5f, 2f, null, "sgd" },
            { 0.2f, float.PositiveInfinity, null, "sgd" },
            { 1f, 1f, null, "sgd" },
            { 0.3f, 3f, null, "adam-l1-l2" },
            { null, 2f, 0.05f, "sgd" },
            { 0.3f, 2f, 0.1f, "sgd" },
            { 0.3f, 2f, 0.1f, "adam-l1-l2" },
        };

        private static Optimizer CreateOptimizer(string name) =>
            name == "sgd" ? new TestSgd(0.3f) : new Adam(0.05f, weightDecay: 0.01) { L1 = 0.001, L2 = 0.02 };

        [Theory]
        [MemberData(nameof(TrainerCases))]
        public void The_trainer_clips_like_a_hand_written_loop_bit_for_bit(float? maxNorm, float normType, float? clipValue, string optimizer)
        {
            Dataset data = TestData.Blobs(23);
            const int batch = 5;
            const int epochs = 3;

            var trained = new LogisticRegressionNetwork(2, 3);
            trained.InitializeParameters(4);
            var progress = new ListProgress();
            var options = new TrainerOptions
            {
                Epochs = epochs,
                BatchSize = batch,
                Shuffle = false,
                TrackTrainingAccuracy = false,
                ClipGradientNorm = maxNorm,
                ClipGradientNormType = normType,
                ClipGradientValue = clipValue,
            };
            new Trainer(options).Fit(trained, CreateOptimizer(optimizer), data, progress: progress);

            // The PyTorch loop: backward, clip_grad_value_, clip_grad_norm_, step (whose L1, L2 and weight decay are
            // added to the clipped gradient).
            var manual = new LogisticRegressionNetwork(2, 3);
            manual.InitializeParameters(4);
            Optimizer step = CreateOptimizer(optimizer);
            var norms = new List<float?>();
            int clippedSteps = 0;
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                for (int start = 0; start < data.Count; start += batch)
                {
                    int n = Math.Min(batch, data.Count - start);
                    manual.ZeroGradients();
                    manual.BackwardBatch(data.Features.AsSpan(start * 2, n * 2), data.Labels.AsSpan(start, n), n);
                    float[] raw = manual.Gradients.ToArray();
                    if (clipValue is float value)
                    {
                        GradientClipping.ClipByValue(manual, value);
                    }

                    norms.Add(maxNorm is float max ? GradientClipping.ClipByNorm(manual, max, normType) : null);
                    if (!raw.SequenceEqual(manual.Gradients.ToArray()))
                    {
                        clippedSteps++;
                    }

                    step.Step(manual);
                }
            }

            Assert.Equal(manual.Parameters.ToArray(), trained.Parameters.ToArray());
            Assert.True(clippedSteps >= 5, $"clipping changed only {clippedSteps} of {norms.Count} steps");

            // Each batch report carries the norm clip_grad_norm_ returned (before clipping); epoch reports none.
            Assert.Equal(norms, progress.Reports.Where(r => r.Kind == TrainingProgressKind.Batch).Select(r => r.GradientNorm));
            Assert.All(progress.Reports.Where(r => r.Kind == TrainingProgressKind.EpochEnd), r => Assert.Null(r.GradientNorm));

            // And clipping changed the result.
            var unclipped = new LogisticRegressionNetwork(2, 3);
            unclipped.InitializeParameters(4);
            new Trainer(new TrainerOptions { Epochs = epochs, BatchSize = batch, Shuffle = false, TrackTrainingAccuracy = false })
                .Fit(unclipped, CreateOptimizer(optimizer), data);
            Assert.NotEqual(unclipped.Parameters.ToArray(), trained.Parameters.ToArray());
        }

        [Fact]
        public void Split_training_on_two_threads_clips_to_the_same_parameters_bit_for_bit()
        {
            Assert.IsAssignableFrom<ISplitTraining>(new SplitNet());
            var random = new Random(12);
            const int samples = 130;
            float[] features = Enumerable.Range(0, samples * 160).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, samples).Select(i => (i * 7) % 5).ToArray();
            Dataset data = Dataset.FromLabels(features, 160, labels);

            foreach ((float? maxNorm, float normType, float? clipValue) in new (float?, float, float?)[] { (0.05f, 2f, null), (0.002f, float.PositiveInfinity, 0.005f), (null, 2f, 0.0005f) })
            {
                (float[] Parameters, double[] Losses, float?[] Norms) Train(int threads)
                {
                    var network = new SplitNet();
                    network.InitializeParameters(2);
                    var progress = new ListProgress();
                    var options = new TrainerOptions
                    {
                        Epochs = 2,
                        BatchSize = 40,
                        Seed = 3,
                        Threads = threads,
                        ClipGradientNorm = maxNorm,
                        ClipGradientNormType = normType,
                        ClipGradientValue = clipValue,
                    };
                    TrainingHistory history = new Trainer(options).Fit(network, new Adam(0.01f), data, progress: progress);
                    return (
                        network.Parameters.ToArray(),
                        history.Epochs.Select(e => e.TrainLoss).ToArray(),
                        progress.Reports.Where(r => r.Kind == TrainingProgressKind.Batch).Select(r => r.GradientNorm).ToArray());
                }

                (float[] oneParameters, double[] oneLosses, float?[] oneNorms) = Train(1);
                (float[] twoParameters, double[] twoLosses, float?[] twoNorms) = Train(2);
                Assert.Equal(Bits(oneParameters), Bits(twoParameters));
                Assert.Equal(oneLosses, twoLosses);
                Assert.Equal(oneNorms, twoNorms);
                if (maxNorm is float max)
                {
                    Assert.Contains(oneNorms, n => n > max); // the clipping was active
                }
            }
        }

        [Fact]
        public void Data_parallel_training_clips_the_combined_gradient()
        {
            var random = new Random(21);
            const int count = 150;
            const int batch = 32;
            float[] features = Enumerable.Range(0, count * 20).Select(_ => (float)random.NextDouble()).ToArray();
            int[] labels = Enumerable.Range(0, count).Select(i => (int)(features[i * 20] * 5 * 0.999f)).ToArray();
            Dataset data = Dataset.FromLabels(features, 20, labels);
            const float maxNorm = 0.05f;
            const float clipValue = 0.02f;

            float[] Train(int threads, out float?[] norms)
            {
                var network = new ParallelNet();
                var progress = new ListProgress();
                var options = new TrainerOptions
                {
                    Epochs = 2,
                    BatchSize = batch,
                    Seed = 5,
                    Shuffle = false,
                    Threads = threads,
                    TrackTrainingAccuracy = false,
                    ClipGradientNorm = maxNorm,
                    ClipGradientValue = clipValue,
                };
                new Trainer(options).Fit(network, new Adam(0.01f), data, progress: progress);
                norms = progress.Reports.Where(r => r.Kind == TrainingProgressKind.Batch).Select(r => r.GradientNorm).ToArray();
                return network.Parameters.ToArray();
            }

            // The same steps by hand: the parts' gradients combined, then clipped whole, then the parallel step.
            float[] HandWritten(int threads, out List<float?> norms)
            {
                var network = new ParallelNet();
                using var parallel = new DataParallelGradients(network, threads);
                var adam = new Adam(0.01f);
                norms = new List<float?>();
                long step = 0;
                for (int epoch = 0; epoch < 2; epoch++)
                {
                    for (int start = 0; start < count; start += batch)
                    {
                        int n = Math.Min(batch, count - start);
                        var context = new TrainingContext(5, step++, 0);
                        network.TrainingContext = context;
                        parallel.Compute(features[(start * 20)..((start + n) * 20)], labels[start..(start + n)], Array.Empty<float>(), useLabels: true, n, context);
                        GradientClipping.ClipByValue(network, clipValue);
                        norms.Add(GradientClipping.ClipByNorm(network, maxNorm));
                        parallel.Step(adam);
                    }
                }

                return network.Parameters.ToArray();
            }

            foreach (int threads in new[] { 2, 3 })
            {
                float[] trained = Train(threads, out float?[] trainedNorms);
                float[] manual = HandWritten(threads, out List<float?> manualNorms);
                Assert.Equal(Bits(manual), Bits(trained));
                Assert.Equal(manualNorms, trainedNorms);
                Assert.Contains(trainedNorms, n => n > maxNorm);
            }

            // Against one thread: the combined gradient equals the single-threaded one up to float rounding only (see
            // DataParallelTests), so the parameters agree closely but not bit for bit.
            float[] one = Train(1, out float?[] oneNorms);
            float[] two = Train(2, out float?[] twoNorms);
            for (int i = 0; i < one.Length; i++)
            {
                Assert.True(Math.Abs(one[i] - two[i]) <= 1e-3f, $"parameter {i}: {two[i]} vs {one[i]}");
            }

            for (int b = 0; b < oneNorms.Length; b++)
            {
                Assert.True(Math.Abs(oneNorms[b]!.Value - twoNorms[b]!.Value) <= 1e-4f * oneNorms[b]!.Value, $"batch {b}: norm {twoNorms[b]} vs {oneNorms[b]}");
            }
        }

        [Fact]
        public void A_NaN_gradient_with_clipping_on_stops_training_as_diverged()
        {
            // PyTorch's default (error_if_nonfinite=False): the NaN norm makes every gradient NaN, the step makes the
            // parameters NaN, and the next batch's loss (here) reports the divergence.
            var network = new LogisticRegressionNetwork(2, 3) { NaNGradientAtCall = 2 };
            network.InitializeParameters(1);
            var exception = Assert.Throws<TrainingDivergedException>(
                () => new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4, ClipGradientNorm = 1f }).Fit(network, new TestSgd(0.1f), TestData.Blobs(10)));
            Assert.Equal((1, 3), (exception.Epoch, exception.Batch));
            Assert.All(network.Parameters.ToArray(), p => Assert.True(float.IsNaN(p)));
        }
    }
}
