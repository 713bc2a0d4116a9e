using System;

namespace Compiled
{
    /// <summary>
    /// Channel-wise dropout, exactly <c>torch.nn.Dropout2d(p)</c>, for an input (C, H, W) (after a <c>[Conv2D]</c>): in training
    /// each whole channel of a sample is zeroed with probability <c>p</c> and the kept channels are scaled by
    /// <c>1 / (1 - p)</c>; at inference the identity, skipped by the generated forward passes (it costs nothing). Channel
    /// <c>c</c> of a sample is kept exactly when <c>[Dropout]</c>'s mask keeps element <c>c</c> (the same reproducible draw from
    /// the network's <c>TrainingContext</c>, bit-identical whatever the number of trainer threads).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Dropout2DAttribute : LayerAttribute
    {
        /// <summary>Declares a channel-wise dropout layer.</summary>
        /// <param name="p">The probability of zeroing each channel in training, in [0, 1] (PyTorch's <c>p</c>, default 0.5).</param>
        public Dropout2DAttribute(double p = 0.5)
        {
            P = p;
        }

        /// <summary>The probability of zeroing each channel in training.</summary>
        public double P { get; }
    }
}
