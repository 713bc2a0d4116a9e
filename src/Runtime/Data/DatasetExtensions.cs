using System;
using System.Collections.Generic;

namespace Compiled.Data
{
    /// <summary>Splitting, shuffling and sub-setting <see cref="Dataset"/>s, reproducibly from a seed.</summary>
    /// <remarks>
    /// The random numbers come from SplitMix64, implemented here, so a seed gives the same result on every runtime
    /// version and platform. Every method copies the samples it keeps into new arrays; the source is not changed.
    /// </remarks>
    public static class DatasetExtensions
    {
        /// <summary>
        /// Splits the samples at random into a training set and a validation set holding
        /// <c>round(Count × validationFraction)</c> samples. Each part keeps the samples in their original order.
        /// </summary>
        /// <param name="data">The data set.</param>
        /// <param name="validationFraction">The share of samples for validation, strictly between 0 and 1.</param>
        /// <param name="seed">The seed: the same seed always gives the same split.</param>
        /// <returns>The two disjoint parts, which together hold every sample once.</returns>
        /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1.</exception>
        /// <exception cref="ArgumentException">One part would be empty.</exception>
        public static (Dataset Train, Dataset Validation) Split(this Dataset data, double validationFraction, int seed)
        {
            ArgumentNullException.ThrowIfNull(data);
            CheckFraction(validationFraction);
            int validationCount = (int)Math.Round(data.Count * validationFraction, MidpointRounding.AwayFromZero);
            CheckCounts(data.Count, validationCount);
            int[] order = Permutation(data.Count, new SplitMix64(seed));
            var validation = new bool[data.Count];
            for (int i = 0; i < validationCount; i++)
            {
                validation[order[i]] = true;
            }

            return Partition(data, validation);
        }

        /// <summary>
        /// Splits a labelled data set at random so that each class contributes <c>round(classCount × validationFraction)</c>
        /// samples to validation: both parts keep the class proportions. Each part keeps the original order.
        /// </summary>
        /// <param name="data">A data set with labels.</param>
        /// <param name="validationFraction">The share of each class for validation, strictly between 0 and 1.</param>
        /// <param name="seed">The seed: the same seed always gives the same split.</param>
        /// <returns>The two disjoint parts, which together hold every sample once.</returns>
        /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1.</exception>
        /// <exception cref="ArgumentException">The data set has no labels, or one part would be empty.</exception>
        public static (Dataset Train, Dataset Validation) StratifiedSplit(this Dataset data, double validationFraction, int seed)
        {
            ArgumentNullException.ThrowIfNull(data);
            CheckFraction(validationFraction);
            int[] labels = data.Labels ?? throw new ArgumentException("A stratified split needs a data set with labels.", nameof(data));
            if (data.LabelsPerSample != 1)
            {
                throw new ArgumentException($"A stratified split needs one label per sample, but this data set has {data.LabelsPerSample} (one per step); use Split.", nameof(data));
            }

            var classes = new SortedDictionary<int, List<int>>();
            for (int i = 0; i < labels.Length; i++)
            {
                if (!classes.TryGetValue(labels[i], out List<int>? members))
                {
                    classes[labels[i]] = members = new List<int>();
                }

                members.Add(i);
            }

            var random = new SplitMix64(seed);
            var validation = new bool[data.Count];
            int validationCount = 0;
            foreach (List<int> members in classes.Values)
            {
                int take = (int)Math.Round(members.Count * validationFraction, MidpointRounding.AwayFromZero);
                int[] order = Permutation(members.Count, random);
                for (int i = 0; i < take; i++)
                {
                    validation[members[order[i]]] = true;
                }

                validationCount += take;
            }

            CheckCounts(data.Count, validationCount);
            return Partition(data, validation);
        }

        /// <summary>Returns the samples in a random order.</summary>
        /// <param name="data">The data set.</param>
        /// <param name="seed">The seed: the same seed always gives the same order.</param>
        /// <returns>A new data set with every sample once.</returns>
        public static Dataset Shuffle(this Dataset data, int seed)
        {
            ArgumentNullException.ThrowIfNull(data);
            return data.Subset(Permutation(data.Count, new SplitMix64(seed)));
        }

