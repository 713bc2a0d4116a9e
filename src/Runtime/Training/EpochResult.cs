using System;

namespace Compiled.Training
{
    /// <summary>The metrics of one training epoch.</summary>
    public readonly struct EpochResult
    {
        internal EpochResult(int epoch, double trainLoss, double? trainAccuracy, double? validationLoss, double? validationAccuracy, float learningRate, TimeSpan elapsed, double samplesPerSecond)
        {
            Epoch = epoch;
            TrainLoss = trainLoss;
            TrainAccuracy = trainAccuracy;
            ValidationLoss = validationLoss;
            ValidationAccuracy = validationAccuracy;
            LearningRate = learningRate;
            Elapsed = elapsed;
            SamplesPerSecond = samplesPerSecond;
        }

        /// <summary>The epoch, 1-based.</summary>
        public int Epoch { get; }

        /// <summary>
        /// The mean training loss over the epoch's samples: each batch's mean loss, as returned by the network before that
        /// batch's optimizer step, weighted by the batch's size.
        /// </summary>
        public double TrainLoss { get; }

        /// <summary>
        /// The training accuracy (see <see cref="Trainer.Evaluate"/>: for labels the fraction of samples whose predicted class
        /// was their label, for a <see cref="Loss.BinaryCrossEntropy"/> network's target vectors the binary accuracy), each
        /// sample measured from the training forward pass its loss came from (training mode, before its batch's step);
        /// <see langword="null"/> for other target-vector data or when
        /// <see cref="TrainerOptions.TrackTrainingAccuracy"/> is off.
        /// </summary>
        public double? TrainAccuracy { get; }

        /// <summary>The mean validation loss after the epoch, or <see langword="null"/> without validation data.</summary>
        public double? ValidationLoss { get; }

        /// <summary>
        /// The validation accuracy after the epoch (see <see cref="Trainer.Evaluate"/>), or <see langword="null"/> without
        /// validation data that has one (labels, or target vectors for a <see cref="Loss.BinaryCrossEntropy"/> network).
        /// </summary>
        public double? ValidationAccuracy { get; }

        /// <summary>The learning rate of the epoch's last optimizer step.</summary>
        public float LearningRate { get; }

        /// <summary>The wall-clock time of the epoch, training and validation.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>Training throughput: training samples divided by the time of the training part of the epoch (validation excluded).</summary>
        public double SamplesPerSecond { get; }

        /// <inheritdoc />
        public override string ToString()
        {
            string text = FormattableString.Invariant($"epoch {Epoch}: loss {TrainLoss:G6}");
            if (TrainAccuracy is double accuracy)
            {
                text += FormattableString.Invariant($", accuracy {accuracy:P2}");
            }

            if (ValidationLoss is double validationLoss)
            {
                text += FormattableString.Invariant($", val loss {validationLoss:G6}");
            }

            if (ValidationAccuracy is double validationAccuracy)
            {
                text += FormattableString.Invariant($", val accuracy {validationAccuracy:P2}");
            }

            return text + FormattableString.Invariant($", lr {LearningRate:G6}, {Elapsed.TotalSeconds:F2} s, {SamplesPerSecond:F0} samples/s");
        }
    }
}
