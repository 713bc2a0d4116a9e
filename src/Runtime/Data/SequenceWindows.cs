using System;

namespace Compiled.Data
{
    /// <summary>Data sets of sequences cut from a time series, for networks with recurrent layers.</summary>
    public static class SequenceWindows
    {
        /// <summary>
        /// Sliding windows over a series of <paramref name="features"/> values per step (row-major, <c>[length, features]</c>):
        /// sample <c>s</c> is steps <c>[s, s + window)</c>, the layout of <c>[Input(window, features)]</c>, and its target the
        /// step <paramref name="horizon"/> after the window's last one: all its features, or only
        /// <paramref name="targetFeature"/> when that is not negative. Windows start at every step that leaves room for the
        /// target, in order.
        /// </summary>
        /// <param name="series">The series, <c>length * features</c> floats.</param>
        /// <param name="features">The values per step; must be positive.</param>
        /// <param name="window">The steps per sample; must be positive.</param>
        /// <param name="horizon">How many steps after the window's last the target is; 1 (the default) for the next step.</param>
        /// <param name="targetFeature">The one feature to predict, or -1 (the default) for all of them.</param>
        /// <returns>A data set of <c>length - window - horizon + 1</c> samples (copied from the series).</returns>
        /// <exception cref="ArgumentException">The series is not whole steps, or too short for one window and its target.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="targetFeature"/> is not a feature.</exception>
        public static Dataset Create(ReadOnlySpan<float> series, int features, int window, int horizon = 1, int targetFeature = -1)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
            ArgumentOutOfRangeException.ThrowIfLessThan(targetFeature, -1);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(targetFeature, features);
            if (series.Length % features != 0)
            {
                throw new ArgumentException($"The series holds {series.Length} floats, not whole steps of {features}.", nameof(series));
            }

            int length = series.Length / features;
            int count = length - window - horizon + 1;
            if (count <= 0)
            {
                throw new ArgumentException($"The series has {length} steps; a window of {window} and a target {horizon} step(s) after it need at least {window + horizon}.", nameof(series));
            }

            int targetCount = targetFeature < 0 ? features : 1;
            var inputs = new float[(long)count * window * features];
            var targets = new float[(long)count * targetCount];
            for (int s = 0; s < count; s++)
            {
                series.Slice(s * features, window * features).CopyTo(inputs.AsSpan(s * window * features, window * features));
                ReadOnlySpan<float> target = series.Slice((s + window + horizon - 1) * features, features);
                if (targetFeature < 0)
                {
                    target.CopyTo(targets.AsSpan(s * features, features));
                }
                else
                {
                    targets[s] = target[targetFeature];
                }
            }

            return Dataset.FromTargets(inputs, window * features, targets, targetCount);
        }
    }
}