        /// <summary>Returns the first <paramref name="count"/> samples.</summary>
        /// <param name="data">The data set.</param>
        /// <param name="count">How many samples, in <c>[1, Count]</c>.</param>
        /// <returns>A new data set.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
        public static Dataset Take(this Dataset data, int count)
        {
            ArgumentNullException.ThrowIfNull(data);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, data.Count);
            var indices = new int[count];
            for (int i = 0; i < count; i++)
            {
                indices[i] = i;
            }

            return data.Subset(indices);
        }

        /// <summary>Returns the given samples, in the given order (an index may repeat).</summary>
        /// <param name="data">The data set.</param>
        /// <param name="indices">At least one sample index in <c>[0, Count)</c>.</param>
        /// <returns>A new data set.</returns>
        /// <exception cref="ArgumentException"><paramref name="indices"/> is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An index is out of range.</exception>
        public static Dataset Subset(this Dataset data, ReadOnlySpan<int> indices)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (indices.IsEmpty)
            {
                throw new ArgumentException("A subset needs at least one sample.", nameof(indices));
            }

            int features = data.FeatureCount;
            var newFeatures = new float[indices.Length * features];
            int perSample = data.LabelsPerSample; // a sample's labels stay together (one per step for sequence labelling)
            int[]? labels = data.Labels is null ? null : new int[indices.Length * perSample];
            float[]? targets = data.Targets is null ? null : new float[indices.Length * data.TargetCount];
            for (int i = 0; i < indices.Length; i++)
            {
                int index = indices[i];
                if ((uint)index >= (uint)data.Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(indices), index, $"Sample index {index} is outside [0, {data.Count}).");
                }

                data.Features.AsSpan(index * features, features).CopyTo(newFeatures.AsSpan(i * features));
                if (labels is not null)
                {
                    data.Labels.AsSpan(index * perSample, perSample).CopyTo(labels.AsSpan(i * perSample));
                }

                if (targets is not null)
                {
                    data.Targets.AsSpan(index * data.TargetCount, data.TargetCount).CopyTo(targets.AsSpan(i * data.TargetCount));
                }
            }

            Dataset subset = labels is not null
                ? perSample == 1 ? Dataset.FromLabels(newFeatures, features, labels) : Dataset.FromSequenceLabels(newFeatures, features, labels, perSample)
                : Dataset.FromTargets(newFeatures, features, targets!, data.TargetCount);
            if (data.Lengths is int[] lengths)
            {
                var newLengths = new int[indices.Length];
                for (int i = 0; i < indices.Length; i++)
                {
                    newLengths[i] = lengths[indices[i]];
                }

                subset = subset.WithLengths(newLengths);
            }

            return subset;
        }

        private static (Dataset Train, Dataset Validation) Partition(Dataset data, bool[] validation)
        {
            var train = new List<int>(data.Count);
            var held = new List<int>();
            for (int i = 0; i < validation.Length; i++)
            {
                (validation[i] ? held : train).Add(i);
            }

            return (data.Subset(train.ToArray()), data.Subset(held.ToArray()));
        }

        private static int[] Permutation(int count, SplitMix64 random)
        {
            var order = new int[count];
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            for (int i = count - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            return order;
        }

        private static void CheckFraction(double fraction)
        {
            if (!(fraction > 0 && fraction < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be strictly between 0 and 1.");
            }
        }

        private static void CheckCounts(int count, int validationCount)
        {
            if (validationCount <= 0 || validationCount >= count)
            {
                throw new ArgumentException($"Splitting {count} samples this way puts {validationCount} in validation and {count - validationCount} in training; both parts need at least one sample.");
            }
        }

        /// <summary>SplitMix64 (Steele, Lea and Flood 2014): tiny, fast and identical everywhere.</summary>
        private sealed class SplitMix64
        {
            private ulong _state;

            public SplitMix64(int seed) => _state = unchecked((ulong)(long)seed);

            public ulong Next()
            {
                ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
                z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
                z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
                return z ^ (z >> 31);
            }

            /// <summary>A uniform integer in [0, bound) (Lemire's multiply-shift; the bias is below 2^-32).</summary>
            public int NextInt(int bound) => (int)Math.BigMul(Next(), (ulong)bound, out _);
        }
    }
}
