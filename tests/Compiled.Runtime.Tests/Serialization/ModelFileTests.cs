using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Compiled.Serialization;

namespace Compiled.Runtime.Tests.Serialization
{
    public class ModelFileTests
    {
        private static readonly int[] SpecialBits =
        {
            0x7FC00001, // quiet NaN with a payload
            unchecked((int)0xFFBADBAD), // negative quiet NaN with a payload
            0x7F800001, // signalling NaN
            unchecked((int)0x80000000), // -0
            0x00000001, // smallest subnormal
            unchecked((int)0x807FFFFF), // largest negative subnormal
            0x7F800000, // +inf
            unchecked((int)0xFF800000), // -inf
            0x7F7FFFFF, // float.MaxValue
        };

        private static FakeNetwork WithSpecialValues()
        {
            FakeNetwork network = FakeNetwork.Tiny().Fill(1);
            for (int i = 0; i < SpecialBits.Length; i++)
            {
                network.WritableParameters[i * 2] = BitConverter.Int32BitsToSingle(SpecialBits[i]);
            }

            return network;
        }

        private static byte[] Save(INetwork network)
        {
            using var stream = new MemoryStream();
            ModelFile.Save(network, stream);
            return stream.ToArray();
        }

        /// <summary>The networks the generic tests run on: without buffers (every generated network today) and with BatchNorm-like buffers.</summary>
        public static TheoryData<string> Networks => new() { "tiny", "batchnorm" };

        internal static FakeNetwork Create(string kind) => kind == "batchnorm" ? FakeNetwork.TinyBatchNorm() : FakeNetwork.Tiny();

        /// <summary>The byte ranges a flip in must fail the checksum: the signature, the parameters, the buffers and the CRC itself.</summary>
        internal static bool IsChecksummedPayload(FakeNetwork network, int i, int length)
        {
            int architectureEnd = 12 + Encoding.UTF8.GetByteCount(network.Architecture);
            int parametersEnd = architectureEnd + 8 + (4 * network.ParameterCount);
            return (i >= 12 && i < architectureEnd) || (i >= architectureEnd + 8 && i < parametersEnd) || (i >= parametersEnd + 8 && i < length);
        }

        internal static ModelFileException LoadFails(FakeNetwork target, byte[] bytes, ModelFileError? expected = null)
        {
            int[] before = target.ParameterBits();
            int[] buffersBefore = target.BufferBits();
            int edits = target.ParameterEdits + target.BufferEdits;
            var exception = Assert.Throws<ModelFileException>(() => ModelFile.Load(target, new MemoryStream(bytes)));
            if (expected is not null)
            {
                Assert.True(expected == exception.Error, $"Expected {expected} but got {exception.Error}: {exception.Message}");
            }

            Assert.Equal(before, target.ParameterBits());
            Assert.Equal(buffersBefore, target.BufferBits());
            Assert.Equal(edits, target.ParameterEdits + target.BufferEdits);
            return exception;
        }

        [Fact]
        public void Crc32MatchesTheStandardCheckValue()
        {
            Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
            Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
            byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
            var incremental = default(Crc32);
            incremental.Append(data.AsSpan(0, 3));
            incremental.Append(data.AsSpan(3, 500));
            incremental.Append(data.AsSpan(503));
            Assert.Equal(Crc32.Compute(data), incremental.Value);
            Assert.Equal(0x414FA339u, Crc32.Compute("The quick brown fox jumps over the lazy dog"u8));
        }

        [Fact]
        public void RoundTripIsBitExactIncludingNaNPayloadsAndNegativeZero()
        {
            FakeNetwork source = WithSpecialValues();
            byte[] bytes = Save(source);
            FakeNetwork target = FakeNetwork.Tiny().Fill(2);
            ModelFile.Load(target, new MemoryStream(bytes));
            Assert.Equal(source.ParameterBits(), target.ParameterBits());
            Assert.Equal(unchecked((int)0x80000000), BitConverter.SingleToInt32Bits(target.Parameters[6]));
            Assert.Equal(0x7F800001, BitConverter.SingleToInt32Bits(target.Parameters[4]));
        }

