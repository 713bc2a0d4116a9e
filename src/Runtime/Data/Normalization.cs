using System;
using System.Collections.Generic;

namespace Compiled.Data
{
    /// <summary>Scales features by a constant, in place.</summary>
    public static class Normalization
    {
        /// <summary>Multiplies every feature of <paramref name="data"/> by <paramref name="factor"/>, in place (for example 1/255 for pixels or 1/16 for the digits data set).</summary>
        /// <param name="data">The data set whose <see cref="Dataset.Features"/> are changed.</param>
        /// <param name="factor">The factor; must be finite.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not finite.</exception>
        public static void Scale(Dataset data, float factor)
        {
            ArgumentNullException.ThrowIfNull(data);
            Scale(data.Features, factor);
        }

        /// <summary>Multiplies every value by <paramref name="factor"/>, in place.</summary>
        /// <param name="values">The values.</param>
        /// <param name="factor">The factor; must be finite.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is not finite.</exception>
        public static void Scale(Span<float> values, float factor)
        {
            if (!float.IsFinite(factor))
            {
                throw new ArgumentOutOfRangeException(nameof(factor), factor, "The scale factor must be finite.");
            }

            for (int i = 0; i < values.Length; i++)
            {
                values[i] *= factor;
            }
        }

        internal static void CheckSamples(int length, int featureCount, string parameter)
        {
            if (length % featureCount != 0)
            {
                throw new ArgumentException($"{length} values are not a whole number of samples of {featureCount} features.", parameter);
            }
        }

