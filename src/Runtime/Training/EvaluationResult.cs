using System;

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

        /// <summary>
        /// For labelled data, the fraction of samples whose predicted class is their label; for target vectors and a
        /// <see cref="Compiled.Loss.BinaryCrossEntropy"/> network, the binary accuracy (the fraction of outputs on the same
        /// side of 0.5 as their target, as Keras' <c>binary_accuracy</c>); otherwise <see langword="null"/>.
        /// </summary>
        public double? Accuracy { get; }

        /// <summary>The number of samples evaluated.</summary>
        public int SampleCount { get; }

        /// <summary>
        /// The metrics in one line, in the invariant culture, for example <c>loss 0.0517826, accuracy 98.25 %, 400 samples</c>
        /// (the accuracy only when there is one).
        /// </summary>
        /// <returns>The loss (6 significant digits), the accuracy as a percentage and the sample count.</returns>
        public override string ToString()
        {
            string text = FormattableString.Invariant($"loss {Loss:G6}");
            if (Accuracy is double accuracy)
            {
                text += FormattableString.Invariant($", accuracy {accuracy:P2}");
            }

            return text + FormattableString.Invariant($", {SampleCount} {(SampleCount == 1 ? "sample" : "samples")}");
        }
    }
}
