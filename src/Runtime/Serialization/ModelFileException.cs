using System;
using System.IO;

namespace Compiled.Serialization
{
    /// <summary>
    /// A model file (<see cref="ModelFile"/> or <see cref="SafeTensors"/>) cannot be loaded into a network: it is corrupt,
    /// truncated, of an unknown format or version, or made for another network. The network's parameters are unchanged.
    /// </summary>
    /// <remarks>
    /// It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so one
    /// <c>catch (IOException)</c> handles missing, unreadable and invalid model files alike.
    /// </remarks>
    public sealed class ModelFileException : IOException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="error">What is wrong.</param>
        /// <param name="message">The full message, naming the file when there is one.</param>
        /// <param name="filePath">The file, or <see langword="null"/> when reading a stream.</param>
        /// <param name="tensorName">The tensor concerned, if any.</param>
        /// <param name="innerException">The underlying error, if any.</param>
        public ModelFileException(ModelFileError error, string message, string? filePath = null, string? tensorName = null, Exception? innerException = null)
            : base(message, innerException)
        {
            Error = error;
            FilePath = filePath;
            TensorName = tensorName;
        }

        /// <summary>What is wrong with the file.</summary>
        public ModelFileError Error { get; }

        /// <summary>The file, or <see langword="null"/> when the model was read from a stream.</summary>
        public string? FilePath { get; }

        /// <summary>The tensor concerned (safetensors files), or <see langword="null"/>.</summary>
        public string? TensorName { get; }

        internal static string Describe(string? path) => path is null ? "Model stream" : $"Model file '{path}'";
    }
}
