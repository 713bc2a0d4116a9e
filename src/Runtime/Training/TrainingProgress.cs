using System;

namespace Compiled.Training
{
    /// <summary>
    /// A progress report from <see cref="Trainer.Fit"/>: one after every batch and one at the end of every epoch, enough
    /// to draw a live progress bar. A value type, so reporting allocates nothing (through an
    /// <see cref="IProgress{T}"/> implemented directly; <see cref="Progress{T}"/> itself boxes each report to post it).
    /// </summary>
    /// <remarks>
    /// Reports are sent synchronously on the training thread, so a consumer should only store or draw what it needs
    /// (for example, redraw at most every 100 ms); a slow consumer slows training.
    /// </remarks>
    public readonly struct TrainingProgress
    {
        internal TrainingProgress(
            TrainingProgressKind kind,
            int epoch,
            int epochCount,
            int batch,
            int batchCount,
            int samplesProcessed,
            int sampleCount,
            double loss,
            double? accuracy,
            float learningRate,
            TimeSpan elapsed,
            double samplesPerSecond,
            double? validationLoss,
            double? validationAccuracy,
            float? gradientNorm)
        {
            Kind = kind;
            Epoch = epoch;
            EpochCount = epochCount;
            Batch = batch;
            BatchCount = batchCount;
            SamplesProcessed = samplesProcessed;
            SampleCount = sampleCount;
            Loss = loss;
            Accuracy = accuracy;
            LearningRate = learningRate;
            Elapsed = elapsed;
            SamplesPerSecond = samplesPerSecond;
            ValidationLoss = validationLoss;
            ValidationAccuracy = validationAccuracy;
            GradientNorm = gradientNorm;
        }

        /// <summary>Whether this report follows a batch or ends an epoch.</summary>
        public TrainingProgressKind Kind { get; }

        /// <summary>The current epoch, 1-based.</summary>
        public int Epoch { get; }

        /// <summary>The number of epochs requested (early stopping may end sooner).</summary>
        public int EpochCount { get; }

        /// <summary>The batch just trained, 1-based; at the end of an epoch, <see cref="BatchCount"/>.</summary>
        public int Batch { get; }

        /// <summary>The number of batches in an epoch (the last one may be partial).</summary>
        public int BatchCount { get; }

        /// <summary>The number of training samples processed so far in this epoch.</summary>
        public int SamplesProcessed { get; }

        /// <summary>The number of training samples in an epoch.</summary>
        public int SampleCount { get; }

        /// <summary>The running mean training loss of this epoch so far (at the end of an epoch, <see cref="EpochResult.TrainLoss"/>).</summary>
        public double Loss { get; }

        /// <summary>The running training accuracy of this epoch so far, or <see langword="null"/> when it is not measured.</summary>
        public double? Accuracy { get; }

        /// <summary>The learning rate of the last optimizer step.</summary>
        public float LearningRate { get; }

        /// <summary>The time since this epoch started.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>The training throughput of this epoch so far, in samples per second (validation excluded).</summary>
        public double SamplesPerSecond { get; }

        /// <summary>The validation loss; only in <see cref="TrainingProgressKind.EpochEnd"/> reports with validation data.</summary>
        public double? ValidationLoss { get; }

        /// <summary>
        /// The validation accuracy; only in <see cref="TrainingProgressKind.EpochEnd"/> reports with validation data that
        /// has one (labels, or target vectors for a <see cref="Loss.BinaryCrossEntropy"/> network).
        /// </summary>
        public double? ValidationAccuracy { get; }

        /// <summary>
        /// The total norm of the batch's gradient before clipping, as <see cref="GradientClipping.ClipByNorm(INetwork, float, float, bool)"/>
        /// returned it (what a PyTorch loop logs from <c>clip_grad_norm_</c>); only in <see cref="TrainingProgressKind.Batch"/>
        /// reports, and only when <see cref="TrainerOptions.ClipGradientNorm"/> is set. When
        /// <see cref="TrainerOptions.ClipGradientValue"/> is set too, it is the norm of the clamped gradient.
        /// </summary>
        public float? GradientNorm { get; }
    }
}
