using System;

namespace Compiled.Training
{
    /// <summary>
    /// Chooses, epoch by epoch, whether split training (<see cref="SplitTraining"/>) or this thread alone trains the
    /// rest of the epoch: the epoch's first <see cref="ProbeBatches"/> batches run split, the next as many on one thread,
    /// and the mode whose median batch time (the first batch of each run left out: wake-up and repacking) is shorter runs
    /// the rest. Both modes give the same bits (split training is bit for bit one thread's), so the choice changes only
    /// the time: on a machine whose second core is busy, slowed by its host, or a slower kind of core, two threads can
    /// take longer than one, and then the trainer uses one.
    /// </summary>
    internal sealed class SplitChoice
    {
        /// <summary>The batches each mode runs at the start of an epoch before the choice.</summary>
        internal const int ProbeBatches = 6;

        private readonly long[] _split = new long[ProbeBatches - 1];
        private readonly long[] _single = new long[ProbeBatches - 1];
        private bool _useSplit = true;

        /// <summary>True when the choice of the current epoch (or, before it is made, the probe) runs batch <paramref name="batch"/> split.</summary>
        /// <param name="batch">The batch's index in its epoch.</param>
        /// <returns>Whether to run it split.</returns>
        public bool UseSplit(int batch) => batch < ProbeBatches || (batch >= 2 * ProbeBatches && _useSplit);

        /// <summary>Records how long batch <paramref name="batch"/> of the epoch took; the last probe batch makes the choice.</summary>
        /// <param name="batch">The batch's index in its epoch.</param>
        /// <param name="ticks">Its time, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
        public void Record(int batch, long ticks)
        {
            if (batch == 0)
            {
                _useSplit = true;
            }

            if (batch >= 1 && batch < ProbeBatches)
            {
                _split[batch - 1] = ticks;
            }
            else if (batch > ProbeBatches && batch < 2 * ProbeBatches)
            {
                _single[batch - ProbeBatches - 1] = ticks;
                if (batch == (2 * ProbeBatches) - 1)
                {
                    _useSplit = Median(_split) <= Median(_single);
                }
            }
        }

        /// <summary>The median, sorting the array in place (it is refilled every epoch).</summary>
        private static long Median(long[] values)
        {
            Array.Sort(values);
            return values[values.Length / 2];
        }
    }
}
