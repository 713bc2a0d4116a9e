using System;
using System.Linq;
using System.Threading;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    public class ProgressAndCancellationTests
    {
        [Fact]
        public void Reports_every_batch_then_the_end_of_each_epoch()
        {
            var progress = new ListProgress();
            var network = new LogisticRegressionNetwork(2, 3);
            TrainingHistory history = new Trainer(new TrainerOptions { Epochs = 3, BatchSize = 4 })
                .Fit(network, new TestSgd(0.1f), TestData.Blobs(10), TestData.Blobs(5, seed: 7), progress);

            Assert.Equal(12, progress.Reports.Count);
            Assert.Equal(9, progress.Reports.Count(r => r.Kind == TrainingProgressKind.Batch));
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                TrainingProgress[] reports = progress.Reports.Skip((epoch - 1) * 4).Take(4).ToArray();
                Assert.All(reports, r => Assert.Equal((epoch, 3, 3, 10), (r.Epoch, r.EpochCount, r.BatchCount, r.SampleCount)));
                Assert.Equal(new[] { 1, 2, 3, 3 }, reports.Select(r => r.Batch));
                Assert.Equal(new[] { 4, 8, 10, 10 }, reports.Select(r => r.SamplesProcessed));
                Assert.Equal(
                    new[] { TrainingProgressKind.Batch, TrainingProgressKind.Batch, TrainingProgressKind.Batch, TrainingProgressKind.EpochEnd },
                    reports.Select(r => r.Kind));
                Assert.All(reports.Take(3), r => Assert.Null(r.ValidationLoss));
                Assert.All(reports.Take(3), r => Assert.Null(r.ValidationAccuracy));
                Assert.All(reports, r => Assert.NotNull(r.Accuracy));
                Assert.All(reports, r => Assert.True(r.SamplesPerSecond >= 0 && r.Elapsed >= TimeSpan.Zero));

                EpochResult result = history.Epochs[epoch - 1];
                TrainingProgress end = reports[3];
                Assert.Equal(result.TrainLoss, end.Loss);
                Assert.Equal(result.TrainLoss, reports[2].Loss, 12);
                Assert.Equal(result.TrainAccuracy, end.Accuracy);
                Assert.Equal(result.TrainAccuracy, reports[2].Accuracy);
                Assert.Equal(result.ValidationLoss, end.ValidationLoss);
                Assert.Equal(result.ValidationAccuracy, end.ValidationAccuracy);
                Assert.NotNull(end.ValidationLoss);
                Assert.Equal(0.1f, end.LearningRate);
            }
        }

        [Fact]
        public void An_already_cancelled_token_trains_nothing()
        {
            var optimizer = new TestSgd(0.1f);
            var network = new LogisticRegressionNetwork(2, 3);
            Assert.ThrowsAny<OperationCanceledException>(
                () => new Trainer().Fit(network, optimizer, TestData.Blobs(10), cancellationToken: new CancellationToken(true)));
            Assert.Equal(0, optimizer.StepCount);
            Assert.Equal(0, network.BackwardCalls);
        }

        [Fact]
        public void Cancelling_stops_between_batches_with_OperationCanceledException()
        {
            using var source = new CancellationTokenSource();
            var optimizer = new TestSgd(0.5f);
            var progress = new CountingProgress
            {
                OnReport = r =>
                {
                    if (r.Epoch == 2 && r.Batch == 2 && r.Kind == TrainingProgressKind.Batch)
                    {
                        source.Cancel();
                    }
                },
            };
            var trainer = new Trainer(new TrainerOptions
            {
                Epochs = 5,
                BatchSize = 4,
                LearningRateSchedule = new HalvingSchedule(),
                EarlyStopping = new EarlyStopping(),
            });

            var exception = Assert.ThrowsAny<OperationCanceledException>(
                () => trainer.Fit(new LogisticRegressionNetwork(2, 3), optimizer, TestData.Blobs(10), TestData.Blobs(6), progress, source.Token));

            Assert.Equal(source.Token, exception.CancellationToken);
            Assert.Equal(3 + 2, optimizer.StepCount);
            Assert.Equal((1, 5), (progress.EpochReports, progress.BatchReports));
            Assert.Equal(0.5f, optimizer.LearningRate);
        }

        [Fact]
        public void Cancelling_at_the_end_of_an_epoch_stops_before_the_next()
        {
            using var source = new CancellationTokenSource();
            var optimizer = new TestSgd(0.1f);
            var progress = new CountingProgress
            {
                OnReport = r =>
                {
                    if (r.Kind == TrainingProgressKind.EpochEnd)
                    {
                        source.Cancel();
                    }
                },
            };
            Assert.ThrowsAny<OperationCanceledException>(
                () => new Trainer(new TrainerOptions { Epochs = 5, BatchSize = 4 }).Fit(new LogisticRegressionNetwork(2, 3), optimizer, TestData.Blobs(10), null, progress, source.Token));
            Assert.Equal(3, optimizer.StepCount);
        }
    }
}