        internal static void CheckFeatureCount(Dataset data, int featureCount)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (data.FeatureCount != featureCount)
            {
                throw new ArgumentException($"The data set has {data.FeatureCount} features but the scaler was fitted on {featureCount}.", nameof(data));
            }
        }
    }

    /// <summary>
    /// Per-feature standardisation: subtracts each feature's mean and divides by its standard deviation, both computed
    /// on a training set (<see cref="Fit(Dataset)"/>) and then applied to any set (<see cref="Transform(Dataset)"/>),
    /// like scikit-learn's <c>StandardScaler</c>.
    /// </summary>
    /// <remarks>
    /// The standard deviation is the population one (divided by n). A constant feature (standard deviation 0) is only
    /// centred: its deviation is taken as 1.
    /// </remarks>
    public sealed class StandardScaler
    {
        private readonly float[] _means;
        private readonly float[] _deviations;

        private StandardScaler(float[] means, float[] deviations)
        {
            _means = means;
            _deviations = deviations;
        }

        /// <summary>The number of features per sample.</summary>
        public int FeatureCount => _means.Length;

        /// <summary>The mean of each feature over the training set.</summary>
        public IReadOnlyList<float> Means => _means;

        /// <summary>The divisor of each feature: its population standard deviation, or 1 for a constant feature.</summary>
        public IReadOnlyList<float> StandardDeviations => _deviations;

        /// <summary>Computes each feature's mean and standard deviation over a training set.</summary>
        /// <param name="training">The training set.</param>
        /// <returns>The fitted scaler.</returns>
        public static StandardScaler Fit(Dataset training)
        {
            ArgumentNullException.ThrowIfNull(training);
            return Fit(training.Features, training.FeatureCount);
        }

        /// <summary>Computes each feature's mean and standard deviation over samples stored one after another.</summary>
        /// <param name="features">At least one sample of <paramref name="featureCount"/> floats, sample after sample.</param>
        /// <param name="featureCount">The number of features per sample; must be positive.</param>
        /// <returns>The fitted scaler.</returns>
        /// <exception cref="ArgumentException">There is no sample, or not a whole number of them.</exception>
        public static StandardScaler Fit(ReadOnlySpan<float> features, int featureCount)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
            Normalization.CheckSamples(features.Length, featureCount, nameof(features));
            int count = features.Length / featureCount;
            if (count == 0)
            {
                throw new ArgumentException("Fitting needs at least one sample.", nameof(features));
            }

            var sums = new double[featureCount];
            for (int i = 0; i < features.Length; i++)
            {
                sums[i % featureCount] += features[i];
            }

            var means = new float[featureCount];
            var meansExact = new double[featureCount];
            for (int j = 0; j < featureCount; j++)
            {
                meansExact[j] = sums[j] / count;
                means[j] = (float)meansExact[j];
                sums[j] = 0;
            }

            for (int i = 0; i < features.Length; i++)
            {
                double d = features[i] - meansExact[i % featureCount];
                sums[i % featureCount] += d * d;
            }

            var deviations = new float[featureCount];
            for (int j = 0; j < featureCount; j++)
            {
                float deviation = (float)Math.Sqrt(sums[j] / count);
                deviations[j] = deviation > 0 && float.IsFinite(deviation) ? deviation : 1f;
            }

            return new StandardScaler(means, deviations);
        }

        /// <summary>Standardises every sample of <paramref name="data"/> in place.</summary>
        /// <param name="data">A data set with <see cref="FeatureCount"/> features.</param>
        /// <exception cref="ArgumentException">The feature counts differ.</exception>
        public void Transform(Dataset data)
        {
            Normalization.CheckFeatureCount(data, FeatureCount);
            Transform(data.Features);
        }

        /// <summary>Standardises samples stored one after another, in place (for example one input before inference).</summary>
        /// <param name="features">A whole number of samples of <see cref="FeatureCount"/> floats.</param>
        /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>.</exception>
        public void Transform(Span<float> features)
        {
            Normalization.CheckSamples(features.Length, FeatureCount, nameof(features));
            for (int i = 0; i < features.Length; i++)
            {
                int j = i % FeatureCount;
                features[i] = (features[i] - _means[j]) / _deviations[j];
            }
        }
    }

    /// <summary>
    /// Per-feature min-max scaling: maps each feature's range on a training set to <c>[low, high]</c> (by default
    /// <c>[0, 1]</c>), then applies the same mapping to any set, like scikit-learn's <c>MinMaxScaler</c>. Values outside the
    /// training range map outside <c>[low, high]</c>; a constant feature maps to <c>low</c>.
    /// </summary>
    public sealed class MinMaxScaler
    {
        private readonly float[] _minimums;
        private readonly float[] _maximums;
        private readonly float[] _scales;

        private MinMaxScaler(float[] minimums, float[] maximums, float low, float high)
        {
            _minimums = minimums;
            _maximums = maximums;
            Low = low;
            High = high;
            _scales = new float[minimums.Length];
            for (int j = 0; j < minimums.Length; j++)
            {
                double range = (double)maximums[j] - minimums[j];
                _scales[j] = range > 0 ? (float)((high - low) / range) : 0f;
            }
        }

        /// <summary>The number of features per sample.</summary>
        public int FeatureCount => _minimums.Length;

        /// <summary>The smallest value of each feature over the training set.</summary>
        public IReadOnlyList<float> Minimums => _minimums;

        /// <summary>The largest value of each feature over the training set.</summary>
        public IReadOnlyList<float> Maximums => _maximums;

        /// <summary>The value each feature's training minimum maps to.</summary>
        public float Low { get; }

        /// <summary>The value each feature's training maximum maps to.</summary>
        public float High { get; }

        /// <summary>Computes each feature's range over a training set.</summary>
        /// <param name="training">The training set.</param>
        /// <param name="low">Where minimums map to; 0 by default.</param>
        /// <param name="high">Where maximums map to; 1 by default; must be greater than <paramref name="low"/>.</param>
        /// <returns>The fitted scaler.</returns>
        public static MinMaxScaler Fit(Dataset training, float low = 0f, float high = 1f)
        {
            ArgumentNullException.ThrowIfNull(training);
            return Fit(training.Features, training.FeatureCount, low, high);
        }

        /// <summary>Computes each feature's range over samples stored one after another.</summary>
        /// <param name="features">At least one sample of <paramref name="featureCount"/> floats.</param>
        /// <param name="featureCount">The number of features per sample; must be positive.</param>
        /// <param name="low">Where minimums map to.</param>
        /// <param name="high">Where maximums map to; must be greater than <paramref name="low"/>.</param>
        /// <returns>The fitted scaler.</returns>
        /// <exception cref="ArgumentException">There is no sample, not a whole number of them, a value is NaN, or the target range is empty.</exception>
        public static MinMaxScaler Fit(ReadOnlySpan<float> features, int featureCount, float low = 0f, float high = 1f)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
            if (!float.IsFinite(low) || !float.IsFinite(high) || !(high > low))
            {
                throw new ArgumentException($"The target range [{low}, {high}] must be finite with low < high.", nameof(high));
            }

            Normalization.CheckSamples(features.Length, featureCount, nameof(features));
            if (features.Length == 0)
            {
                throw new ArgumentException("Fitting needs at least one sample.", nameof(features));
            }

            var minimums = new float[featureCount];
            var maximums = new float[featureCount];
            minimums.AsSpan().Fill(float.PositiveInfinity);
            maximums.AsSpan().Fill(float.NegativeInfinity);
            for (int i = 0; i < features.Length; i++)
            {
                float value = features[i];
                if (float.IsNaN(value))
                {
                    throw new ArgumentException($"Sample {i / featureCount} has NaN for feature {i % featureCount}.", nameof(features));
                }

                int j = i % featureCount;
                minimums[j] = Math.Min(minimums[j], value);
                maximums[j] = Math.Max(maximums[j], value);
            }

            return new MinMaxScaler(minimums, maximums, low, high);
        }

        /// <summary>Scales every sample of <paramref name="data"/> in place.</summary>
        /// <param name="data">A data set with <see cref="FeatureCount"/> features.</param>
        /// <exception cref="ArgumentException">The feature counts differ.</exception>
        public void Transform(Dataset data)
        {
            Normalization.CheckFeatureCount(data, FeatureCount);
            Transform(data.Features);
        }

        /// <summary>Scales samples stored one after another, in place.</summary>
        /// <param name="features">A whole number of samples of <see cref="FeatureCount"/> floats.</param>
        /// <exception cref="ArgumentException">The length is not a multiple of <see cref="FeatureCount"/>.</exception>
        public void Transform(Span<float> features)
        {
            Normalization.CheckSamples(features.Length, FeatureCount, nameof(features));
            for (int i = 0; i < features.Length; i++)
            {
                int j = i % FeatureCount;
                features[i] = Low + ((features[i] - _minimums[j]) * _scales[j]);
            }
        }
    }
}