        [Fact]
        public void RoundTripThroughAFileAndReadInfo()
        {
            using var folder = new TempFolder();
            string path = folder.File("model.cmpl");
            FakeNetwork source = WithSpecialValues();
            ModelFile.Save(source, path);
            FakeNetwork target = FakeNetwork.Tiny().Fill(3);
            ModelFile.Load(target, path);
            Assert.Equal(source.ParameterBits(), target.ParameterBits());

            ModelFileInfo info = ModelFile.ReadInfo(path);
            Assert.Equal(FakeNetwork.TinyArchitecture, info.Architecture);
            Assert.Equal(26, info.ParameterCount);
            Assert.Equal(2u, info.FormatVersion);
            Assert.Equal(ModelFile.FormatVersion, info.FormatVersion);
            Assert.Equal(0, info.BufferCount);
            Assert.Equal(new FileInfo(path).Length, info.Length);
            Assert.Single(Directory.GetFiles(folder.Path));
        }

        [Fact]
        public void LayoutFollowsTheDocumentedFormat()
        {
            FakeNetwork network = FakeNetwork.Tiny("Input(5) -> Dense(3, ReLU) -> Dense(2, Softmax) é").Fill(4);
            byte[] bytes = Save(network);
            byte[] architecture = Encoding.UTF8.GetBytes(network.Architecture);
            Assert.Equal(32 + architecture.Length + (4 * 26), bytes.Length);
            Assert.Equal("CMPL"u8.ToArray(), bytes[..4]);
            Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
            Assert.Equal((uint)architecture.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            Assert.Equal(architecture, bytes[12..(12 + architecture.Length)]);
            int at = 12 + architecture.Length;
            Assert.Equal(26L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)));
            for (int i = 0; i < 26; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(network.Parameters[i]), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 8 + (4 * i))));
            }

            Assert.Equal(0L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 8 + (4 * 26)))); // no buffers
            Assert.Equal(Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
        }

        [Fact]
        public void LoadsFilesWrittenByTheIndependentPythonWriterInBothVersions()
        {
            // Version 1 (written before buffers existed) still loads bit for bit into a network without buffers.
            string v1 = TempFolder.Fixture("model", "tiny.cmpl");
            FakeNetwork network = FakeNetwork.Tiny().Fill(5);
            ModelFile.Load(network, v1);
            Assert.Equal(FakeNetwork.TinyWithFixtureValues().ParameterBits(), network.ParameterBits());
            Assert.Equal(1u, ModelFile.ReadInfo(v1).FormatVersion);
            Assert.Equal(175, ModelFile.ReadInfo(v1).Length);

            // Save writes version 2: the same bytes as the Python writer, with an empty buffer section.
            string v2 = TempFolder.Fixture("model", "tiny_v2.cmpl");
            Assert.Equal(File.ReadAllBytes(v2), Save(FakeNetwork.TinyWithFixtureValues()));
            FakeNetwork again = FakeNetwork.Tiny().Fill(6);
            ModelFile.Load(again, v2);
            Assert.Equal(network.ParameterBits(), again.ParameterBits());
        }

        [Fact]
        public void WrongArchitectureNamesBothArchitecturesAndLeavesParametersUntouched()
        {
            byte[] bytes = Save(FakeNetwork.Tiny().Fill(6));
            FakeNetwork other = FakeNetwork.Tiny("Input(5) -> Dense(3, Tanh) -> Dense(2, Softmax)").Fill(7);
            ModelFileException exception = LoadFails(other, bytes, ModelFileError.ArchitectureMismatch);
            Assert.Contains(FakeNetwork.TinyArchitecture, exception.Message);
            Assert.Contains(other.Architecture, exception.Message);

            var bigger = new FakeNetwork("Input(5) -> Dense(4)", ("0.weight", new[] { 4, 5 }), ("0.bias", new[] { 4 })).Fill(8);
            exception = LoadFails(bigger, bytes, ModelFileError.ArchitectureMismatch);
            Assert.Contains("Input(5) -> Dense(4)", exception.Message);
        }

        [Fact]
        public void WrongParameterCountFails()
        {
            byte[] bytes = Save(FakeNetwork.Tiny().Fill(9));
            var network = new FakeNetwork(FakeNetwork.TinyArchitecture, ("0.weight", new[] { 3, 5 }), ("0.bias", new[] { 3 })).Fill(10);
            ModelFileException exception = LoadFails(network, bytes, ModelFileError.ParameterCountMismatch);
            Assert.Contains("26", exception.Message);
            Assert.Contains("18", exception.Message);
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void EveryTruncationFailsAsTruncated(string kind)
        {
            byte[] bytes = Save(Create(kind).Fill(11));
            FakeNetwork target = Create(kind).Fill(12);
            for (int length = 0; length < bytes.Length; length++)
            {
                byte[] cut = bytes[..length];
                LoadFails(target, cut, ModelFileError.Truncated);
                int[] before = target.ParameterBits(), buffers = target.BufferBits();
                var exception = Assert.Throws<ModelFileException>(() => ModelFile.Load(target, new NonSeekableStream(cut)));
                Assert.Equal(ModelFileError.Truncated, exception.Error);
                Assert.Equal(before, target.ParameterBits());
                Assert.Equal(buffers, target.BufferBits());
            }
        }

        [Fact]
        public void TruncatedAndEmptyFilesNameTheFile()
        {
            using var folder = new TempFolder();
            byte[] bytes = Save(FakeNetwork.Tiny().Fill(13));
            FakeNetwork target = FakeNetwork.Tiny().Fill(14);
            int[] before = target.ParameterBits();
            foreach (int length in new[] { 0, 2, 7, 30, 64, bytes.Length - 1 })
            {
                string path = folder.File($"cut{length}.cmpl");
                File.WriteAllBytes(path, bytes[..length]);
                var exception = Assert.Throws<ModelFileException>(() => ModelFile.Load(target, path));
                Assert.Equal(ModelFileError.Truncated, exception.Error);
                Assert.Equal(path, exception.FilePath);
                Assert.Contains(path, exception.Message);
                Assert.Contains(length == 0 ? "empty" : "truncated", exception.Message);
                Assert.Equal(before, target.ParameterBits());
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void EveryFlippedByteIsDetectedAndParameterBytesFailTheChecksum(string kind)
        {
            byte[] bytes = Save(Create(kind).Fill(15));
            FakeNetwork target = Create(kind).Fill(16);
            for (int i = 0; i < bytes.Length; i++)
            {
                foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
                {
                    byte[] corrupt = (byte[])bytes.Clone();
                    corrupt[i] ^= mask;
                    ModelFileException exception = LoadFails(target, corrupt);
                    if (IsChecksummedPayload(target, i, bytes.Length))
                    {
                        Assert.True(exception.Error == ModelFileError.ChecksumMismatch, $"byte {i}: {exception.Error}: {exception.Message}");
                    }
                }
            }
        }

        [Fact]
        public void BadMagicUnknownVersionAndTrailingDataFail()
        {
            byte[] bytes = Save(FakeNetwork.Tiny().Fill(17));
            FakeNetwork target = FakeNetwork.Tiny().Fill(18);

            byte[] magic = (byte[])bytes.Clone();
            magic[0] = (byte)'X';
            Assert.Contains("CMPL", LoadFails(target, magic, ModelFileError.BadMagic).Message);
            LoadFails(target, "PK\x03\x04 not a model at all"u8.ToArray(), ModelFileError.BadMagic);
            LoadFails(target, "CM"u8.ToArray(), ModelFileError.Truncated);
            LoadFails(target, "CX"u8.ToArray(), ModelFileError.BadMagic);

            byte[] version = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(version.AsSpan(4), 3);
            ModelFileException exception = LoadFails(target, version, ModelFileError.UnsupportedVersion);
            Assert.Contains("version 3", exception.Message);
            Assert.Contains("versions 1 to 2", exception.Message);
            BinaryPrimitives.WriteUInt32LittleEndian(version.AsSpan(4), 0);
            Assert.Contains("version 0", LoadFails(target, version, ModelFileError.UnsupportedVersion).Message);

            byte[] hugeArchitecture = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(hugeArchitecture.AsSpan(8), uint.MaxValue);
            LoadFails(target, hugeArchitecture, ModelFileError.MalformedHeader);

            byte[] negativeCount = (byte[])bytes.Clone();
            BinaryPrimitives.WriteInt64LittleEndian(negativeCount.AsSpan(12 + FakeNetwork.TinyArchitecture.Length), -1);
            LoadFails(target, negativeCount, ModelFileError.MalformedHeader);

            using var folder = new TempFolder();
            string path = folder.File("trailing.cmpl");
            File.WriteAllBytes(path, bytes.Concat(new byte[] { 0 }).ToArray());
            int[] before = target.ParameterBits();
            Assert.Equal(ModelFileError.TrailingData, Assert.Throws<ModelFileException>(() => ModelFile.Load(target, path)).Error);
            Assert.Equal(before, target.ParameterBits());

            // A stream may hold more after the model: Load(Stream) stops right after the checksum.
            var stream = new MemoryStream(bytes.Concat(new byte[] { 42 }).ToArray());
            ModelFile.Load(target, stream);
            Assert.Equal(bytes.Length, stream.Position);
        }

        [Fact]
        public void AFailedSaveLeavesTheTargetAndNoTemporaryFile()
        {
            using var folder = new TempFolder();
            string path = folder.File("model.cmpl");
            FakeNetwork original = FakeNetwork.Tiny().Fill(19);
            ModelFile.Save(original, path);
            byte[] before = File.ReadAllBytes(path);

            FakeNetwork changed = FakeNetwork.Tiny().Fill(20);
            foreach (long failAfter in new long[] { 0, 10, 70, before.Length - 1 })
            {
                var exception = Assert.Throws<IOException>(() => ModelFile.Save(changed, path, stream => new FailingStream(stream, failAfter)));
                Assert.Contains("Injected", exception.Message);
                Assert.Equal(before, File.ReadAllBytes(path));
                Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
            }

            string fresh = folder.File("fresh.cmpl");
            Assert.Throws<IOException>(() => ModelFile.Save(changed, fresh, stream => new FailingStream(stream, 40)));
            Assert.False(File.Exists(fresh));
            Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));

            ModelFile.Save(changed, path);
            Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
            FakeNetwork loaded = FakeNetwork.Tiny();
            ModelFile.Load(loaded, path);
            Assert.Equal(changed.ParameterBits(), loaded.ParameterBits());
        }

        [Fact]
        public void BigEndianHostPathProducesTheSameBytes()
        {
            float[] values = WithSpecialValues().Parameters.ToArray();
            byte[] fast = new byte[values.Length * 4], portable = new byte[values.Length * 4];
            ModelFile.WriteLittleEndian(values, fast);
            ModelFile.WriteLittleEndianPortable(values, portable);
            Assert.Equal(fast, portable);
            Assert.Equal(new byte[] { 0x01, 0x00, 0xC0, 0x7F }, portable[..4]);

            float[] back = new float[values.Length];
            ModelFile.ReadLittleEndianPortable(portable, back);
            Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
        }

        [Fact]
        public void LargeNetworksCrossChunkBoundaries()
        {
            var network = new FakeNetwork("Input(300) -> Dense(100)", ("0.weight", new[] { 100, 300 }), ("0.bias", new[] { 100 })).Fill(21);
            byte[] bytes = Save(network);
            var target = new FakeNetwork("Input(300) -> Dense(100)", ("0.weight", new[] { 100, 300 }), ("0.bias", new[] { 100 }));
            ModelFile.Load(target, new NonSeekableStream(bytes));
            Assert.Equal(network.ParameterBits(), target.ParameterBits());
            bytes[bytes.Length / 2] ^= 4;
            LoadFails(target.Fill(22), bytes, ModelFileError.ChecksumMismatch);
        }
    }
}
