using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Compiled.Serialization;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>Hostile and unusual safetensors input (issue 11) and files written the way the Python package writes them.</summary>
    public class SafeTensorsHardeningTests
    {
        private static readonly string[] Names = { "0.weight", "0.bias", "2.weight", "2.bias" };

        private static byte[] Build(string json, byte[] data)
        {
            byte[] header = Encoding.UTF8.GetBytes(json);
            var bytes = new byte[8 + header.Length + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
            header.CopyTo(bytes, 8);
            data.CopyTo(bytes, 8 + header.Length);
            return bytes;
        }

        private static byte[] Floats(int count, float start = 0.5f) =>
            Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes(start + i)).ToArray();

        /// <summary>The tiny network's header; <paramref name="extra"/> is inserted in each tensor entry before its dtype.</summary>
        private static string TinyHeader(Func<string, string>? extra = null, string metadata = "{\"format\":\"pt\",\"note\":\"hello\"}")
        {
            (string Name, string Shape, int Begin, int End)[] entries = { ("0.weight", "[3,5]", 0, 60), ("0.bias", "[3]", 60, 72), ("2.weight", "[2,3]", 72, 96), ("2.bias", "[2]", 96, 104) };
            return "{\"__metadata__\":" + metadata + "," + string.Join(",", entries.Select(e =>
                $"\"{e.Name}\":{{{extra?.Invoke(e.Name) ?? string.Empty}\"dtype\":\"F32\",\"shape\":{e.Shape},\"data_offsets\":[{e.Begin},{e.End}]}}")) + "}";
        }

        /// <summary>Import must fail with <paramref name="expected"/>, from a seekable and a non-seekable stream, parameters untouched.</summary>
        private static ModelFileException Fails(byte[] bytes, ModelFileError expected, SafeTensorsImportOptions? options = null, FakeNetwork? network = null)
        {
            network ??= FakeNetwork.Tiny().Fill(100);
            int[] before = network.ParameterBits();
            ModelFileException? first = null;
            foreach (Stream stream in new Stream[] { new MemoryStream(bytes), new NonSeekableStream(bytes) })
            {
                Exception? exception = Record.Exception(() => SafeTensors.Import(network, stream, options));
                var error = Assert.IsType<ModelFileException>(exception);
                Assert.True(expected == error.Error, $"Expected {expected} but got {error.Error}: {error.Message}");
                Assert.Equal(before, network.ParameterBits());
                first ??= error;
            }

            return first!;
        }

        [Fact]
        public void LoneSurrogateEscapesInAnyStringAreMalformedHeaders()
        {
            // Every string of the header (tensor names, field names, dtype values, metadata keys and values) gets a lone
            // surrogate escape at a random place: valid JSON syntax that decodes to no valid string. 600 files.
            string json = TinyHeader();
            var strings = new List<(int Start, int End)>();
            for (int i = 0; i < json.Length; i++)
            {
                if (json[i] == '"')
                {
                    int end = json.IndexOf('"', i + 1);
                    strings.Add((i + 1, end));
                    i = end;
                }
            }

            Assert.Equal(25, strings.Count);
            var random = new Random(1101);
            byte[] data = Floats(26);
            for (int trial = 0; trial < 600; trial++)
            {
                var (start, end) = strings[trial < strings.Count ? trial : random.Next(strings.Count)];
                int at = random.Next(start, end + 1);
                string high = $"\\u{random.Next(0xD800, 0xDC00):x4}", low = $"\\u{random.Next(0xDC00, 0xE000):X4}";
                string escape = (trial % 4) switch
                {
                    0 => high,
                    1 => low,
                    2 => low + high,                 // a pair in the wrong order: two lone surrogates
                    _ => high + "\\u0041",           // a high surrogate followed by an escape that is not a low one
                };
                string mutated = json.Substring(0, at) + escape + json.Substring(at);
                ModelFileException exception = Fails(Build(mutated, data), ModelFileError.MalformedHeader);
                Assert.Contains("surrogate", exception.Message);
                Assert.IsType<InvalidOperationException>(exception.InnerException);
            }

            // A valid pair (U+1F600) is fine in a metadata value.
            SafeTensorsHeader header = SafeTensors.ReadHeader(new MemoryStream(Build(TinyHeader(metadata: "{\"note\":\"\\ud83d\\ude00\"}"), data)));
            Assert.Equal("\U0001F600", header.Metadata["note"]);
        }

        [Fact]
        public void AHugeAnnouncedHeaderCostsMemoryOnlyForTheBytesThatArrive()
        {
            // A 16-byte stream that cannot seek announcing a 100,000,000-byte header (the format's cap), then 100 more
            // streams announcing random lengths with random short bodies: each must fail as truncated having allocated
            // well under a megabyte (it allocated the announced length before).
            var network = FakeNetwork.Tiny().Fill(1);
            var random = new Random(1102);
            for (int trial = 0; trial <= 100; trial++)
            {
                long announced = trial == 0 ? SafeTensors.MaxHeaderLength : random.NextInt64(2, SafeTensors.MaxHeaderLength + 1);
                int body = trial == 0 ? 8 : random.Next(0, 4096);
                byte[] bytes = new byte[8 + body];
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)announced);
                bytes.AsSpan(8).Fill((byte)' ');
                if (body > 0)
                {
                    bytes[8] = (byte)'{';
                }

                long before = GC.GetAllocatedBytesForCurrentThread();
                var exception = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, new NonSeekableStream(bytes)));
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < 512 * 1024, $"announcing {announced} bytes with {body} sent allocated {allocated} bytes");
                Assert.Equal(body >= announced ? ModelFileError.MalformedHeader : ModelFileError.Truncated, exception.Error);
            }

            // A genuinely large header (600 KB of metadata) still loads through a stream that cannot seek.
            string note = new string('x', 600_000);
            byte[] large = Build(TinyHeader(metadata: $"{{\"note\":\"{note}\"}}"), Floats(26));
            FakeNetwork target = FakeNetwork.Tiny();
            SafeTensors.Import(target, new NonSeekableStream(large));
            Assert.Equal(25.5f, target.Parameters[25]);
            Assert.Equal(note, SafeTensors.ReadHeader(new NonSeekableStream(large)).Metadata["note"]);
        }

        [Fact]
        public void AFieldTwiceInATensorOrAKeyTwiceInTheMetadataIsRejected()
        {
            // Each of the three fields, twice in each of the four tensors, with the same or another value (24 files).
            byte[] data = Floats(26);
            string[] fields = { "\"dtype\":\"F32\",", "\"shape\":[1],", "\"data_offsets\":[0,4]," };
            foreach (string tensor in Names)
            {
                foreach (string field in fields)
                {
                    string key = field.Substring(1, field.IndexOf('"', 1) - 1);
                    foreach (bool sameValue in new[] { true, false })
                    {
                        string json = TinyHeader(name => name != tensor ? string.Empty : sameValue ? SameValue(name, key) : field);
                        ModelFileException exception = Fails(Build(json, data), ModelFileError.MalformedHeader);
                        Assert.Equal(tensor, exception.TensorName);
                        Assert.Contains($"'{key}' twice", exception.Message);
                    }
                }
            }

            ModelFileException metadata = Fails(Build(TinyHeader(metadata: "{\"format\":\"pt\",\"format\":\"np\"}"), data), ModelFileError.MalformedHeader);
            Assert.Contains("'format' twice", metadata.Message);

            // Unknown fields are ignored by the reference, even twice.
            FakeNetwork network = FakeNetwork.Tiny();
            SafeTensors.Import(network, new MemoryStream(Build(TinyHeader(_ => "\"extra\":1,\"extra\":[2],"), data)));
            Assert.Equal(0.5f, network.Parameters[0]);

            static string SameValue(string name, string key) => key switch
            {
                "dtype" => "\"dtype\":\"F32\",",
                "shape" => name switch { "0.weight" => "\"shape\":[3,5],", "0.bias" => "\"shape\":[3],", "2.weight" => "\"shape\":[2,3],", _ => "\"shape\":[2]," },
                _ => name switch { "0.weight" => "\"data_offsets\":[0,60],", "0.bias" => "\"data_offsets\":[60,72],", "2.weight" => "\"data_offsets\":[72,96],", _ => "\"data_offsets\":[96,104]," },
            };
        }

        [Fact]
        public void UnknownOrEmptyDtypesAreRejectedWhileReadingTheHeader()
        {
            // Fixed near misses, then 200 random strings: none is a reference dtype, so each is a malformed header
            // naming the tensor, even for a tensor the network would not use.
            var known = new HashSet<string> { "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64" };
            var candidates = new List<string> { string.Empty, "f32", "F31", "FLOAT", " F32", "F32 ", "Float32", "F8", "Q4_K", "F32\\u0000", "\\u0046\\u0033\\u0032x" };
            var random = new Random(1103);
            const string alphabet = "BCDEFIU0123468_ abxyz";
            while (candidates.Count < 211)
            {
                string candidate = new(Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                if (!known.Contains(candidate))
                {
                    candidates.Add(candidate);
                }
            }

            byte[] data = Floats(26);
            foreach (string dtype in candidates)
            {
                string tensor = Names[random.Next(Names.Length)];
                string json = TinyHeader().Replace($"\"{tensor}\":{{\"dtype\":\"F32\"", $"\"{tensor}\":{{\"dtype\":\"{dtype}\"");
                ModelFileException exception = Fails(Build(json, data), ModelFileError.MalformedHeader);
                Assert.Equal(tensor, exception.TensorName);
                Assert.Contains("unknown dtype", exception.Message);
                Assert.Throws<ModelFileException>(() => SafeTensors.ReadHeader(new MemoryStream(Build(json, data))));

                // The same tensor unused by the network: still rejected.
                string extra = json.Replace("}}", "},\"extra\":{\"dtype\":\"" + dtype + "\",\"shape\":[0],\"data_offsets\":[104,104]}}").Replace($"\"{tensor}\":{{\"dtype\":\"{dtype}\"", $"\"{tensor}\":{{\"dtype\":\"F32\"");
                Assert.Equal("extra", Fails(Build(extra, data), ModelFileError.MalformedHeader, new SafeTensorsImportOptions { IgnoreUnusedTensors = true }).TensorName);
            }

            // Every known dtype is accepted in the header (with a byte length that fits it), and sub-byte dtypes must
            // fill whole bytes.
            foreach (string dtype in known)
            {
                int bits = dtype switch { "F4" => 4, "F6_E2M3" or "F6_E3M2" => 6, "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8, "I16" or "U16" or "F16" or "BF16" => 16, "I32" or "U32" or "F32" => 32, _ => 64 };
                string json = $"{{\"t\":{{\"dtype\":\"{dtype}\",\"shape\":[4,2],\"data_offsets\":[0,{bits}]}}}}";
                Assert.Equal(dtype, SafeTensors.ReadHeader(new MemoryStream(Build(json, new byte[bits]))).Tensors[0].DataType);
            }

            string misaligned = "{\"t\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}";
            Assert.Contains("whole bytes", Assert.Throws<ModelFileException>(() => SafeTensors.ReadHeader(new MemoryStream(Build(misaligned, new byte[2])))).Message);
        }

        /// <summary>A network like torch's <c>nn.Sequential</c> of <paramref name="layers"/> linear layers of sizes 4, 5, 6, ...</summary>
        private static FakeNetwork Chain(int layers)
        {
            var tensors = new List<(string, int[])>();
            for (int i = 0; i < layers; i++)
            {
                tensors.Add(($"{2 * i}.weight", new[] { 5 + i, 4 + i }));
                tensors.Add(($"{2 * i}.bias", new[] { 5 + i }));
            }

            return new FakeNetwork("chain", tensors.ToArray());
        }

        /// <summary>The chain's tensors under other module names, with values that identify each element.</summary>
        private static List<(string Name, string Dtype, int[] Shape, float[] Values)> ChainTensors(FakeNetwork network, Func<int, string> module, Func<int, string>? dtype = null)
        {
            var list = new List<(string, string, int[], float[])>();
            foreach (ParameterTensor tensor in network.ParameterTensors)
            {
                int layer = int.Parse(tensor.Name.Split('.')[0]) / 2;
                float[] values = Enumerable.Range(tensor.Offset, tensor.Length).Select(k => (float)k).ToArray();
                list.Add(($"{module(layer)}.{tensor.Name.Split('.')[1]}", dtype?.Invoke(layer) ?? "F32", tensor.Shape.ToArray(), values));
            }

            return list;
        }

        private static float[] Expected(FakeNetwork network) => Enumerable.Range(0, network.ParameterCount).Select(k => (float)k).ToArray();

        [Fact]
        public void AFileWrittenByTheSafetensorsPackageLoadsByOrderAndByAMapping()
        {
            // An nn.Module with fc1, fc2 written by safetensors.torch.save_file: fc1.bias, fc1.weight, fc2.bias, fc2.weight.
            FakeNetwork tiny = FakeNetwork.Tiny();
            byte[] bytes = ReferenceSafeTensorsWriter.Write(ChainTensors(tiny, l => $"fc{l + 1}"), new Dictionary<string, string> { ["format"] = "pt" });
            Assert.Equal(new[] { "fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight" }, SafeTensors.ReadHeader(new MemoryStream(bytes)).Tensors.Select(t => t.Name));
            Assert.Equal("0.weight", Fails(bytes, ModelFileError.MissingTensor, network: FakeNetwork.Tiny().Fill(1)).TensorName);

            SafeTensors.Import(tiny, new MemoryStream(bytes), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
            Assert.Equal(Expected(tiny), tiny.Parameters.ToArray());

            // By an explicit mapping: a function, or a dictionary's lookup.
            var mapped = FakeNetwork.Tiny().Fill(2);
            SafeTensors.Import(mapped, new MemoryStream(bytes), new SafeTensorsImportOptions { MapName = n => n.Replace("fc1.", "0.", StringComparison.Ordinal).Replace("fc2.", "2.", StringComparison.Ordinal) });
            Assert.Equal(Expected(mapped), mapped.Parameters.ToArray());
            var names = new Dictionary<string, string> { ["fc1.weight"] = "0.weight", ["fc1.bias"] = "0.bias", ["fc2.weight"] = "2.weight", ["fc2.bias"] = "2.bias" };
            var viaDictionary = FakeNetwork.Tiny().Fill(3);
            SafeTensors.Import(viaDictionary, new NonSeekableStream(bytes), new SafeTensorsImportOptions { MapName = names.GetValueOrDefault });
            Assert.Equal(Expected(viaDictionary), viaDictionary.Parameters.ToArray());

            // A mapping that leaves a network tensor out, or maps two file tensors to one name, is an error naming it.
            names.Remove("fc2.bias");
            ModelFileException missing = Fails(bytes, ModelFileError.MissingTensor, new SafeTensorsImportOptions { MapName = names.GetValueOrDefault });
            Assert.Equal("2.bias", missing.TensorName);
            Assert.Contains("MapName", missing.Message);
            Assert.Equal(ModelFileError.DuplicateTensor, Fails(bytes, ModelFileError.DuplicateTensor, new SafeTensorsImportOptions { MapName = n => n.EndsWith("bias", StringComparison.Ordinal) ? "0.bias" : null }).Error);
        }

        [Fact]
        public void ByOrderFollowsTheLayersNotTheAlphabet()
        {
            // 12 layers named layers.0 ... layers.11 (alphabetically layers.10 and layers.11 come before layers.2), fc1 ...
            // fc12, and mixed dtypes (the package groups by dtype first): each written as the package does loads by order.
            FakeNetwork network = Chain(12);
            var cases = new (Func<int, string> Module, Func<int, string>? Dtype)[]
            {
                (l => $"layers.{l}", null),
                (l => $"fc{l + 1}", null),
                (l => $"model.blocks.{l}.linear", null),
                (l => $"fc{l + 1}", l => l % 3 == 0 ? "F64" : "F32"),
                (l => $"layer{l:00}", l => l % 2 == 0 ? "F16" : "F32"),
            };
            foreach (var (module, dtype) in cases)
            {
                network.Fill(5);
                byte[] bytes = ReferenceSafeTensorsWriter.Write(ChainTensors(network, module, dtype));
                SafeTensors.Import(network, new MemoryStream(bytes), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
                Assert.Equal(Expected(network), network.Parameters.ToArray());
            }

            // A file whose data is in layer order keeps it (module names that sort the other way round).
            var state = ChainTensors(network, l => l == 0 ? "encoder" : l == 11 ? "decoder" : $"hidden.{11 - l}");
            using var stream = new MemoryStream();
            SafeTensors.Export(network.Fill(6), stream);
            FakeNetwork copy = Chain(12);
            SafeTensors.Import(copy, new MemoryStream(stream.ToArray()), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
            Assert.Equal(network.ParameterBits(), copy.ParameterBits());
            byte[] inOrder = Build(
                "{" + string.Join(",", state.Select((t, i) => $"\"{t.Name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{state.Take(i).Sum(s => s.Values.Length) * 4},{state.Take(i + 1).Sum(s => s.Values.Length) * 4}]}}")) + "}",
                state.SelectMany(t => t.Values.SelectMany(BitConverter.GetBytes)).ToArray());
            SafeTensors.Import(copy, new MemoryStream(inOrder), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
            Assert.Equal(Expected(copy), copy.Parameters.ToArray());
        }

        [Fact]
        public void NaturalOrderComparesDigitRunsAsNumbers()
        {
            string[] sorted = { "", "0", "00", "1", "2", "10", "fc1", "fc2", "fc10", "layers.2.x", "layers.10.x", "layers.10.y", "x" };
            var random = new Random(1104);
            for (int trial = 0; trial < 20; trial++)
            {
                string[] shuffled = sorted.OrderBy(_ => random.Next()).ToArray();
                Array.Sort(shuffled, SafeTensors.NaturalCompare);
                Assert.Equal(sorted, shuffled);
            }
        }
    }
}
