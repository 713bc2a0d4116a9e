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
    /// Parameters are written only inside an edit (<see cref="Edit"/>, disposed at the end): its start and its end each
    /// bump <see cref="Version"/>, so a packed copy built while an edit was open is stale once the edit ends, whichever
    /// thread packed it. A forward pass that finds the packed copy older than <see cref="Version"/> repacks it first,
    /// under a spin lock, so inference on several threads stays safe. Reading the parameters never forces a repack.
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
        private readonly float[] _buffers;
        private readonly int _bufferLength;
        private readonly float[] _panels;
        private readonly int _panelsOffset;
        private long _version = 1;
        private long _packedVersion;
        private long _panelledVersion = -1;
        private int _packing;

        /// <summary>Creates the storage.</summary>
        /// <param name="parameterLength">The length of the parameter buffer, padding included.</param>
        /// <param name="packedLength">The length of the packed buffer.</param>
        /// <param name="bufferLength">The number of non-trainable buffer floats (running statistics and the like).</param>
        public NetworkStorage(int parameterLength, int packedLength, int bufferLength = 0)
            : this(parameterLength, packedLength, bufferLength, 0)
        {
        }

        /// <summary>Creates the storage with a panelled copy for the one-sample forward pass.</summary>
        /// <param name="parameterLength">The length of the parameter buffer, padding included.</param>
        /// <param name="packedLength">The length of the packed buffer.</param>
        /// <param name="bufferLength">The number of non-trainable buffer floats (running statistics and the like).</param>
        /// <param name="panelLength">The length of the panelled copy (<see cref="PanelStart"/>); 0 for none.</param>
        public NetworkStorage(int parameterLength, int packedLength, int bufferLength, int panelLength)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(parameterLength);
            ArgumentOutOfRangeException.ThrowIfNegative(packedLength);
            ArgumentOutOfRangeException.ThrowIfNegative(bufferLength);
            ArgumentOutOfRangeException.ThrowIfNegative(panelLength);
            _parameterLength = parameterLength;
            _bufferLength = bufferLength;
            _parameters = AllocateAligned(parameterLength, out _parametersOffset);
            _packed = AllocateAligned(packedLength, out _packedOffset);
            _buffers = bufferLength == 0 ? Array.Empty<float>() : new float[bufferLength];
            _panels = panelLength == 0 ? Array.Empty<float>() : AllocateAligned(panelLength, out _panelsOffset);
        }

        /// <summary>
        /// The first parameter (PyTorch <c>state_dict</c> order); <c>parameterLength</c> floats follow, padding included.
        /// Read-only: parameters are written through <see cref="Edit"/>, which versions every derived copy.
        /// </summary>
        public ref readonly float ParameterStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_parameters), _parametersOffset);

        /// <summary>The first float of the packed copy the forward kernels read.</summary>
        public ref float PackedStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packed), _packedOffset);

        /// <summary>
        /// The first float of the panelled copy: the large layers' packed weights again, cut into column panels the
        /// one-sample kernel streams one after another (<see cref="Kernels.DenseKernels.PackPanels"/>). Built from the
        /// packed copy, lazily, by the one-sample forward pass only, so training never pays for it.
        /// </summary>
        public ref float PanelStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_panels), _panelsOffset);

        /// <summary>True when the panelled copy may be older than the packed copy.</summary>
        public bool ArePanelsStale => Volatile.Read(ref _panelledVersion) != Volatile.Read(ref _packedVersion);

        /// <summary>The parameter version the packed copy reflects (read under the packing lock to build the panels from it).</summary>
        public long PackedVersion => Volatile.Read(ref _packedVersion);

        /// <summary>Records that the panelled copy now reflects the packed copy of <paramref name="packedVersion"/>.</summary>
        /// <param name="packedVersion">The <see cref="PackedVersion"/> read, under the packing lock, before the panels were built.</param>
        public void MarkPanelled(long packedVersion) => Volatile.Write(ref _panelledVersion, packedVersion);

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

        /// <summary>Increases when an edit of the parameters or buffers starts and again when it ends.</summary>
        public long Version => Volatile.Read(ref _version);

        /// <summary>True when the packed copy may be older than the parameters.</summary>
        public bool IsStale => Volatile.Read(ref _packedVersion) != Volatile.Read(ref _version);

        /// <summary>The first <paramref name="count"/> parameters, read-only (without the padding).</summary>
        /// <param name="count">The number of parameters; at most the parameter length.</param>
        /// <returns>The span.</returns>
        public ReadOnlySpan<float> ReadParameters(int count) => new(_parameters, _parametersOffset, Math.Min(count, _parameterLength));

        /// <summary>The non-trainable buffers, read-only.</summary>
        public ReadOnlySpan<float> ReadBuffers() => _buffers;

        /// <summary>
        /// Opens an edit of the first <paramref name="count"/> parameters: the version increases now and again when the
        /// returned edit is disposed, so every derived copy (the packed weights) is rebuilt before it is next read.
        /// </summary>
        /// <param name="count">The number of parameters; at most the parameter length.</param>
        /// <returns>The edit; dispose it when the writes are done.</returns>
        public ParameterEdit Edit(int count)
        {
            Interlocked.Increment(ref _version);
            return new ParameterEdit(new Span<float>(_parameters, _parametersOffset, Math.Min(count, _parameterLength)), this);
        }

        /// <summary>Opens an edit of the non-trainable buffers, versioned like <see cref="Edit"/>.</summary>
        /// <returns>The edit; dispose it when the writes are done.</returns>
        public ParameterEdit EditBuffers()
        {
            Interlocked.Increment(ref _version);
            return new ParameterEdit(_buffers, this);
        }

        /// <summary>Ends an edit (called by <see cref="ParameterEdit.Dispose"/>).</summary>
        internal void EndEdit() => Interlocked.Increment(ref _version);

        /// <summary>Records that the packed copy now reflects the parameters as they were at <paramref name="version"/>.</summary>
        /// <param name="version">The <see cref="Version"/> read before packing started.</param>
        public void MarkPacked(long version) => Volatile.Write(ref _packedVersion, version);

        /// <summary>
        /// Allocates a float array with room to start <paramref name="length"/> floats on a 64-byte boundary;
        /// <paramref name="offset"/> is where they start. The array is pinned (allocated on the pinned object heap), so
        /// the garbage collector never moves it and the boundary holds for its whole life.
        /// </summary>
        /// <param name="length">The number of floats needed.</param>
        /// <param name="offset">Receives the index of the first aligned float.</param>
        /// <returns>The array, zeroed.</returns>
        public static float[] AllocateAligned(int length, out int offset)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            float[] array = GC.AllocateArray<float>(length + 16, pinned: true);
            nint address = AddressOf(array);
            offset = (int)(((64 - (address & 63)) & 63) / sizeof(float));
            return array;
        }

        private static unsafe nint AddressOf(float[] array) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
    }
}
