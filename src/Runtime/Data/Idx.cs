using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Numerics;

namespace Compiled.Data
{
    /// <summary>
    /// Reads IDX files, the format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c>, ...), raw or
    /// gzip-compressed (recognised by its magic bytes, whatever the file name).
    /// </summary>
    /// <remarks>
    /// An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions), one big-endian
    /// uint32 per dimension, then the values row-major and big-endian. Type codes: 0x08 unsigned byte, 0x09 signed byte,
    /// 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64. The whole file is checked: a bad magic, an unknown type code,
    /// dimensions too large for an array, missing or extra data all raise a <see cref="DataFormatException"/> naming
    /// the file and the problem. Dimension products are computed in 64 bits: a sample (the product of the dimensions after
    /// the first) or a whole file with more values than an array can hold is refused, even when the count is 0. A stream
    /// that cannot tell its length (a network or gzip stream) is read into a buffer that starts at 64 KiB and doubles as
    /// data arrives, so memory grows with the bytes actually received, not with the size the header announces.
    /// </remarks>
    public static class Idx
    {
        /// <summary>Reads any IDX file, converting its values to float.</summary>
        /// <param name="path">The file, raw or gzip-compressed.</param>
        /// <returns>Its dimensions and values.</returns>
        /// <exception cref="DataFormatException">The file is not a valid IDX file.</exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static IdxArray Read(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using FileStream stream = OpenFile(path);
            return Read(stream, path);
        }

        /// <summary>Reads an IDX stream (raw or gzip-compressed), converting its values to float.</summary>
        /// <param name="stream">The stream, left open.</param>
        /// <param name="sourceName">A name for error messages, such as the file name.</param>
        /// <returns>Its dimensions and values.</returns>
        /// <exception cref="DataFormatException">The data is not a valid IDX file.</exception>
        public static IdxArray Read(Stream stream, string? sourceName = null)
        {
            ArgumentNullException.ThrowIfNull(stream);
            RawIdx raw = ReadRaw(stream, sourceName);
            return new IdxArray(raw.Type, raw.Dimensions, ToFloats(raw, scale: false, sourceName));
        }

