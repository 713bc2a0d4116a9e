namespace Compiled.Serialization
{
    /// <summary>The header of a Compiled model file, as returned by <see cref="ModelFile.ReadInfo(string)"/>.</summary>
    public sealed class ModelFileInfo
    {
        internal ModelFileInfo(uint formatVersion, string architecture, long parameterCount, long length)
        {
            FormatVersion = formatVersion;
            Architecture = architecture;
            ParameterCount = parameterCount;
            Length = length;
        }

        /// <summary>The format version of the file (currently always <see cref="ModelFile.FormatVersion"/>).</summary>
        public uint FormatVersion { get; }

        /// <summary>The architecture signature of the network the file was saved from (<see cref="INetwork.Architecture"/>).</summary>
        public string Architecture { get; }

        /// <summary>The number of parameters stored in the file.</summary>
        public long ParameterCount { get; }

        /// <summary>The length of the model record in bytes, checksum included.</summary>
        public long Length { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Architecture} ({ParameterCount} parameters, format {FormatVersion})";
    }
}
