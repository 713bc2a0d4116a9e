using System;
using System.ComponentModel;
using System.Threading;

namespace Compiled
{
    /// <summary>
    /// The buffers a generated network shares with its workers: the parameters (PyTorch layout, the only source of
    /// truth) and a packed copy of the weights laid out for the forward kernels (each dense weight transposed to
    /// <c>[in, out]</c> with its rows padded), rebuilt lazily whenever the parameters may have changed. Not meant to be
    /// used directly.
    /// </summary>
    /// <remarks>
    /// Every access to a network's <c>Parameters</c> (and <see cref="MarkChanged"/>) bumps <see cref="Version"/>; a
    /// forward pass that finds the packed copy older than that repacks it first, under a lock, so inference on several
    /// threads stays safe.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class NetworkStorage
    {
        private int _version = 1;
        private int _packedVersion;

        /// <summary>Creates the storage.</summary>
        /// <param name="parameterLength">The length of the parameter array, padding included.</param>
        /// <param name="packedLength">The length of the packed array.</param>
        public NetworkStorage(int parameterLength, int packedLength)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(parameterLength);
            ArgumentOutOfRangeException.ThrowIfNegative(packedLength);
            Parameters = new float[parameterLength];
            Packed = new float[packedLength];
        }

        /// <summary>The parameters, in PyTorch <c>state_dict</c> order, followed by padding.</summary>
        public float[] Parameters { get; }

        /// <summary>The packed copy the forward kernels read.</summary>
        public float[] Packed { get; }

        /// <summary>The lock held while repacking.</summary>
        public object PackLock { get; } = new();

        /// <summary>Increases whenever the parameters may have changed.</summary>
        public int Version => Volatile.Read(ref _version);

        /// <summary>True when the packed copy may be older than the parameters.</summary>
        public bool IsStale => Volatile.Read(ref _packedVersion) != Volatile.Read(ref _version);

        /// <summary>Records that the parameters may have changed, so the next forward pass repacks.</summary>
        public void MarkChanged() => Interlocked.Increment(ref _version);

        /// <summary>Records that the packed copy now reflects the parameters as they were at <paramref name="version"/>.</summary>
        /// <param name="version">The <see cref="Version"/> read before packing started.</param>
        public void MarkPacked(int version) => Volatile.Write(ref _packedVersion, version);
    }
}
