using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Compiled.Serialization;

namespace Compiled.Runtime.Tests.Serialization
{
    public class SafeTensorsTests
    {
        /// <summary>Builds a safetensors file from a raw JSON header (padded to 8 bytes) and raw data.</summary>
        private static byte[] Build(string json, byte[] data, bool pad = true)
        {
            byte[] header = Encoding.UTF8.GetBytes(json);
            int padding = pad ? (8 - (header.Length % 8)) % 8 : 0;
            var bytes = new byte[8 + header.Length + padding + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(header.Length + padding));
            header.CopyTo(bytes, 8);
            bytes.AsSpan(8 + header.Length, padding).Fill((byte)' ');
            data.CopyTo(bytes, 8 + header.Length + padding);
            return bytes;
        }

        private static byte[] Floats(int count, float start = 0.5f) =>
            Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes(start + i)).ToArray();

        /// <summary>A valid header for the tiny network in state_dict order, with the given per-tensor overrides.</summary>
        private static string TinyHeader(Func<string, string>? edit = null)
        {
            string Entry(string name, string shape, int begin, int end) =>
                $"\"{name}\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";
            string json = "{" + string.Join(",", Entry("0.weight", "[3,5]", 0, 60), Entry("0.bias", "[3]", 60, 72), Entry("2.weight", "[2,3]", 72, 96), Entry("2.bias", "[2]", 96, 104)) + "}";
            return edit is null ? json : edit(json);
        }

        private static byte[] Export(INetwork network, IReadOnlyDictionary<string, string>? metadata = null)
        {
            using var stream = new MemoryStream();
            SafeTensors.Export(network, stream, metadata);
            return stream.ToArray();
        }

