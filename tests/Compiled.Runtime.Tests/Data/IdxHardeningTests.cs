using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Numerics;
using Compiled.Data;
using Compiled.Runtime.Tests.Serialization;

namespace Compiled.Runtime.Tests.Data
{
    /// <summary>Hostile IDX headers and streams (issue 11).</summary>
    public class IdxHardeningTests
    {
        private static byte[] Header(byte type, params uint[] dimensions)
        {
            var bytes = new byte[4 + (4 * dimensions.Length)];
            bytes[2] = type;
            bytes[3] = (byte)dimensions.Length;
            for (int i = 0; i < dimensions.Length; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
            }

            return bytes;
        }

        private static byte[] Gzip(byte[] data)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(data);
            }

            return output.ToArray();
        }

        [Fact]
        public void EveryDimensionProductIsCheckedIn64Bits()
        {
            // The reported case: no samples, but a sample of 2.5e9 values (SampleSize was -1,794,967,296).
            var exception = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(Header(0x08, 0, 50000, 50000)), "zero"));
            Assert.Contains("0 x 50000 x 50000", exception.Message);
            Assert.Contains("2500000000", exception.Message);

            // 3,000 random dimension lists mixing 0, 1, small, 2^16-ish and near-2^31 sizes: each either reads with the
            // exact sample size and count, or is refused; a sample or a total that does not fit an array is always refused.
            var random = new Random(1105);
            uint[] interesting = { 0, 1, 2, 3, 7, 255, 65535, 65536, 46341, 50000, 1u << 20, (uint)Array.MaxLength, int.MaxValue };
            int read = 0, refused = 0;
            for (int trial = 0; trial < 3000; trial++)
            {
                int rank = random.Next(1, 6);
                uint[] dimensions = Enumerable.Range(0, rank).Select(_ => random.Next(3) == 0 ? (uint)random.Next(0, 5) : interesting[random.Next(interesting.Length)]).ToArray();
                BigInteger sample = dimensions.Skip(1).Aggregate(BigInteger.One, (p, d) => p * d);
                BigInteger total = sample * dimensions[0];
                byte type = random.Next(2) == 0 ? (byte)0x08 : (byte)0x0C;
                int size = type == 0x08 ? 1 : 4;
                byte[] header = Header(type, dimensions);
                byte[] bytes = total * size <= 4096 ? header.Concat(new byte[(int)total * size]).ToArray() : header;
                Exception? error = Record.Exception(() =>
                {
                    IdxArray array = Idx.Read(new MemoryStream(bytes), "fuzz");
                    Assert.Equal(dimensions.Select(d => (int)d), array.Dimensions);
                    Assert.Equal((int)sample, array.SampleSize);
                    Assert.Equal((int)total, array.Values.Length);
                    Assert.Equal((long)array.Count * array.SampleSize, array.Values.Length);
                    read++;
                });
                if (error is not null)
                {
                    Assert.True(error is DataFormatException, $"[{string.Join(", ", dimensions)}]: {error}");
                    refused++;
                    if (sample > Array.MaxLength || total > Array.MaxLength)
                    {
                        Assert.Contains("overflow", error.Message);
                    }
                }
                else
                {
                    Assert.True(sample <= Array.MaxLength && total * size <= 4096);
                }
            }

            Assert.True(read > 300 && refused > 300, $"{read} read, {refused} refused");
        }

        [Fact]
        public void AHugeAnnouncementCostsMemoryOnlyForTheBytesThatArrive()
        {
            // The reported case: 18 bytes that cannot seek announcing 1 GiB (it allocated 64 MB), then 100 random
            // announcements up to 2 GB with short bodies, raw and gzipped: each fails as truncated, allocating under 1 MB.
            byte[] first = Header(0x08, 1024, 1024, 1024).Concat(new byte[2]).ToArray();
            Assert.Equal(18, first.Length);
            Idx.Read(new NonSeekableStream(Header(0x08, 1).Concat(new byte[1]).ToArray())); // warm up
            var random = new Random(1106);
            for (int trial = 0; trial <= 100; trial++)
            {
                byte[] bytes = trial == 0
                    ? first
                    : Header(0x08, (uint)random.Next(1, 1 << 15), (uint)random.Next(1 << 10, 1 << 16)).Concat(new byte[random.Next(0, 1 << 12)]).ToArray();
                bool gzip = trial % 2 == 1;
                byte[] input = gzip ? Gzip(bytes) : bytes;
                long before = GC.GetAllocatedBytesForCurrentThread();
                var exception = Assert.Throws<DataFormatException>(() => Idx.Read(new NonSeekableStream(input), "hostile"));
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.Contains("truncated", exception.Message);
                Assert.True(allocated < (1 << 20), $"{bytes.Length} bytes (gzip: {gzip}) allocated {allocated} bytes");
            }

            // Data larger than the first buffer still reads through a stream that cannot seek, and gzipped.
            byte[] pixels = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
            byte[] file = Header(0x08, 3, 100_000).Concat(pixels).ToArray();
            foreach (byte[] input in new[] { file, Gzip(file) })
            {
                IdxArray images = Idx.ReadImages(new NonSeekableStream(input));
                Assert.Equal(100_000, images.SampleSize);
                Assert.Equal(pixels.Select(p => (float)p), images.Values);
            }
        }
    }
}
