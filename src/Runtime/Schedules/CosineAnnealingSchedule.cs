using System;

namespace Compiled.Schedules
{
    /// <summary>
    /// Cosine annealing from the base learning rate down to <see cref="EtaMin"/> over <see cref="TMax"/> steps, the closed
    /// form of <c>torch.optim.lr_scheduler.CosineAnnealingLR</c>:
    /// <c>lr = etaMin + (baseLr - etaMin) * (1 + cos(pi * step / tMax)) / 2</c>.
    /// </summary>
    /// <remarks>
    /// As in PyTorch (without restarts), the formula keeps going after <see cref="TMax"/>: the rate climbs back to the
    /// base learning rate at <c>2 * tMax</c>, and so on with period <c>2 * tMax</c>.
    /// </remarks>
    public sealed class CosineAnnealingSchedule : ILearningRateSchedule
    {
        /// <summary>Creates a cosine annealing schedule.</summary>
        /// <param name="tMax">The number of steps of the descent (PyTorch's <c>T_max</c>); must be positive.</param>
        /// <param name="etaMin">The minimum learning rate (<c>eta_min</c>); must be finite and non-negative.</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
        public CosineAnnealingSchedule(int tMax, float etaMin = 0f)
        {
            if (tMax <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "T_max, the number of steps of the descent, must be positive.");
            }

            if (!float.IsFinite(etaMin) || etaMin < 0f)
            {
                throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, "The minimum learning rate eta_min must be finite and non-negative.");
            }

            TMax = tMax;
            EtaMin = etaMin;
        }

        /// <summary>The number of steps of the descent (PyTorch's <c>T_max</c>).</summary>
        public int TMax { get; }

        /// <summary>The minimum learning rate (PyTorch's <c>eta_min</c>).</summary>
        public float EtaMin { get; }

        /// <inheritdoc/>
        /// <exception cref="ArgumentOutOfRangeException">The base learning rate is negative or not finite, or the step is negative.</exception>
        public float GetLearningRate(float baseLearningRate, int step)
        {
            ScheduleArguments.Check(baseLearningRate, step);
            double etaMin = EtaMin;
            return (float)(etaMin + ((baseLearningRate - etaMin) * (1d + Math.Cos(Math.PI * step / TMax)) / 2d));
        }
    }
}
