namespace Compiled.Training
{
    /// <summary>The loss and accuracy of a network on a data set (see <see cref="Trainer.Evaluate"/>).</summary>
    public readonly struct EvaluationResult
    {
        internal EvaluationResult(double loss, double? accuracy, int sampleCount)
        {
            Loss = loss;
            Accuracy = accuracy;
            SampleCount = sampleCount;
        }

        /// <summary>The mean loss over the samples, by the network's <see cref="INetwork.Loss"/>.</summary>
        public double Loss { get; }

        /// <summary>The fraction of samples whose predicted class is their label, or <see langword="null"/> for target-vector data.</summary>
        public double? Accuracy { get; }

        /// <summary>The number of samples evaluated.</summary>
        public int SampleCount { get; }
    }
}
