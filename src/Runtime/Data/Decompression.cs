using System;
using System.IO;
using System.IO.Compression;
using Compiled.Serialization;

namespace Compiled.Data
{
    /// <summary>
    /// Recognises gzip data by its magic bytes (1F 8B) and decompresses it transparently, checking the gzip trailer
    /// (CRC-32 and length of the decompressed data), which <see cref="GZipStream"/> does not: it silently returns
    /// whatever it could decompress from a truncated file.
    /// </summary>
    internal static class Decompression
    {
        /// <summary>
        /// Returns a stream over the decompressed data if <paramref name="stream"/> starts with the gzip magic bytes,
        /// otherwise a stream over the same bytes (the peeked bytes are not lost, even when the stream cannot seek): the
        /// stream itself when it can seek. Disposing the result never disposes <paramref name="stream"/>.
        /// </summary>
        public static Stream OpenMaybeGzip(Stream stream, out bool compressed)
        {
            Span<byte> magic = stackalloc byte[2];
            int read = 0;
            if (stream.CanSeek)
            {
                long start = stream.Position;
                read = ReadAtMost(stream, magic);
                stream.Position = start;
                compressed = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
                return compressed ? new VerifiedGzipStream(stream) : stream;
            }

            read = ReadAtMost(stream, magic);
            var prefixed = new PrefixedStream(magic.Slice(0, read), stream);
            compressed = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            return compressed ? new VerifiedGzipStream(prefixed) : prefixed;
        }

        public static int ReadAtMost(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer.Slice(total));
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }

        /// <summary>
        /// Decompresses gzip data and, at its end, checks that the CRC-32 and length (mod 2^32) of everything decompressed
        /// match the trailer (the last 8 compressed bytes); throws <see cref="InvalidDataException"/> otherwise. This is
        /// exact for single-member files (what gzip, Python and .NET write); files of several concatenated members fail.
        /// </summary>
        private sealed class VerifiedGzipStream : Stream
        {
            private readonly TailStream _compressed;
            private readonly GZipStream _gzip;
            private Crc32 _crc;
            private long _length;
            private bool _verified;

            public VerifiedGzipStream(Stream compressed)
            {
                _compressed = new TailStream(compressed);
                _gzip = new GZipStream(_compressed, CompressionMode.Decompress, leaveOpen: true);
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                if (buffer.IsEmpty)
                {
                    return 0;
                }

                int read = _gzip.Read(buffer);
                if (read > 0)
                {
                    _crc.Append(buffer.Slice(0, read));
                    _length += read;
                    return read;
                }

                if (!_verified)
                {
                    ReadOnlySpan<byte> tail = _compressed.Tail;
                    uint storedCrc = tail.Length == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail) : 0;
                    uint storedLength = tail.Length == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail.Slice(4)) : 0;
                    if (tail.Length < 8 || storedCrc != _crc.Value || storedLength != unchecked((uint)_length))
                    {
                        throw new InvalidDataException($"it is truncated or corrupt: {_length} bytes decompressed with CRC-32 0x{_crc.Value:X8}, but the gzip trailer records {storedLength} bytes with CRC-32 0x{storedCrc:X8} (files of several concatenated gzip members are not supported)");
                    }

                    _verified = true;
                }

                return 0;
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _gzip.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        /// <summary>Passes reads through (leaving the inner stream open) and remembers the last 8 bytes read.</summary>
        private sealed class TailStream : Stream
        {
            private readonly Stream _inner;
            private readonly byte[] _tail = new byte[8];
            private int _tailLength;

            public TailStream(Stream inner) => _inner = inner;

            public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                int read = _inner.Read(buffer);
                if (read >= 8)
                {
                    buffer.Slice(read - 8, 8).CopyTo(_tail);
                    _tailLength = 8;
                }
                else if (read > 0)
                {
                    int keep = Math.Min(_tailLength, 8 - read);
                    _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
                    buffer.Slice(0, read).CopyTo(_tail.AsSpan(keep));
                    _tailLength = keep + read;
                }

                return read;
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        /// <summary>A read-only stream that returns some bytes already read, then the rest of another stream (left open).</summary>
        private sealed class PrefixedStream : Stream
        {
            private readonly byte[] _prefix;
            private readonly Stream _inner;
            private int _position;

            public PrefixedStream(ReadOnlySpan<byte> prefix, Stream inner)
            {
                _prefix = prefix.ToArray();
                _inner = inner;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                if (_position < _prefix.Length)
                {
                    int count = Math.Min(buffer.Length, _prefix.Length - _position);
                    _prefix.AsSpan(_position, count).CopyTo(buffer);
                    _position += count;
                    return count;
                }

                return _inner.Read(buffer);
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
