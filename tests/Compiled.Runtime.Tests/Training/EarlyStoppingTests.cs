using System.Linq;
using Compiled.Data;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>
    /// With <see cref="ScriptedNetwork"/>, one batch per epoch and SGD at learning rate 1, the validation metrics of each
    /// epoch are scripted and the network's parameter equals the number of the epoch whose parameters it holds.
    /// </summary>
    public class EarlyStoppingTests
    {
        private static readonly Dataset Train = Dataset.FromLabels(new float[] { 0, 1, 2, 3 }, 1, new int[4]);
        private static readonly Dataset Validation = Dataset.FromLabels(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 1, new int[10]);

        private static TrainingHistory Fit(ScriptedNetwork network, EarlyStopping? earlyStopping, int epochs = 20)
        {
            var trainer = new Trainer(new TrainerOptions { Epochs = epochs, BatchSize = 4, EarlyStopping = earlyStopping, TrackTrainingAccuracy = false });
            return trainer.Fit(network, new TestSgd(1f), Train, Validation);
        }

        [Fact]
        public void Stops_after_patience_epochs_without_improvement_and_restores_the_best_parameters()
        {
            var network = ScriptedNetwork.WithValidationLosses(1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77, 0.78, 0.6);
            TrainingHistory history = Fit(network, new EarlyStopping { Patience = 3 });

            Assert.Equal(StopReason.EarlyStopped, history.StopReason);
            Assert.Equal(8, history.Epochs.Count);
            Assert.Equal(5, history.BestEpoch);
            Assert.True(history.RestoredBestParameters);
            Assert.Equal(5, network.StepsTaken);
            Assert.Equal(new[] { 1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77 }, history.Epochs.Select(e => e.ValidationLoss!.Value), new ToleranceComparer(1e-6));
            Assert.Equal(8, network.BackwardCalls);
        }

        [Fact]
        public void Without_restoring_the_last_parameters_stay()
        {
            var network = ScriptedNetwork.WithValidationLosses(1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.77, 0.78, 0.6);
            TrainingHistory history = Fit(network, new EarlyStopping { Patience = 3, RestoreBestParameters = false });
            Assert.Equal(8, history.Epochs.Count);
            Assert.Equal(5, history.BestEpoch);
            Assert.False(history.RestoredBestParameters);
            Assert.Equal(8, network.StepsTaken);
        }

        [Fact]
        public void Improvements_smaller_than_min_delta_do_not_count()
        {
            var network = ScriptedNetwork.WithValidationLosses(1.0, 0.95, 0.92, 0.91, 0.5);
            TrainingHistory history = Fit(network, new EarlyStopping { Patience = 2, MinDelta = 0.1 });
            Assert.Equal(StopReason.EarlyStopped, history.StopReason);
            Assert.Equal(3, history.Epochs.Count);
            Assert.Equal(1, history.BestEpoch);
            Assert.Equal(1, network.StepsTaken);

            var noDelta = ScriptedNetwork.WithValidationLosses(1.0, 0.95, 0.92, 0.91, 0.5, 0.6, 0.7);
            TrainingHistory all = Fit(noDelta, new EarlyStopping { Patience = 2 });
            Assert.Equal(7, all.Epochs.Count);
            Assert.Equal(5, all.BestEpoch);
        }

        [Fact]
        public void Monitors_validation_accuracy_where_higher_is_better()
        {
            var network = ScriptedNetwork.WithCorrectCounts(5, 7, 7, 8, 8, 8, 9, 9, 9, 9);
            TrainingHistory history = Fit(network, new EarlyStopping { Metric = EarlyStoppingMetric.ValidationAccuracy, Patience = 2, MinDelta = 0.05 });
            Assert.Equal(StopReason.EarlyStopped, history.StopReason);
            Assert.Equal(6, history.Epochs.Count);
            Assert.Equal(4, history.BestEpoch);
            Assert.Equal(4, network.StepsTaken);
            Assert.Equal(new[] { 0.5, 0.7, 0.7, 0.8, 0.8, 0.8 }, history.Epochs.Select(e => e.ValidationAccuracy!.Value));
        }

        [Fact]
        public void Restores_the_best_parameters_even_when_every_epoch_ran()
        {
            var network = ScriptedNetwork.WithValidationLosses(1.0, 0.5, 0.6, 0.7);
            TrainingHistory history = Fit(network, new EarlyStopping { Patience = 10 }, epochs: 4);
            Assert.Equal(StopReason.Completed, history.StopReason);
            Assert.Equal(4, history.Epochs.Count);
            Assert.Equal(2, history.BestEpoch);
            Assert.True(history.RestoredBestParameters);
            Assert.Equal(2, network.StepsTaken);
        }

        [Fact]
        public void Nothing_is_restored_when_the_last_epoch_is_the_best()
        {
            var network = ScriptedNetwork.WithValidationLosses(1.0, 0.9, 0.8);
            TrainingHistory history = Fit(network, new EarlyStopping { Patience = 1 }, epochs: 3);
            Assert.Equal(StopReason.Completed, history.StopReason);
            Assert.Equal(3, history.BestEpoch);
            Assert.False(history.RestoredBestParameters);
            Assert.Equal(3, network.StepsTaken);
        }

        [Fact]
        public void Without_early_stopping_every_epoch_runs_and_the_best_is_the_lowest_validation_loss()
        {
            var network = ScriptedNetwork.WithValidationLosses(1.0, 0.5, 0.6, 0.5, 0.9);
            TrainingHistory history = Fit(network, null, epochs: 5);
            Assert.Equal(StopReason.Completed, history.StopReason);
            Assert.Equal(5, history.Epochs.Count);
            Assert.Equal(2, history.BestEpoch);
            Assert.False(history.RestoredBestParameters);
            Assert.Equal(5, network.StepsTaken);
        }

        private sealed class ToleranceComparer(double tolerance) : System.Collections.Generic.IEqualityComparer<double>
        {
            public bool Equals(double x, double y) => System.Math.Abs(x - y) <= tolerance;

            public int GetHashCode(double obj) => 0;
        }
    }
}
