using System;
using Compiled.Data;

namespace Compiled.Runtime.Tests.Data
{
    public class NormalizationTests
    {
        [Fact]
        public void ScalesByAConstant()
        {
            Dataset data = Dataset.FromLabels(new[] { 0f, 16f, 255f, 8f }, 2, new[] { 0, 1 });
            Normalization.Scale(data, 1f / 16);
            Assert.Equal(new[] { 0f, 1f, 255f / 16, 0.5f }, data.Features);
            Assert.Throws<ArgumentOutOfRangeException>(() => Normalization.Scale(data, float.NaN));
        }

        [Fact]
        public void StandardisesWithTrainingStatistics()
        {
            Dataset train = Dataset.FromLabels(new[] { 1f, 10f, 3f, 10f, 5f, 10f }, 2, new[] { 0, 1, 0 });
            StandardScaler scaler = StandardScaler.Fit(train);
            Assert.Equal(new[] { 3f, 10f }, scaler.Means);
            float deviation = (float)Math.Sqrt(8.0 / 3);
            Assert.Equal(deviation, scaler.StandardDeviations[0], 6);
            Assert.Equal(1f, scaler.StandardDeviations[1]); // constant feature: only centred

            Dataset test = Dataset.FromLabels(new[] { 7f, 11f }, 2, new[] { 1 });
            scaler.Transform(test);
            Assert.Equal(4f / deviation, test.Features[0], 5);
            Assert.Equal(1f, test.Features[1], 6);

            scaler.Transform(train);
            Assert.Equal(new[] { -2f / deviation, 0f, 0f, 0f, 2f / deviation, 0f }, train.Features, new Tolerance(1e-6f));

            float[] sample = { 3f, 12f };
            scaler.Transform(sample);
            Assert.Equal(new[] { 0f, 2f }, sample);
            Assert.Throws<ArgumentException>(() => scaler.Transform(Dataset.FromLabels(new float[3], 3, new[] { 0 })));
            Assert.Throws<ArgumentException>(() => scaler.Transform(new float[3]));
        }

        [Fact]
        public void StandardisedTrainingSetHasZeroMeanAndUnitDeviation()
        {
            var random = new Random(3);
            float[] features = new float[500 * 4];
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = (float)((random.NextDouble() * (i % 4 + 1) * 10) + (i % 4 * 100));
            }

            StandardScaler scaler = StandardScaler.Fit(features, 4);
            scaler.Transform(features);
            for (int j = 0; j < 4; j++)
            {
                double mean = 0, square = 0;
                for (int i = j; i < features.Length; i += 4)
                {
                    mean += features[i];
                    square += features[i] * features[i];
                }

                Assert.Equal(0, mean / 500, 4);
                Assert.Equal(1, square / 500, 4);
            }
        }

        [Fact]
        public void MinMaxMapsTheTrainingRange()
        {
            Dataset train = Dataset.FromLabels(new[] { 0f, -1f, 3f, 10f, 1f, 3f, 5f, 0f, 3f }, 3, new[] { 0, 1, 2 });
            MinMaxScaler scaler = MinMaxScaler.Fit(train);
            Assert.Equal(new[] { 0f, -1f, 3f }, scaler.Minimums);
            Assert.Equal(new[] { 10f, 1f, 3f }, scaler.Maximums);
            scaler.Transform(train);
            Assert.Equal(new[] { 0f, 0f, 0f, 1f, 1f, 0f, 0.5f, 0.5f, 0f }, train.Features);

            float[] test = { 20f, 0f, 7f };
            scaler.Transform(test);
            Assert.Equal(new[] { 2f, 0.5f, 0f }, test);

            MinMaxScaler symmetric = MinMaxScaler.Fit(new[] { 2f, 4f, 6f }, 1, -1f, 1f);
            float[] values = { 2f, 4f, 6f };
            symmetric.Transform(values);
            Assert.Equal(new[] { -1f, 0f, 1f }, values);
            Assert.Throws<ArgumentException>(() => MinMaxScaler.Fit(new[] { 1f }, 1, 1f, 1f));
            Assert.Throws<ArgumentException>(() => MinMaxScaler.Fit(new[] { float.NaN }, 1));
        }

        private sealed class Tolerance : System.Collections.Generic.IEqualityComparer<float>
        {
            private readonly float _tolerance;

            public Tolerance(float tolerance) => _tolerance = tolerance;

            public bool Equals(float x, float y) => Math.Abs(x - y) <= _tolerance;

            public int GetHashCode(float obj) => 0;
        }
    }
}
