using System;

namespace Compiled.Schedules
{
    /// <summary>
    /// Linear warm-up from <c>startFactor * baseLr</c> to <c>baseLr</c> over <see cref="WarmupSteps"/> steps (as
    /// <c>torch.optim.lr_scheduler.LinearLR</c> with <c>end_factor=1</c>), then optionally another schedule, which counts its
    /// steps from the end of the warm-up (as <c>SequentialLR([LinearLR, then], milestones=[warmupSteps])</c>).
    /// </summary>
    /// <remarks>
    /// At step <c>t &lt; warmupSteps</c> the rate is <c>baseLr * (startFactor + (1 - startFactor) * t / warmupSteps)</c>; from
    /// <c>t = warmupSteps</c> on it is <c>then.GetLearningRate(baseLr, t - warmupSteps)</c>, or <c>baseLr</c> without a
    /// following schedule.
    /// </remarks>
    public sealed class WarmupSchedule : ILearningRateSchedule
    {
        /// <summary>Creates a warm-up schedule.</summary>
        /// <param name="warmupSteps">The length of the warm-up (PyTorch's <c>total_iters</c> and milestone); must be positive.</param>
        /// <param name="startFactor">The fraction of the base learning rate at step 0 (PyTorch's <c>start_factor</c>), in [0, 1].</param>
        /// <param name="then">The schedule after the warm-up, or <see langword="null"/> to keep the base learning rate.</param>
        /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
        public WarmupSchedule(int warmupSteps, double startFactor, ILearningRateSchedule? then = null)
        {
            if (warmupSteps <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "The number of warm-up steps must be positive.");
            }

            if (!(startFactor >= 0d && startFactor <= 1d))
            {
                throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "The starting multiplicative factor must be between 0 and 1.");
            }

            WarmupSteps = warmupSteps;
            StartFactor = startFactor;
            Then = then;
        }

        /// <summary>The length of the warm-up, in steps.</summary>
        public int WarmupSteps { get; }

        /// <summary>The fraction of the base learning rate at step 0.</summary>
        public double StartFactor { get; }

        /// <summary>The schedule after the warm-up, if any.</summary>
        public ILearningRateSchedule? Then { get; }

        /// <inheritdoc/>
        /// <exception cref="ArgumentOutOfRangeException">The base learning rate is negative or not finite, or the step is negative.</exception>
        public float GetLearningRate(float baseLearningRate, int step)
        {
            ScheduleArguments.Check(baseLearningRate, step);
            if (step >= WarmupSteps)
            {
                return Then is null ? baseLearningRate : Then.GetLearningRate(baseLearningRate, step - WarmupSteps);
            }

            return (float)(baseLearningRate * (StartFactor + ((1d - StartFactor) * step / WarmupSteps)));
        }
    }
}