        /// <summary>
        /// Reads an IDX image file such as <c>train-images-idx3-ubyte.gz</c>: a sample count followed by the image
        /// dimensions. Pixels become floats, 0 to 255 for bytes, or 0 to 1 when <paramref name="scaleToUnitRange"/> is set.
        /// </summary>
        /// <param name="path">The file, raw or gzip-compressed.</param>
        /// <param name="scaleToUnitRange">Whether to divide unsigned-byte pixels by 255 (as <c>torchvision</c>'s <c>ToTensor</c>).</param>
        /// <returns>The images: <c>Dimensions</c> is <c>[count, rows, columns]</c> for MNIST.</returns>
        /// <exception cref="DataFormatException">
        /// The file is not a valid IDX file, has fewer than 2 dimensions, or is asked to be scaled but does not hold bytes.
        /// </exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static IdxArray ReadImages(string path, bool scaleToUnitRange = false)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using FileStream stream = OpenFile(path);
            return ReadImages(stream, scaleToUnitRange, path);
        }

        /// <summary>Reads an IDX image stream; see <see cref="ReadImages(string, bool)"/>.</summary>
        /// <param name="stream">The stream, raw or gzip-compressed, left open.</param>
        /// <param name="scaleToUnitRange">Whether to divide unsigned-byte pixels by 255.</param>
        /// <param name="sourceName">A name for error messages, such as the file name.</param>
        /// <returns>The images.</returns>
        /// <exception cref="DataFormatException">The data is not a valid IDX image file.</exception>
        public static IdxArray ReadImages(Stream stream, bool scaleToUnitRange = false, string? sourceName = null)
        {
            ArgumentNullException.ThrowIfNull(stream);
            RawIdx raw = ReadRaw(stream, sourceName);
            if (raw.Dimensions.Length < 2)
            {
                throw Error(sourceName, $"has {raw.Dimensions.Length} dimension; an image file needs a count followed by the image dimensions");
            }

            if (scaleToUnitRange && raw.Type != IdxDataType.UnsignedByte)
            {
                throw Error(sourceName, $"holds {raw.Type} values; only unsigned bytes (0 to 255) can be scaled to [0, 1]");
            }

            return new IdxArray(raw.Type, raw.Dimensions, ToFloats(raw, scaleToUnitRange, sourceName));
        }

        /// <summary>Reads an IDX label file such as <c>train-labels-idx1-ubyte.gz</c>: one dimension of integers.</summary>
        /// <param name="path">The file, raw or gzip-compressed.</param>
        /// <returns>The labels.</returns>
        /// <exception cref="DataFormatException">The file is not a valid IDX file, is not one-dimensional, or does not hold integers.</exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static int[] ReadLabels(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using FileStream stream = OpenFile(path);
            return ReadLabels(stream, path);
        }

        /// <summary>Reads an IDX label stream; see <see cref="ReadLabels(string)"/>.</summary>
        /// <param name="stream">The stream, raw or gzip-compressed, left open.</param>
        /// <param name="sourceName">A name for error messages, such as the file name.</param>
        /// <returns>The labels.</returns>
        /// <exception cref="DataFormatException">The data is not a valid IDX label file.</exception>
        public static int[] ReadLabels(Stream stream, string? sourceName = null)
        {
            ArgumentNullException.ThrowIfNull(stream);
            RawIdx raw = ReadRaw(stream, sourceName);
            if (raw.Dimensions.Length != 1)
            {
                throw Error(sourceName, $"has {raw.Dimensions.Length} dimensions; a label file has exactly one");
            }

            int count = raw.Dimensions[0];
            var labels = new int[count];
            ReadOnlySpan<byte> data = raw.Data;
            switch (raw.Type)
            {
                case IdxDataType.UnsignedByte:
                    for (int i = 0; i < count; i++)
                    {
                        labels[i] = data[i];
                    }

                    break;
                case IdxDataType.SignedByte:
                    for (int i = 0; i < count; i++)
                    {
                        labels[i] = (sbyte)data[i];
                    }

                    break;
                case IdxDataType.Int16:
                    for (int i = 0; i < count; i++)
                    {
                        labels[i] = BinaryPrimitives.ReadInt16BigEndian(data.Slice(i * 2));
                    }

                    break;
                case IdxDataType.Int32:
                    for (int i = 0; i < count; i++)
                    {
                        labels[i] = BinaryPrimitives.ReadInt32BigEndian(data.Slice(i * 4));
                    }

                    break;
                default:
                    throw Error(sourceName, $"holds {raw.Type} values; labels must be integers");
            }

            return labels;
        }

        /// <summary>
        /// Builds a labelled <see cref="Dataset"/> from an IDX image file and an IDX label file, such as
        /// <c>train-images-idx3-ubyte.gz</c> and <c>train-labels-idx1-ubyte.gz</c>.
        /// </summary>
        /// <param name="imagesPath">The image file.</param>
        /// <param name="labelsPath">The label file, with one label per image.</param>
        /// <param name="scaleToUnitRange">Whether to divide the pixels by 255.</param>
        /// <returns>A data set whose samples are the flattened images.</returns>
        /// <exception cref="DataFormatException">A file is invalid, the counts disagree, a label is negative, or there are no images.</exception>
        /// <exception cref="IOException">A file cannot be opened or read.</exception>
        public static Dataset ReadDataset(string imagesPath, string labelsPath, bool scaleToUnitRange = false)
        {
            IdxArray images = ReadImages(imagesPath, scaleToUnitRange);
            int[] labels = ReadLabels(labelsPath);
            if (labels.Length != images.Count)
            {
                throw new DataFormatException($"The IDX files disagree: '{imagesPath}' has {images.Count} images but '{labelsPath}' has {labels.Length} labels.", labelsPath);
            }

            if (images.Count == 0 || images.SampleSize == 0)
            {
                throw new DataFormatException($"The IDX file '{imagesPath}' holds no image data ({string.Join(" x ", images.Dimensions)}).", imagesPath);
            }

            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0)
                {
                    throw new DataFormatException($"The IDX file '{labelsPath}' has label {labels[i]} at index {i}; labels must be non-negative.", labelsPath);
                }
            }

            return Dataset.FromLabels(images.Values, images.SampleSize, labels);
        }

        private const int InitialBuffer = 1 << 16;

        private static FileStream OpenFile(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

        private readonly record struct RawIdx(IdxDataType Type, int[] Dimensions, byte[] Data, int ElementCount);

        private static RawIdx ReadRaw(Stream source, string? name)
        {
            Stream stream = Decompression.OpenMaybeGzip(source, out bool compressed);
            try
            {
                return ReadRawCore(stream, name, compressed);
            }
            catch (InvalidDataException exception)
            {
                throw Error(name, $"has invalid gzip data: {exception.Message.TrimEnd('.')}", exception);
            }
            finally
            {
                if (!ReferenceEquals(stream, source))
                {
                    stream.Dispose();
                }
            }
        }

        private static RawIdx ReadRawCore(Stream stream, string? name, bool compressed)
        {
            string what = compressed ? "decompressed data" : "file";
            Span<byte> magic = stackalloc byte[4];
            int read = Decompression.ReadAtMost(stream, magic);
            if (read == 0)
            {
                throw Error(name, compressed ? "decompresses to nothing" : "is empty");
            }

            if (magic[0] != 0 || (read > 1 && magic[1] != 0))
            {
                throw Error(name, $"is not an IDX file: it starts with {Convert.ToHexString(magic.Slice(0, read))} where an IDX file starts with two zero bytes");
            }

            if (read < 4)
            {
                throw Error(name, $"is truncated: the {what} ends after {read} bytes, inside the 4-byte magic number");
            }

            var type = (IdxDataType)magic[2];
            int elementSize = ElementSize(type);
            if (elementSize == 0)
            {
                throw Error(name, $"has the unsupported type code 0x{magic[2]:X2}; IDX type codes are 0x08 (unsigned byte), 0x09 (signed byte), 0x0B (int16), 0x0C (int32), 0x0D (float32) and 0x0E (float64)");
            }

            int rank = magic[3];
            if (rank == 0)
            {
                throw Error(name, "has 0 dimensions; an IDX file has at least one");
            }

            Span<byte> header = stackalloc byte[rank * 4];
            read = Decompression.ReadAtMost(stream, header);
            if (read < header.Length)
            {
                throw Error(name, $"is truncated: the {what} ends after {4 + read} bytes, inside the {rank} dimensions of its header");
            }

            var dimensions = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                uint dimension = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(i * 4));
                if (dimension > int.MaxValue)
                {
                    throw Error(name, $"has dimension {i} of {dimension} ({(int)dimension} as a signed integer), too large to be valid");
                }

                dimensions[i] = (int)dimension;
            }

            // Every product in 64 bits: the values of one sample (the dimensions after the first), then all of them. A
            // zero count does not excuse a sample too large for an array ([0, 50000, 50000] has no valid sample size).
            long sampleSize = SampleSize(dimensions);
            if (sampleSize > Array.MaxLength)
            {
                throw Error(name, $"has dimensions {string.Join(" x ", dimensions)}: a sample of {SampleSizeText(dimensions)} values is more than an array can hold (the dimension product overflows)");
            }

            long product = dimensions[0] * sampleSize;
            if (product > Array.MaxLength)
            {
                throw Error(name, $"has dimensions {string.Join(" x ", dimensions)} = {SampleSizeText(dimensions, all: true)} values, more than an array can hold (the dimension product overflows)");
            }

            int count = (int)product;
            long byteCount = (long)count * elementSize;
            long dataStart = 4 + header.Length;
            long remaining = -1;
            if (stream.CanSeek)
            {
                remaining = stream.Length - stream.Position;
                if (remaining < byteCount)
                {
                    throw Error(name, $"is truncated: dimensions {string.Join(" x ", dimensions)} of {type} need {byteCount} data bytes but the {what} has {remaining}");
                }

                if (remaining > byteCount)
                {
                    throw Error(name, $"has {remaining - byteCount} unexpected bytes after the {byteCount} data bytes of its {string.Join(" x ", dimensions)} {type} values");
                }
            }

            if (byteCount > Array.MaxLength)
            {
                throw Error(name, $"has {byteCount} bytes of data, more than this reader can hold in memory");
            }

            // When the stream cannot tell its length, the buffer starts at 64 KiB and doubles as data arrives, so that a
            // header announcing gigabytes in a tiny (or tiny gzip) stream costs memory in proportion to what it sent.
            byte[] data = new byte[remaining >= 0 ? byteCount : Math.Min(byteCount, InitialBuffer)];
            long filled = 0;
            while (filled < byteCount)
            {
                if (filled == data.Length)
                {
                    Array.Resize(ref data, (int)Math.Min(byteCount, (long)data.Length * 2));
                }

                int got = stream.Read(data, (int)filled, data.Length - (int)filled);
                if (got == 0)
                {
                    throw Error(name, $"is truncated: dimensions {string.Join(" x ", dimensions)} of {type} need {byteCount} data bytes but the {what} ends after {filled} (at byte {dataStart + filled})");
                }

                filled += got;
            }

            if (remaining < 0 && stream.ReadByte() >= 0)
            {
                throw Error(name, $"has unexpected bytes after the {byteCount} data bytes of its {string.Join(" x ", dimensions)} {type} values");
            }

            return new RawIdx(type, dimensions, data, count);
        }

        /// <summary>The product of the dimensions after the first (1 for one dimension), in 64 bits, saturating at <see cref="long.MaxValue"/>.</summary>
        internal static long SampleSize(IReadOnlyList<int> dimensions)
        {
            long product = 1;
            bool saturated = false;
            for (int i = 1; i < dimensions.Count; i++)
            {
                if (dimensions[i] == 0)
                {
                    return 0;
                }

                // Each factor is below 2^31; once the product passes Array.MaxLength (below 2^31) it only needs to stay large.
                product = saturated ? product : product * dimensions[i];
                saturated |= product > int.MaxValue;
            }

            return saturated ? long.MaxValue : product;
        }

        private static string SampleSizeText(int[] dimensions, bool all = false)
        {
            var product = BigInteger.One;
            for (int i = all ? 0 : 1; i < dimensions.Length; i++)
            {
                product *= dimensions[i];
            }

            return product.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static float[] ToFloats(RawIdx raw, bool scale, string? name)
        {
            var values = new float[raw.ElementCount];
            ReadOnlySpan<byte> data = raw.Data;
            switch (raw.Type)
            {
                case IdxDataType.UnsignedByte:
                    if (scale)
                    {
                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = data[i] / 255f;
                        }
                    }
                    else
                    {
                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = data[i];
                        }
                    }

                    break;
                case IdxDataType.SignedByte:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (sbyte)data[i];
                    }

                    break;
                case IdxDataType.Int16:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadInt16BigEndian(data.Slice(i * 2));
                    }

                    break;
                case IdxDataType.Int32:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadInt32BigEndian(data.Slice(i * 4));
                    }

                    break;
                case IdxDataType.Single:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadSingleBigEndian(data.Slice(i * 4));
                    }

                    break;
                case IdxDataType.Double:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(data.Slice(i * 8));
                    }

                    break;
                default:
                    throw Error(name, $"has the unsupported type {raw.Type}");
            }

            return values;
        }

        private static int ElementSize(IdxDataType type) => type switch
        {
            IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
            IdxDataType.Int16 => 2,
            IdxDataType.Int32 or IdxDataType.Single => 4,
            IdxDataType.Double => 8,
            _ => 0,
        };

        private static DataFormatException Error(string? name, string problem, Exception? inner = null) =>
            new(name is null ? $"The IDX data {problem}." : $"The IDX file '{name}' {problem}.", name, null, null, inner);
    }
}
