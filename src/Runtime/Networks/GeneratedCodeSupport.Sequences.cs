using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Compiled
{
    /// <summary>The checks and sums of sequence lengths that variable-length networks call.</summary>
    public static partial class GeneratedCodeSupport
    {
        /// <summary>
        /// Checks the lengths of a variable-length batch: one per sample, each in <c>[1, maxSteps]</c>.
        /// </summary>
        /// <param name="lengths">The lengths given.</param>
        /// <param name="batchSize">The samples of the batch.</param>
        /// <param name="maxSteps">The longest sequence the network takes.</param>
        /// <param name="parameter">The parameter name.</param>
        /// <exception cref="ArgumentException">There is not one length per sample.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A length is outside <c>[1, maxSteps]</c>; the message names the sample and the value.</exception>
        public static void CheckLengths(ReadOnlySpan<int> lengths, int batchSize, int maxSteps, string parameter)
        {
            if (lengths.Length != batchSize)
            {
                ThrowLength(parameter, batchSize, lengths.Length);
            }

            for (int s = 0; s < lengths.Length; s++)
            {
                if ((uint)(lengths[s] - 1) >= (uint)maxSteps)
                {
                    ThrowSequenceLength(parameter, s, lengths[s], maxSteps);
                }
            }
        }

        /// <summary>Checks the length of one sequence: in <c>[1, maxSteps]</c>.</summary>
        /// <param name="length">The length given.</param>
        /// <param name="maxSteps">The longest sequence the network takes.</param>
        /// <param name="parameter">The parameter name.</param>
        /// <exception cref="ArgumentOutOfRangeException">The length is outside <c>[1, maxSteps]</c>.</exception>
        public static void CheckLength(int length, int maxSteps, string parameter)
        {
            if ((uint)(length - 1) >= (uint)maxSteps)
            {
                throw new ArgumentOutOfRangeException(parameter, length, $"The sequence length {length} is outside [1, {maxSteps}]: the network's input holds at most {maxSteps} steps.");
            }
        }

        /// <summary>The real steps of <paramref name="count"/> sequences: the sum of their lengths, or <c>count * steps</c> for a null <paramref name="lengths"/>.</summary>
        /// <param name="lengths">The first length, or a null reference (every sequence full).</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The padded steps.</param>
        /// <returns>The sum.</returns>
        public static long RealSteps(ref int lengths, int count, int steps)
        {
            if (Unsafe.IsNullRef(ref lengths))
            {
                return (long)count * steps;
            }

            long sum = 0;
            for (int s = 0; s < count; s++)
            {
                sum += Unsafe.Add(ref lengths, s);
            }

            return sum;
        }

        /// <summary>
        /// <paramref name="offset"/> floats into a sample's carried state, or a null reference when there is none (the
        /// training passes then start from a zero state).
        /// </summary>
        /// <param name="state">The state, or a null reference.</param>
        /// <param name="offset">The offset.</param>
        /// <returns>The reference.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ref float StateAt(ref float state, int offset) =>
            ref Unsafe.IsNullRef(ref state) ? ref state : ref Unsafe.Add(ref state, offset);

        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowSequenceLength(string parameter, int sample, int length, int maxSteps) =>
            throw new ArgumentOutOfRangeException(parameter, length, $"Sample {sample} has the sequence length {length}, outside [1, {maxSteps}]: the network's input holds at most {maxSteps} steps.");
    }
}
