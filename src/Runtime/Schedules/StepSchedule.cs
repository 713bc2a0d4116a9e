using System;

namespace Compiled.Schedules
{
    /// <summary>
    /// Decays the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps, as <c>torch.optim.lr_scheduler.StepLR</c>:
    /// <c>lr = baseLr * gamma^floor(step / stepSize)</c>.
    /// </summary>
    public sealed class StepSchedule : ILearningRateSchedule
    {
        /// <summary>Creates a step schedule.</summary>
        /// <param name="stepSize">The period of the decay, in steps (PyTorch's <c>step_size</c>); must be positive.</param>
        /// <param name="gamma">The multiplicative factor of each decay (<c>gamma</c>); must be finite and positive.</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
        public StepSchedule(int stepSize, double gamma = 0.1)
        {
            if (stepSize <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size must be positive.");
            }

            StepSize = stepSize;
            Gamma = ScheduleArguments.PositiveFactor(gamma, nameof(gamma));
        }

        /// <summary>The period of the decay, in steps (PyTorch's <c>step_size</c>).</summary>
        public int StepSize { get; }

        /// <summary>The multiplicative factor of each decay (PyTorch's <c>gamma</c>).</summary>
        public double Gamma { get; }

        /// <inheritdoc/>
        /// <exception cref="ArgumentOutOfRangeException">The base learning rate is negative or not finite, or the step is negative.</exception>
        public float GetLearningRate(float baseLearningRate, int step)
        {
            ScheduleArguments.Check(baseLearningRate, step);
            return (float)(baseLearningRate * Math.Pow(Gamma, step / StepSize));
        }
    }
}
