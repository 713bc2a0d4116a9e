using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Compiled.Serialization;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>Model files (format version 2) with non-trainable buffers, and version 1 files next to them.</summary>
    public class ModelFileBufferTests
    {
        private static byte[] Save(INetwork network)
        {
            using var stream = new MemoryStream();
            ModelFile.Save(network, stream);
            return stream.ToArray();
        }

        /// <summary>A BatchNorm network whose parameters and buffers hold NaN payloads, -0, infinities and subnormals.</summary>
        private static FakeNetwork WithSpecialValues()
        {
            FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(1);
            network.WritableParameters[0] = BitConverter.Int32BitsToSingle(0x7FC00001);
            network.WritableParameters[1] = -0f;
            network.WritableBuffers[0] = BitConverter.Int32BitsToSingle(0x7F800001); // signalling NaN
            network.WritableBuffers[1] = -0f;
            network.WritableBuffers[2] = BitConverter.Int32BitsToSingle(1); // smallest subnormal
            network.WritableBuffers[3] = float.NegativeInfinity;
            network.WritableBuffers[6] = 16777216f; // num_batches_tracked = 2^24
            return network;
        }

        private static FakeNetwork BatchNormWithFixtureValues()
        {
            FakeNetwork network = FakeNetwork.TinyBatchNorm();
            for (int k = 0; k < network.ParameterCount; k++)
            {
                network.WritableParameters[k] = FakeNetwork.FixtureValue(k);
            }

            FakeNetwork.BatchNormFixtureBuffers.CopyTo(network.WritableBuffers);
            return network;
        }

        [Fact]
        public void RoundTripIsBitExactForParametersAndBuffers()
        {
            FakeNetwork source = WithSpecialValues();
            FakeNetwork target = FakeNetwork.TinyBatchNorm().Fill(2);
            ModelFile.Load(target, new MemoryStream(Save(source)));
            Assert.Equal(source.ParameterBits(), target.ParameterBits());
            Assert.Equal(source.BufferBits(), target.BufferBits());

            // Through a file, a stream that cannot seek, and ReadInfo.
            using var folder = new TempFolder();
            string path = folder.File("bn.cmpl");
            ModelFile.Save(source, path);
            FakeNetwork fromFile = FakeNetwork.TinyBatchNorm().Fill(3);
            ModelFile.Load(fromFile, path);
            Assert.Equal(source.BufferBits(), fromFile.BufferBits());
            FakeNetwork fromStream = FakeNetwork.TinyBatchNorm().Fill(4);
            ModelFile.Load(fromStream, new NonSeekableStream(File.ReadAllBytes(path)));
            Assert.Equal(source.ParameterBits(), fromStream.ParameterBits());
            Assert.Equal(source.BufferBits(), fromStream.BufferBits());

            ModelFileInfo info = ModelFile.ReadInfo(path);
            Assert.Equal(2u, info.FormatVersion);
            Assert.Equal(32, info.ParameterCount);
            Assert.Equal(7, info.BufferCount);
            Assert.Equal(new FileInfo(path).Length, info.Length);
            Assert.Contains("7 buffer values", info.ToString());
        }

        [Fact]
        public void LoadingWritesThroughOneParameterEditAndOneBufferEdit()
        {
            byte[] bytes = Save(FakeNetwork.TinyBatchNorm().Fill(5));
            FakeNetwork target = FakeNetwork.TinyBatchNorm().Fill(6);
            long version = target.ParameterVersion;
            ModelFile.Load(target, new MemoryStream(bytes));
            Assert.Equal(1, target.ParameterEdits);
            Assert.Equal(1, target.BufferEdits);
            Assert.True(target.ParameterVersion > version);

            // A network without buffers opens no buffer edit.
            FakeNetwork plain = FakeNetwork.Tiny();
            ModelFile.Load(plain, new MemoryStream(Save(FakeNetwork.Tiny().Fill(7))));
            Assert.Equal((1, 0), (plain.ParameterEdits, plain.BufferEdits));
        }

        [Fact]
        public void LayoutFollowsTheDocumentedVersion2Format()
        {
            FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(8);
            byte[] bytes = Save(network);
            byte[] architecture = Encoding.UTF8.GetBytes(network.Architecture);
            int l = architecture.Length, n = network.ParameterCount, m = network.Buffers.Length;
            Assert.Equal(32 + l + (4 * n) + (4 * m), bytes.Length);
            Assert.Equal("CMPL"u8.ToArray(), bytes[..4]);
            Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
            Assert.Equal((uint)l, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            Assert.Equal(architecture, bytes[12..(12 + l)]);
            Assert.Equal((long)n, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12 + l)));
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(network.Parameters[i]), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20 + l + (4 * i))));
            }

            Assert.Equal((long)m, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(20 + l + (4 * n))));
            for (int i = 0; i < m; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(network.Buffers[i]), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(28 + l + (4 * n) + (4 * i))));
            }

            Assert.Equal(Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
        }

        [Fact]
        public void MatchesTheIndependentPythonWriter()
        {
            string path = TempFolder.Fixture("model", "tiny_batchnorm.cmpl");
            FakeNetwork expected = BatchNormWithFixtureValues();
            Assert.Equal(File.ReadAllBytes(path), Save(expected));
            FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(9);
            ModelFile.Load(network, path);
            Assert.Equal(expected.ParameterBits(), network.ParameterBits());
            Assert.Equal(expected.BufferBits(), network.BufferBits());
        }

        [Fact]
        public void AVersion1FileIsRefusedByANetworkWithBuffers()
        {
            // A version 1 file of the same architecture (as another tool could write it): parameters, no buffers.
            FakeNetwork source = FakeNetwork.TinyBatchNorm().Fill(10);
            byte[] v2 = Save(source);
            byte[] v1 = Version1Of(v2, source);
            Assert.Equal(1u, ModelFile.ReadInfo(new MemoryStream(v1)).FormatVersion);
            Assert.Equal(0, ModelFile.ReadInfo(new MemoryStream(v1)).BufferCount);

            ModelFileException exception = ModelFileTests.LoadFails(FakeNetwork.TinyBatchNorm().Fill(11), v1, ModelFileError.BufferCountMismatch);
            Assert.Contains("version 1", exception.Message);
            Assert.Contains("7 buffer values", exception.Message);
            Assert.Contains("'1.running_mean'", exception.Message);
            Assert.Contains(FakeNetwork.BatchNormArchitecture, exception.Message);

            // The same file loads into a network of that architecture without buffers.
            var noBuffers = new FakeNetwork(FakeNetwork.BatchNormArchitecture, FakeNetwork.TinyBatchNorm().ParameterTensors.Select(t => (t.Name, t.Shape.ToArray())).ToArray());
            ModelFile.Load(noBuffers, new MemoryStream(v1));
            Assert.Equal(source.ParameterBits(), noBuffers.ParameterBits());
        }

        [Fact]
        public void BufferCountMismatchesFailWithBothCountsAndTouchNothing()
        {
            // The file has 7 buffer values; the network of the same architecture and parameters has none, or 4.
            byte[] bytes = Save(FakeNetwork.TinyBatchNorm().Fill(12));
            var parameters = FakeNetwork.TinyBatchNorm().ParameterTensors.Select(t => (t.Name, t.Shape.ToArray())).ToArray();
            var none = new FakeNetwork(FakeNetwork.BatchNormArchitecture, parameters).Fill(13);
            ModelFileException exception = ModelFileTests.LoadFails(none, bytes, ModelFileError.BufferCountMismatch);
            Assert.Contains("7 buffer values", exception.Message);
            Assert.Contains("has 0", exception.Message);

            var fewer = new FakeNetwork(FakeNetwork.BatchNormArchitecture, parameters).WithBuffers(("1.running_mean", new[] { 4 })).Fill(14);
            exception = ModelFileTests.LoadFails(fewer, bytes, ModelFileError.BufferCountMismatch);
            Assert.Contains("has 4", exception.Message);

            // And the other way round: a file without buffers into the network with 7.
            var empty = new FakeNetwork(FakeNetwork.BatchNormArchitecture, parameters).Fill(15);
            ModelFileTests.LoadFails(FakeNetwork.TinyBatchNorm().Fill(16), Save(empty), ModelFileError.BufferCountMismatch);

            // The architecture and the parameter count are checked first.
            ModelFileTests.LoadFails(FakeNetwork.TinyBatchNorm("Input(5) -> Dense(3) -> BatchNorm() -> Tanh -> Dense(2, Softmax)").Fill(17), bytes, ModelFileError.ArchitectureMismatch);
        }

        [Fact]
        public void CorruptBufferSectionsFailBeforeAnythingIsWritten()
        {
            FakeNetwork source = FakeNetwork.TinyBatchNorm().Fill(18);
            byte[] bytes = Save(source);
            int countAt = 20 + Encoding.UTF8.GetByteCount(source.Architecture) + (4 * source.ParameterCount);
            FakeNetwork target = FakeNetwork.TinyBatchNorm().Fill(19);

            foreach (long count in new[] { -1L, long.MinValue, (long)Array.MaxLength + 1, long.MaxValue })
            {
                byte[] corrupt = (byte[])bytes.Clone();
                BinaryPrimitives.WriteInt64LittleEndian(corrupt.AsSpan(countAt), count);
                Assert.Contains("buffer values", ModelFileTests.LoadFails(target, corrupt, ModelFileError.MalformedHeader).Message);
            }

            // A count larger than the data: truncated (seekable) or truncated/corrupt (not seekable); never a partial load.
            byte[] larger = (byte[])bytes.Clone();
            BinaryPrimitives.WriteInt64LittleEndian(larger.AsSpan(countAt), 1000);
            Assert.Contains("buffers", ModelFileTests.LoadFails(target, larger, ModelFileError.Truncated).Message);
            int[] before = target.ParameterBits(), buffers = target.BufferBits();
            Assert.Throws<ModelFileException>(() => ModelFile.Load(target, new NonSeekableStream(larger)));
            Assert.Equal(before, target.ParameterBits());
            Assert.Equal(buffers, target.BufferBits());

            // A smaller count with a recomputed CRC: the stream then holds trailing bytes, and the network 7 values.
            byte[] smaller = bytes[..(countAt + 8 + 8)];
            BinaryPrimitives.WriteInt64LittleEndian(smaller.AsSpan(countAt), 2);
            smaller = smaller.Concat(BitConverter.GetBytes(Crc32.Compute(smaller))).ToArray();
            Assert.Equal(2, ModelFile.ReadInfo(new MemoryStream(smaller)).BufferCount);
            ModelFileTests.LoadFails(target, smaller, ModelFileError.BufferCountMismatch);

            using var folder = new TempFolder();
            string path = folder.File("trailing.cmpl");
            File.WriteAllBytes(path, bytes.Concat(new byte[] { 1, 2, 3 }).ToArray());
            ModelFileException trailing = Assert.Throws<ModelFileException>(() => ModelFile.Load(target, path));
            Assert.Equal(ModelFileError.TrailingData, trailing.Error);
            Assert.Contains("3 unexpected bytes", trailing.Message);
            Assert.Equal(before, target.ParameterBits());
            Assert.Equal(buffers, target.BufferBits());
        }

        /// <summary>The version 1 record of the same parameters: no buffer section, version 1, CRC recomputed.</summary>
        private static byte[] Version1Of(byte[] v2, INetwork network)
        {
            int parametersEnd = 20 + Encoding.UTF8.GetByteCount(network.Architecture) + (4 * network.ParameterCount);
            byte[] body = v2[..parametersEnd];
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), 1);
            return body.Concat(BitConverter.GetBytes(Crc32.Compute(body))).ToArray();
        }
    }
}
