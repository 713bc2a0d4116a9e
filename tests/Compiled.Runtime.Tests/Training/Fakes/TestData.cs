using System;
using Compiled.Data;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    internal static class TestData
    {
        /// <summary>
        /// Three well-separated Gaussian-ish blobs in 2-D (centres (4, 0), (-2, 3.5), (-2, -3.5), spread ±1), made
        /// with a fixed LCG so the data is the same everywhere.
        /// </summary>
        public static Dataset Blobs(int count, int seed = 1)
        {
            float[] centres = { 4f, 0f, -2f, 3.5f, -2f, -3.5f };
            var features = new float[count * 2];
            var labels = new int[count];
            uint state = (uint)seed;
            for (int i = 0; i < count; i++)
            {
                int label = i % 3;
                labels[i] = label;
                features[2 * i] = centres[2 * label] + Noise(ref state);
                features[(2 * i) + 1] = centres[(2 * label) + 1] + Noise(ref state);
            }

            return Dataset.FromLabels(features, 2, labels);
        }

        /// <summary>
        /// Samples whose first feature is their index and whose feature <c>f</c> is <c>index * 10 + f</c> (for
        /// <see cref="RecordingNetwork"/>), labelled <c>index % classes</c>.
        /// </summary>
        public static Dataset Indexed(int count, int featureCount, int classes)
        {
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                labels[i] = i % classes;
            }

            return Dataset.FromLabels(IndexedFeatures(count, featureCount), featureCount, labels);
        }

        /// <summary>As <see cref="Indexed"/> with target vectors <c>[index, -index, index + 0.5, ...]</c>.</summary>
        public static Dataset IndexedTargets(int count, int featureCount, int targetCount)
        {
            var targets = new float[count * targetCount];
            for (int i = 0; i < count; i++)
            {
                for (int t = 0; t < targetCount; t++)
                {
                    targets[(i * targetCount) + t] = TargetValue(i, t);
                }
            }

            return Dataset.FromTargets(IndexedFeatures(count, featureCount), featureCount, targets, targetCount);
        }

        public static float TargetValue(int sample, int t) => t % 2 == 0 ? sample + (t * 0.25f) : -sample - t;

        private static float[] IndexedFeatures(int count, int featureCount)
        {
            var features = new float[count * featureCount];
            for (int i = 0; i < count; i++)
            {
                features[i * featureCount] = i;
                for (int f = 1; f < featureCount; f++)
                {
                    features[(i * featureCount) + f] = (i * 10) + f;
                }
            }

            return features;
        }

        private static float Noise(ref uint state)
        {
            state = (state * 1664525u) + 1013904223u;
            return ((state >> 8) / (float)(1 << 24) * 2f) - 1f;
        }
    }
}
