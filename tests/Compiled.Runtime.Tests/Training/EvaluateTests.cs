using System;
using System.Globalization;
using Compiled.Data;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>
    /// <see cref="IdentityNetwork"/> outputs its features, so the outputs are chosen here and the expected losses are
    /// worked out by hand (natural logarithms of the float values written).
    /// </summary>
    public class EvaluateTests
    {
        private const int Precision = 6;

        [Fact]
        public void Mean_squared_error_is_the_mean_over_outputs_then_over_samples()
        {
            // ((0.5 - 1)^2 + (-1 - 1)^2) / 2 = 2.125 and ((2 - 2)^2 + (0 - 1)^2) / 2 = 0.5.
            var data = Dataset.FromTargets(new[] { 0.5f, -1f, 2f, 0f }, 2, new[] { 1f, 1f, 2f, 1f }, 2);
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(2, Loss.MeanSquaredError), data);
            Assert.Equal(1.3125, result.Loss, 12);
            Assert.Null(result.Accuracy);
            Assert.Equal(2, result.SampleCount);
        }

        [Fact]
        public void Mean_squared_error_with_labels_uses_one_hot_targets()
        {
            // [0.25, 0.75] vs [0, 1]: (0.0625 + 0.0625) / 2; [0.5, 0.5] vs [1, 0]: 0.25; [1, 0] vs [0, 1]: 1.
            var data = Dataset.FromLabels(new[] { 0.25f, 0.75f, 0.5f, 0.5f, 1f, 0f }, 2, new[] { 1, 0, 1 });
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(2, Loss.MeanSquaredError), data);
            Assert.Equal((0.0625 + 0.25 + 1.0) / 3, result.Loss, 12);
            Assert.Equal(2.0 / 3, result.Accuracy); // argmax: 1 (right), the first of a tie, 0 (right), 0 for label 1 (wrong).
        }

        [Fact]
        public void Cross_entropy_with_labels_is_minus_log_p_of_the_label_clamped_away_from_zero()
        {
            // -ln 0.7 = 0.356675, -ln 0.1 = 2.302585, -ln(float.Epsilon) = 103.278930 (instead of infinity).
            var data = Dataset.FromLabels(new[] { 0.7f, 0.2f, 0.1f, 0.7f, 0.2f, 0.1f, 0f, 0.5f, 0.5f }, 3, new[] { 0, 2, 0 });
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(3, Loss.CrossEntropy), data);
            Assert.Equal((0.356675 + 2.302585 + 103.278930) / 3, result.Loss, 5);
            Assert.True(double.IsFinite(result.Loss));
            Assert.Equal(1.0 / 3, result.Accuracy); // 0 right; 0 for label 2 wrong; the first of the tied maxima (1) for label 0 wrong.
        }

        [Fact]
        public void Cross_entropy_with_targets_is_minus_sum_t_log_p()
        {
            // -(0.5 ln 0.25 + 0.5 ln 0.5) = 0.5 * 1.386294 + 0.5 * 0.693147 = 1.039721; -(1 * ln 0.8) = 0.223144.
            var data = Dataset.FromTargets(new[] { 0.25f, 0.25f, 0.5f, 0.8f, 0.1f, 0.1f }, 3, new[] { 0f, 0.5f, 0.5f, 1f, 0f, 0f }, 3);
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(3, Loss.CrossEntropy), data);
            Assert.Equal((1.039721 + 0.223144) / 2, result.Loss, Precision);
            Assert.Null(result.Accuracy);
        }

        [Fact]
        public void Binary_cross_entropy_clamps_each_log_at_minus_100()
        {
            // [0.8, 0] vs [1, 1]: (-ln 0.8 + 100) / 2 = 50.111572; [1, 0.25] vs [0, 0]: (100 - ln 0.75) / 2 = 50.143841;
            // [0.6, 0.5] vs [0.3, 1]: (-(0.3 ln 0.6 + 0.7 ln 0.4) - ln 0.5) / 2 = (0.794651 + 0.693147) / 2 = 0.743899.
            var data = Dataset.FromTargets(
                new[] { 0.8f, 0f, 1f, 0.25f, 0.6f, 0.5f },
                2,
                new[] { 1f, 1f, 0f, 0f, 0.3f, 1f },
                2);
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(2, Loss.BinaryCrossEntropy), data);
            Assert.Equal((50.111572 + 50.143841 + 0.743899) / 3, result.Loss, 5);
        }

        [Fact]
        public void Binary_cross_entropy_with_0_1_labels_on_one_output_thresholds_at_one_half()
        {
            // -ln 0.9 = 0.105361, -ln(1 - 0.2) = 0.223144, -ln 0.4 = 0.916291; predictions 1, 0, 0 against 1, 0, 1.
            var data = Dataset.FromLabels(new[] { 0.9f, 0.2f, 0.4f }, 1, new[] { 1, 0, 1 });
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(1, Loss.BinaryCrossEntropy), data);
            Assert.Equal((0.105361 + 0.223144 + 0.916291) / 3, result.Loss, Precision);
            Assert.Equal(2.0 / 3, result.Accuracy);
        }

        [Fact]
        public void Binary_cross_entropy_with_labels_on_several_outputs_uses_one_hot_targets()
        {
            // [0.8, 0.4] vs [1, 0]: (-ln 0.8 - ln 0.6) / 2 = (0.223144 + 0.510826) / 2.
            var data = Dataset.FromLabels(new[] { 0.8f, 0.4f }, 2, new[] { 0 });
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(2, Loss.BinaryCrossEntropy), data);
            Assert.Equal((0.223144 + 0.510826) / 2, result.Loss, Precision);
            Assert.Equal(1.0, result.Accuracy);
        }

        [Fact]
        public void Binary_cross_entropy_with_targets_has_the_binary_accuracy_of_each_output()
        {
            // Keras' binary accuracy, threshold 0.5 per output: [0.9, 0.2, 0.7] vs [1, 0, 0] matches 2 of 3; [0.5, 0.49, 0.1]
            // vs [1, 1, 0] matches 2 of 3 (0.5 counts as 1, as for labels; Keras' strict 0.5 < p would count it as 0).
            var data = Dataset.FromTargets(new[] { 0.9f, 0.2f, 0.7f, 0.5f, 0.49f, 0.1f }, 3, new[] { 1f, 0f, 0f, 1f, 1f, 0f }, 3);
            EvaluationResult result = Trainer.Evaluate(new IdentityNetwork(3, Loss.BinaryCrossEntropy), data);
            Assert.Equal(4.0 / 6, result.Accuracy);

            // Soft targets count as the side of 0.5 they are on: 0.8 -> 1, 0.3 -> 0, 0.5 -> 1.
            var soft = Dataset.FromTargets(new[] { 0.6f, 0.6f, 0.6f }, 3, new[] { 0.8f, 0.3f, 0.5f }, 3);
            Assert.Equal(2.0 / 3, Trainer.Evaluate(new IdentityNetwork(3, Loss.BinaryCrossEntropy), soft).Accuracy);

            // The accuracy is the mean over all outputs, so every sample weighs the same (all have the same output count).
            var single = Dataset.FromTargets(new[] { 0.9f, 0.1f, 0.4f }, 1, new[] { 1f, 1f, 0f }, 1);
            Assert.Equal(2.0 / 3, Trainer.Evaluate(new IdentityNetwork(1, Loss.BinaryCrossEntropy), single).Accuracy);
        }

        [Fact]
        public void Only_binary_cross_entropy_gives_target_vectors_an_accuracy()
        {
            var data = Dataset.FromTargets(new[] { 0.9f, 0.1f }, 2, new[] { 1f, 0f }, 2);
            Assert.NotNull(Trainer.Evaluate(new IdentityNetwork(2, Loss.BinaryCrossEntropy), data).Accuracy);
            Assert.Null(Trainer.Evaluate(new IdentityNetwork(2, Loss.MeanSquaredError), data).Accuracy);
            Assert.Null(Trainer.Evaluate(new IdentityNetwork(2, Loss.CrossEntropy), data).Accuracy);
        }

        [Fact]
        public void ToString_gives_loss_accuracy_and_sample_count_in_the_invariant_culture()
        {
            CultureInfo previous = CultureInfo.CurrentCulture;
            try
            {
                CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // a decimal comma must not appear
                var labelled = Dataset.FromLabels(new[] { 0.9f, 0.2f, 0.4f }, 1, new[] { 1, 0, 1 });
                EvaluationResult withAccuracy = Trainer.Evaluate(new IdentityNetwork(1, Loss.BinaryCrossEntropy), labelled);
                Assert.Equal("loss 0.414932, accuracy 66.67 %, 3 samples", withAccuracy.ToString());

                var targets = Dataset.FromTargets(new[] { 0.5f, -1f }, 2, new[] { 1f, 1f }, 2);
                EvaluationResult lossOnly = Trainer.Evaluate(new IdentityNetwork(2, Loss.MeanSquaredError), targets);
                Assert.Equal("loss 2.125, 1 sample", lossOnly.ToString());
            }
            finally
            {
                CultureInfo.CurrentCulture = previous;
            }
        }

        [Fact]
        public void The_evaluation_batch_size_does_not_change_the_result()
        {
            Dataset data = TestData.Blobs(37);
            var network = new LogisticRegressionNetwork(2, 3);
            network.InitializeParameters(3);
            EvaluationResult reference = Trainer.Evaluate(network, data, 1);
            foreach (int batchSize in new[] { 2, 5, 36, 37, 1000 })
            {
                EvaluationResult result = Trainer.Evaluate(network, data, batchSize);
                Assert.Equal(reference.Loss, result.Loss);
                Assert.Equal(reference.Accuracy, result.Accuracy);
            }

            var identity = new IdentityNetwork(2, Loss.MeanSquaredError);
            Trainer.Evaluate(identity, Dataset.FromTargets(new float[14], 2, new float[14], 2), 3);
            Assert.Equal(3, identity.ForwardBatchCalls); // 3 + 3 + 1 samples.
        }

        [Fact]
        public void Evaluate_checks_the_data_set_against_the_network()
        {
            var exception = Assert.Throws<ArgumentException>(() => Trainer.Evaluate(new IdentityNetwork(3, Loss.CrossEntropy), Dataset.FromLabels(new float[3], 3, new[] { 3 })));
            Assert.Equal("dataset", exception.ParamName);
            Assert.Contains("Label 3 of sample 0", exception.Message);
        }
    }
}
