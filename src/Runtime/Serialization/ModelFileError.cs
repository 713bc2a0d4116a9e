namespace Compiled.Serialization
{
    /// <summary>What is wrong with a model file (<see cref="ModelFile"/> or <see cref="SafeTensors"/>).</summary>
    public enum ModelFileError
    {
        /// <summary>The file ends before the data it announces (this includes an empty file).</summary>
        Truncated,

        /// <summary>The file does not start with the magic bytes <c>CMPL</c>: it is not a Compiled model file.</summary>
        BadMagic,

        /// <summary>The file has a format version this library cannot read.</summary>
        UnsupportedVersion,

        /// <summary>A header field is invalid: an absurd length, invalid UTF-8 or JSON, bad or overlapping offsets, ...</summary>
        MalformedHeader,

        /// <summary>The stored checksum does not match the contents: the file is corrupt.</summary>
        ChecksumMismatch,

        /// <summary>Bytes follow the end of the data.</summary>
        TrailingData,

        /// <summary>The file was saved from a network with another architecture signature.</summary>
        ArchitectureMismatch,

        /// <summary>The file holds another number of parameters than the network.</summary>
        ParameterCountMismatch,

        /// <summary>A tensor the network needs is not in the file.</summary>
        MissingTensor,

        /// <summary>A tensor of the file has another shape than the network's tensor it is loaded into.</summary>
        ShapeMismatch,

        /// <summary>A tensor the network needs has an element type that cannot be converted to <see cref="float"/>.</summary>
        UnsupportedDataType,

        /// <summary>The file has tensors the network has no use for (and unused tensors were not allowed).</summary>
        UnusedTensor,

        /// <summary>Two tensors of the file have the same name, or the same name once a prefix is stripped.</summary>
        DuplicateTensor,

        /// <summary>
        /// The model file holds another number of non-trainable buffer values (running statistics) than the network,
        /// including a version 1 file, which stores none, loaded into a network that has buffers.
        /// </summary>
        BufferCountMismatch,
    }
}
