using System;
using System.Threading;
using Compiled.Data;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>Bad input is refused with a clear exception before the first step.</summary>
    public class TrainerInputTests
    {
        private static readonly Trainer DefaultTrainer = new(new TrainerOptions { Epochs = 2, BatchSize = 4 });

        private static ArgumentException FitFails(INetwork network, Dataset train, Dataset? validation = null, Trainer? trainer = null)
        {
            var optimizer = new TestSgd(0.1f);
            var exception = Assert.ThrowsAny<ArgumentException>(() => (trainer ?? DefaultTrainer).Fit(network, optimizer, train, validation));
            Assert.Equal(0, optimizer.StepCount);
            if (network is FakeNetwork fake)
            {
                Assert.Equal(0, fake.BackwardCalls);
            }

            return exception;
        }

        [Fact]
        public void Feature_count_must_match_the_network_input_size()
        {
            var network = new LogisticRegressionNetwork(2, 3);
            ArgumentException train = FitFails(network, TestData.Indexed(6, 3, 3));
            Assert.Equal("train", train.ParamName);
            Assert.Contains("3 features per sample but the network takes 2 inputs", train.Message);

            ArgumentException validation = FitFails(network, TestData.Blobs(6), TestData.Indexed(6, 5, 3));
            Assert.Equal("validation", validation.ParamName);
            Assert.Contains("5 features per sample but the network takes 2 inputs", validation.Message);
        }

        [Fact]
        public void Labels_must_be_classes_of_the_network()
        {
            var network = new LogisticRegressionNetwork(2, 3);
            var tooLarge = Dataset.FromLabels(new float[8], 2, new[] { 0, 1, 3, 2 });
            ArgumentException high = FitFails(network, tooLarge);
            Assert.Contains("Label 3 of sample 2", high.Message);
            Assert.Contains("[0, 3)", high.Message);

            // The data set holds the caller's array, so a label can turn negative after it was checked there.
            var labels = new[] { 0, 1, 2, 1 };
            var negative = Dataset.FromLabels(new float[8], 2, labels);
            labels[1] = -1;
            ArgumentException low = FitFails(network, TestData.Blobs(6), negative);
            Assert.Equal("validation", low.ParamName);
            Assert.Contains("Label -1 of sample 1", low.Message);
        }

        [Fact]
        public void Labels_for_an_mse_or_bce_network_must_fit_its_one_hot_targets()
        {
            var mse = new RecordingNetwork(2, 3, Loss.MeanSquaredError);
            ArgumentException oneHot = FitFails(mse, Dataset.FromLabels(new float[6], 2, new[] { 0, 3, 1 }));
            Assert.Contains("Label 3 of sample 1", oneHot.Message);
            Assert.Contains("one-hot", oneHot.Message);
            Assert.Contains("MeanSquaredError", oneHot.Message);

            var bce = new RecordingNetwork(2, 1, Loss.BinaryCrossEntropy);
            ArgumentException binary = FitFails(bce, Dataset.FromLabels(new float[6], 2, new[] { 0, 1, 2 }));
            Assert.Contains("Label 2 of sample 2", binary.Message);
            Assert.Contains("must be 0 or 1", binary.Message);
        }

        [Fact]
        public void Target_length_must_match_the_network_output_size()
        {
            var network = new RecordingNetwork(2, 3, Loss.MeanSquaredError);
            ArgumentException exception = FitFails(network, TestData.IndexedTargets(5, 2, 2));
            Assert.Equal("train", exception.ParamName);
            Assert.Contains("targets of 2 values but the network has 3 outputs", exception.Message);
        }

        [Fact]
        public void Empty_or_mismatched_data_sets_cannot_even_be_built()
        {
            // Dataset's factories refuse them, so they never reach the trainer (which checks again all the same).
            var empty = Assert.Throws<ArgumentException>(() => Dataset.FromLabels(Array.Empty<float>(), 2, Array.Empty<int>()));
            Assert.Contains("empty", empty.Message);
            var mismatch = Assert.Throws<ArgumentException>(() => Dataset.FromLabels(new float[10], 2, new int[4]));
            Assert.Contains("4 samples of 2 features", mismatch.Message);
        }

        [Fact]
        public void Batch_size_and_epochs_must_be_positive()
        {
            Assert.Contains("batch size must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { BatchSize = 0 }).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { BatchSize = -3 });
            Assert.Contains("number of epochs must be positive", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Epochs = 0 }).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { Epochs = -1 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ScheduleStepping = (ScheduleStepping)7 });
            Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Evaluate(new LogisticRegressionNetwork(2, 3), TestData.Blobs(3), 0));
        }

        [Fact]
        public void Early_stopping_settings_are_checked()
        {
            Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { Patience = 0 }).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { MinDelta = -0.1 });
            Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { MinDelta = double.NaN });
            Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping { Metric = (EarlyStoppingMetric)5 });
        }

        [Fact]
        public void Early_stopping_needs_suitable_validation_data()
        {
            var network = new LogisticRegressionNetwork(2, 3);
            var trainer = new Trainer(new TrainerOptions { EarlyStopping = new EarlyStopping() });
            ArgumentException missing = FitFails(network, TestData.Blobs(6), null, trainer);
            Assert.Equal("validation", missing.ParamName);
            Assert.Contains("needs a validation data set", missing.Message);

            var byAccuracy = new Trainer(new TrainerOptions { EarlyStopping = new EarlyStopping { Metric = EarlyStoppingMetric.ValidationAccuracy } });
            var soft = Dataset.FromTargets(new float[4], 2, new float[] { 1, 0, 0, 0, 1, 0 }, 3);
            ArgumentException targets = FitFails(network, TestData.Blobs(6), soft, byAccuracy);
            Assert.Contains("needs a labelled validation data set", targets.Message);
        }

        [Fact]
        public void Null_arguments_are_refused()
        {
            var network = new LogisticRegressionNetwork(2, 3);
            Dataset data = TestData.Blobs(6);
            Assert.Throws<ArgumentNullException>(() => new Trainer(null!));
            Assert.Throws<ArgumentNullException>(() => DefaultTrainer.Fit(null!, new TestSgd(0.1f), data));
            Assert.Throws<ArgumentNullException>(() => DefaultTrainer.Fit(network, null!, data));
            Assert.Throws<ArgumentNullException>(() => DefaultTrainer.Fit(network, new TestSgd(0.1f), null!));
            Assert.Throws<ArgumentNullException>(() => Trainer.Evaluate(network, null!));
        }

        [Fact]
        public void Input_is_checked_before_a_cancelled_token()
        {
            // Bad input is a bug to report even when the caller has already given up.
            var network = new LogisticRegressionNetwork(2, 3);
            Assert.Throws<ArgumentException>(() => DefaultTrainer.Fit(network, new TestSgd(0.1f), TestData.Indexed(4, 5, 3), cancellationToken: new CancellationToken(true)));
        }
    }
}
