using System;
using System.IO;

namespace Compiled.Serialization
{
    /// <summary>Small stream helpers shared by the model-file readers.</summary>
    internal static class StreamReading
    {
        /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
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

        /// <summary>The bytes left in a seekable stream, or -1 when the stream cannot tell.</summary>
        public static long Remaining(Stream stream)
        {
            if (!stream.CanSeek)
            {
                return -1;
            }

            try
            {
                return Math.Max(0, stream.Length - stream.Position);
            }
            catch (NotSupportedException)
            {
                return -1;
            }
        }

        /// <summary>Skips <paramref name="count"/> bytes; returns how many could be skipped before the stream ended.</summary>
        public static long Skip(Stream stream, long count, Span<byte> scratch)
        {
            if (count <= 0)
            {
                return 0;
            }

            long remaining = Remaining(stream);
            if (remaining >= 0)
            {
                long skipped = Math.Min(count, remaining);
                stream.Seek(skipped, SeekOrigin.Current);
                return skipped;
            }

            long total = 0;
            while (total < count)
            {
                int read = stream.Read(scratch.Slice(0, (int)Math.Min(scratch.Length, count - total)));
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
    }
}
