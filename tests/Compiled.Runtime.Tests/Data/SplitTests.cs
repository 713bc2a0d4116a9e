using System;
using System.Linq;
using Compiled.Data;

namespace Compiled.Runtime.Tests.Data
{
    public class SplitTests
    {
        /// <summary>Sample i has features (i, -i) and label i % classes, so each sample can be traced.</summary>
        private static Dataset Numbered(int count, int classes = 3) =>
            Dataset.FromLabels(Enumerable.Range(0, count).SelectMany(i => new[] { (float)i, -i }).ToArray(), 2, Enumerable.Range(0, count).Select(i => i % classes).ToArray());

        private static int[] Ids(Dataset data) => Enumerable.Range(0, data.Count).Select(i => (int)data.GetFeatures(i)[0]).ToArray();

        private static void AssertConsistent(Dataset data, int classes = 3)
        {
            for (int i = 0; i < data.Count; i++)
            {
                ReadOnlySpan<float> features = data.GetFeatures(i);
                Assert.Equal(-features[0], features[1]);
                Assert.Equal((int)features[0] % classes, data.Labels![i]);
            }
        }

        [Fact]
        public void SplitIsDeterministicDisjointAndComplete()
        {
            Dataset data = Numbered(100);
            (Dataset train, Dataset validation) = data.Split(0.2, seed: 7);
            Assert.Equal(80, train.Count);
            Assert.Equal(20, validation.Count);
            int[] trainIds = Ids(train), validationIds = Ids(validation);
            Assert.Empty(trainIds.Intersect(validationIds));
            Assert.Equal(Enumerable.Range(0, 100), trainIds.Concat(validationIds).OrderBy(i => i));
            Assert.Equal(trainIds.OrderBy(i => i), trainIds);
            AssertConsistent(train);
            AssertConsistent(validation);

            (Dataset again, Dataset againValidation) = data.Split(0.2, seed: 7);
            Assert.Equal(train.Features, again.Features);
            Assert.Equal(validation.Labels, againValidation.Labels);
            Assert.NotEqual(validationIds, Ids(data.Split(0.2, seed: 8).Validation));
            Assert.NotEqual(validationIds, Enumerable.Range(80, 20));
        }

        [Fact]
        public void SplitMatchesAnIndependentSplitMix64FisherYates()
        {
            // Computed in Python: SplitMix64 from the seed, j = (next * (i + 1)) >> 64, Fisher-Yates from the end.
            Assert.Equal(new[] { 3, 6, 8 }, Ids(Numbered(10).Split(0.3, seed: 42).Validation));
            Assert.Equal(new[] { 5, 1, 4, 3, 2, 0 }, Ids(Numbered(6).Shuffle(seed: -5)));
        }

        [Fact]
        public void StratifiedSplitKeepsClassProportions()
        {
            int[] labels = Enumerable.Repeat(0, 60).Concat(Enumerable.Repeat(1, 30)).Concat(Enumerable.Repeat(2, 10)).ToArray();
            Dataset data = Dataset.FromLabels(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), 1, labels);
            (Dataset train, Dataset validation) = data.StratifiedSplit(0.2, seed: 1);
            Assert.Equal(new[] { 12, 6, 2 }, Enumerable.Range(0, 3).Select(c => validation.Labels!.Count(l => l == c)));
            Assert.Equal(new[] { 48, 24, 8 }, Enumerable.Range(0, 3).Select(c => train.Labels!.Count(l => l == c)));
            Assert.Empty(train.Features.Intersect(validation.Features));
            Assert.Equal(100, train.Features.Union(validation.Features).Count());
            Assert.Equal(validation.Features, data.StratifiedSplit(0.2, seed: 1).Validation.Features);
            for (int i = 0; i < validation.Count; i++)
            {
                Assert.Equal(labels[(int)validation.Features[i]], validation.Labels![i]);
            }
        }

        [Fact]
        public void ShuffleTakeAndSubset()
        {
            Dataset data = Numbered(50);
            Dataset shuffled = data.Shuffle(seed: 3);
            Assert.Equal(Enumerable.Range(0, 50), Ids(shuffled).OrderBy(i => i));
            Assert.NotEqual(Enumerable.Range(0, 50), Ids(shuffled));
            Assert.Equal(Ids(shuffled), Ids(data.Shuffle(seed: 3)));
            AssertConsistent(shuffled);

            Assert.Equal(new[] { 0, 1, 2 }, Ids(data.Take(3)));
            Assert.Equal(new[] { 4, 4, 1 }, Ids(data.Subset(new[] { 4, 4, 1 })));
            Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset(new[] { 50 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => data.Take(51));
            Assert.Throws<ArgumentException>(() => data.Subset(ReadOnlySpan<int>.Empty));
        }

        [Fact]
        public void SplitsTargetsToo()
        {
            Dataset data = Dataset.FromTargets(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 1, Enumerable.Range(0, 20).Select(i => (float)(i / 2) * 10).ToArray(), 2);
            (Dataset train, Dataset validation) = data.Split(0.5, seed: 2);
            Assert.Equal(5, validation.Count);
            for (int i = 0; i < validation.Count; i++)
            {
                Assert.Equal(validation.Features[i] * 10, validation.Targets![2 * i]);
                Assert.Equal(validation.Features[i] * 10, validation.Targets![(2 * i) + 1]);
            }

            Assert.Throws<ArgumentException>(() => data.StratifiedSplit(0.5, 1));
            Assert.Equal(5, train.Count);
        }

        [Fact]
        public void RejectsBadFractions()
        {
            Dataset data = Numbered(10);
            foreach (double fraction in new[] { 0, 1, -0.1, 1.5, double.NaN })
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(fraction, 1));
            }

            Assert.Throws<ArgumentException>(() => data.Split(0.01, 1));
            Assert.Throws<ArgumentException>(() => data.Split(0.99, 1));
        }
    }
}
