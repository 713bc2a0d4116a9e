namespace Compiled.Schedules
{
    /// <summary>A constant learning rate: always the optimizer's base learning rate (no scheduler in PyTorch).</summary>
    public sealed class ConstantSchedule : ILearningRateSchedule
    {
        /// <inheritdoc/>
        /// <exception cref="System.ArgumentOutOfRangeException">The base learning rate is negative or not finite, or the step is negative.</exception>
        public float GetLearningRate(float baseLearningRate, int step)
        {
            ScheduleArguments.Check(baseLearningRate, step);
            return baseLearningRate;
        }
    }
}
