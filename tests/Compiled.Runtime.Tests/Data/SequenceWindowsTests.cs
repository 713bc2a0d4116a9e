using System;
using System.Linq;
using Compiled.Data;

namespace Compiled.Runtime.Tests.Data
{
    public class SequenceWindowsTests
    {
        /// <summary>Step t of the series is (10 t, 10 t + 1): every value says where it came from.</summary>
        private static readonly float[] s_series = Enumerable.Range(0, 8).SelectMany(t => new[] { 10f * t, (10f * t) + 1 }).ToArray();

        [Fact]
        public void WindowsSlideOneStepAndTargetTheNextStep()
        {
            Dataset data = SequenceWindows.Create(s_series, features: 2, window: 3);
            Assert.Equal(5, data.Count); // 8 steps: windows starting at 0..4, targets 3..7
            Assert.Equal(6, data.FeatureCount);
            Assert.Equal(2, data.TargetCount);
            Assert.Equal(new float[] { 20, 21, 30, 31, 40, 41 }, data.GetFeatures(2).ToArray());
            Assert.Equal(new float[] { 50, 51 }, data.Targets!.AsSpan(2 * 2, 2).ToArray());
        }

        [Fact]
        public void HorizonAndTargetFeatureChooseTheTarget()
        {
            Dataset data = SequenceWindows.Create(s_series, features: 2, window: 2, horizon: 3, targetFeature: 1);
            Assert.Equal(4, data.Count); // targets at steps 4..7
            Assert.Equal(1, data.TargetCount);
            Assert.Equal(new float[] { 41, 51, 61, 71 }, data.Targets);
            Assert.Equal(new float[] { 30, 31, 40, 41 }, data.GetFeatures(3).ToArray());
        }

        [Fact]
        public void BadArgumentsAreRefused()
        {
            Assert.Throws<ArgumentException>(() => SequenceWindows.Create(s_series.AsSpan(0, 5), 2, 2));
            Assert.Throws<ArgumentException>(() => SequenceWindows.Create(s_series, 2, 8));
            Assert.Throws<ArgumentOutOfRangeException>(() => SequenceWindows.Create(s_series, 2, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => SequenceWindows.Create(s_series, 2, 2, horizon: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => SequenceWindows.Create(s_series, 2, 2, targetFeature: 2));
        }
    }
}
