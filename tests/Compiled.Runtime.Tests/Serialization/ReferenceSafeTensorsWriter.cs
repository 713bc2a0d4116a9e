using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Compiled.Runtime.Tests.Serialization
{
    /// <summary>
    /// Writes a safetensors file the way the Python <c>safetensors</c> package (its Rust core, <c>tensor.rs</c>
    /// <c>prepare</c>/<c>serialize</c>) does, independently of the code under test: tensors sorted by descending dtype
    /// alignment then by name, data laid out in that order, the JSON header with <c>__metadata__</c> first and the
    /// tensors in data order, no whitespace, padded with spaces to a multiple of 8 bytes.
    /// </summary>
    internal static class ReferenceSafeTensorsWriter
    {
        // The reference's Dtype enum order (increasing alignment); the writer sorts by it descending.
        private static readonly string[] DtypeOrder = { "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64" };

        public static byte[] Write(IEnumerable<(string Name, string Dtype, int[] Shape, float[] Values)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
        {
            var sorted = tensors
                .OrderByDescending(t => Array.IndexOf(DtypeOrder, t.Dtype))
                .ThenBy(t => t.Name, StringComparer.Ordinal)
                .ToList();
            var json = new StringBuilder("{");
            if (metadata is not null)
            {
                json.Append("\"__metadata__\":{");
                json.Append(string.Join(",", metadata.Select(p => $"\"{p.Key}\":\"{p.Value}\"")));
                json.Append("},");
            }

            var data = new List<byte>();
            var entries = new List<string>();
            foreach (var (name, dtype, shape, values) in sorted)
            {
                byte[] raw = Encode(dtype, values);
                entries.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Count},{data.Count + raw.Length}]}}");
                data.AddRange(raw);
            }

            json.Append(string.Join(",", entries)).Append('}');
            byte[] header = Encoding.UTF8.GetBytes(json.ToString());
            int padding = (8 - (header.Length % 8)) % 8;
            var bytes = new byte[8 + header.Length + padding + data.Count];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(header.Length + padding));
            header.CopyTo(bytes, 8);
            bytes.AsSpan(8 + header.Length, padding).Fill((byte)' ');
            data.CopyTo(bytes, 8 + header.Length + padding);
            return bytes;
        }

        private static byte[] Encode(string dtype, float[] values)
        {
            switch (dtype)
            {
                case "F32":
                    return values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
                case "F64":
                    return values.SelectMany(v => BitConverter.GetBytes((double)v)).ToArray();
                case "F16":
                    return values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
                case "I64": // torch.int64, as PyTorch keeps BatchNorm's num_batches_tracked
                    return values.SelectMany(v => BitConverter.GetBytes((long)v)).ToArray();
                case "I32":
                    return values.SelectMany(v => BitConverter.GetBytes((int)v)).ToArray();
                default:
                    throw new ArgumentException(dtype);
            }
        }
    }
}
