using System;
using Compiled.Optimizers;

namespace Compiled.Training
{
    /// <summary>
    /// Truncated backpropagation through time over long sequences: walks the windows of several parallel streams in order,
    /// carrying each stream's recurrent state from one window to the next and cutting the gradient at each window's start
    /// (PyTorch's loop with <c>h = h.detach()</c>), one optimizer step per window.
    /// </summary>
    /// <remarks>
    /// The network's input is one window, <c>[Input(window, features)]</c>; it needs a recurrent state it can carry
    /// (<see cref="INetwork.StateSize"/> &gt; 0, one direction, fixed length): <see cref="INetwork.BackwardWindow(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/>.
    /// </remarks>
    public static class TruncatedBackpropagation
    {
        /// <summary>
        /// One pass over <paramref name="streams"/> sequences of <paramref name="steps"/> steps, window after window: each
        /// window is a training step (<c>BackwardWindow</c>, then <paramref name="optimizer"/>'s step) from the states the
        /// previous window left. Returns the mean of the windows' losses.
        /// </summary>
        /// <param name="network">The network; its input is one window of <c>InputShape[0]</c> steps.</param>
        /// <param name="optimizer">The optimizer, stepped once per window.</param>
        /// <param name="sequences">The streams, <c>[streams, steps, features]</c> row-major (<c>features = InputShape[1]</c>).</param>
        /// <param name="targets">
        /// <c>[streams, windows, OutputSize]</c>: each window's target, which for a network returning every step is that
        /// window's steps' targets, so the layout is then <c>[streams, steps, outputs per step]</c>.
        /// </param>
        /// <param name="streams">The parallel sequences; must be positive.</param>
        /// <param name="steps">The steps of each sequence: a positive multiple of the window.</param>
        /// <param name="states">
        /// <c>streams * StateSize</c> floats: the states to start from (zeros: a new sequence), left holding the states after
        /// the last window, so a following call continues the sequences; or empty to start from zeros.
        /// </param>
        /// <returns>The mean loss of the windows.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="optimizer"/> is null.</exception>
        /// <exception cref="ArgumentException">A span has the wrong length, or <paramref name="steps"/> is not a multiple of the window.</exception>
        /// <exception cref="NotSupportedException">The network has no recurrent state it can carry.</exception>
        public static double TrainEpoch(INetwork network, Optimizer optimizer, ReadOnlySpan<float> sequences, ReadOnlySpan<float> targets, int streams, int steps, Span<float> states = default)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(optimizer);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streams);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
            if (network.StateSize <= 0 || network.InputShape.Count != 2)
            {
                throw new NotSupportedException($"{network.Architecture} has no recurrent state to carry between windows.");
            }

            int window = network.InputShape[0];
            int features = network.InputShape[1];
            if (steps % window != 0)
            {
                throw new ArgumentException($"The sequences have {steps} steps, not a multiple of the network's window of {window} steps.", nameof(steps));
            }

            int windows = steps / window;
            if (sequences.Length != (long)streams * steps * features)
            {
                throw new ArgumentException($"'sequences' has {sequences.Length} floats, but {streams} streams of {steps} steps of {features} features need {(long)streams * steps * features}.", nameof(sequences));
            }

            if (targets.Length != (long)streams * windows * network.OutputSize)
            {
                throw new ArgumentException($"'targets' has {targets.Length} floats, but {streams} streams of {windows} windows of {network.OutputSize} outputs need {(long)streams * windows * network.OutputSize}.", nameof(targets));
            }

            if (!states.IsEmpty && states.Length != (long)streams * network.StateSize)
            {
                throw new ArgumentException($"'states' has {states.Length} floats, but {streams} streams need {(long)streams * network.StateSize} (StateSize {network.StateSize} each), or none.", nameof(states));
            }

            Span<float> carried = states.IsEmpty ? new float[streams * network.StateSize] : states;
            var inputs = new float[streams * network.InputSize];
            var windowTargets = new float[streams * network.OutputSize];
            double total = 0;
            for (int w = 0; w < windows; w++)
            {
                for (int s = 0; s < streams; s++)
                {
                    sequences.Slice(((s * steps) + (w * window)) * features, network.InputSize).CopyTo(inputs.AsSpan(s * network.InputSize));
                    targets.Slice(((s * windows) + w) * network.OutputSize, network.OutputSize).CopyTo(windowTargets.AsSpan(s * network.OutputSize));
                }

                network.ZeroGradients();
                total += network.BackwardWindow(inputs, windowTargets, streams, carried);
                optimizer.Step(network);
            }

            return total / windows;
        }
    }
}
