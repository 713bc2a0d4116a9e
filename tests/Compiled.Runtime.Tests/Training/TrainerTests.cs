using System;
using System.Linq;
using Compiled.Data;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    public class TrainerTests
    {
        [Fact]
        public void Logistic_regression_learns_separable_blobs()
        {
            Dataset train = TestData.Blobs(300, seed: 1);
            Dataset test = TestData.Blobs(150, seed: 2);
            var network = new LogisticRegressionNetwork(2, 3);
            network.InitializeParameters(1);
            double before = Trainer.Evaluate(network, test).Accuracy!.Value;

            var trainer = new Trainer(new TrainerOptions { Epochs = 15, BatchSize = 16, Seed = 3 });
            TrainingHistory history = trainer.Fit(network, new TestSgd(0.2f), train, test);

            EvaluationResult after = Trainer.Evaluate(network, test);
            Assert.True(before < 0.7, $"accuracy before training {before}");
            Assert.True(after.Accuracy >= 0.97, $"accuracy after training {after.Accuracy}");
            Assert.Equal(15, history.Epochs.Count);
            Assert.Equal(StopReason.Completed, history.StopReason);
            Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss / 2);
            Assert.True(history.Epochs[^1].TrainAccuracy >= 0.95);
            Assert.True(history.Epochs[^1].ValidationAccuracy >= 0.97);
            Assert.Equal(after.Loss, history.Epochs[^1].ValidationLoss!.Value, 12);
            Assert.All(history.Epochs, e => Assert.True(e.SamplesPerSecond > 0 && e.Elapsed > TimeSpan.Zero));
            Assert.Equal(Enumerable.Range(1, 15), history.Epochs.Select(e => e.Epoch));
            int best = history.Epochs.Select((e, i) => (e.ValidationLoss!.Value, i + 1)).Min().Item2;
            Assert.Equal(best, history.BestEpoch);
            Assert.False(history.RestoredBestParameters);
        }

        [Fact]
        public void The_same_seed_gives_bit_identical_parameters_and_other_seeds_differ()
        {
            float[] Train(int seed)
            {
                var network = new LogisticRegressionNetwork(2, 3);
                network.InitializeParameters(5);
                new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 7, Seed = seed }).Fit(network, new TestSgd(0.1f), TestData.Blobs(50));
                return network.Parameters.ToArray();
            }

            float[] first = Train(11);
            float[] second = Train(11);
            float[] other = Train(12);
            Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), second.Select(BitConverter.SingleToInt32Bits));
            Assert.NotEqual(first, other);
        }

        [Fact]
        public void Without_shuffling_the_trainer_matches_a_hand_written_loop_bit_for_bit()
        {
            Dataset data = TestData.Blobs(23);
            var trained = new LogisticRegressionNetwork(2, 3);
            trained.InitializeParameters(4);
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 5, Shuffle = false, TrackTrainingAccuracy = false }).Fit(trained, new TestSgd(0.3f), data);

            var manual = new LogisticRegressionNetwork(2, 3);
            manual.InitializeParameters(4);
            var sgd = new TestSgd(0.3f);
            for (int epoch = 0; epoch < 2; epoch++)
            {
                for (int start = 0; start < data.Count; start += 5)
                {
                    int n = Math.Min(5, data.Count - start);
                    manual.ZeroGradients();
                    manual.BackwardBatch(data.Features.AsSpan(start * 2, n * 2), data.Labels.AsSpan(start, n), n);
                    sgd.Step(manual);
                }
            }

            Assert.Equal(10, sgd.StepCount);
            Assert.Equal(manual.Parameters.ToArray(), trained.Parameters.ToArray());
        }

        [Fact]
        public void Each_epoch_visits_every_sample_exactly_once_in_a_new_order_with_a_partial_last_batch()
        {
            var network = new RecordingNetwork(3, 4, Loss.CrossEntropy);
            var optimizer = new TestSgd(0.1f);
            new Trainer(new TrainerOptions { Epochs = 4, BatchSize = 4, Seed = 9 }).Fit(network, optimizer, TestData.Indexed(10, 3, 4));

            Assert.Equal(12, network.Batches.Count);
            Assert.Equal(12, optimizer.StepCount);
            var orders = network.Batches.Chunk(3).Select(epoch => epoch.SelectMany(b => b.SampleIds).ToArray()).ToArray();
            foreach (var epoch in network.Batches.Chunk(3))
            {
                Assert.Equal(new[] { 4, 4, 2 }, epoch.Select(b => b.Size));
            }

            foreach (int[] order in orders)
            {
                Assert.Equal(Enumerable.Range(0, 10), order.OrderBy(i => i));
            }

            Assert.Equal(4, orders.Select(o => string.Join(",", o)).Distinct().Count());
            Assert.DoesNotContain(orders, o => o.SequenceEqual(Enumerable.Range(0, 10)));

            // Labels travel with their samples and go to the label overload of a cross-entropy network.
            foreach (RecordedBatch batch in network.Batches)
            {
                Assert.NotNull(batch.Labels);
                Assert.Equal(batch.SampleIds.Select(i => i % 4), batch.Labels!);
            }
        }

        [Fact]
        public void Without_shuffling_samples_come_in_data_set_order()
        {
            var network = new RecordingNetwork(2, 2, Loss.CrossEntropy);
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 3, Shuffle = false }).Fit(network, new TestSgd(0.1f), TestData.Indexed(7, 2, 2));
            Assert.Equal(new[] { 3, 3, 1, 3, 3, 1 }, network.Batches.Select(b => b.Size));
            Assert.Equal(Enumerable.Range(0, 7).Concat(Enumerable.Range(0, 7)), network.Batches.SelectMany(b => b.SampleIds));
        }

        [Fact]
        public void A_batch_size_above_the_sample_count_trains_one_full_batch_per_epoch()
        {
            var network = new RecordingNetwork(2, 2, Loss.CrossEntropy);
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 1000 }).Fit(network, new TestSgd(0.1f), TestData.Indexed(5, 2, 2));
            Assert.Equal(new[] { 5, 5 }, network.Batches.Select(b => b.Size));
        }

        [Fact]
        public void Target_data_sets_train_with_their_targets()
        {
            var network = new RecordingNetwork(2, 3, Loss.MeanSquaredError);
            new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 4, Seed = 1 }).Fit(network, new TestSgd(0.1f), TestData.IndexedTargets(9, 2, 3));
            Assert.Equal(6, network.Batches.Count);
            foreach (RecordedBatch batch in network.Batches)
            {
                Assert.Null(batch.Labels);
                float[] expected = batch.SampleIds.SelectMany(i => Enumerable.Range(0, 3).Select(t => TestData.TargetValue(i, t))).ToArray();
                Assert.Equal(expected, batch.Targets!);
            }
        }

        [Fact]
        public void Labels_become_one_hot_targets_for_an_mse_or_bce_network()
        {
            foreach (Loss loss in new[] { Loss.MeanSquaredError, Loss.BinaryCrossEntropy })
            {
                var network = new RecordingNetwork(2, 3, loss);
                new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 }).Fit(network, new TestSgd(0.1f), TestData.Indexed(10, 2, 3));
                foreach (RecordedBatch batch in network.Batches)
                {
                    Assert.Null(batch.Labels);
                    float[] expected = batch.SampleIds.SelectMany(i => Enumerable.Range(0, 3).Select(c => c == i % 3 ? 1f : 0f)).ToArray();
                    Assert.Equal(expected, batch.Targets!);
                }
            }
        }

        [Fact]
        public void A_single_output_bce_network_takes_0_1_labels_as_its_target()
        {
            var network = new RecordingNetwork(2, 1, Loss.BinaryCrossEntropy);
            new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4 }).Fit(network, new TestSgd(0.1f), TestData.Indexed(10, 2, 2));
            foreach (RecordedBatch batch in network.Batches)
            {
                Assert.Equal(batch.SampleIds.Select(i => (float)(i % 2)), batch.Targets!);
            }
        }

        [Fact]
        public void Training_accuracy_can_be_switched_off_and_target_data_has_none()
        {
            var network = new LogisticRegressionNetwork(2, 3);
            TrainingHistory off = new Trainer(new TrainerOptions { Epochs = 1, TrackTrainingAccuracy = false }).Fit(network, new TestSgd(0.1f), TestData.Blobs(30));
            Assert.Null(off.Epochs[0].TrainAccuracy);

            var soft = Dataset.FromTargets(new float[] { 1, 0, 0, 1 }, 2, new float[] { 0.5f, 0.5f, 0f, 0f, 1f, 0f }, 3);
            TrainingHistory targets = new Trainer(new TrainerOptions { Epochs = 1 }).Fit(network, new TestSgd(0.1f), soft, soft);
            Assert.Null(targets.Epochs[0].TrainAccuracy);
            Assert.Null(targets.Epochs[0].ValidationAccuracy);
            Assert.NotNull(targets.Epochs[0].ValidationLoss);
        }

        [Fact]
        public void Binary_cross_entropy_targets_have_a_training_and_validation_accuracy()
        {
            // The recording network outputs 1 for its single output; the targets say 1, 0, 1, 1: a binary accuracy of 3/4.
            var data = Dataset.FromTargets(new float[] { 0, 1, 1, 11, 2, 21, 3, 31 }, 2, new float[] { 1, 0, 1, 1 }, 1);
            var trainer = new Trainer(new TrainerOptions
            {
                Epochs = 2,
                BatchSize = 3,
                EarlyStopping = new EarlyStopping { Metric = EarlyStoppingMetric.ValidationAccuracy, Patience = 5 },
            });
            TrainingHistory history = trainer.Fit(new RecordingNetwork(2, 1, Loss.BinaryCrossEntropy), new TestSgd(0.1f), data, data);
            Assert.All(history.Epochs, e => Assert.Equal(0.75, e.TrainAccuracy));
            Assert.All(history.Epochs, e => Assert.Equal(0.75, e.ValidationAccuracy));
        }

        [Fact]
        public void Epoch_train_loss_is_the_sample_weighted_mean_of_batch_losses()
        {
            // Without shuffling and with a learning rate of 0 the parameters never move, so each batch's loss is known.
            Dataset data = TestData.Blobs(10);
            var network = new LogisticRegressionNetwork(2, 3);
            network.InitializeParameters(2);
            double expected = 0;
            for (int start = 0; start < 10; start += 4)
            {
                int n = Math.Min(4, 10 - start);
                expected += n * (double)network.BackwardBatch(data.Features.AsSpan(start * 2, n * 2), data.Labels.AsSpan(start, n), n);
            }

            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false }).Fit(network, new TestSgd(0f), data);
            Assert.Equal(expected / 10, history.Epochs[0].TrainLoss, 12);
            Assert.Equal(Trainer.Evaluate(network, data).Loss, history.Epochs[0].TrainLoss, 5);
            Assert.Equal(Trainer.Evaluate(network, data).Accuracy, history.Epochs[0].TrainAccuracy);
        }
    }
}
