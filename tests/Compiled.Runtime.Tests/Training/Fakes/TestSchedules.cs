using System;
using System.Collections.Generic;
using Compiled.Schedules;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary><c>base * 0.5^step</c>: exact in binary floating point, so tests compare learning rates exactly.</summary>
    internal sealed class HalvingSchedule : ILearningRateSchedule
    {
        public List<(float Base, int Step)>? Calls { get; init; }

        public float GetLearningRate(float baseLearningRate, int step)
        {
            Calls?.Add((baseLearningRate, step));
            return baseLearningRate * MathF.Pow(0.5f, step);
        }
    }

    /// <summary>Returns a chosen learning rate from a chosen step on.</summary>
    internal sealed class BrokenSchedule : ILearningRateSchedule
    {
        public int FromStep { get; init; }

        public float Value { get; init; } = float.NaN;

        public float GetLearningRate(float baseLearningRate, int step) => step >= FromStep ? Value : baseLearningRate;
    }
}
