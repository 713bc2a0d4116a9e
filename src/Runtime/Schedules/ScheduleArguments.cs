using System;

namespace Compiled.Schedules
{
    /// <summary>Argument checks shared by the schedules.</summary>
    internal static class ScheduleArguments
    {
        /// <summary>Checks the arguments of <see cref="ILearningRateSchedule.GetLearningRate"/>.</summary>
        public static void Check(float baseLearningRate, int step)
        {
            if (!float.IsFinite(baseLearningRate) || baseLearningRate < 0f)
            {
                throw new ArgumentOutOfRangeException(nameof(baseLearningRate), baseLearningRate, "The base learning rate must be finite and non-negative.");
            }

            if (step < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(step), step, "The step count must be non-negative.");
            }
        }

        /// <summary>Requires a finite, positive factor.</summary>
        public static double PositiveFactor(double value, string parameterName)
        {
            if (!double.IsFinite(value) || value <= 0d)
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"The {parameterName} factor must be finite and positive.");
            }

            return value;
        }
    }
}
