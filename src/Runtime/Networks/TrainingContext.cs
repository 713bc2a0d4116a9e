using System;

namespace Compiled
{
    /// <summary>
    /// What stochastic layers (dropout and the like) draw their randomness from during training: a seed, the optimizer
    /// step, and the index of the first sample of the chunk being computed within its batch. Sample <c>s</c> of a call
    /// uses <c>(Seed, Step, FirstSample + s)</c>, so a run is reproducible and bit-identical whatever the number of
    /// threads the batch is split over.
    /// </summary>
    /// <param name="Seed">The run's seed (the trainer uses <c>TrainerOptions.Seed</c>).</param>
    /// <param name="Step">The optimizer step the gradients are for, from 0.</param>
    /// <param name="FirstSample">The index, within the batch, of the first sample of the call.</param>
    public readonly record struct TrainingContext(int Seed, long Step, int FirstSample)
    {
        /// <summary>The same context for a chunk starting <paramref name="offset"/> samples later in the batch.</summary>
        /// <param name="offset">The number of samples to skip; not negative.</param>
        /// <returns>The shifted context.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative.</exception>
        public TrainingContext Skip(int offset)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            return this with { FirstSample = checked(FirstSample + offset) };
        }
    }
}
