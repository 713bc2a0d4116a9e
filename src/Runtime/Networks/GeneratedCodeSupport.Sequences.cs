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

        /// <summary>
        /// Checks the labels of a per-step classifier (sequence labelling): <paramref name="batchSize"/> × <paramref name="steps"/>
        /// of them, each real step's in <c>[0, classes)</c>; the labels of padding steps (beyond a sample's length) are not
        /// read, so they may hold anything (PyTorch's <c>ignore_index</c>, -100, for example).
        /// </summary>
        /// <param name="labels">The labels, sample after sample, step after step.</param>
        /// <param name="batchSize">The samples.</param>
        /// <param name="steps">The labels of one sample: its (padded) steps.</param>
        /// <param name="classes">The classes of one step.</param>
        /// <param name="lengths">The first sample's length, or a null reference (every sample full).</param>
        /// <param name="parameter">The parameter name for the exception.</param>
        /// <exception cref="ArgumentException">There are not <paramref name="batchSize"/> × <paramref name="steps"/> labels.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A real step's label is out of range (the message names the sample, the step and the value).</exception>
        public static void CheckStepLabels(ReadOnlySpan<int> labels, int batchSize, int steps, int classes, ref int lengths, string parameter)
        {
            if (labels.Length != (long)batchSize * steps)
            {
                throw new ArgumentException(
                    $"'{parameter}' has {labels.Length} labels, but {batchSize} sample(s) of {steps} steps need exactly {(long)batchSize * steps}: one label per step (sequence labelling), sample after sample.",
                    parameter);
            }

            for (int s = 0; s < batchSize; s++)
            {
                int real = Unsafe.IsNullRef(ref lengths) ? steps : Unsafe.Add(ref lengths, s);
                ReadOnlySpan<int> sample = labels.Slice(s * steps, real);
                for (int t = 0; t < sample.Length; t++)
                {
                    if ((uint)sample[t] >= (uint)classes)
                    {
                        throw new ArgumentOutOfRangeException(
                            parameter,
                            sample[t],
                            $"Label {sample[t]} of sample {s}, step {t} (0-based) is outside [0, {classes}): the network has {classes} classes per step.");
                    }
                }
            }
        }

        /// <summary>Throws the error for a single-label call of a per-step classifier, which takes one label per step.</summary>
        /// <param name="network">The network's type name.</param>
        /// <param name="steps">The labels one sample takes.</param>
        /// <returns>Never returns.</returns>
        /// <exception cref="NotSupportedException">Always.</exception>
        public static float ThrowSingleLabel(string network, int steps) =>
            throw new NotSupportedException($"{network} classifies each of its {steps} steps, so a sample takes {steps} labels, not one; call BackwardBatch with batchSize × {steps} labels (LabelsPerSample).");

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
