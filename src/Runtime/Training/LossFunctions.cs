using System;

namespace Compiled.Training
{
    /// <summary>
    /// Per-sample losses computed from a network's outputs (probabilities for cross-entropy and BCE networks), following
    /// PyTorch's definitions. Used by evaluation; training takes its losses from the network's <c>Backward</c> methods.
    /// </summary>
    internal static class LossFunctions
    {
        /// <summary>The smallest probability whose logarithm cross-entropy takes (<see cref="float.Epsilon"/>), so a zero probability gives a large finite loss, about 103.28.</summary>
        internal const float MinProbability = float.Epsilon;

        /// <summary>The floor of each logarithm in binary cross-entropy, as in <c>torch.nn.BCELoss</c>.</summary>
        internal const double BceLogFloor = -100.0;

        /// <summary>The loss of one output against a class label.</summary>
        /// <remarks>
        /// Cross-entropy takes <c>-log p[label]</c>. The other losses see the label as a target vector: one-hot, or for a
        /// single-output network the label itself (0 or 1) as the target of that output (<see cref="LabelTarget"/>).
        /// </remarks>
        internal static double FromLabel(Loss loss, ReadOnlySpan<float> output, int label)
        {
            int n = output.Length;
            switch (loss)
            {
                case Loss.CrossEntropy:
                    return -Math.Log(Math.Max(output[label], MinProbability));
                case Loss.MeanSquaredError:
                {
                    double sum = 0;
                    for (int j = 0; j < n; j++)
                    {
                        double d = (double)output[j] - LabelTarget(j, label, n);
                        sum += d * d;
                    }

                    return sum / n;
                }

                case Loss.BinaryCrossEntropy:
                {
                    double sum = 0;
                    for (int j = 0; j < n; j++)
                    {
                        sum += Bce(output[j], LabelTarget(j, label, n));
                    }

                    return sum / n;
                }

                default:
                    throw new NotSupportedException($"Unknown loss {loss}.");
            }
        }

        /// <summary>The loss of one output against a target vector of the same length.</summary>
        internal static double FromTarget(Loss loss, ReadOnlySpan<float> output, ReadOnlySpan<float> target)
        {
            int n = output.Length;
            double sum = 0;
            switch (loss)
            {
                case Loss.CrossEntropy:
                    for (int j = 0; j < n; j++)
                    {
                        float t = target[j];
                        if (t != 0f)
                        {
                            sum -= t * Math.Log(Math.Max(output[j], MinProbability));
                        }
                    }

                    return sum;
                case Loss.MeanSquaredError:
                    for (int j = 0; j < n; j++)
                    {
                        double d = (double)output[j] - target[j];
                        sum += d * d;
                    }

                    return sum / n;
                case Loss.BinaryCrossEntropy:
                    for (int j = 0; j < n; j++)
                    {
                        sum += Bce(output[j], target[j]);
                    }

                    return sum / n;
                default:
                    throw new NotSupportedException($"Unknown loss {loss}.");
            }
        }

        /// <summary>
        /// Target <paramref name="j"/> of a label seen as a target vector of <paramref name="outputSize"/> floats: one-hot,
        /// or the label itself (0 or 1) when there is a single output.
        /// </summary>
        internal static float LabelTarget(int j, int label, int outputSize)
            => outputSize == 1 ? label : (j == label ? 1f : 0f);

        /// <summary>Writes a label as a target vector (see <see cref="LabelTarget"/>).</summary>
        internal static void WriteLabelTarget(int label, Span<float> target)
        {
            int n = target.Length;
            if (n == 1)
            {
                target[0] = label;
                return;
            }

            target.Clear();
            target[label] = 1f;
        }

        /// <summary>
        /// The predicted class of one output: the index of its first largest value (as <c>torch.argmax</c>), or for a
        /// single-output network that does not use cross-entropy, 1 when the output is at least 0.5 and 0 otherwise.
        /// </summary>
        internal static int Predict(ReadOnlySpan<float> output, bool binary)
        {
            if (binary)
            {
                return output[0] >= 0.5f ? 1 : 0;
            }

            int best = 0;
            float max = output[0];
            for (int j = 1; j < output.Length; j++)
            {
                if (output[j] > max || float.IsNaN(max))
                {
                    max = output[j];
                    best = j;
                }
            }

            return best;
        }

        /// <summary>
        /// The number of outputs whose thresholded value matches their target (Keras' binary accuracy, before averaging):
        /// an output counts as 1 when it is at least 0.5, and so does a target.
        /// </summary>
        internal static int CountBinaryMatches(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
        {
            int matches = 0;
            for (int j = 0; j < output.Length; j++)
            {
                if ((output[j] >= 0.5f) == (target[j] >= 0.5f))
                {
                    matches++;
                }
            }

            return matches;
        }

        private static double Bce(float p, double t)
        {
            double logP = Math.Max(Math.Log(p), BceLogFloor);
            double log1mP = Math.Max(Math.Log(1.0 - p), BceLogFloor);
            return -((t * logP) + ((1.0 - t) * log1mP));
        }
    }
}
