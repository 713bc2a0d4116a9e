namespace Compiled.Training
{
    /// <summary>Why <see cref="Trainer.Fit"/> returned.</summary>
    /// <remarks>
    /// Training that cannot finish does not return: cancellation throws <see cref="System.OperationCanceledException"/>
    /// and a non-finite loss throws <see cref="TrainingDivergedException"/>, whose <see cref="TrainingDivergedException.History"/>
    /// has the stop reason <see cref="Diverged"/>.
    /// </remarks>
    public enum StopReason
    {
        /// <summary>Every requested epoch ran.</summary>
        Completed = 0,

        /// <summary>Early stopping ended training: the monitored metric stopped improving.</summary>
        EarlyStopped = 1,

        /// <summary>
        /// The loss, the validation loss or the parameters became NaN or infinite: only in the history attached to a
        /// <see cref="TrainingDivergedException"/>.
        /// </summary>
        Diverged = 2,
    }
}
