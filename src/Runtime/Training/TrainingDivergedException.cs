using System;
using System.Globalization;

namespace Compiled.Training
{
    /// <summary>
    /// Thrown by <see cref="Trainer.Fit"/> when a batch's loss is NaN or infinite, when the parameters are no longer
    /// finite at the end of an epoch, or when the validation loss after an epoch is NaN or infinite: training stops
    /// rather than continue on garbage.
    /// </summary>
    /// <remarks>
    /// For a non-finite loss, the optimizer step of that batch is not applied: the network keeps the parameters that
    /// produced the loss (those after the previous batch's step), and its <see cref="INetwork.Gradients"/> hold that
    /// batch's gradients. With early stopping and <see cref="EarlyStopping.RestoreBestParameters"/>, the parameters of
    /// the best epoch so far are restored instead, as when training ends normally; the message says which.
    /// <see cref="History"/> has the epochs that completed. The optimizer's learning rate is set back to its value before
    /// training.
    /// </remarks>
    public sealed class TrainingDivergedException : Exception
    {
        /// <summary>Creates the exception with a generic message.</summary>
        public TrainingDivergedException()
            : base("Training diverged: the loss became NaN or infinite.")
        {
        }

        /// <summary>Creates the exception with a message.</summary>
        /// <param name="message">The message.</param>
        public TrainingDivergedException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with a message and the exception that caused it.</summary>
        /// <param name="message">The message.</param>
        /// <param name="innerException">The cause.</param>
        public TrainingDivergedException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        /// <summary>Creates the exception for a divergence found at a given epoch and batch.</summary>
        /// <param name="epoch">The epoch, 1-based.</param>
        /// <param name="batch">The batch within the epoch, 1-based.</param>
        /// <param name="message">The message.</param>
        public TrainingDivergedException(int epoch, int batch, string message)
            : base(message)
        {
            Epoch = epoch;
            Batch = batch;
        }

        /// <summary>The epoch in which training diverged, 1-based (0 when unknown).</summary>
        public int Epoch { get; }

        /// <summary>
        /// The batch within <see cref="Epoch"/> at which training diverged, 1-based (0 when unknown, and for a non-finite
        /// validation loss, which is computed after the epoch's last batch).
        /// </summary>
        public int Batch { get; }

        /// <summary>
        /// What <see cref="Trainer.Fit"/> would have returned had it stopped just before diverging: the epochs that completed,
        /// the best epoch, <see cref="StopReason.Diverged"/>, and whether the best parameters were restored.
        /// <see langword="null"/> when the exception did not come from <see cref="Trainer.Fit"/>.
        /// </summary>
        public TrainingHistory? History { get; private set; }

        /// <inheritdoc />
        public override string Message => _outcome is null ? base.Message : $"{base.Message} {_outcome}";

        private string? _kept;
        private string? _outcome;

        /// <summary>Records the history and says in the message what the network now holds.</summary>
        internal void Attach(TrainingHistory history)
        {
            History = history;
            _outcome = history.RestoredBestParameters
                ? $"Early stopping restored the parameters after epoch {history.BestEpoch}, the best epoch (History has the {history.Epochs.Count} epoch(s) that completed)."
                : _kept;
        }

        internal static TrainingDivergedException NonFiniteLoss(float loss, int epoch, int epochCount, int batch, int batchCount)
        {
            string value = loss.ToString(CultureInfo.InvariantCulture);
            return new TrainingDivergedException(
                epoch,
                batch,
                $"Training diverged: the loss was {value} at epoch {epoch} of {epochCount}, batch {batch} of {batchCount} (epochs and batches are numbered from 1). "
                + "That batch's optimizer step was not applied. "
                + "Try a lower learning rate, normalised inputs or a smaller network.")
            {
                _kept = "The network keeps the parameters that produced this loss.",
            };
        }

        internal static TrainingDivergedException NonFiniteParameters(int parameterIndex, int epoch, int epochCount, int batchCount)
        {
            return new TrainingDivergedException(
                epoch,
                batchCount,
                $"Training diverged: parameter {parameterIndex} is NaN or infinite after the optimizer step of epoch {epoch} of {epochCount}, batch {batchCount} of {batchCount} "
                + "(epochs and batches are numbered from 1), although that batch's loss was finite. "
                + "Try a lower learning rate, normalised inputs or a smaller network.")
            {
                _kept = "The network keeps these parameters.",
            };
        }

        internal static TrainingDivergedException NonFiniteValidationLoss(double loss, int epoch, int epochCount)
        {
            string value = loss.ToString(CultureInfo.InvariantCulture);
            return new TrainingDivergedException(
                epoch,
                0,
                $"Training diverged: the validation loss was {value} after epoch {epoch} of {epochCount} (numbered from 1), although the parameters and the validation data are finite: "
                + "the network's outputs overflowed. Try a lower learning rate, normalised inputs or a smaller network.")
            {
                _kept = $"The network keeps the parameters after epoch {epoch}.",
            };
        }
    }
}
