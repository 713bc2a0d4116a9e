using System;
using System.IO;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>A temporary folder deleted with the test; fixture paths.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "compiled-io-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        public static string Fixture(params string[] parts) =>
            System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "io", System.IO.Path.Combine(parts));
    }

    /// <summary>A read-only stream that cannot seek (like a network or gzip stream).</summary>
    internal sealed class NonSeekableStream : Stream
    {
        private readonly Stream _inner;

        public NonSeekableStream(byte[] data) => _inner = new MemoryStream(data, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Passes writes through until <see cref="FailAfter"/> bytes, then throws (a disk-full or crash stand-in).</summary>
    internal sealed class FailingStream : Stream
    {
        private readonly Stream _inner;
        private long _written;

        public FailingStream(Stream inner, long failAfter)
        {
            _inner = inner;
            FailAfter = failAfter;
        }

        public long FailAfter { get; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > FailAfter)
            {
                int allowed = (int)(FailAfter - _written);
                _inner.Write(buffer.Slice(0, allowed));
                _written += allowed;
                throw new IOException("Injected failure: the disk is full.");
            }

            _inner.Write(buffer);
            _written += buffer.Length;
        }
    }
}
