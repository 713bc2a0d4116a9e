namespace Compiled.Schedules
{
    /// <summary>
    /// A learning-rate schedule: the learning rate as a closed-form function of the number of schedule steps taken,
    /// following the <c>torch.optim.lr_scheduler</c> definitions. The trainer steps a schedule once per epoch (as
    /// PyTorch's examples do) or once per batch (for warm-up), as its options say.
    /// </summary>
    public interface ILearningRateSchedule
    {
        /// <summary>The learning rate after <paramref name="step"/> schedule steps (PyTorch's <c>last_epoch</c>).</summary>
        /// <param name="baseLearningRate">The optimizer's initial learning rate (PyTorch's <c>base_lr</c>).</param>
        /// <param name="step">The number of schedule steps taken so far; 0 before the first.</param>
        /// <returns>The learning rate to use.</returns>
        float GetLearningRate(float baseLearningRate, int step);
    }
}
