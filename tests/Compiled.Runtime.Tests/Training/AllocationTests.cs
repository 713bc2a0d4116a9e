using System;
using Compiled.Data;
using Compiled.Runtime.Tests.Training.Fakes;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training
{
    /// <summary>
    /// After the first epoch, training allocates nothing: the optimizer records the thread's allocated bytes after every
    /// step, and the count must not change from the last step of epoch 1 to the last step of the run (which spans the
    /// end of every epoch but the last, with its validation pass, history entry and schedule step, and every batch of
    /// epochs 2..N). Each case is run once before it is measured, so first-time JIT work is not counted.
    /// </summary>
    public class AllocationTests
    {
        private const int Epochs = 6;
        private const int BatchSize = 16;
        private const int Samples = 200; // 13 batches per epoch, the last one partial.
        private const int BatchesPerEpoch = 13;

        private static long AllocatedAfterFirstEpoch(TrainerOptions options, Dataset train, Dataset? validation, IProgress<TrainingProgress>? progress, INetwork? network = null)
        {
            network ??= new LogisticRegressionNetwork(2, 3);

            // Warm up with one identical run first, so that code the JIT compiles for the first time in a later epoch
            // (the runtime may allocate while loading types for it, more so under load) falls outside the measured run.
            network.InitializeParameters(1);
            new Trainer(options).Fit(network, new TestSgd(0.05f), train, validation, progress is CountingProgress ? new CountingProgress() : progress);

            network.InitializeParameters(1);
            var bytes = new long[Epochs * BatchesPerEpoch];
            var optimizer = new TestSgd(0.05f) { AllocatedBytesAfterStep = bytes };
            new Trainer(options).Fit(network, optimizer, train, validation, progress);

            Assert.Equal(Epochs * BatchesPerEpoch, optimizer.StepCount);
            return bytes[^1] - bytes[BatchesPerEpoch - 1];
        }

        [Fact]
        public void Labelled_training_with_validation_early_stopping_and_schedule_allocates_nothing_per_batch()
        {
            var options = new TrainerOptions
            {
                Epochs = Epochs,
                BatchSize = BatchSize,
                LearningRateSchedule = new HalvingSchedule(),
                ScheduleStepping = ScheduleStepping.PerBatch,
                EarlyStopping = new EarlyStopping { Patience = 100 },
            };
            Assert.Equal(0, AllocatedAfterFirstEpoch(options, TestData.Blobs(Samples), TestData.Blobs(50, seed: 3), null));
        }

        [Fact]
        public void Reporting_progress_through_a_struct_allocates_nothing()
        {
            var options = new TrainerOptions { Epochs = Epochs, BatchSize = BatchSize };
            var progress = new CountingProgress();
            Assert.Equal(0, AllocatedAfterFirstEpoch(options, TestData.Blobs(Samples), TestData.Blobs(50, seed: 3), progress));
            Assert.Equal(Epochs * BatchesPerEpoch, progress.BatchReports);
            Assert.Equal(Epochs, progress.EpochReports);
        }

        [Fact]
        public void Clipping_gradients_by_value_and_norm_allocates_nothing_per_batch()
        {
            var options = new TrainerOptions
            {
                Epochs = Epochs,
                BatchSize = BatchSize,
                ClipGradientNorm = 0.5f,
                ClipGradientNormType = 3f,
                ClipGradientValue = 0.2f,
            };
            int withoutNorm = 0;
            var progress = new CountingProgress { OnReport = p => withoutNorm += p.Kind == TrainingProgressKind.Batch && p.GradientNorm is null ? 1 : 0 };
            Assert.Equal(0, AllocatedAfterFirstEpoch(options, TestData.Blobs(Samples), TestData.Blobs(50, seed: 3), progress));
            Assert.Equal(Epochs * BatchesPerEpoch, progress.BatchReports);
            Assert.Equal(0, withoutNorm);
        }

        [Fact]
        public void Labels_converted_to_targets_and_target_data_allocate_nothing()
        {
            var options = new TrainerOptions { Epochs = Epochs, BatchSize = BatchSize, Seed = 4 };
            Dataset blobs = TestData.Blobs(Samples);
            var targets = new float[Samples * 3];
            for (int i = 0; i < Samples; i++)
            {
                targets[(i * 3) + blobs.Labels![i]] = 1f;
            }

            Dataset soft = Dataset.FromTargets(blobs.Features, 2, targets, 3);
            Assert.Equal(0, AllocatedAfterFirstEpoch(options, soft, soft, null));
        }
    }
}
