using System.Collections.Generic;

namespace Compiled.Serialization
{
    /// <summary>One tensor described by a safetensors header.</summary>
    public sealed class SafeTensorInfo
    {
        internal SafeTensorInfo(string name, string dataType, long[] shape, long dataBegin, long dataEnd, long elementCount)
        {
            Name = name;
            DataType = dataType;
            Shape = shape;
            DataBegin = dataBegin;
            DataEnd = dataEnd;
            ElementCount = elementCount;
        }

        /// <summary>The tensor's name, such as <c>0.weight</c>.</summary>
        public string Name { get; }

        /// <summary>The element type as written in the file: <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>F64</c>, <c>I64</c>, ...</summary>
        public string DataType { get; }

        /// <summary>The tensor's dimensions, outermost first (an empty list for a scalar).</summary>
        public IReadOnlyList<long> Shape { get; }

        /// <summary>Where the tensor's bytes start, relative to the byte buffer after the header.</summary>
        public long DataBegin { get; }

        /// <summary>Where the tensor's bytes end (exclusive), relative to the byte buffer after the header.</summary>
        public long DataEnd { get; }

        /// <summary>The number of elements, the product of <see cref="Shape"/>.</summary>
        public long ElementCount { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Name} {DataType} [{string.Join(", ", Shape)}] at [{DataBegin}, {DataEnd})";
    }

    /// <summary>The header of a safetensors file, as returned by <see cref="SafeTensors.ReadHeader(string)"/>.</summary>
    public sealed class SafeTensorsHeader
    {
        internal SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata, long headerLength, long dataLength)
        {
            Tensors = tensors;
            Metadata = metadata;
            HeaderLength = headerLength;
            DataLength = dataLength;
        }

        /// <summary>Every tensor, in the order of their data in the file.</summary>
        public IReadOnlyList<SafeTensorInfo> Tensors { get; }

        /// <summary>The string pairs of the header's <c>__metadata__</c> entry (empty when it has none).</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>The length in bytes of the JSON header (the number stored in the file's first 8 bytes).</summary>
        public long HeaderLength { get; }

        /// <summary>The length in bytes of the data buffer after the header.</summary>
        public long DataLength { get; }
    }
}
