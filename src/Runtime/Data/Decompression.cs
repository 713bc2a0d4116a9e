using System;
using System.IO;
using System.IO.Compression;

namespace Compiled.Data
{
    /// <summary>Recognises gzip data by its magic bytes (1F 8B) and decompresses it transparently.</summary>
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
                return compressed ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
            }

            read = ReadAtMost(stream, magic);
            var prefixed = new PrefixedStream(magic.Slice(0, read), stream);
            compressed = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            return compressed ? new GZipStream(prefixed, CompressionMode.Decompress, leaveOpen: false) : prefixed;
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
