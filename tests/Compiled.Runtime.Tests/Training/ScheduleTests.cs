using System.Collections.Generic;
using System.Linq;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    public class ScheduleTests
    {
        // 10 samples in batches of 4: 3 steps per epoch, 3 epochs.
        private static (TestSgd Optimizer, TrainingHistory History, List<(float Base, int Step)> Calls) Fit(ScheduleStepping stepping)
        {
            var calls = new List<(float, int)>();
            var optimizer = new TestSgd(0.5f) { LearningRates = new List<float>() };
            var trainer = new Trainer(new TrainerOptions
            {
                Epochs = 3,
                BatchSize = 4,
                LearningRateSchedule = new HalvingSchedule { Calls = calls },
                ScheduleStepping = stepping,
            });
            TrainingHistory history = trainer.Fit(new LogisticRegressionNetwork(2, 3), optimizer, TestData.Blobs(10));
            return (optimizer, history, calls);
        }

        [Fact]
        public void Per_epoch_stepping_keeps_one_rate_per_epoch()
        {
            (TestSgd optimizer, TrainingHistory history, var calls) = Fit(ScheduleStepping.PerEpoch);
            Assert.Equal(new[] { 0.5f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f, 0.125f, 0.125f, 0.125f }, optimizer.LearningRates!);
            Assert.Equal(new[] { 0.5f, 0.25f, 0.125f }, history.Epochs.Select(e => e.LearningRate));
            Assert.Equal(new[] { (0.5f, 0), (0.5f, 1), (0.5f, 2) }, calls);
            Assert.Equal(0.5f, optimizer.LearningRate);
        }

        [Fact]
        public void Per_batch_stepping_changes_the_rate_every_step()
        {
            (TestSgd optimizer, TrainingHistory history, var calls) = Fit(ScheduleStepping.PerBatch);
            Assert.Equal(Enumerable.Range(0, 9).Select(k => 0.5f / (1 << k)), optimizer.LearningRates!);
            Assert.Equal(new[] { 0.5f / 4, 0.5f / 32, 0.5f / 256 }, history.Epochs.Select(e => e.LearningRate));
            Assert.Equal(Enumerable.Range(0, 10), calls.Select(c => c.Step));
            Assert.All(calls, c => Assert.Equal(0.5f, c.Base));
            Assert.Equal(0.5f, optimizer.LearningRate);
        }

        [Fact]
        public void Without_a_schedule_the_optimizer_rate_is_untouched()
        {
            var optimizer = new TestSgd(0.3f) { LearningRates = new List<float>() };
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 4 }).Fit(new LogisticRegressionNetwork(2, 3), optimizer, TestData.Blobs(10));
            Assert.All(optimizer.LearningRates!, lr => Assert.Equal(0.3f, lr));
            Assert.All(history.Epochs, e => Assert.Equal(0.3f, e.LearningRate));
        }

        [Fact]
        public void A_schedule_returning_an_invalid_rate_is_reported_and_the_rate_set_back()
        {
            var optimizer = new TestSgd(0.5f);
            var trainer = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 4, LearningRateSchedule = new BrokenSchedule { FromStep = 1 } });
            var exception = Assert.Throws<System.InvalidOperationException>(() => trainer.Fit(new LogisticRegressionNetwork(2, 3), optimizer, TestData.Blobs(10)));
            Assert.Contains("returned NaN for step 1", exception.Message);
            Assert.Equal(3, optimizer.StepCount);
            Assert.Equal(0.5f, optimizer.LearningRate);
        }
    }
}
