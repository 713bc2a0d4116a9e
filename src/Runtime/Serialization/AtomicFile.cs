using System;
using System.IO;

namespace Compiled.Serialization
{
    /// <summary>Writes a file through a temporary file in the same folder, renamed over the target once complete.</summary>
    /// <remarks>
    /// The temporary file is <c>.NAME.RANDOM.tmp</c> next to the target <c>NAME</c>, <c>RANDOM</c> being
    /// <see cref="Path.GetRandomFileName"/> (8 + 3 lowercase letters and digits). A process killed while saving leaves
    /// its temporary file behind; the next save of the same target deletes the temporary files of that target (exactly
    /// that pattern) last written more than <see cref="StaleAfter"/> ago, so a save still running in another process is
    /// left alone.
    /// </remarks>
    internal static class AtomicFile
    {
        /// <summary>How old a leftover temporary file of the same target must be for a save to delete it.</summary>
        public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

        private const string TemporaryExtension = ".tmp";

        /// <summary>
        /// Creates a temporary file next to <paramref name="path"/>, lets <paramref name="write"/> fill it, flushes it to
        /// disk and renames it over <paramref name="path"/>. If anything fails the temporary file is deleted and the
        /// target is left as it was. File-system failures (including a folder that is read-only or missing) are an
        /// <see cref="IOException"/> whose message names the target.
        /// </summary>
        /// <param name="path">The file to create or replace.</param>
        /// <param name="write">Writes the whole contents.</param>
        /// <param name="wrap">Test hook: wraps the file stream (to inject failures); <see langword="null"/> normally.</param>
        public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrap = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(write);
            string fullPath = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' is not a file path.", nameof(path));
            string name = Path.GetFileName(fullPath);
            string temporary = Path.Combine(directory, "." + name + "." + Path.GetRandomFileName() + TemporaryExtension);
            try
            {
                DeleteStaleTemporaryFiles(directory, name, DateTime.UtcNow - StaleAfter);
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    Stream stream = wrap is null ? file : wrap(file);
                    write(stream);
                    stream.Flush();
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, fullPath, overwrite: true);
            }
            catch (Exception exception) when (exception is (IOException and not ModelFileException) or UnauthorizedAccessException)
            {
                TryDelete(temporary);
                throw Explain(exception, fullPath, directory);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
        }

        /// <summary>Whether <paramref name="fileName"/> is a temporary file name this class makes for the target <paramref name="name"/>.</summary>
        internal static bool IsTemporaryName(string fileName, string name)
        {
            // "." + name + "." + 8 characters + "." + 3 characters + ".tmp"
            int prefix = name.Length + 2;
            if (fileName.Length != prefix + 12 + TemporaryExtension.Length
                || fileName[0] != '.'
                || !fileName.AsSpan(1).StartsWith(name, StringComparison.Ordinal)
                || fileName[prefix - 1] != '.'
                || !fileName.EndsWith(TemporaryExtension, StringComparison.Ordinal))
            {
                return false;
            }

            for (int i = 0; i < 12; i++)
            {
                char c = fileName[prefix + i];
                if (i == 8 ? c != '.' : !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Deletes the temporary files of the target <paramref name="name"/> last written before <paramref name="olderThanUtc"/>; best effort.</summary>
        internal static void DeleteStaleTemporaryFiles(string directory, string name, DateTime olderThanUtc)
        {
            try
            {
                string pattern = name.AsSpan().IndexOfAny('*', '?') >= 0 ? "*" + TemporaryExtension : "." + name + ".*" + TemporaryExtension;
                foreach (string file in Directory.EnumerateFiles(directory, pattern))
                {
                    if (IsTemporaryName(Path.GetFileName(file), name) && File.GetLastWriteTimeUtc(file) < olderThanUtc)
                    {
                        TryDelete(file);
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Best effort: a folder that cannot be listed fails the save itself, with a clearer message.
            }
        }

        private static IOException Explain(Exception exception, string target, string directory)
        {
            if (exception is DirectoryNotFoundException || !Directory.Exists(directory))
            {
                return new DirectoryNotFoundException($"Could not save '{target}': its folder '{directory}' does not exist. Nothing was written.", exception);
            }

            if (exception is UnauthorizedAccessException)
            {
                return new IOException($"Could not save '{target}': access to its folder '{directory}' was denied (a read-only folder or file, or no write permission). The file was not changed.", exception);
            }

            return new IOException($"Could not save '{target}': {exception.Message} The file was not changed.", exception);
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: the original error matters more.
            }
            catch (UnauthorizedAccessException)
            {
                // Best effort.
            }
        }
    }
}
