namespace Compiled.Training
{
    /// <summary>The validation metric early stopping watches.</summary>
    public enum EarlyStoppingMetric
    {
        /// <summary>The mean validation loss; lower is better.</summary>
        ValidationLoss = 0,

        /// <summary>
        /// The validation accuracy (labelled validation data, or target vectors for a <see cref="Loss.BinaryCrossEntropy"/>
        /// network); higher is better.
        /// </summary>
        ValidationAccuracy = 1,
    }
}
