using System;

namespace Compiled.Schedules
{
    /// <summary>
    /// Decays the learning rate by <see cref="Gamma"/> every step, as <c>torch.optim.lr_scheduler.ExponentialLR</c>:
    /// <c>lr = baseLr * gamma^step</c>.
    /// </summary>
    public sealed class ExponentialSchedule : ILearningRateSchedule
    {
        /// <summary>Creates an exponential schedule.</summary>
        /// <param name="gamma">The multiplicative factor of each step (PyTorch's <c>gamma</c>); must be finite and positive.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is out of range.</exception>
        public ExponentialSchedule(double gamma)
        {
            Gamma = ScheduleArguments.PositiveFactor(gamma, nameof(gamma));
        }

        /// <summary>The multiplicative factor of each step (PyTorch's <c>gamma</c>).</summary>
        public double Gamma { get; }

        /// <inheritdoc/>
        /// <exception cref="ArgumentOutOfRangeException">The base learning rate is negative or not finite, or the step is negative.</exception>
        public float GetLearningRate(float baseLearningRate, int step)
        {
            ScheduleArguments.Check(baseLearningRate, step);
            return (float)(baseLearningRate * Math.Pow(Gamma, step));
        }
    }
}
