using System;
using System.Collections.Generic;

namespace Compiled.Training
{
    /// <summary>What <see cref="Trainer.Fit"/> did: the metrics of every epoch that ran, the best epoch and why training stopped.</summary>
    public sealed class TrainingHistory
    {
        internal TrainingHistory(IReadOnlyList<EpochResult> epochs, int bestEpoch, StopReason stopReason, bool restoredBestParameters, TimeSpan elapsed)
        {
            Epochs = epochs;
            BestEpoch = bestEpoch;
            StopReason = stopReason;
            RestoredBestParameters = restoredBestParameters;
            Elapsed = elapsed;
        }

        /// <summary>One entry per epoch that ran, in order; entry <c>i</c> is epoch <c>i + 1</c>.</summary>
        public IReadOnlyList<EpochResult> Epochs { get; }

        /// <summary>
        /// The best epoch, 1-based: by the early-stopping metric when early stopping is on, otherwise by the lowest
        /// validation loss when there is validation data, otherwise by the lowest training loss. Ties go to the earlier
        /// epoch. 0 only if every monitored value was NaN.
        /// </summary>
        public int BestEpoch { get; }

        /// <summary>Why training stopped.</summary>
        public StopReason StopReason { get; }

        /// <summary>
        /// Whether the network's parameters were set back to those after <see cref="BestEpoch"/> (early stopping with
        /// <see cref="EarlyStopping.RestoreBestParameters"/>, when the best epoch was not the last one). When
        /// <see langword="false"/>, the network holds the parameters after the last epoch.
        /// </summary>
        public bool RestoredBestParameters { get; }

        /// <summary>The wall-clock time of the whole run.</summary>
        public TimeSpan Elapsed { get; }
    }
}
