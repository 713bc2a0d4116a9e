using System;

namespace Compiled
{
    /// <summary>Conveniences over <see cref="INetwork"/>.</summary>
    public static class NetworkExtensions
    {
        /// <summary>
        /// Replaces every parameter with <paramref name="values"/> (in <see cref="INetwork.Parameters"/> order) in one
        /// edit, so the next forward pass computes with them.
        /// </summary>
        /// <param name="network">The network.</param>
        /// <param name="values">Exactly <see cref="INetwork.ParameterCount"/> floats.</param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length.</exception>
        public static void SetParameters(this INetwork network, ReadOnlySpan<float> values)
        {
            ArgumentNullException.ThrowIfNull(network);
            if (values.Length != network.ParameterCount)
            {
                throw new ArgumentException($"'{nameof(values)}' has {values.Length} elements, but the network has {network.ParameterCount} parameters.", nameof(values));
            }

            using ParameterEdit edit = network.EditParameters();
            values.CopyTo(edit.Values);
        }

        /// <summary>Replaces every non-trainable buffer value with <paramref name="values"/> in one edit.</summary>
        /// <param name="network">The network.</param>
        /// <param name="values">Exactly as many floats as <see cref="INetwork.Buffers"/>.</param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length.</exception>
        public static void SetBuffers(this INetwork network, ReadOnlySpan<float> values)
        {
            ArgumentNullException.ThrowIfNull(network);
            int length = network.Buffers.Length;
            if (values.Length != length)
            {
                throw new ArgumentException($"'{nameof(values)}' has {values.Length} elements, but the network has {length} buffer values.", nameof(values));
            }

            using ParameterEdit edit = network.EditBuffers();
            values.CopyTo(edit.Values);
        }
    }
}
