using System;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    public class DivergenceTests
    {
        [Theory]
        [InlineData(1, 1, 1)]
        [InlineData(3, 1, 3)]
        [InlineData(6, 2, 3)]
        [InlineData(8, 3, 2)]
        public void A_NaN_loss_stops_training_at_the_right_epoch_and_batch(int call, int epoch, int batch)
        {
            // 10 samples in batches of 4: 3 batches per epoch.
            var network = new LogisticRegressionNetwork(2, 3) { DivergeAtCall = call };
            network.InitializeParameters(3);
            var optimizer = new TestSgd(0.1f);
            var trainer = new Trainer(new TrainerOptions { Epochs = 5, BatchSize = 4, Seed = 2 });

            var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(network, optimizer, TestData.Blobs(10), TestData.Blobs(6)));

            Assert.Equal(epoch, exception.Epoch);
            Assert.Equal(batch, exception.Batch);
            Assert.Contains($"epoch {epoch} of 5, batch {batch} of 3", exception.Message);
            Assert.Contains("numbered from 1", exception.Message);
            Assert.Contains("NaN", exception.Message);
            // The diverging batch's step is not applied: the parameters are those that produced the NaN.
            Assert.Equal(call - 1, optimizer.StepCount);
            Assert.Equal(network.ParametersAtDivergence, network.Parameters.ToArray());
        }

        [Fact]
        public void An_infinite_loss_also_stops_training()
        {
            var network = new LogisticRegressionNetwork(2, 3) { DivergeAtCall = 2, DivergentLoss = float.PositiveInfinity };
            var exception = Assert.Throws<TrainingDivergedException>(
                () => new Trainer(new TrainerOptions { BatchSize = 5 }).Fit(network, new TestSgd(0.1f), TestData.Blobs(10)));
            Assert.Equal((1, 2), (exception.Epoch, exception.Batch));
            Assert.Contains("Infinity", exception.Message);
        }

        [Fact]
        public void Parameters_that_become_NaN_on_the_last_step_are_caught_at_the_end_of_the_epoch()
        {
            // The last batch's loss is finite but its gradient is NaN, so the step makes the parameters NaN and no later
            // batch would notice.
            var network = new LogisticRegressionNetwork(2, 3) { NaNGradientAtCall = 3 };
            var exception = Assert.Throws<TrainingDivergedException>(
                () => new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 }).Fit(network, new TestSgd(0.1f), TestData.Blobs(10)));
            Assert.Equal((1, 3), (exception.Epoch, exception.Batch));
            Assert.Contains("parameter 0 is NaN or infinite after the optimizer step of epoch 1 of 1, batch 3 of 3", exception.Message);
        }

        [Fact]
        public void A_NaN_gradient_mid_epoch_is_caught_by_the_next_batch_loss()
        {
            var network = new LogisticRegressionNetwork(2, 3) { NaNGradientAtCall = 2 };
            network.InitializeParameters(1);
            var exception = Assert.Throws<TrainingDivergedException>(
                () => new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 }).Fit(network, new TestSgd(0.1f), TestData.Blobs(10)));
            Assert.Equal((1, 3), (exception.Epoch, exception.Batch));
        }

        [Fact]
        public void The_learning_rate_is_set_back_when_training_diverges()
        {
            var network = new LogisticRegressionNetwork(2, 3) { DivergeAtCall = 5 };
            var optimizer = new TestSgd(0.5f);
            var trainer = new Trainer(new TrainerOptions { BatchSize = 4, LearningRateSchedule = new HalvingSchedule(), ScheduleStepping = ScheduleStepping.PerBatch });
            Assert.Throws<TrainingDivergedException>(() => trainer.Fit(network, optimizer, TestData.Blobs(10)));
            Assert.Equal(0.5f, optimizer.LearningRate);
        }
    }
}
