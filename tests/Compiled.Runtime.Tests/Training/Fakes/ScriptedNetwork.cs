using System;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>
    /// A network whose single parameter counts optimizer steps (its gradient is always -1, so plain SGD with learning
    /// rate 1 adds 1 per step) and whose outputs follow a script indexed by that count. With one batch per epoch the
    /// parameter is the number of finished epochs, so the validation metrics after epoch <c>e</c> are the script's entry
    /// <c>e - 1</c>, and restoring the parameters of epoch <c>e</c> sets the parameter back to <c>e</c>.
    /// </summary>
    /// <remarks>
    /// Two classes; the validation labels are all 0 and the first feature of sample <c>i</c> is <c>i</c>. With a loss
    /// script, every sample outputs <c>[exp(-L), 1 - exp(-L)]</c>, so the cross-entropy is <c>L</c>. With an accuracy
    /// script, the first <c>k</c> samples output <c>[0.9, 0.1]</c> (right) and the others <c>[0.1, 0.9]</c> (wrong).
    /// </remarks>
    internal sealed class ScriptedNetwork : FakeNetwork
    {
        private readonly double[]? _losses;
        private readonly int[]? _correctCounts;

        private ScriptedNetwork(double[]? losses, int[]? correctCounts)
            : base(1, 2, 1, Loss.CrossEntropy)
        {
            _losses = losses;
            _correctCounts = correctCounts;
        }

        public static ScriptedNetwork WithValidationLosses(params double[] losses) => new(losses, null);

        public static ScriptedNetwork WithCorrectCounts(params int[] correctCounts) => new(null, correctCounts);

        public int StepsTaken => (int)MathF.Round(ParameterArray[0]);

        public override void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            CheckBatch(inputs, outputs.Length, OutputSize, batchSize);
            int index = Math.Max(StepsTaken - 1, 0);
            for (int s = 0; s < batchSize; s++)
            {
                float right;
                if (_losses is not null)
                {
                    right = (float)Math.Exp(-_losses[Math.Min(index, _losses.Length - 1)]);
                }
                else
                {
                    int sample = (int)inputs[s];
                    right = sample < _correctCounts![Math.Min(index, _correctCounts.Length - 1)] ? 0.9f : 0.1f;
                }

                outputs[2 * s] = right;
                outputs[(2 * s) + 1] = 1f - right;
            }
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
        {
            CheckBatch(inputs, targets.Length, OutputSize, batchSize);
            return Step();
        }

        public override float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize)
        {
            CheckBatch(inputs, labels.Length, 1, batchSize);
            return Step();
        }

        private float Step()
        {
            BackwardCalls++;
            GradientArray[0] += -1f;
            return 1f;
        }
    }
}
