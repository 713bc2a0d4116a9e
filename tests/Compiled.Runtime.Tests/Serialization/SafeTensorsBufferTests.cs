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
    /// <summary>safetensors export and import of non-trainable buffers (BatchNorm's running statistics).</summary>
    public class SafeTensorsBufferTests
    {
        private static readonly string[] StateDictNames =
        {
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias",
        };

        private static byte[] Export(INetwork network)
        {
            using var stream = new MemoryStream();
            SafeTensors.Export(network, stream);
            return stream.ToArray();
        }

        /// <summary>
        /// The state_dict of <see cref="FakeNetwork.TinyBatchNorm"/> as PyTorch holds it (num_batches_tracked an int64
        /// scalar), with module names <paramref name="module"/>(Sequential index) and values that identify each element;
        /// the dtype of the count is <paramref name="countType"/>.
        /// </summary>
        private static List<(string Name, string Dtype, int[] Shape, float[] Values)> StateDict(Func<string, string>? module = null, string countType = "I64", float count = 7)
        {
            FakeNetwork shape = FakeNetwork.TinyBatchNorm();
            var list = new List<(string, string, int[], float[])>();
            foreach (ParameterTensor tensor in shape.ParameterTensors)
            {
                list.Add((Rename(tensor.Name), "F32", tensor.Shape.ToArray(), Enumerable.Range(tensor.Offset, tensor.Length).Select(k => (float)k).ToArray()));
            }

            foreach (ParameterTensor tensor in shape.BufferTensors)
            {
                bool isCount = tensor.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal);
                float[] values = isCount ? new[] { count } : Enumerable.Range(tensor.Offset, tensor.Length).Select(k => 100f + k).ToArray();
                list.Add((Rename(tensor.Name), isCount ? countType : "F32", tensor.Shape.ToArray(), values));
            }

            return list;

            string Rename(string name) => module is null ? name : module(name.Split('.')[0]) + name.Substring(name.IndexOf('.'));
        }

        private static void AssertLoadedStateDict(FakeNetwork network, float count = 7)
        {
            Assert.Equal(Enumerable.Range(0, network.ParameterCount).Select(k => (float)k), network.Parameters.ToArray());
            Assert.Equal(Enumerable.Range(0, 6).Select(k => 100f + k).Append(count), network.Buffers.ToArray());
        }

        private static ModelFileException ImportFails(byte[] bytes, ModelFileError expected, SafeTensorsImportOptions? options = null, FakeNetwork? network = null)
        {
            network ??= FakeNetwork.TinyBatchNorm().Fill(100);
            int[] parameters = network.ParameterBits(), buffers = network.BufferBits();
            foreach (Stream stream in new Stream[] { new MemoryStream(bytes), new NonSeekableStream(bytes) })
            {
                var exception = Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, stream, options));
                Assert.True(expected == exception.Error, $"Expected {expected} but got {exception.Error}: {exception.Message}");
                Assert.Equal(parameters, network.ParameterBits());
                Assert.Equal(buffers, network.BufferBits());
            }

            return Assert.Throws<ModelFileException>(() => SafeTensors.Import(network, new MemoryStream(bytes), options));
        }

        [Fact]
        public void ExportWritesBuffersInStateDictOrderWithAnInt64Count()
        {
            FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(1);
            network.WritableBuffers[6] = 1099511627776f; // 2^40 batches: exact in float and in int64
            byte[] bytes = Export(network);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            int dataStart = 8 + (int)headerLength;
            Assert.Equal(dataStart + (4 * (32 + 6)) + 8, bytes.Length);
            using JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
            JsonElement root = document.RootElement;
            Assert.Equal(new[] { "__metadata__" }.Concat(StateDictNames), root.EnumerateObject().Select(p => p.Name));

            long expectedOffset = 0;
            foreach (string name in StateDictNames)
            {
                JsonElement entry = root.GetProperty(name);
                bool isBuffer = name.Contains("running", StringComparison.Ordinal) || name.EndsWith("num_batches_tracked", StringComparison.Ordinal);
                ParameterTensor tensor = (isBuffer ? network.BufferTensors : network.ParameterTensors).Single(t => t.Name == name);
                long[] offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                Assert.Equal(expectedOffset, offsets[0]);
                Assert.Equal(tensor.Shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
                if (name == "1.num_batches_tracked")
                {
                    Assert.Equal("I64", entry.GetProperty("dtype").GetString());
                    Assert.Equal(0, entry.GetProperty("shape").GetArrayLength()); // a scalar, as in PyTorch
                    Assert.Equal(8, offsets[1] - offsets[0]);
                    Assert.Equal(1L << 40, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(dataStart + (int)offsets[0])));
                }
                else
                {
                    Assert.Equal("F32", entry.GetProperty("dtype").GetString());
                    ReadOnlySpan<float> source = isBuffer ? network.Buffers : network.Parameters;
                    for (int i = 0; i < tensor.Length; i++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(source[tensor.Offset + i]), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(dataStart + (int)offsets[0] + (4 * i))));
                    }
                }

                expectedOffset = offsets[1];
            }
        }

        [Fact]
        public void RoundTripIsBitExactForParametersAndBuffers()
        {
            using var folder = new TempFolder();
            FakeNetwork source = FakeNetwork.TinyBatchNorm().Fill(2);
            source.WritableParameters[0] = BitConverter.Int32BitsToSingle(0x7FC0BEEF);
            source.WritableBuffers[0] = -0f;
            source.WritableBuffers[1] = BitConverter.Int32BitsToSingle(0x7F800001);
            source.WritableBuffers[6] = 16777216f;
            string path = folder.File("bn.safetensors");
            SafeTensors.Export(source, path);

            foreach (var options in new[] { new SafeTensorsImportOptions(), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder } })
            {
                FakeNetwork target = FakeNetwork.TinyBatchNorm().Fill(3);
                SafeTensors.Import(target, path, options);
                Assert.Equal(source.ParameterBits(), target.ParameterBits());
                Assert.Equal(source.BufferBits(), target.BufferBits());
                Assert.Equal((1, 1), (target.ParameterEdits, target.BufferEdits));

                FakeNetwork viaStream = FakeNetwork.TinyBatchNorm().Fill(4);
                SafeTensors.Import(viaStream, new NonSeekableStream(File.ReadAllBytes(path)), options);
                Assert.Equal(source.ParameterBits(), viaStream.ParameterBits());
                Assert.Equal(source.BufferBits(), viaStream.BufferBits());
            }

            // A network without buffers opens no buffer edit and exports exactly as before (parameters only).
            FakeNetwork plain = FakeNetwork.Tiny().Fill(5);
            SafeTensors.Import(plain, new MemoryStream(Export(FakeNetwork.Tiny().Fill(6))));
            Assert.Equal((1, 0), (plain.ParameterEdits, plain.BufferEdits));
        }

        [Fact]
        public void ACountThatIsNotAnIntegerIsRefusedBeforeAnythingIsWritten()
        {
            foreach (float bad in new[] { 1.5f, float.NaN, float.PositiveInfinity, -0.25f, 9.223372036854775808E18f })
            {
                FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(7);
                network.WritableBuffers[6] = bad;
                using var stream = new MemoryStream();
                var exception = Assert.Throws<InvalidOperationException>(() => SafeTensors.Export(network, stream));
                Assert.Contains("1.num_batches_tracked", exception.Message);
                Assert.Equal(0, stream.Length);
            }

            // The largest and smallest int64 a float holds, and negative zero, are integers.
            foreach (float good in new[] { 9.2233715E18f, -9.223372036854775808E18f, -0f })
            {
                FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(8);
                network.WritableBuffers[6] = good;
                FakeNetwork target = FakeNetwork.TinyBatchNorm().Fill(9);
                SafeTensors.Import(target, new MemoryStream(Export(network)));
                Assert.Equal(good, target.Buffers[6]);
            }
        }

        [Fact]
        public void AStateDictWrittenByTheSafetensorsPackageLoadsByNameAndByOrder()
        {
            // safetensors.torch.save_file(model.state_dict()) for Sequential(Linear, BatchNorm1d, ReLU, Linear, Softmax):
            // the package sorts by dtype (the I64 count first), then by name.
            byte[] bytes = ReferenceSafeTensorsWriter.Write(StateDict(), new Dictionary<string, string> { ["format"] = "pt" });
            SafeTensorsHeader header = SafeTensors.ReadHeader(new MemoryStream(bytes));
            Assert.Equal("1.num_batches_tracked", header.Tensors[0].Name);
            Assert.Equal("I64", header.Tensors[0].DataType);
            Assert.Empty(header.Tensors[0].Shape);
            Assert.Equal(new[] { "0.bias", "0.weight", "1.bias", "1.running_mean", "1.running_var", "1.weight", "3.bias", "3.weight" }, header.Tensors.Skip(1).Select(t => t.Name));

            FakeNetwork byName = FakeNetwork.TinyBatchNorm().Fill(10);
            SafeTensors.Import(byName, new MemoryStream(bytes));
            AssertLoadedStateDict(byName);

            // Under other module names, by order (modules in natural name order; weight, bias, running_mean, running_var,
            // num_batches_tracked within a module, whatever the data order).
            foreach (Func<string, string> module in new Func<string, string>[] { m => "features." + m, m => "net.layers." + m })
            {
                byte[] renamed = ReferenceSafeTensorsWriter.Write(StateDict(module));
                FakeNetwork byOrder = FakeNetwork.TinyBatchNorm().Fill(11);
                SafeTensors.Import(byOrder, new NonSeekableStream(renamed), new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder });
                AssertLoadedStateDict(byOrder);

                FakeNetwork withPrefix = FakeNetwork.TinyBatchNorm().Fill(12);
                SafeTensors.Import(withPrefix, new MemoryStream(renamed), new SafeTensorsImportOptions { StripPrefix = module(string.Empty) });
                AssertLoadedStateDict(withPrefix);
            }
        }

        [Fact]
        public void Int64CountsConvertToTheNearestFloat()
        {
            // Exact up to 2^24 and for every integer a float holds; rounded to nearest (even) beyond.
            foreach (var (stored, loaded) in new[] { (0L, 0f), (7L, 7f), (16777216L, 16777216f), (16777217L, 16777216f), (16777219L, 16777220f), (1L << 40, 1099511627776f), (-5L, -5f) })
            {
                // The int64 is patched in: the test writer's values are floats, which cannot hold 16777217.
                byte[] bytes = ReferenceSafeTensorsWriter.Write(StateDict(count: 0));
                SafeTensorsHeader header = SafeTensors.ReadHeader(new MemoryStream(bytes));
                SafeTensorInfo count = header.Tensors.Single(t => t.DataType == "I64");
                int dataStart = bytes.Length - (int)header.DataLength;
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(dataStart + (int)count.DataBegin), stored);

                FakeNetwork network = FakeNetwork.TinyBatchNorm().Fill(13);
                SafeTensors.Import(network, new MemoryStream(bytes));
                Assert.Equal(loaded, network.Buffers[6]);
            }

            // Negative values (not written by PyTorch, but valid int64) and other float dtypes for a buffer load too.
            FakeNetwork other = FakeNetwork.TinyBatchNorm().Fill(14);
            SafeTensors.Import(other, new MemoryStream(ReferenceSafeTensorsWriter.Write(StateDict(countType: "F64", count: -3))));
            AssertLoadedStateDict(other, -3);
            SafeTensors.Import(other.Fill(15), new MemoryStream(ReferenceSafeTensorsWriter.Write(StateDict(countType: "I64", count: -3))));
            AssertLoadedStateDict(other, -3);
        }

        [Fact]
        public void AMissingBufferIsAnErrorAsAMissingParameterIs()
        {
            var tensors = StateDict();
            tensors.RemoveAll(t => t.Name == "1.running_var");
            byte[] bytes = ReferenceSafeTensorsWriter.Write(tensors);
            ModelFileException exception = ImportFails(bytes, ModelFileError.MissingTensor);
            Assert.Equal("1.running_var", exception.TensorName);
            Assert.Contains("buffer", exception.Message);

            // By order: one tensor short.
            Assert.Equal(ModelFileError.MissingTensor, ImportFails(ReferenceSafeTensorsWriter.Write(StateDict(m => "features." + m).Where(t => !t.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal))), ModelFileError.MissingTensor, new SafeTensorsImportOptions { Matching = TensorMatching.ByOrder }).Error);

            // The buffers of a file are tensors like any other for a network without buffers: unused unless ignored.
            byte[] full = ReferenceSafeTensorsWriter.Write(StateDict());
            var parameters = FakeNetwork.TinyBatchNorm().ParameterTensors.Select(t => (t.Name, t.Shape.ToArray())).ToArray();
            var noBuffers = new FakeNetwork(FakeNetwork.BatchNormArchitecture, parameters).Fill(16);
            Assert.Equal(ModelFileError.UnusedTensor, ImportFails(full, ModelFileError.UnusedTensor, network: noBuffers).Error);
            SafeTensors.Import(noBuffers, new MemoryStream(full), new SafeTensorsImportOptions { IgnoreUnusedTensors = true });
            Assert.Equal(Enumerable.Range(0, 32).Select(k => (float)k), noBuffers.Parameters.ToArray());
        }

        [Fact]
        public void BufferTensorsOfTheWrongTypeOrShapeAreNamed()
        {
            // An integer parameter, an I32 count, a count of shape [1]: nothing is loaded.
            var integerWeight = StateDict().Select(t => t.Name == "0.bias" ? (t.Name, "I64", t.Shape, t.Values) : t);
            ModelFileException exception = ImportFails(ReferenceSafeTensorsWriter.Write(integerWeight), ModelFileError.UnsupportedDataType);
            Assert.Equal("0.bias", exception.TensorName);
            Assert.Contains("parameter", exception.Message);

            exception = ImportFails(ReferenceSafeTensorsWriter.Write(StateDict(countType: "I32")), ModelFileError.UnsupportedDataType);
            Assert.Equal("1.num_batches_tracked", exception.TensorName);
            Assert.Contains("I64", exception.Message);

            var vectorCount = StateDict().Select(t => t.Name == "1.num_batches_tracked" ? (t.Name, t.Dtype, new[] { 1 }, t.Values) : t);
            exception = ImportFails(ReferenceSafeTensorsWriter.Write(vectorCount), ModelFileError.ShapeMismatch);
            Assert.Equal("1.num_batches_tracked", exception.TensorName);
        }

        [Fact]
        public void ByOrderPlacesBufferOnlyModulesByTheirNames()
        {
            // A module with buffers and no parameters (BatchNorm1d(affine=False)) sits between the linear layers.
            var network = new FakeNetwork("bn-no-affine", ("0.weight", new[] { 3, 2 }), ("0.bias", new[] { 3 }), ("2.weight", new[] { 1, 3 }), ("2.bias", new[] { 1 }))
                .WithBuffers(("1.running_mean", new[] { 3 }), ("1.running_var", new[] { 3 }), ("1.num_batches_tracked", Array.Empty<int>()));
            var targets = network.ParameterTensors.Select(t => new SafeTensors.Target(t, false)).Concat(network.BufferTensors.Select(t => new SafeTensors.Target(t, true))).ToList();
            Assert.Equal(
                new[] { "0.weight", "0.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "2.weight", "2.bias" },
                SafeTensors.StateDictOrder(targets).Select(i => targets[i].Tensor.Name));

            using var stream = new MemoryStream();
            SafeTensors.Export(network.Fill(17), stream);
            byte[] bytes = stream.ToArray();
            using JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes)));
            Assert.Equal(new[] { "__metadata__", "0.weight", "0.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "2.weight", "2.bias" }, document.RootElement.EnumerateObject().Select(p => p.Name));
        }
    }
}
