using System;
using System.Runtime.InteropServices;

namespace Compiled
{
    /// <summary>Runtime-internal access to parameter buffers.</summary>
    internal static class ParameterAccess
    {
        /// <summary>
        /// A writable view of <paramref name="values"/>, for runtime code that writes parameters from several threads while
        /// the coordinating thread holds a <see cref="ParameterEdit"/> open (a span cannot cross threads inside the edit).
        /// </summary>
        /// <param name="values">A network's <see cref="INetwork.Parameters"/>.</param>
        /// <returns>The same memory, writable.</returns>
        public static Span<float> Writable(ReadOnlySpan<float> values) =>
            MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(values), values.Length);
    }
}
