namespace Compiled.Training
{
    /// <summary>When the trainer advances a learning-rate schedule.</summary>
    public enum ScheduleStepping
    {
        /// <summary>
        /// Once after every epoch, as PyTorch's examples call <c>scheduler.step()</c>: epoch <c>e</c> (1-based) trains with
        /// <c>GetLearningRate(base, e - 1)</c>.
        /// </summary>
        PerEpoch = 0,

        /// <summary>
        /// Once after every optimizer step (for warm-up and one-cycle schedules): the <c>k</c>-th batch of the whole run
        /// (1-based) trains with <c>GetLearningRate(base, k - 1)</c>.
        /// </summary>
        PerBatch = 1,
    }
}
