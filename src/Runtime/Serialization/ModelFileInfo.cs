namespace Compiled.Serialization
{
    /// <summary>The header of a Compiled model file, as returned by <see cref="ModelFile.ReadInfo(string)"/>.</summary>
    public sealed class ModelFileInfo
    {
        internal ModelFileInfo(uint formatVersion, string architecture, long parameterCount, long bufferCount, long length)
        {
            FormatVersion = formatVersion;
            Architecture = architecture;
            ParameterCount = parameterCount;
            BufferCount = bufferCount;
            Length = length;
        }

        /// <summary>
        /// The format version of the file: 1 (parameters only) or 2 (parameters and buffers, written by
        /// <see cref="ModelFile.Save(INetwork, string)"/> since buffers exist).
        /// </summary>
        public uint FormatVersion { get; }

        /// <summary>The architecture signature of the network the file was saved from (<see cref="INetwork.Architecture"/>).</summary>
        public string Architecture { get; }

        /// <summary>The number of parameters stored in the file.</summary>
        public long ParameterCount { get; }

        /// <summary>
        /// The number of non-trainable buffer values stored in the file (<see cref="INetwork.Buffers"/>): 0 for a network
        /// without buffers, and for every version 1 file.
        /// </summary>
        public long BufferCount { get; }

        /// <summary>The length of the model record in bytes, checksum included.</summary>
        public long Length { get; }

        /// <inheritdoc />
        public override string ToString() => BufferCount == 0
            ? $"{Architecture} ({ParameterCount} parameters, format {FormatVersion})"
            : $"{Architecture} ({ParameterCount} parameters, {BufferCount} buffer values, format {FormatVersion})";
    }
}
