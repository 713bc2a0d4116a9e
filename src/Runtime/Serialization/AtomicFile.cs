using System;
using System.IO;

namespace Compiled.Serialization
{
    /// <summary>Writes a file through a temporary file in the same folder, renamed over the target once complete.</summary>
    internal static class AtomicFile
    {
        /// <summary>
        /// Creates a temporary file next to <paramref name="path"/>, lets <paramref name="write"/> fill it, flushes it to
        /// disk and renames it over <paramref name="path"/>. If anything fails the temporary file is deleted and the
        /// target is left as it was.
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
            string temporary = Path.Combine(directory, "." + Path.GetFileName(fullPath) + "." + Path.GetRandomFileName() + ".tmp");
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    Stream stream = wrap is null ? file : wrap(file);
                    write(stream);
                    stream.Flush();
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, fullPath, overwrite: true);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
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