        private static ModelFileException ImportFails(byte[] bytes, ModelFileError expected, SafeTensorsImportOptions? options = null, FakeNetwork? network = null, bool alsoNonSeekable = true)
        {
            network ??= FakeNetwork.Tiny().Fill(100);
            int[] before = network.ParameterBits();
            var exception = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, new MemoryStream(bytes), options));
            Assert.True(expected == exception.Error, $"Expected {expected} but got {exception.Error}: {exception.Message}");
            Assert.Equal(before, network.ParameterBits());

            if (!alsoNonSeekable)
            {
                return exception;
            }

            // The same through a stream that cannot seek (nor tell its length).
            var again = Record.Exception(() => SafeTensors.Import(network, new NonSeekableStream(bytes), options));
            Assert.IsType<ModelFileException>(again);
            Assert.Equal(before, network.ParameterBits());
            return exception;
        }

        [Fact]
        public void ExportWritesTheSpecifiedLayout()
        {
            FakeNetwork network = FakeNetwork.Tiny().Fill(1);
            byte[] bytes = Export(network, new Dictionary<string, string> { ["epoch"] = "3" });
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0UL, headerLength % 8);
            Assert.Equal(8 + (long)headerLength + (26 * 4), bytes.Length);
            string json = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
            Assert.StartsWith("{\"__metadata__\":", json);
            Assert.Contains("->", json);
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            Assert.Equal(FakeNetwork.TinyArchitecture, root.GetProperty("__metadata__").GetProperty("architecture").GetString());
            Assert.Equal("pt", root.GetProperty("__metadata__").GetProperty("format").GetString());
            Assert.Equal("3", root.GetProperty("__metadata__").GetProperty("epoch").GetString());
            Assert.Equal(new[] { "__metadata__", "0.weight", "0.bias", "2.weight", "2.bias" }, root.EnumerateObject().Select(p => p.Name));
            int dataStart = 8 + (int)headerLength;
            foreach (ParameterTensor tensor in network.ParameterTensors)
            {
                JsonElement entry = root.GetProperty(tensor.Name);
                Assert.Equal("F32", entry.GetProperty("dtype").GetString());
                Assert.Equal(tensor.Shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
                long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                Assert.Equal(new long[] { tensor.Offset * 4, (tensor.Offset + tensor.Length) * 4 }, offsets);
                for (int i = 0; i < tensor.Length; i++)
                {
                    float stored = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + (int)offsets[0] + (4 * i)));
                    Assert.Equal(BitConverter.SingleToInt32Bits(network.Parameters[tensor.Offset + i]), BitConverter.SingleToInt32Bits(stored));
                }
            }
        }

        [Fact]
        public void RoundTripIsBitExact()
        {
            using var folder = new TempFolder();
            FakeNetwork source = FakeNetwork.Tiny().Fill(2);
            source.WritableParameters[0] = BitConverter.Int32BitsToSingle(0x7FC0BEEF);
            source.WritableParameters[1] = -0f;
            string path = folder.File("tiny.safetensors");
            SafeTensors.Export(source, path);
            FakeNetwork target = FakeNetwork.Tiny().Fill(3);
            SafeTensors.Import(target, path);
            Assert.Equal(source.ParameterBits(), target.ParameterBits());
            Assert.Single(Directory.GetFiles(folder.Path));

            SafeTensorsHeader header = SafeTensors.ReadHeader(path);
            Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, header.Tensors.Select(t => t.Name));
            Assert.Equal(new long[] { 3, 5 }, header.Tensors[0].Shape);
            Assert.Equal(104, header.DataLength);
            Assert.Equal(FakeNetwork.TinyArchitecture, header.Metadata["architecture"]);

            FakeNetwork viaStream = FakeNetwork.Tiny().Fill(4);
            SafeTensors.Import(viaStream, new NonSeekableStream(File.ReadAllBytes(path)));
            Assert.Equal(source.ParameterBits(), viaStream.ParameterBits());
        }

        [Fact]
        public void ImportsAStateDictInTheReferenceWritersLayout()
        {
            // Written by make_fixtures.py from a torch.nn.Sequential state_dict, tensors sorted by name like the
            // `safetensors` package does (0.bias before 0.weight).
            string path = TempFolder.Fixture("safetensors", "tiny_reference_layout.safetensors");
            Assert.Equal(new[] { "0.bias", "0.weight", "2.bias", "2.weight" }, SafeTensors.ReadHeader(path).Tensors.Select(t => t.Name));
            FakeNetwork network = FakeNetwork.Tiny().Fill(5);
            SafeTensors.Import(network, path);
            Assert.Equal(FakeNetwork.TinyWithFixtureValues().ParameterBits(), network.ParameterBits());
        }

        [Fact]
        public void ImportsMixedDTypesWithAPrefixIgnoringUnusedTensorsWhenAsked()
        {
            string path = TempFolder.Fixture("safetensors", "tiny_prefixed_mixed.safetensors");
            SafeTensorsHeader header = SafeTensors.ReadHeader(path);
            Assert.Equal(new[] { "F64", "I64", "F32", "BF16", "F16" }.OrderBy(x => x), header.Tensors.Select(t => t.DataType).OrderBy(x => x));

            FakeNetwork network = FakeNetwork.Tiny().Fill(6);
            int[] before = network.ParameterBits();
            var missing = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, path));
            Assert.Equal(ModelFileError.MissingTensor, missing.Error);
            Assert.Equal("0.weight", missing.TensorName);
            Assert.Contains(path, missing.Message);
            Assert.Contains("model.0.weight", missing.Message);

            var unused = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, path, new SafeTensorsImportOptions { StripPrefix = "model." }));
            Assert.Equal(ModelFileError.UnusedTensor, unused.Error);
            Assert.Equal("model.num_batches_tracked", unused.TensorName);
            Assert.Equal(before, network.ParameterBits());

            SafeTensors.Import(network, path, new SafeTensorsImportOptions { StripPrefix = "model.", IgnoreUnusedTensors = true });
            Assert.Equal(FakeNetwork.TinyWithFixtureValues().ParameterBits(), network.ParameterBits());
        }

        [Fact]
        public void MatchesByOrderWhenNamesDiffer()
        {
            string path = TempFolder.Fixture("safetensors", "tiny_renamed.safetensors");
            FakeNetwork network = FakeNetwork.Tiny().Fill(7);
            Assert.Equal(ModelFileError.MissingTensor, Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, path)).Error);
            SafeTensors.Import(network, path, new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
            Assert.Equal(FakeNetwork.TinyWithFixtureValues().ParameterBits(), network.ParameterBits());

            // By order, the reference layout (0.bias before 0.weight in the data) is paired layer by layer, weight first.
            FakeNetwork sorted = FakeNetwork.Tiny().Fill(8);
            SafeTensors.Import(sorted, TempFolder.Fixture("safetensors", "tiny_reference_layout.safetensors"), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
            Assert.Equal(FakeNetwork.TinyWithFixtureValues().ParameterBits(), sorted.ParameterBits());

            // Shapes must still agree.
            ModelFileException exception = ImportFails(File.ReadAllBytes(path), ModelFileError.ShapeMismatch, new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder }, new FakeNetwork("x", ("a", new[] { 5, 3 }), ("b", new[] { 3 }), ("c", new[] { 2, 3 }), ("d", new[] { 2 })).Fill(1));
            Assert.Equal("a", exception.TensorName);
            Assert.Contains("[3, 5]", exception.Message);
            Assert.Contains("[5, 3]", exception.Message);

            var smaller = new FakeNetwork("x", ("a", new[] { 3, 5 }), ("b", new[] { 3 }));
            ImportFails(File.ReadAllBytes(path), ModelFileError.UnusedTensor, new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder }, smaller.Fill(1));
            var larger = FakeNetwork.Tiny();
            byte[] three = Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[3,5],\"data_offsets\":[0,60]}}", Floats(15));
            Assert.Equal("0.bias", ImportFails(three, ModelFileError.MissingTensor, new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder }, larger).TensorName);
        }

        [Fact]
        public void AValidHandWrittenHeaderLoads()
        {
            FakeNetwork network = FakeNetwork.Tiny();
            SafeTensors.Import(network, new MemoryStream(Build(TinyHeader(), Floats(26))));
            Assert.Equal(0.5f, network.Parameters[0]);
            Assert.Equal(25.5f, network.Parameters[25]);
            // Unpadded headers, extra keys and whitespace are fine too.
            string spaced = TinyHeader(j => j.Replace(",\"data_offsets\"", ", \"extra\": {\"x\": [1, 2]}, \"data_offsets\"").Replace("{\"0.weight\"", "{ \n\"0.weight\""));
            SafeTensors.Import(network, new MemoryStream(Build(spaced, Floats(26, 1.5f), pad: false)));
            Assert.Equal(1.5f, network.Parameters[0]);
        }

        [Fact]
        public void MalformedFilesFailWithClearErrors()
        {
            byte[] data = Floats(26);
            Assert.Contains("empty", ImportFails(Array.Empty<byte>(), ModelFileError.Truncated).Message);
            ImportFails(new byte[] { 1, 2, 3 }, ModelFileError.Truncated);

            // Header length beyond the file, absurdly large, or too small.
            byte[] good = Build(TinyHeader(), data);
            byte[] longHeader = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(longHeader, (ulong)good.Length);
            Assert.IsType<ModelFileException>(Record.Exception(() => SafeTensors.Import(FakeNetwork.Tiny(), new MemoryStream(longHeader))));
            Assert.Equal(ModelFileError.MalformedHeader, Assert.Throws<ModelFileException>(() => SafeTensors.Import(FakeNetwork.Tiny(), new MemoryStream(longHeader))).Error);
            byte[] huge = (byte[])good.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
            Assert.Contains("header", ImportFails(huge, ModelFileError.MalformedHeader).Message);
            ImportFails(Build("{", Array.Empty<byte>(), pad: false), ModelFileError.MalformedHeader);

            // Not JSON, not an object, bad UTF-8, data after the object.
            ImportFails(Build("[1, 2]", data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("}}", "}")), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j + " {}"), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("\"F32\"", "F32")), data), ModelFileError.MalformedHeader);
            byte[] badUtf8 = Build(TinyHeader(j => j.Replace("0.bias", "0.bia\u00e9")), data);
            badUtf8[Array.IndexOf(badUtf8, (byte)0xC3)] = 0xFF;
            ImportFails(badUtf8, ModelFileError.MalformedHeader);

            // Tensor entries.
            ModelFileException exception = ImportFails(Build(TinyHeader(j => j.Replace("[60,72]", "[50,62]")), data), ModelFileError.MalformedHeader);
            Assert.Contains("overlaps", exception.Message);
            Assert.Contains("0.bias", exception.Message);
            exception = ImportFails(Build(TinyHeader(j => j.Replace("[60,72]", "[64,76]").Replace("[72,96]", "[76,100]").Replace("[96,104]", "[100,108]")), Floats(27)), ModelFileError.MalformedHeader);
            Assert.Contains("[60, 64)", exception.Message);
            exception = ImportFails(Build(TinyHeader(j => j.Replace("[96,104]", "[96,112]").Replace("\"shape\":[2]", "\"shape\":[4]")), data), ModelFileError.Truncated);
            Assert.Equal("2.bias", exception.TensorName);
            exception = ImportFails(Build(TinyHeader(j => j.Replace("[60,72]", "[60,68]")), data), ModelFileError.MalformedHeader);
            Assert.Contains("0.bias", exception.Message);
            ImportFails(Build(TinyHeader(j => j.Replace("[60,72]", "[72,60]")), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("[60,72]", "[60,72,84]")), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("[60,72]", "[-4,72]")), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("\"shape\":[3]", "\"shape\":[3.5]")), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"shape\":[3]")), data), ModelFileError.MalformedHeader);
            ImportFails(Build(TinyHeader(j => j.Replace("\"0.bias\"", "\"0.weight\"")), data), ModelFileError.DuplicateTensor);
            ImportFails(Build(TinyHeader(), data.Concat(new byte[4]).ToArray()), ModelFileError.TrailingData, alsoNonSeekable: false);
            ImportFails(Build(TinyHeader(j => j.Replace("{\"0.weight\"", "{\"__metadata__\":{\"a\":1},\"0.weight\"")), data), ModelFileError.MalformedHeader);
        }

        [Fact]
        public void TensorsThatDoNotFitTheNetworkAreNamed()
        {
            byte[] data = Floats(26);
            ModelFileException exception = ImportFails(Build(TinyHeader(j => j.Replace("\"shape\":[2,3]", "\"shape\":[3,2]")), data), ModelFileError.ShapeMismatch);
            Assert.Equal("2.weight", exception.TensorName);
            Assert.Contains("[3, 2]", exception.Message);
            Assert.Contains("[2, 3]", exception.Message);

            exception = ImportFails(Build(TinyHeader(j => j.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"I32\",\"shape\":[3]")), data), ModelFileError.UnsupportedDataType);
            Assert.Equal("0.bias", exception.TensorName);
            Assert.Contains("I32", exception.Message);
            exception = ImportFails(Build(TinyHeader(j => j.Replace("\"dtype\":\"F32\",\"shape\":[3]", "\"dtype\":\"C64\",\"shape\":[3]").Replace("[60,72]", "[60,84]").Replace("[72,96]", "[84,108]").Replace("[96,104]", "[108,116]")), Floats(29)), ModelFileError.UnsupportedDataType);
            Assert.Equal("0.bias", exception.TensorName);

            exception = ImportFails(Build(TinyHeader(j => j.Replace("\"2.bias\"", "\"2.b\"")), data), ModelFileError.MissingTensor);
            Assert.Equal("2.bias", exception.TensorName);

            // A file truncated inside its data, read from a stream that cannot tell its length.
            byte[] good = Build(TinyHeader(), data);
            FakeNetwork network = FakeNetwork.Tiny().Fill(9);
            int[] before = network.ParameterBits();
            exception = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, new NonSeekableStream(good[..^6])));
            Assert.Equal(ModelFileError.Truncated, exception.Error);
            Assert.Equal("2.bias", exception.TensorName);
            Assert.Equal(before, network.ParameterBits());
        }

        [Fact]
        public void ErrorsNameTheFile()
        {
            using var folder = new TempFolder();
            string path = folder.File("bad.safetensors");
            File.WriteAllBytes(path, Build(TinyHeader(j => j.Replace("\"shape\":[2,3]", "\"shape\":[6]")), Floats(26)));
            FakeNetwork network = FakeNetwork.Tiny().Fill(10);
            int[] before = network.ParameterBits();
            var exception = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, path));
            Assert.Equal(path, exception.FilePath);
            Assert.Contains(path, exception.Message);
            Assert.Contains("2.weight", exception.Message);
            Assert.Equal(before, network.ParameterBits());
        }

        [Fact]
        public void ExportRejectsReservedMetadataAndIsAtomic()
        {
            Assert.Throws<ArgumentException>(() => Export(FakeNetwork.Tiny(), new Dictionary<string, string> { ["architecture"] = "x" }));
            using var folder = new TempFolder();
            string path = folder.File("m.safetensors");
            File.WriteAllText(path, "previous");
            SafeTensors.Export(FakeNetwork.Tiny().Fill(11), path);
            Assert.Equal(new[] { path }, Directory.GetFiles(folder.Path));
            Assert.Equal(26, SafeTensors.ReadHeader(path).Tensors.Sum(t => t.ElementCount));
        }
    }
}
