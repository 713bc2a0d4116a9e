using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Compiled.Serialization
{
    /// <summary>
    /// Exports a network's parameters and non-trainable buffers to, and imports them from, the <c>.safetensors</c> format
    /// used by PyTorch and Hugging Face: an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the raw
    /// little-endian tensor data.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The JSON header maps each tensor name to <c>{"dtype": "F32", "shape": [out, in], "data_offsets": [begin, end]}</c>,
    /// offsets counted from the start of the data buffer, and may hold a <c>"__metadata__"</c> object of string pairs.
    /// <see cref="Export(INetwork, Stream, IReadOnlyDictionary{string, string}?)"/> writes every
    /// <see cref="INetwork.ParameterTensors"/> and <see cref="INetwork.BufferTensors"/> entry under its name
    /// (<c>0.weight</c>, <c>0.bias</c>, <c>1.running_mean</c>, ...), in <c>state_dict</c> order (module by module, each
    /// module's parameters then its buffers), with metadata <c>format</c> = <c>pt</c> and <c>architecture</c> = the
    /// network's signature; the header is padded with spaces to a multiple of 8 bytes. Every tensor is F32 except buffers
    /// whose name ends with <c>num_batches_tracked</c>, which PyTorch keeps as <c>int64</c> and which are written as I64
    /// (each value converted exactly). So <c>safetensors.torch.load_file</c> gives a <c>state_dict</c> that
    /// <c>load_state_dict</c> accepts (strictly) in the equivalent <c>torch.nn.Sequential</c>.
    /// </para>
    /// <para>
    /// Import accepts F32, F16, BF16 and F64 tensors (converted to float32), and for buffers also I64 (converted to the
    /// nearest float32: exactly for magnitudes up to 2^24). It checks the header as the reference implementation does
    /// (size limit, valid UTF-8 JSON, offsets that tile the data buffer with no overlap, gap or trailing byte, byte lengths
    /// that match dtype and shape) and pairs every network tensor, buffers included, with a file tensor of the same shape
    /// before touching the network: a buffer missing from the file is an error, as a parameter is (PyTorch's strict
    /// <c>load_state_dict</c>). On any error, a <see cref="ModelFileException"/> naming the file and the tensor, the
    /// parameters and buffers are left as they were.
    /// </para>
    /// </remarks>
    public static class SafeTensors
    {
        /// <summary>The largest JSON header accepted, in bytes (the limit of the reference implementation).</summary>
        public const long MaxHeaderLength = 100_000_000;

        private const string MetadataKey = "__metadata__";

        private static readonly string[] KnownDataTypes = { "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64" };
        private const int ChunkBytes = 1 << 16;
        private const int InitialHeaderBuffer = 1 << 16;

        /// <summary>
        /// Writes every parameter and buffer tensor of the network to <paramref name="stream"/> as a safetensors file
        /// (buffers named <c>...num_batches_tracked</c> as I64, everything else as F32).
        /// </summary>
        /// <param name="network">The network to export.</param>
        /// <param name="stream">A writable stream, left open.</param>
        /// <param name="metadata">
        /// Extra <c>__metadata__</c> entries; the keys <c>format</c> and <c>architecture</c> are written by the exporter and
        /// may not be given.
        /// </param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException"><paramref name="metadata"/> sets a reserved key.</exception>
        /// <exception cref="InvalidOperationException">
        /// The network's tensor list is inconsistent (duplicate names, out of range), or a <c>num_batches_tracked</c> buffer
        /// holds a value that is not an integer (nothing is written then).
        /// </exception>
        public static void Export(INetwork network, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(stream);
            Target[] targets = CheckNetworkTensors(network);
            Target[] tensors = StateDictOrder(targets).Select(i => targets[i]).ToArray();
            foreach (Target tensor in tensors)
            {
                if (ExportType(tensor) == "I64")
                {
                    ReadOnlySpan<float> values = network.Buffers.Slice(tensor.Tensor.Offset, tensor.Tensor.Length);
                    for (int i = 0; i < values.Length; i++)
                    {
                        if (!IsInt64(values[i]))
                        {
                            throw new InvalidOperationException($"The buffer '{tensor.Tensor.Name}' of network '{network.Architecture}' holds {values[i]} at index {i}, which is not an integer; it is exported as I64 (PyTorch's int64), which cannot represent it.");
                        }
                    }
                }
            }

            if (metadata is not null && (metadata.ContainsKey("format") || metadata.ContainsKey("architecture")))
            {
                throw new ArgumentException("The metadata keys 'format' and 'architecture' are written by the exporter.", nameof(metadata));
            }

            var json = new ArrayBufferWriter<byte>(256 + (tensors.Length * 96));
            using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteStartObject(MetadataKey);
                writer.WriteString("format", "pt");
                writer.WriteString("architecture", network.Architecture);
                if (metadata is not null)
                {
                    foreach (KeyValuePair<string, string> pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        writer.WriteString(pair.Key, pair.Value);
                    }
                }

                writer.WriteEndObject();
                long offset = 0;
                foreach (Target target in tensors)
                {
                    ParameterTensor tensor = target.Tensor;
                    string dataType = ExportType(target);
                    writer.WriteStartObject(tensor.Name);
                    writer.WriteString("dtype", dataType);
                    writer.WriteStartArray("shape");
                    foreach (int dimension in tensor.Shape)
                    {
                        writer.WriteNumberValue(dimension);
                    }

                    writer.WriteEndArray();
                    writer.WriteStartArray("data_offsets");
                    writer.WriteNumberValue(offset);
                    offset += (long)tensor.Length * ElementSize(dataType);
                    writer.WriteNumberValue(offset);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            int padding = (8 - (json.WrittenCount % 8)) % 8;
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(json.WrittenCount + padding));
            stream.Write(prefix);
            stream.Write(json.WrittenSpan);
            for (int i = 0; i < padding; i++)
            {
                stream.WriteByte((byte)' ');
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                foreach (Target target in tensors)
                {
                    ParameterTensor tensor = target.Tensor;
                    bool int64 = ExportType(target) == "I64";
                    int elementSize = int64 ? sizeof(long) : sizeof(float);
                    int perChunk = ChunkBytes / elementSize;
                    for (int start = 0; start < tensor.Length; start += perChunk)
                    {
                        ReadOnlySpan<float> source = target.IsBuffer ? network.Buffers : network.Parameters;
                        ReadOnlySpan<float> values = source.Slice(tensor.Offset + start, Math.Min(perChunk, tensor.Length - start));
                        Span<byte> bytes = buffer.AsSpan(0, values.Length * elementSize);
                        if (int64)
                        {
                            for (int i = 0; i < values.Length; i++)
                            {
                                BinaryPrimitives.WriteInt64LittleEndian(bytes.Slice(i * sizeof(long)), (long)values[i]);
                            }
                        }
                        else
                        {
                            ModelFile.WriteLittleEndian(values, bytes);
                        }

                        stream.Write(bytes);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// Writes every parameter and buffer tensor of the network to the file <paramref name="path"/>, atomically (through a
        /// temporary file in the same folder renamed over the target), as <see cref="ModelFile.Save(INetwork, string)"/>
        /// does: the same error messages naming the target, and the same clean-up of temporary files older than a minute
        /// left by killed saves of the same target.
        /// </summary>
        /// <param name="network">The network to export.</param>
        /// <param name="path">The <c>.safetensors</c> file to create or replace.</param>
        /// <param name="metadata">Extra <c>__metadata__</c> entries (not <c>format</c> or <c>architecture</c>).</param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
        /// <exception cref="IOException">
        /// The file cannot be written (its folder is missing, read-only or not writable, the disk is full, ...), with a
        /// message naming the target; the target is unchanged.
        /// </exception>
        public static void Export(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentException.ThrowIfNullOrEmpty(path);
            AtomicFile.Write(path, stream => Export(network, stream, metadata));
        }

        /// <summary>
        /// Loads the network's parameters and buffers from a safetensors stream (for example a PyTorch <c>state_dict</c>).
        /// </summary>
        /// <param name="network">The network to load into.</param>
        /// <param name="stream">A readable stream at the start of a safetensors file. If it can seek, its end must be the end of the data.</param>
        /// <param name="options">How tensors are matched; by name with no prefix stripped by default.</param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="stream"/> is <see langword="null"/>.</exception>
        /// <exception cref="ModelFileException">
        /// The file is malformed or does not fit the network (a parameter or buffer tensor missing or of another shape, ...);
        /// the parameters and buffers are unchanged.
        /// </exception>
        public static void Import(INetwork network, Stream stream, SafeTensorsImportOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(stream);
            ImportCore(network, stream, null, options ?? new SafeTensorsImportOptions());
        }

        /// <summary>
        /// Loads the network's parameters and buffers from a <c>.safetensors</c> file (for example a PyTorch <c>state_dict</c>).
        /// </summary>
        /// <param name="network">The network to load into.</param>
        /// <param name="path">The file.</param>
        /// <param name="options">How tensors are matched; by name with no prefix stripped by default.</param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="path"/> is <see langword="null"/>.</exception>
        /// <exception cref="ModelFileException">
        /// The file is malformed or does not fit the network (a parameter or buffer tensor missing or of another shape, ...);
        /// the parameters and buffers are unchanged.
        /// </exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static void Import(INetwork network, string path, SafeTensorsImportOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes);
            ImportCore(network, stream, path, options ?? new SafeTensorsImportOptions());
        }

        /// <summary>Reads and checks the header of a <c>.safetensors</c> file.</summary>
        /// <param name="path">The file.</param>
        /// <returns>Its tensors and metadata.</returns>
        /// <exception cref="ModelFileException">The header is malformed or does not fit the file's length.</exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static SafeTensorsHeader ReadHeader(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            return ReadHeaderCore(stream, path);
        }

        /// <summary>Reads and checks the header of a safetensors stream; the stream is left at the start of the data.</summary>
        /// <param name="stream">A readable stream at the start of a safetensors file.</param>
        /// <returns>Its tensors and metadata.</returns>
        /// <exception cref="ModelFileException">The header is malformed (or, for a seekable stream, does not fit its length).</exception>
        public static SafeTensorsHeader ReadHeader(Stream stream)
        {
            ArgumentNullException.ThrowIfNull(stream);
            return ReadHeaderCore(stream, null);
        }

        private static void ImportCore(INetwork network, Stream stream, string? path, SafeTensorsImportOptions options)
        {
            string source = Source(path);
            Target[] targets = CheckNetworkTensors(network);
            SafeTensorsHeader header = ReadHeaderCore(stream, path);
            SafeTensorInfo[] sources = Pair(targets, header, path, options);

            for (int i = 0; i < targets.Length; i++)
            {
                ParameterTensor target = targets[i].Tensor;
                SafeTensorInfo file = sources[i];
                string which = file.Name == target.Name ? $"tensor '{target.Name}'" : $"tensor '{file.Name}' (for the network's '{target.Name}')";
                if (file.DataType is not ("F32" or "F16" or "BF16" or "F64") && !(targets[i].IsBuffer && file.DataType == "I64"))
                {
                    string allowed = targets[i].IsBuffer ? "only F32, F16, BF16, F64 and I64 tensors can be loaded into a buffer" : "only F32, F16, BF16 and F64 tensors can be loaded into a parameter";
                    throw new ModelFileException(ModelFileError.UnsupportedDataType, $"{source}: {which} has dtype {file.DataType}; {allowed}.", path, target.Name);
                }

                if (!file.Shape.SequenceEqual(target.Shape.Select(d => (long)d)))
                {
                    throw new ModelFileException(ModelFileError.ShapeMismatch, $"{source}: {which} has shape [{string.Join(", ", file.Shape)}] but the network's tensor '{target.Name}' has shape [{string.Join(", ", target.Shape)}].", path, target.Name);
                }
            }

            int parameterCount = network.Parameters.Length;
            int bufferCount = network.Buffers.Length;
            float[] values = ArrayPool<float>.Shared.Rent(Math.Max(1, parameterCount));
            float[] buffers = ArrayPool<float>.Shared.Rent(Math.Max(1, bufferCount));
            byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                network.Parameters.CopyTo(values);
                network.Buffers.CopyTo(buffers);
                long position = 0;
                foreach (int i in Enumerable.Range(0, targets.Length).OrderBy(i => sources[i].DataBegin))
                {
                    ParameterTensor target = targets[i].Tensor;
                    float[] destination = targets[i].IsBuffer ? buffers : values;
                    SafeTensorInfo file = sources[i];
                    long skip = file.DataBegin - position;
                    if (StreamReading.Skip(stream, skip, chunk) != skip)
                    {
                        throw TruncatedData(path, file);
                    }

                    position = file.DataBegin;
                    int elementSize = ElementSize(file.DataType);
                    int elementsPerChunk = ChunkBytes / elementSize;
                    for (int done = 0; done < target.Length;)
                    {
                        int elements = Math.Min(elementsPerChunk, target.Length - done);
                        Span<byte> bytes = chunk.AsSpan(0, elements * elementSize);
                        if (StreamReading.ReadAtMost(stream, bytes) != bytes.Length)
                        {
                            throw TruncatedData(path, file);
                        }

                        Convert(file.DataType, bytes, destination.AsSpan(target.Offset + done, elements));
                        done += elements;
                        position += bytes.Length;
                    }
                }

                // Everything is read and checked: write the parameters and then the buffers, each in one edit.
                network.SetParameters(values.AsSpan(0, parameterCount));
                if (bufferCount > 0)
                {
                    network.SetBuffers(buffers.AsSpan(0, bufferCount));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
                ArrayPool<float>.Shared.Return(values);
                ArrayPool<float>.Shared.Return(buffers);
            }
        }

        private static SafeTensorInfo[] Pair(Target[] targets, SafeTensorsHeader header, string? path, SafeTensorsImportOptions options)
        {
            string source = Source(path);
            var sources = new SafeTensorInfo[targets.Length];
            var used = new HashSet<SafeTensorInfo>();
            if (options.Matching == TensorMatching.ByOrder)
            {
                IReadOnlyList<SafeTensorInfo> ordered = LayerOrder(header.Tensors);
                int[] order = StateDictOrder(targets);
                for (int k = 0; k < order.Length; k++)
                {
                    ParameterTensor target = targets[order[k]].Tensor;
                    if (k >= ordered.Count)
                    {
                        throw new ModelFileException(ModelFileError.MissingTensor, $"{source} has {ordered.Count} tensors but the network has {targets.Length}: nothing is left for the network's {Kind(targets[order[k]])} '{target.Name}' (matching by order).", path, target.Name);
                    }

                    sources[order[k]] = ordered[k];
                    used.Add(ordered[k]);
                }
            }
            else
            {
                string prefix = options.StripPrefix ?? string.Empty;
                Func<string, string?>? map = options.MapName;
                var byName = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
                foreach (SafeTensorInfo tensor in header.Tensors)
                {
                    string? mapped = map?.Invoke(tensor.Name);
                    string name = mapped ?? (prefix.Length > 0 && tensor.Name.StartsWith(prefix, StringComparison.Ordinal) ? tensor.Name.Substring(prefix.Length) : tensor.Name);
                    if (!byName.TryAdd(name, tensor))
                    {
                        string how = map is not null ? $"once {nameof(SafeTensorsImportOptions.MapName)} (and the prefix '{prefix}') is applied" : $"once the prefix '{prefix}' is stripped";
                        throw new ModelFileException(ModelFileError.DuplicateTensor, $"{source}: tensors '{byName[name].Name}' and '{tensor.Name}' both match the name '{name}' {how}.", path, name);
                    }
                }

                for (int i = 0; i < targets.Length; i++)
                {
                    string name = targets[i].Tensor.Name;
                    if (!byName.TryGetValue(name, out SafeTensorInfo? tensor))
                    {
                        string wanted = prefix.Length > 0 ? $"'{name}' (or '{prefix}{name}')" : $"'{name}'";
                        string mapped = map is null ? string.Empty : $" (after {nameof(SafeTensorsImportOptions.MapName)}: {NameList(byName.Keys)})";
                        string kind = targets[i].IsBuffer ? ", a non-trainable buffer the network needs (buffers are loaded strictly, like parameters)" : ", which the network needs";
                        throw new ModelFileException(ModelFileError.MissingTensor, $"{source} has no tensor {wanted}{kind}; it has {NameList(header.Tensors.Select(t => t.Name))}{mapped}.", path, name);
                    }

                    sources[i] = tensor;
                    used.Add(tensor);
                }
            }

            if (!options.IgnoreUnusedTensors && used.Count < header.Tensors.Count)
            {
                var unused = header.Tensors.Where(t => !used.Contains(t)).Select(t => t.Name).ToList();
                throw new ModelFileException(ModelFileError.UnusedTensor, $"{source} has tensors the network does not use: {NameList(unused)}. Set {nameof(SafeTensorsImportOptions)}.{nameof(SafeTensorsImportOptions.IgnoreUnusedTensors)} to load it anyway.", path, unused[0]);
            }

            return sources;
        }

        /// <summary>
        /// The file's tensors in the order <see cref="TensorMatching.ByOrder"/> pairs them with the network's: grouped into
        /// modules (the name up to its last '.'), each module's <c>weight</c>, <c>bias</c>, <c>running_mean</c>,
        /// <c>running_var</c>, <c>num_batches_tracked</c> (PyTorch's order within a module, whatever the data order: the
        /// package writes an I64 <c>num_batches_tracked</c> before the F32 tensors) then any other tensor in data order;
        /// modules in data order, or, when the data is sorted by name (within
        /// each dtype, as the Python <c>safetensors</c> package writes every file), in name order with numbers compared as
        /// numbers (<c>fc2</c> before <c>fc10</c>), since the data order then says nothing about the layers.
        /// </summary>
        internal static IReadOnlyList<SafeTensorInfo> LayerOrder(IReadOnlyList<SafeTensorInfo> tensors)
        {
            bool sortedByName = true;
            for (int i = 1; i < tensors.Count; i++)
            {
                if (tensors[i - 1].DataType == tensors[i].DataType && string.CompareOrdinal(tensors[i - 1].Name, tensors[i].Name) > 0)
                {
                    sortedByName = false;
                    break;
                }
            }

            var modules = new List<(string Module, List<(SafeTensorInfo Tensor, int Rank, int Index)> Tensors)>();
            var byModule = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < tensors.Count; i++)
            {
                string name = tensors[i].Name;
                int dot = name.LastIndexOf('.');
                string module = dot < 0 ? string.Empty : name.Substring(0, dot);
                string role = dot < 0 ? name : name.Substring(dot + 1);
                if (!byModule.TryGetValue(module, out int index))
                {
                    index = modules.Count;
                    byModule.Add(module, index);
                    modules.Add((module, new List<(SafeTensorInfo, int, int)>()));
                }

                modules[index].Tensors.Add((tensors[i], role switch { "weight" => 0, "bias" => 1, "running_mean" => 2, "running_var" => 3, "num_batches_tracked" => 4, _ => 5 }, i));
            }

            if (sortedByName)
            {
                modules.Sort((a, b) => NaturalCompare(a.Module, b.Module));
            }

            var ordered = new List<SafeTensorInfo>(tensors.Count);
            foreach (var (_, members) in modules)
            {
                ordered.AddRange(members.OrderBy(m => m.Rank).ThenBy(m => m.Index).Select(m => m.Tensor));
            }

            return ordered;
        }

        /// <summary>Ordinal comparison in which runs of digits compare as numbers: <c>layers.2</c> before <c>layers.10</c>.</summary>
        internal static int NaturalCompare(string a, string b)
        {
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
                {
                    int startA = i, startB = j;
                    while (i < a.Length && char.IsAsciiDigit(a[i]))
                    {
                        i++;
                    }

                    while (j < b.Length && char.IsAsciiDigit(b[j]))
                    {
                        j++;
                    }

                    ReadOnlySpan<char> x = a.AsSpan(startA, i - startA).TrimStart('0');
                    ReadOnlySpan<char> y = b.AsSpan(startB, j - startB).TrimStart('0');
                    int order = x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
                    if (order != 0)
                    {
                        return order;
                    }

                    continue;
                }

                if (a[i] != b[j])
                {
                    return a[i].CompareTo(b[j]);
                }

                i++;
                j++;
            }

            int rest = (a.Length - i).CompareTo(b.Length - j);
            return rest != 0 ? rest : string.CompareOrdinal(a, b);
        }

        private static SafeTensorsHeader ReadHeaderCore(Stream stream, string? path)
        {
            string source = Source(path);
            Span<byte> prefix = stackalloc byte[8];
            int read = StreamReading.ReadAtMost(stream, prefix);
            if (read == 0)
            {
                throw new ModelFileException(ModelFileError.Truncated, $"{source} is empty.", path);
            }

            if (read < 8)
            {
                throw new ModelFileException(ModelFileError.Truncated, $"{source} is truncated: it has {read} bytes, fewer than the 8-byte header length.", path);
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            long remaining = StreamReading.Remaining(stream);
            if (headerLength > MaxHeaderLength)
            {
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{source} announces a {headerLength}-byte header, more than the {MaxHeaderLength} allowed: it is not a safetensors file or its header length is corrupt.", path);
            }

            if (headerLength < 2)
            {
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{source} announces a {headerLength}-byte header, too short for a JSON object.", path);
            }

            if (remaining >= 0 && (long)headerLength > remaining)
            {
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{source} announces a {headerLength}-byte header but only {remaining} bytes follow: the header length is corrupt or the file is truncated.", path);
            }

            // The buffer grows with the bytes that actually arrive (from 64 KiB, doubling), so a stream that announces a
            // large header but ends early costs memory in proportion to what it sent, not to what it announced.
            int length = (int)headerLength;
            byte[] json = new byte[Math.Min(length, InitialHeaderBuffer)];
            int filled = 0;
            while (filled < length)
            {
                if (filled == json.Length)
                {
                    Array.Resize(ref json, (int)Math.Min(length, (long)json.Length * 2));
                }

                int got = stream.Read(json, filled, json.Length - filled);
                if (got == 0)
                {
                    throw new ModelFileException(ModelFileError.Truncated, $"{source} is truncated: it ends {filled} bytes into its {headerLength}-byte header.", path);
                }

                filled += got;
            }

            long dataLength = remaining >= 0 ? remaining - (long)headerLength : -1;
            return ParseHeader(json, dataLength, path);
        }

        private static SafeTensorsHeader ParseHeader(byte[] json, long dataLength, string? path)
        {
            string source = Source(path);
            if (!Utf8.IsValid(json))
            {
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{source} has a header that is not valid UTF-8.", path);
            }

            if (json[0] != (byte)'{')
            {
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{source} has a header that does not start with '{{': it is not a safetensors file.", path);
            }

            var tensors = new List<SafeTensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            string? current = null;
            try
            {
                var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
                Expect(ref reader, JsonTokenType.StartObject, "the header");
                while (true)
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        break;
                    }

                    string name = ReadString(ref reader, path, null, "a tensor name");
                    current = name;
                    if (name == MetadataKey)
                    {
                        if (sawMetadata)
                        {
                            throw Malformed(path, null, $"the header has two '{MetadataKey}' entries");
                        }

                        sawMetadata = true;
                        ReadMetadata(ref reader, metadata, path);
                    }
                    else
                    {
                        if (!names.Add(name))
                        {
                            throw new ModelFileException(ModelFileError.DuplicateTensor, $"{source}: the header describes tensor '{name}' twice.", path, name);
                        }

                        tensors.Add(ReadTensor(ref reader, name, path));
                    }

                    current = null;
                }

                if (reader.Read())
                {
                    throw Malformed(path, null, "the header has data after its JSON object");
                }
            }
            catch (JsonException exception)
            {
                string where = current is null ? string.Empty : current == MetadataKey ? $" in '{MetadataKey}'" : $" in tensor '{current}'";
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{source} has a header that is not valid JSON{where}: {exception.Message}", path, current == MetadataKey ? null : current, exception);
            }

            tensors.Sort((a, b) => a.DataBegin != b.DataBegin ? a.DataBegin.CompareTo(b.DataBegin) : a.DataEnd.CompareTo(b.DataEnd));
            long expected = 0;
            SafeTensorInfo? previous = null;
            foreach (SafeTensorInfo tensor in tensors)
            {
                if (tensor.DataBegin < expected)
                {
                    throw Malformed(path, tensor.Name, $"tensor '{tensor.Name}' at bytes [{tensor.DataBegin}, {tensor.DataEnd}) overlaps tensor '{previous!.Name}' at [{previous.DataBegin}, {previous.DataEnd})");
                }

                if (tensor.DataBegin > expected)
                {
                    throw Malformed(path, tensor.Name, $"no tensor covers data bytes [{expected}, {tensor.DataBegin}) before tensor '{tensor.Name}'; the data must be fully covered");
                }

                if (dataLength >= 0 && tensor.DataEnd > dataLength)
                {
                    throw new ModelFileException(ModelFileError.Truncated, $"{source}: tensor '{tensor.Name}' ends at data byte {tensor.DataEnd} but the file has only {dataLength} data bytes (truncated file or corrupt header).", path, tensor.Name);
                }

                expected = tensor.DataEnd;
                previous = tensor;
            }

            if (dataLength >= 0 && expected < dataLength)
            {
                throw new ModelFileException(ModelFileError.TrailingData, $"{source} has {dataLength - expected} bytes after its last tensor that no tensor covers.", path);
            }

            return new SafeTensorsHeader(tensors, metadata, json.Length, expected);
        }

        private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string? path)
        {
            Expect(ref reader, JsonTokenType.StartObject, $"'{MetadataKey}'");
            while (true)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return;
                }

                string key = ReadString(ref reader, path, null, $"a key of '{MetadataKey}'");
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Malformed(path, null, $"'{MetadataKey}' entry '{key}' is a {reader.TokenType}, not a string");
                }

                if (!metadata.TryAdd(key, ReadString(ref reader, path, null, $"the value of '{MetadataKey}' entry '{key}'")))
                {
                    throw Malformed(path, null, $"'{MetadataKey}' has the key '{key}' twice");
                }
            }
        }

        private static SafeTensorInfo ReadTensor(ref Utf8JsonReader reader, string name, string? path)
        {
            Expect(ref reader, JsonTokenType.StartObject, $"tensor '{name}'");
            string? dataType = null;
            List<long>? shape = null;
            List<long>? offsets = null;
            while (true)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                string key = ReadString(ref reader, path, name, $"a field name of tensor '{name}'");
                reader.Read();
                if ((key == "dtype" && dataType is not null) || (key == "shape" && shape is not null) || (key == "data_offsets" && offsets is not null))
                {
                    throw Malformed(path, name, $"tensor '{name}' has the field '{key}' twice");
                }

                switch (key)
                {
                    case "dtype":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            throw Malformed(path, name, $"tensor '{name}' has a dtype that is not a string");
                        }

                        dataType = ReadString(ref reader, path, name, $"the dtype of tensor '{name}'");
                        break;
                    case "shape":
                        shape = ReadIntegers(ref reader, name, key, path);
                        break;
                    case "data_offsets":
                        offsets = ReadIntegers(ref reader, name, key, path);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (dataType is null || shape is null || offsets is null)
            {
                string missing = dataType is null ? "dtype" : shape is null ? "shape" : "data_offsets";
                throw Malformed(path, name, $"tensor '{name}' has no '{missing}'");
            }

            if (offsets.Count != 2)
            {
                throw Malformed(path, name, $"tensor '{name}' has {offsets.Count} data_offsets instead of 2 ([begin, end])");
            }

            long begin = offsets[0], end = offsets[1];
            if (end < begin)
            {
                throw Malformed(path, name, $"tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin");
            }

            int bits = ElementBits(dataType);
            if (bits == 0)
            {
                throw Malformed(path, name, $"tensor '{name}' has the unknown dtype '{dataType}'; the safetensors dtypes are {string.Join(", ", KnownDataTypes)}");
            }

            long elements = 1;
            foreach (long dimension in shape)
            {
                if (dimension > 0 && elements > long.MaxValue / 64 / dimension)
                {
                    throw Malformed(path, name, $"tensor '{name}' has shape [{string.Join(", ", shape)}], too many elements");
                }

                elements *= dimension;
            }

            if (elements * bits % 8 != 0)
            {
                throw Malformed(path, name, $"tensor '{name}' has {elements} {dataType} elements of {bits} bits, which do not fill whole bytes");
            }

            long size = elements * bits / 8;
            if (end - begin != size)
            {
                throw Malformed(path, name, $"tensor '{name}' has data_offsets [{begin}, {end}] spanning {end - begin} bytes but {dataType} shape [{string.Join(", ", shape)}] needs {size}");
            }

            return new SafeTensorInfo(name, dataType, shape.ToArray(), begin, end, elements);
        }

        private static List<long> ReadIntegers(ref Utf8JsonReader reader, string name, string key, string? path)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Malformed(path, name, $"tensor '{name}' has a '{key}' that is not an array");
            }

            var values = new List<long>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
                {
                    throw Malformed(path, name, $"tensor '{name}' has a '{key}' entry that is not a non-negative integer");
                }

                values.Add(value);
            }

            return values;
        }

        private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
        {
            reader.Read();
            if (reader.TokenType != type)
            {
                throw new JsonException($"{what} is a {reader.TokenType}, not an object.");
            }
        }

        /// <summary>The bytes per element of the dtypes <see cref="Convert"/> reads (F32, F16, BF16, F64, I64).</summary>
        private static int ElementSize(string dataType) => ElementBits(dataType) / 8;

        /// <summary>The bits per element of a dtype of the reference implementation, or 0 for a string it does not know.</summary>
        private static int ElementBits(string dataType) => dataType switch
        {
            "F64" or "I64" or "U64" or "C64" => 64,
            "F32" or "I32" or "U32" => 32,
            "F16" or "BF16" or "I16" or "U16" => 16,
            "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8,
            "F6_E2M3" or "F6_E3M2" => 6,
            "F4" => 4,
            _ => 0,
        };

        /// <summary>
        /// Reads the current string or property name. A lone UTF-16 surrogate escape (<c>"\ud800"</c>) is valid JSON syntax
        /// but no valid string, and the reference implementation rejects it: a malformed header, not an
        /// <see cref="InvalidOperationException"/>.
        /// </summary>
        private static string ReadString(ref Utf8JsonReader reader, string? path, string? tensor, string what)
        {
            try
            {
                return reader.GetString()!;
            }
            catch (InvalidOperationException exception)
            {
                string raw = Encoding.UTF8.GetString(reader.ValueSpan.Length > 80 ? reader.ValueSpan.Slice(0, 80) : reader.ValueSpan);
                throw new ModelFileException(ModelFileError.MalformedHeader, $"{Source(path)} has a malformed safetensors header: {what} (\"{raw}\") is not valid Unicode: it holds a lone UTF-16 surrogate escape.", path, tensor, exception);
            }
        }

        private static void Convert(string dataType, ReadOnlySpan<byte> bytes, Span<float> values)
        {
            switch (dataType)
            {
                case "F32":
                    ModelFile.ReadLittleEndian(bytes, values);
                    break;
                case "F16":
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2));
                    }

                    break;
                case "BF16":
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)) << 16);
                    }

                    break;
                case "I64":
                    // Round to nearest: exact for magnitudes up to 2^24, as any count a float buffer can hold exactly.
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8));
                    }

                    break;
                default:
                    for (int i = 0; i < values.Length; i++)
                    {
                        values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i * 8));
                    }

                    break;
            }
        }

        /// <summary>The network's parameter tensors then its buffer tensors, checked: unique names, within their buffers.</summary>
        private static Target[] CheckNetworkTensors(INetwork network)
        {
            IReadOnlyList<ParameterTensor> parameters = network.ParameterTensors;
            IReadOnlyList<ParameterTensor> buffers = network.BufferTensors;
            int parameterCount = network.Parameters.Length;
            int bufferCount = network.Buffers.Length;
            var targets = new Target[parameters.Count + buffers.Count];
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < targets.Length; i++)
            {
                bool isBuffer = i >= parameters.Count;
                ParameterTensor tensor = isBuffer ? buffers[i - parameters.Count] : parameters[i];
                if (tensor.Name == MetadataKey || !names.Add(tensor.Name))
                {
                    throw new InvalidOperationException($"The network '{network.Architecture}' has an invalid or duplicate tensor name '{tensor.Name}'.");
                }

                int count = isBuffer ? bufferCount : parameterCount;
                if ((long)tensor.Offset + tensor.Length > count)
                {
                    throw new InvalidOperationException($"The network '{network.Architecture}' describes tensor {tensor} beyond its {count} {(isBuffer ? "buffer values" : "parameters")}.");
                }

                targets[i] = new Target(tensor, isBuffer);
            }

            return targets;
        }

        /// <summary>
        /// The network's tensors (indices into <paramref name="targets"/>) in <c>state_dict</c> order: module by module (the
        /// name up to its last '.'), each module's parameters then its buffers. Modules come in the order of the parameters;
        /// a module that has only buffers goes before the first module whose name sorts after its own (numbers compared as
        /// numbers, <see cref="NaturalCompare"/>), as Sequential indices do. Without buffers this is the parameter order.
        /// </summary>
        internal static int[] StateDictOrder(IReadOnlyList<Target> targets)
        {
            var modules = new List<string>();
            var members = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (bool buffers in new[] { false, true })
            {
                for (int i = 0; i < targets.Count; i++)
                {
                    if (targets[i].IsBuffer != buffers)
                    {
                        continue;
                    }

                    string name = targets[i].Tensor.Name;
                    int dot = name.LastIndexOf('.');
                    string module = dot < 0 ? string.Empty : name.Substring(0, dot);
                    if (!members.TryGetValue(module, out List<int>? list))
                    {
                        list = new List<int>();
                        members.Add(module, list);
                        int at = buffers ? modules.FindIndex(m => NaturalCompare(m, module) > 0) : -1;
                        modules.Insert(at < 0 ? modules.Count : at, module);
                    }

                    list.Add(i);
                }
            }

            return modules.SelectMany(m => members[m]).ToArray();
        }

        /// <summary>The dtype <see cref="Export(INetwork, Stream, IReadOnlyDictionary{string, string}?)"/> writes a tensor with.</summary>
        private static string ExportType(Target target) =>
            target.IsBuffer && target.Tensor.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? "I64" : "F32";

        /// <summary>Whether <paramref name="value"/> is an integer that an <see cref="long"/> holds exactly.</summary>
        private static bool IsInt64(float value) => float.IsInteger(value) && value >= -9.223372036854775808E18f && value < 9.223372036854775808E18f;

        private static string Kind(Target target) => target.IsBuffer ? "buffer" : "tensor";

        /// <summary>A network tensor: a parameter tensor (offsets into <see cref="INetwork.Parameters"/>) or a buffer.</summary>
        internal readonly record struct Target(ParameterTensor Tensor, bool IsBuffer);

        private static string NameList(IEnumerable<string> names)
        {
            var list = names.Take(11).Select(n => $"'{n}'").ToList();
            if (list.Count == 0)
            {
                return "no tensors";
            }

            return list.Count > 10 ? string.Join(", ", list.Take(10)) + ", ..." : string.Join(", ", list);
        }

        private static ModelFileException TruncatedData(string? path, SafeTensorInfo tensor) =>
            new(ModelFileError.Truncated, $"{Source(path)} is truncated: it ends inside the data of tensor '{tensor.Name}' (bytes [{tensor.DataBegin}, {tensor.DataEnd}) of the data).", path, tensor.Name);

        private static ModelFileException Malformed(string? path, string? tensor, string message) =>
            new(ModelFileError.MalformedHeader, $"{Source(path)} has a malformed safetensors header: {message}.", path, tensor);

        private static string Source(string? path) => path is null ? "The safetensors stream" : $"The safetensors file '{path}'";
    }
}
