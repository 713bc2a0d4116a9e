using System;
using System.IO;

namespace Compiled.Data
{
    /// <summary>
    /// A data file (IDX, CSV) is malformed. The message names the file and, for text files, the line and column.
    /// </summary>
    /// <remarks>
    /// It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so one
    /// <c>catch (IOException)</c> handles missing, unreadable and malformed data files alike.
    /// </remarks>
    public sealed class DataFormatException : IOException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">The full message, naming the file (and line and column when known).</param>
        /// <param name="filePath">The file, or <see langword="null"/> for a stream without a name.</param>
        /// <param name="line">The 1-based line, for text files.</param>
        /// <param name="column">The 1-based column (field), for text files.</param>
        /// <param name="innerException">The underlying error, if any.</param>
        public DataFormatException(string message, string? filePath = null, long? line = null, int? column = null, Exception? innerException = null)
            : base(message, innerException)
        {
            FilePath = filePath;
            Line = line;
            Column = column;
        }

        /// <summary>The file (or the name given for a stream), or <see langword="null"/>.</summary>
        public string? FilePath { get; }

        /// <summary>The 1-based line of a text file where the error is, or <see langword="null"/>.</summary>
        public long? Line { get; }

        /// <summary>The 1-based column (field number) of a text file where the error is, or <see langword="null"/>.</summary>
        public int? Column { get; }
    }
}
