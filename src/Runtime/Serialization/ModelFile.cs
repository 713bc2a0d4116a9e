using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Compiled.Serialization
{
    /// <summary>
    /// Saves and loads a network's parameters and non-trainable buffers in Compiled's own small binary format, checked
    /// against the network's architecture and protected by a CRC-32.
    /// </summary>
    /// <remarks>
    /// <para>Format version 2, written by <see cref="Save(INetwork, Stream)"/> (every integer and float little-endian, whatever the host):</para>
    /// <code>
    /// offset         size  field
    /// 0              4     magic: the ASCII bytes "CMPL" (43 4D 50 4C)
    /// 4              4     uint32 format version = 2
    /// 8              4     uint32 L, byte length of the architecture signature (at most 1 MiB)
    /// 12             L     architecture signature, UTF-8 without BOM or terminator (INetwork.Architecture)
    /// 12+L           8     int64 N, the parameter count (0 &lt;= N &lt;= Array.MaxLength)
    /// 20+L           4N    the parameters as IEEE 754 float32, in INetwork.Parameters order (PyTorch state_dict order)
    /// 20+L+4N        8     int64 M, the buffer count (0 &lt;= M &lt;= Array.MaxLength; 0 for networks without buffers)
    /// 28+L+4N        4M    the non-trainable buffers as IEEE 754 float32, in INetwork.Buffers order
    /// 28+L+4N+4M     4     uint32 CRC-32 (IEEE / zlib / PNG: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF)
    ///                      of every byte before it
    /// </code>
    /// <para>
    /// Version 1 is the same without the buffer count and buffers (the CRC follows the parameters). Both versions are
    /// read. A version 1 file has no buffers: it loads into a network without buffers (every network generated today);
    /// into a network with buffers (running statistics) it is refused with <see cref="ModelFileError.BufferCountMismatch"/>,
    /// as PyTorch's strict <c>load_state_dict</c> refuses a <c>state_dict</c> without <c>running_mean</c>: keeping the
    /// network's buffers would run inference with statistics the file's parameters were never trained with, silently.
    /// </para>
    /// <para>
    /// Loading reads and checks the whole record (magic, version, lengths, checksum, architecture, parameter and buffer
    /// counts) into temporary buffers before copying anything, so on any error the network's parameters and buffers are
    /// left untouched; then both are written in one edit each (<see cref="INetwork.EditParameters"/>,
    /// <see cref="INetwork.EditBuffers"/>). Errors are <see cref="ModelFileException"/>s (an <see cref="IOException"/>)
    /// naming the file. Saving to a path is atomic: the file is written to a temporary file in the same folder, flushed,
    /// and renamed over the target.
    /// </para>
    /// </remarks>
    public static class ModelFile
    {
        /// <summary>
        /// The format version written by <see cref="Save(INetwork, Stream)"/>: 2, which stores the buffers after the
        /// parameters. Versions <see cref="OldestReadableVersion"/> to <see cref="FormatVersion"/> are read.
        /// </summary>
        public const uint FormatVersion = 2;

        /// <summary>The oldest format version read: 1 (parameters only, no buffers).</summary>
        public const uint OldestReadableVersion = 1;

        /// <summary>The longest architecture signature accepted, in UTF-8 bytes.</summary>
        public const int MaxArchitectureBytes = 1 << 20;

        private const int ChunkBytes = 1 << 16;
        private const int FixedHeaderBytes = 12;
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>The four magic bytes that start every model file: ASCII <c>CMPL</c>.</summary>
        public static ReadOnlySpan<byte> Magic => "CMPL"u8;

        /// <summary>
        /// Writes the network's architecture, parameters and buffers to <paramref name="stream"/> (format
        /// <see cref="FormatVersion"/>).
        /// </summary>
        /// <param name="network">The network to save.</param>
        /// <param name="stream">A writable stream; it is left open, positioned after the model.</param>
        /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException">The architecture signature is longer than <see cref="MaxArchitectureBytes"/>.</exception>
        public static void Save(INetwork network, Stream stream)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(stream);
            string architecture = network.Architecture ?? string.Empty;
            int architectureBytes = StrictUtf8.GetByteCount(architecture);
            if (architectureBytes > MaxArchitectureBytes)
            {
                throw new ArgumentException($"The architecture signature is {architectureBytes} bytes long; model files accept at most {MaxArchitectureBytes}.", nameof(network));
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, FixedHeaderBytes + architectureBytes + 8));
            try
            {
                var crc = default(Crc32);
                Span<byte> header = buffer.AsSpan(0, FixedHeaderBytes + architectureBytes);
                Magic.CopyTo(header);
                BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), FormatVersion);
                BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(8), (uint)architectureBytes);
                StrictUtf8.GetBytes(architecture, header.Slice(FixedHeaderBytes, architectureBytes));
                crc.Append(header);
                stream.Write(header);
                WriteSection(network.Parameters, stream, buffer, ref crc);
                WriteSection(network.Buffers, stream, buffer, ref crc);

                Span<byte> checksum = buffer.AsSpan(0, 4);
                BinaryPrimitives.WriteUInt32LittleEndian(checksum, crc.Value);
                stream.Write(checksum);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Writes an int64 count then the floats, little-endian, through <paramref name="buffer"/>, checksummed.</summary>
        private static void WriteSection(ReadOnlySpan<float> values, Stream stream, byte[] buffer, ref Crc32 crc)
        {
            Span<byte> count = buffer.AsSpan(0, sizeof(long));
            BinaryPrimitives.WriteInt64LittleEndian(count, values.Length);
            crc.Append(count);
            stream.Write(count);

            const int floatsPerChunk = ChunkBytes / sizeof(float);
            for (int start = 0; start < values.Length; start += floatsPerChunk)
            {
                ReadOnlySpan<float> chunk = values.Slice(start, Math.Min(floatsPerChunk, values.Length - start));
                Span<byte> bytes = buffer.AsSpan(0, chunk.Length * sizeof(float));
                WriteLittleEndian(chunk, bytes);
                crc.Append(bytes);
                stream.Write(bytes);
            }
        }

        /// <summary>
        /// Writes the network's architecture, parameters and buffers to <paramref name="path"/>, atomically: through a
        /// temporary file in the same folder (<c>.NAME.RANDOM.tmp</c>) that replaces the target only once completely
        /// written and flushed.
        /// </summary>
        /// <remarks>
        /// A save killed with its process leaves its temporary file behind; each save deletes the temporary files of the
        /// same target (that exact name pattern) last written more than a minute ago.
        /// </remarks>
        /// <param name="network">The network to save.</param>
        /// <param name="path">The file to create or replace.</param>
        /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
        /// <exception cref="IOException">
        /// The file cannot be written (a <see cref="DirectoryNotFoundException"/> when its folder does not exist; an
        /// <see cref="IOException"/> wrapping the <see cref="UnauthorizedAccessException"/> when the folder is read-only or
        /// not writable), with a message naming the target; the target is unchanged.
        /// </exception>
        public static void Save(INetwork network, string path) => Save(network, path, wrap: null);

        /// <summary>As <see cref="Save(INetwork, string)"/>, with a test hook that wraps the file stream.</summary>
        internal static void Save(INetwork network, string path, Func<Stream, Stream>? wrap)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentException.ThrowIfNullOrEmpty(path);
            AtomicFile.Write(path, stream => Save(network, stream), wrap);
        }

        /// <summary>
        /// Reads a model from <paramref name="stream"/> into the network's parameters and buffers, after checking the
        /// whole record. The stream is left open, positioned after the model (bytes after it are not read).
        /// </summary>
        /// <param name="network">The network to load into; it must have the architecture the model was saved from.</param>
        /// <param name="stream">A readable stream positioned at the start of a model (format version 1 or 2).</param>
        /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
        /// <exception cref="ModelFileException">
        /// The data is not a valid model (truncated, bad magic, unknown version, bad checksum, ...), was saved from
        /// another architecture, or holds another number of parameters or buffer values than the network (a version 1
        /// model, which has no buffers, into a network with buffers included); <see cref="ModelFileException.Error"/>
        /// says which. The parameters and buffers are unchanged.
        /// </exception>
        public static void Load(INetwork network, Stream stream)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(stream);
            Read(stream, null, network, requireEnd: false);
        }

        /// <summary>
        /// Reads the model file <paramref name="path"/> into the network's parameters and buffers, after checking the
        /// whole file (which must hold exactly one model and nothing after it).
        /// </summary>
        /// <param name="network">The network to load into; it must have the architecture the model was saved from.</param>
        /// <param name="path">The model file (format version 1 or 2).</param>
        /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
        /// <exception cref="ModelFileException">
        /// The file is not a valid model, was saved from another architecture, or holds another number of parameters or
        /// buffer values than the network (a version 1 file, which has no buffers, into a network with buffers included);
        /// the message names the file and <see cref="ModelFileException.Error"/> says what is wrong. The parameters and
        /// buffers are unchanged.
        /// </exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static void Load(INetwork network, string path)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes);
            Read(stream, path, network, requireEnd: true);
        }

        /// <summary>Reads and checks a whole model file (checksum included) without loading it into a network.</summary>
        /// <param name="path">The model file.</param>
        /// <returns>The file's header.</returns>
        /// <exception cref="ModelFileException">The file is not a valid model.</exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static ModelFileInfo ReadInfo(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes);
            return Read(stream, path, null, requireEnd: true);
        }

        /// <summary>Reads and checks a whole model record (checksum included) from a stream without loading it.</summary>
        /// <param name="stream">A readable stream positioned at the start of a model; left after it.</param>
        /// <returns>The model's header.</returns>
        /// <exception cref="ModelFileException">The data is not a valid model.</exception>
        public static ModelFileInfo ReadInfo(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            return Read(stream, null, null, requireEnd: false);
        }

        private static ModelFileInfo Read(Stream stream, string? path, INetwork? network, bool requireEnd)
        {
            string source = ModelFileException.Describe(path);
            var crc = default(Crc32);
            byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            float[]? values = null;
            float[]? buffers = null;
            try
            {
                // Magic, version and architecture length.
                Span<byte> fixedHeader = chunk.AsSpan(0, FixedHeaderBytes);
                int read = StreamReading.ReadAtMost(stream, fixedHeader);
                if (read == 0)
                {
                    throw Fail(ModelFileError.Truncated, path, $"{source} is empty.");
                }

                if (read < 4 && fixedHeader.Slice(0, read).SequenceEqual(Magic.Slice(0, read)))
                {
                    throw Truncated(path, source, "its magic bytes", read, FixedHeaderBytes);
                }

                if (read < 4 || !fixedHeader.Slice(0, 4).SequenceEqual(Magic))
                {
                    throw Fail(ModelFileError.BadMagic, path, $"{source} is not a Compiled model file: it starts with {Hex(fixedHeader.Slice(0, Math.Min(read, 4)))} instead of the magic bytes 'CMPL'.");
                }

                if (read < FixedHeaderBytes)
                {
                    throw Truncated(path, source, "its header", read, FixedHeaderBytes);
                }

                uint version = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.Slice(4));
                if (version < OldestReadableVersion || version > FormatVersion)
                {
                    throw Fail(ModelFileError.UnsupportedVersion, path, $"{source} has format version {version}; this library reads versions {OldestReadableVersion} to {FormatVersion}.");
                }

                bool hasBuffers = version >= 2;
                uint architectureLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.Slice(8));
                if (architectureLength > MaxArchitectureBytes)
                {
                    throw Fail(ModelFileError.MalformedHeader, path, $"{source} announces an architecture signature of {architectureLength} bytes; at most {MaxArchitectureBytes} are allowed, so the header is corrupt.");
                }

                crc.Append(fixedHeader);
                long offset = FixedHeaderBytes;

                // Architecture signature and parameter count.
                int variableLength = (int)architectureLength + 8;
                byte[] variable = variableLength <= chunk.Length ? chunk : new byte[variableLength];
                Span<byte> variableHeader = variable.AsSpan(0, variableLength);
                read = StreamReading.ReadAtMost(stream, variableHeader);
                if (read < variableLength)
                {
                    throw Truncated(path, source, read < architectureLength ? "its architecture signature" : "its parameter count", offset + read, offset + variableLength);
                }

                crc.Append(variableHeader);
                offset += variableLength;
                byte[] architectureBytes = variableHeader.Slice(0, (int)architectureLength).ToArray();
                long count = BinaryPrimitives.ReadInt64LittleEndian(variableHeader.Slice((int)architectureLength));
                if (count < 0 || count > Array.MaxLength)
                {
                    throw Fail(ModelFileError.MalformedHeader, path, $"{source} announces {count} parameters, which is impossible: the header is corrupt.");
                }

                // The end of the record as far as it is known: a version 2 record has at least an empty buffer section.
                long end = offset + (count * sizeof(float)) + (hasBuffers ? sizeof(long) : 0) + sizeof(uint);
                long remaining = StreamReading.Remaining(stream);
                long remainingAtParameters = remaining;
                if (remaining >= 0 && remaining < end - offset)
                {
                    throw Truncated(path, source, hasBuffers ? "its parameters, buffers and checksum" : "its parameters and checksum", offset + remaining, end, atLeast: hasBuffers);
                }

                // Parameters and buffers: kept only when they will be loaded, otherwise just checksummed.
                bool matches = network is not null
                    && architectureBytes.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(network.Architecture ?? string.Empty));
                if (matches && count == network!.ParameterCount)
                {
                    values = ArrayPool<float>.Shared.Rent((int)count);
                }

                ReadSection(stream, count, values, chunk, ref crc, ref offset, path, source, "its parameters", end, atLeast: hasBuffers);

                long bufferCount = 0;
                if (hasBuffers)
                {
                    Span<byte> bufferHeader = chunk.AsSpan(0, sizeof(long));
                    read = StreamReading.ReadAtMost(stream, bufferHeader);
                    if (read < sizeof(long))
                    {
                        throw Truncated(path, source, "its buffer count", offset + read, end, atLeast: true);
                    }

                    crc.Append(bufferHeader);
                    offset += sizeof(long);
                    bufferCount = BinaryPrimitives.ReadInt64LittleEndian(bufferHeader);
                    if (bufferCount < 0 || bufferCount > Array.MaxLength)
                    {
                        throw Fail(ModelFileError.MalformedHeader, path, $"{source} announces {bufferCount} buffer values, which is impossible: the header is corrupt.");
                    }

                    end = offset + (bufferCount * sizeof(float)) + sizeof(uint);
                    remaining = StreamReading.Remaining(stream);
                    if (remaining >= 0 && remaining < end - offset)
                    {
                        throw Truncated(path, source, "its buffers and checksum", offset + remaining, end);
                    }

                    if (values is not null && bufferCount == network!.Buffers.Length)
                    {
                        buffers = bufferCount == 0 ? Array.Empty<float>() : ArrayPool<float>.Shared.Rent((int)bufferCount);
                    }

                    ReadSection(stream, bufferCount, buffers, chunk, ref crc, ref offset, path, source, "its buffers", end, atLeast: false);
                }

                Span<byte> checksum = chunk.AsSpan(0, sizeof(uint));
                read = StreamReading.ReadAtMost(stream, checksum);
                if (read < sizeof(uint))
                {
                    throw Truncated(path, source, "its checksum", offset + read, end);
                }

                uint stored = BinaryPrimitives.ReadUInt32LittleEndian(checksum);
                if (stored != crc.Value)
                {
                    throw Fail(ModelFileError.ChecksumMismatch, path, $"{source} is corrupt: its CRC-32 is 0x{crc.Value:X8} but the file records 0x{stored:X8}.");
                }

                string architecture;
                try
                {
                    architecture = StrictUtf8.GetString(architectureBytes);
                }
                catch (DecoderFallbackException exception)
                {
                    throw Fail(ModelFileError.MalformedHeader, path, $"{source} has an architecture signature that is not valid UTF-8.", exception);
                }

                if (requireEnd && StreamReading.ReadAtMost(stream, chunk.AsSpan(0, 1)) != 0)
                {
                    long extra = remainingAtParameters >= 0 ? remainingAtParameters - (end - FixedHeaderBytes - variableLength) : -1;
                    string amount = extra > 0 ? $"{extra} unexpected bytes" : "unexpected bytes";
                    throw Fail(ModelFileError.TrailingData, path, $"{source} has {amount} after the model's checksum (at offset {end}).");
                }

                if (network is not null)
                {
                    if (architecture != network.Architecture)
                    {
                        throw Fail(ModelFileError.ArchitectureMismatch, path, $"{source} was saved from a network with architecture '{architecture}' and cannot be loaded into a network with architecture '{network.Architecture}'.");
                    }

                    if (values is null || network.Parameters.Length != count)
                    {
                        throw Fail(ModelFileError.ParameterCountMismatch, path, $"{source} holds {count} parameters but the network '{network.Architecture}' has {network.ParameterCount}.");
                    }

                    int networkBuffers = network.Buffers.Length;
                    if (!hasBuffers && networkBuffers > 0)
                    {
                        throw Fail(ModelFileError.BufferCountMismatch, path, $"{source} has format version {version}, which stores no buffers, but the network '{network.Architecture}' has {networkBuffers} buffer values ({TensorNames(network.BufferTensors)}); they are not loaded from defaults silently. Save the model again with this library.");
                    }

                    if (hasBuffers && (buffers is null || bufferCount != networkBuffers))
                    {
                        throw Fail(ModelFileError.BufferCountMismatch, path, $"{source} holds {bufferCount} buffer values but the network '{network.Architecture}' has {networkBuffers} ({TensorNames(network.BufferTensors)}).");
                    }

                    // Everything is checked: write the parameters and then the buffers, each in one edit.
                    network.SetParameters(values.AsSpan(0, (int)count));
                    if (networkBuffers > 0)
                    {
                        network.SetBuffers(buffers.AsSpan(0, networkBuffers));
                    }
                }

                return new ModelFileInfo(version, architecture, count, bufferCount, end);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
                if (values is not null)
                {
                    ArrayPool<float>.Shared.Return(values);
                }

                if (buffers is not null && buffers.Length > 0)
                {
                    ArrayPool<float>.Shared.Return(buffers);
                }
            }
        }

        /// <summary>
        /// Reads <paramref name="count"/> little-endian floats through <paramref name="chunk"/>, checksummed, into
        /// <paramref name="values"/> when it is not <see langword="null"/> (otherwise only checksummed).
        /// </summary>
        private static void ReadSection(Stream stream, long count, float[]? values, byte[] chunk, ref Crc32 crc, ref long offset, string? path, string source, string what, long end, bool atLeast)
        {
            long bytesLeft = count * sizeof(float);
            int valueIndex = 0;
            while (bytesLeft > 0)
            {
                Span<byte> bytes = chunk.AsSpan(0, (int)Math.Min(ChunkBytes, bytesLeft));
                int read = StreamReading.ReadAtMost(stream, bytes);
                if (read < bytes.Length)
                {
                    throw Truncated(path, source, what, offset + read, end, atLeast);
                }

                crc.Append(bytes);
                if (values is not null)
                {
                    ReadLittleEndian(bytes, values.AsSpan(valueIndex, bytes.Length / sizeof(float)));
                    valueIndex += bytes.Length / sizeof(float);
                }

                offset += read;
                bytesLeft -= read;
            }
        }

        private static string TensorNames(IReadOnlyList<ParameterTensor> tensors)
        {
            if (tensors.Count == 0)
            {
                return "no buffer tensors described";
            }

            string names = string.Join(", ", tensors.Take(5).Select(t => $"'{t.Name}'"));
            return tensors.Count > 5 ? names + ", ..." : names;
        }

        /// <summary>Writes floats as little-endian IEEE 754 bits: a block copy on little-endian hosts, byte swaps otherwise.</summary>
        internal static void WriteLittleEndian(ReadOnlySpan<float> values, Span<byte> destination)
        {
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(destination);
                return;
            }

            WriteLittleEndianPortable(values, destination);
        }

        /// <summary>Reads little-endian IEEE 754 floats: a block copy on little-endian hosts, byte swaps otherwise.</summary>
        internal static void ReadLittleEndian(ReadOnlySpan<byte> source, Span<float> values)
        {
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(source.Slice(0, values.Length * sizeof(float))).CopyTo(values);
                return;
            }

            ReadLittleEndianPortable(source, values);
        }

        /// <summary>The big-endian-host path of <see cref="WriteLittleEndian"/>, correct on any host (tested on little-endian ones).</summary>
        internal static void WriteLittleEndianPortable(ReadOnlySpan<float> values, Span<byte> destination)
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(i * sizeof(float)), BitConverter.SingleToInt32Bits(values[i]));
            }
        }

        /// <summary>The big-endian-host path of <see cref="ReadLittleEndian"/>, correct on any host (tested on little-endian ones).</summary>
        internal static void ReadLittleEndianPortable(ReadOnlySpan<byte> source, Span<float> values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(source.Slice(i * sizeof(float))));
            }
        }

        private static ModelFileException Truncated(string? path, string source, string what, long actual, long expected, bool atLeast = false) =>
            Fail(ModelFileError.Truncated, path, $"{source} is truncated: it ends in {what}, after {actual} bytes where the model needs {(atLeast ? "at least " : string.Empty)}{expected}.");

        private static ModelFileException Fail(ModelFileError error, string? path, string message, Exception? inner = null) =>
            new(error, message, path, null, inner);

        private static string Hex(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "nothing" : Convert.ToHexString(bytes);
    }
}
