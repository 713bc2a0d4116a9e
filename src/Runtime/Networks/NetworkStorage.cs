using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// <para>
    /// Every access to a network's <c>Parameters</c> (and <see cref="MarkChanged"/>) bumps <see cref="Version"/>; a
    /// forward pass that finds the packed copy older than that repacks it first, under a spin lock, so inference on several
    /// threads stays safe.
    /// </para>
    /// <para>
    /// Buffers are allocated to start on a 64-byte boundary (a cache line, a 512-bit vector), best effort: the arrays
    /// are ordinary (pinned arrays measured slower here) and may move if the GC compacts them, which costs nothing but
    /// that alignment.
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class NetworkStorage
    {
        private readonly float[] _parameters;
        private readonly int _parametersOffset;
        private readonly float[] _packed;
        private readonly int _packedOffset;
        private readonly int _parameterLength;
        private int _version = 1;
        private int _packedVersion;
        private int _packing;

        /// <summary>Creates the storage.</summary>
        /// <param name="parameterLength">The length of the parameter buffer, padding included.</param>
        /// <param name="packedLength">The length of the packed buffer.</param>
        public NetworkStorage(int parameterLength, int packedLength)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(parameterLength);
            ArgumentOutOfRangeException.ThrowIfNegative(packedLength);
            _parameterLength = parameterLength;
            _parameters = AllocateAligned(parameterLength, out _parametersOffset);
            _packed = AllocateAligned(packedLength, out _packedOffset);
        }

        /// <summary>The first parameter (PyTorch <c>state_dict</c> order); <c>parameterLength</c> floats follow, padding included.</summary>
        public ref float ParameterStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_parameters), _parametersOffset);

        /// <summary>The first float of the packed copy the forward kernels read.</summary>
        public ref float PackedStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packed), _packedOffset);

        /// <summary>
        /// Takes the packing lock, spinning (never sleeping) while another thread packs: packing takes microseconds, and a
        /// sleeping waiter's wake-up would cost more than the wait.
        /// </summary>
        public void EnterPack()
        {
            var spinner = default(SpinWait);
            while (Interlocked.CompareExchange(ref _packing, 1, 0) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        /// <summary>Releases the packing lock.</summary>
        public void ExitPack() => Volatile.Write(ref _packing, 0);

        /// <summary>Increases whenever the parameters may have changed.</summary>
        public int Version => Volatile.Read(ref _version);

        /// <summary>True when the packed copy may be older than the parameters.</summary>
        public bool IsStale => Volatile.Read(ref _packedVersion) != Volatile.Read(ref _version);

        /// <summary>The first <paramref name="count"/> parameters as a span (without the padding).</summary>
        /// <param name="count">The number of parameters; at most the parameter length.</param>
        /// <returns>The span.</returns>
        public Span<float> ParameterSpan(int count) => new(_parameters, _parametersOffset, Math.Min(count, _parameterLength));

        /// <summary>Records that the parameters may have changed, so the next forward pass repacks.</summary>
        public void MarkChanged() => Interlocked.Increment(ref _version);

        /// <summary>Records that the packed copy now reflects the parameters as they were at <paramref name="version"/>.</summary>
        /// <param name="version">The <see cref="Version"/> read before packing started.</param>
        public void MarkPacked(int version) => Volatile.Write(ref _packedVersion, version);

        /// <summary>
        /// Allocates a float array with room to start <paramref name="length"/> floats on a 64-byte boundary;
        /// <paramref name="offset"/> is where they start (aligned at allocation time).
        /// </summary>
        /// <param name="length">The number of floats needed.</param>
        /// <param name="offset">Receives the index of the first aligned float.</param>
        /// <returns>The array, zeroed.</returns>
        public static float[] AllocateAligned(int length, out int offset)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            float[] array = new float[length + 16];
            nint address = AddressOf(array);
            offset = (int)(((64 - (address & 63)) & 63) / sizeof(float));
            return array;
        }

        private static unsafe nint AddressOf(float[] array) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
    }
}
