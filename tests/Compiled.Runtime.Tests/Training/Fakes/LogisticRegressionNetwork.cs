using System;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>
    /// Multinomial logistic regression: <c>p = softmax(W x + b)</c> with <c>W</c> <c>[classes, features]</c> then <c>b</c>,
    /// trained with softmax cross-entropy (labels or target distributions). Allocates nothing after construction.
    /// Can be told to return a non-finite loss, or to write a NaN gradient, at a chosen BackwardBatch call.
    /// </summary>
    internal sealed class LogisticRegressionNetwork : FakeNetwork
    {
        private readonly float[] _logits;
        private readonly float[] _probabilities;

        public LogisticRegressionNetwork(int features, int classes, float[]? sharedParameters = null)
            : base(features, classes, (classes * features) + classes, Loss.CrossEntropy, sharedParameters)
        {
            _logits = new float[classes];
            _probabilities = new float[classes];
        }

        /// <summary>The 1-based BackwardBatch call that returns <see cref="DivergentLoss"/> instead of the loss (0: never).</summary>
        public int DivergeAtCall { get; set; }

        /// <summary>The loss returned at <see cref="DivergeAtCall"/>.</summary>
        public float DivergentLoss { get; set; } = float.NaN;

        /// <summary>The 1-based BackwardBatch call that returns a finite loss but a NaN gradient (0: never).</summary>
        public int NaNGradientAtCall { get; set; }

        /// <summary>A copy of the parameters taken when the call <see cref="DivergeAtCall"/> was made.</summary>
        public float[]? ParametersAtDivergence { get; private set; }

        public override void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            CheckBatch(inputs, outputs.Length, OutputSize, batchSize);
            for (int s = 0; s < batchSize; s++)
            {
                Probabilities(inputs.Slice(s * InputSize, InputSize));
                _probabilities.CopyTo(outputs.Slice(s * OutputSize, OutputSize));
            }
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize)
        {
            CheckBatch(inputs, labels.Length, 1, batchSize);
            if (Diverges())
            {
                return DivergentLoss;
            }

            double loss = 0;
            for (int s = 0; s < batchSize; s++)
            {
                int label = labels[s];
                if ((uint)label >= (uint)OutputSize)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels));
                }

                ReadOnlySpan<float> x = inputs.Slice(s * InputSize, InputSize);
                float logSumExp = Probabilities(x);
                loss += logSumExp - _logits[label];
                _probabilities[label] -= 1f;
                Accumulate(x, batchSize);
            }

            return Finish(loss / batchSize);
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
        {
            CheckBatch(inputs, targets.Length, OutputSize, batchSize);
            if (Diverges())
            {
                return DivergentLoss;
            }

            double loss = 0;
            for (int s = 0; s < batchSize; s++)
            {
                ReadOnlySpan<float> x = inputs.Slice(s * InputSize, InputSize);
                ReadOnlySpan<float> t = targets.Slice(s * OutputSize, OutputSize);
                float logSumExp = Probabilities(x);
                for (int c = 0; c < OutputSize; c++)
                {
                    loss -= t[c] * (_logits[c] - logSumExp);
                    _probabilities[c] -= t[c];
                }

                Accumulate(x, batchSize);
            }

            return Finish(loss / batchSize);
        }

        private bool Diverges()
        {
            BackwardCalls++;
            if (BackwardCalls == DivergeAtCall)
            {
                ParametersAtDivergence = (float[])ParameterArray.Clone();
                return true;
            }

            return false;
        }

        private float Finish(double loss)
        {
            if (BackwardCalls == NaNGradientAtCall)
            {
                GradientArray[0] = float.NaN;
            }

            return (float)loss;
        }

        /// <summary>Fills the logits and probabilities of one sample; returns log-sum-exp of the logits.</summary>
        private float Probabilities(ReadOnlySpan<float> x)
        {
            int features = InputSize;
            int classes = OutputSize;
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float z = ParameterArray[(classes * features) + c];
                for (int f = 0; f < features; f++)
                {
                    z += ParameterArray[(c * features) + f] * x[f];
                }

                _logits[c] = z;
                max = MathF.Max(max, z);
            }

            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                _probabilities[c] = MathF.Exp(_logits[c] - max);
                sum += _probabilities[c];
            }

            for (int c = 0; c < classes; c++)
            {
                _probabilities[c] /= sum;
            }

            return max + MathF.Log(sum);
        }

        /// <summary>Adds <c>(p - t) / n</c> (held in the probability buffer) times the input into the gradients.</summary>
        private void Accumulate(ReadOnlySpan<float> x, int batchSize)
        {
            int features = InputSize;
            int classes = OutputSize;
            float scale = 1f / batchSize;
            for (int c = 0; c < classes; c++)
            {
                float delta = _probabilities[c] * scale;
                for (int f = 0; f < features; f++)
                {
                    GradientArray[(c * features) + f] += delta * x[f];
                }

                GradientArray[(classes * features) + c] += delta;
            }
        }
    }
}
