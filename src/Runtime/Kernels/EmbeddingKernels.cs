using System;
using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of <c>[Embedding(vocabulary, dimension)]</c>, called by generated code with constant arguments; not meant
    /// to be called directly.
    /// </summary>
    /// <remarks>
    /// Token ids arrive as floats holding exact integers (the network's <c>InputKind</c> is <c>TokenIds</c>).
    /// <see cref="CheckIds(ReadOnlySpan{float}, int, int, string)"/> runs at the start of every call that reads inputs, before anything is computed, so a bad id
    /// throws with nothing changed; the lookups then trust the ids. Forward: <c>y[t] = weight[id[t]]</c>. Backward:
    /// <c>dweight[id[t]] += dy[t]</c>, touching only the rows used (PyTorch's dense-gradient mode; the padding row is
    /// skipped, as PyTorch's <c>padding_idx</c>).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class EmbeddingKernels
    {
        /// <summary>
        /// Checks that every value of <paramref name="ids"/> is an integer in [0, <paramref name="vocabulary"/>), throwing an
        /// <see cref="ArgumentOutOfRangeException"/> for <paramref name="parameter"/> that names the first bad id, its sample
        /// and its position otherwise.
        /// </summary>
        /// <param name="ids">Token ids of whole samples.</param>
        /// <param name="tokensPerSample">Ids per sample (the network's <c>InputSize</c>).</param>
        /// <param name="vocabulary">The number of ids.</param>
        /// <param name="parameter">The argument's name, for the exception.</param>
        public static void CheckIds(ReadOnlySpan<float> ids, int tokensPerSample, int vocabulary, string parameter)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                float id = ids[i];
                // (int) of NaN or of a value out of int's range is not equal to the value, so those fail too.
                int index = (int)id;
                if ((uint)index >= (uint)vocabulary || index != id)
                {
                    ThrowId(parameter, id, i, tokensPerSample, vocabulary);
                }
            }
        }

        /// <summary>
        /// Checks that every value of <paramref name="ids"/> is in [0, <paramref name="vocabulary"/>), throwing an
        /// <see cref="ArgumentOutOfRangeException"/> for <paramref name="parameter"/> that names the first bad id, its sample
        /// and its position otherwise.
        /// </summary>
        /// <param name="ids">Token ids of whole samples.</param>
        /// <param name="tokensPerSample">Ids per sample (the network's <c>InputSize</c>).</param>
        /// <param name="vocabulary">The number of ids.</param>
        /// <param name="parameter">The argument's name, for the exception.</param>
        public static void CheckIds(ReadOnlySpan<int> ids, int tokensPerSample, int vocabulary, string parameter)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                if ((uint)ids[i] >= (uint)vocabulary)
                {
                    ThrowId(parameter, ids[i], i, tokensPerSample, vocabulary);
                }
            }
        }

        /// <summary>
        /// Looks up <paramref name="tokens"/> ids of each of <paramref name="count"/> samples:
        /// <c>output[s, t, :] = weight[ids[s, t], :]</c>. The ids must have passed <see cref="CheckIds(ReadOnlySpan{float}, int, int, string)"/>.
        /// </summary>
        /// <param name="ids">The ids, <c>[count, tokens]</c> floats.</param>
        /// <param name="weight">The table, <c>[vocabulary, dimension]</c>.</param>
        /// <param name="output">Receives <c>[count, tokens, dimension]</c> floats.</param>
        /// <param name="tokens">Ids per sample.</param>
        /// <param name="dimension">Floats per row.</param>
        /// <param name="count">Samples.</param>
        public static void Forward(ref float ids, ref float weight, ref float output, int tokens, int dimension, int count)
        {
            int total = tokens * count;
            for (int t = 0; t < total; t++)
            {
                int id = (int)Unsafe.Add(ref ids, t);
                ReadOnlySpan<float> row = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref weight, (nint)id * dimension), dimension);
                row.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref output, (nint)t * dimension), dimension));
            }
        }

        /// <summary>
        /// Adds each token's output gradient into its row of the weight gradient: <c>dweight[ids[s, t], :] += dy[s, t, :]</c>,
        /// skipping the id <paramref name="paddingIndex"/> (-1 for none).
        /// </summary>
        /// <param name="ids">The ids, <c>[count, tokens]</c> floats.</param>
        /// <param name="outputGradient">The gradient with respect to the output, <c>[count, tokens, dimension]</c>.</param>
        /// <param name="weightGradient">The weight's gradient, <c>[vocabulary, dimension]</c>, accumulated into.</param>
        /// <param name="tokens">Ids per sample.</param>
        /// <param name="dimension">Floats per row.</param>
        /// <param name="count">Samples.</param>
        /// <param name="paddingIndex">The id whose row is not trained, or -1.</param>
        public static void Backward(ref float ids, ref float outputGradient, ref float weightGradient, int tokens, int dimension, int count, int paddingIndex)
        {
            int total = tokens * count;
            for (int t = 0; t < total; t++)
            {
                int id = (int)Unsafe.Add(ref ids, t);
                if (id == paddingIndex)
                {
                    continue;
                }

                ref float dy = ref Unsafe.Add(ref outputGradient, (nint)t * dimension);
                ref float dw = ref Unsafe.Add(ref weightGradient, (nint)id * dimension);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    for (; j <= dimension - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        (Vector.LoadUnsafe(ref dw, (nuint)j) + Vector.LoadUnsafe(ref dy, (nuint)j)).StoreUnsafe(ref dw, (nuint)j);
                    }
                }

                for (; j < dimension; j++)
                {
                    Unsafe.Add(ref dw, j) += Unsafe.Add(ref dy, j);
                }
            }
        }

        /// <summary>Writes zeros: the gradient with respect to token ids (they are not differentiable).</summary>
        /// <param name="inputGradient">The first float.</param>
        /// <param name="length">Floats to clear.</param>
        public static void ClearInputGradient(ref float inputGradient, int length) =>
            MemoryMarshal.CreateSpan(ref inputGradient, length).Clear();

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowId(string parameter, double id, int index, int tokensPerSample, int vocabulary)
        {
            int sample = index / tokensPerSample;
            int position = index % tokensPerSample;
            throw new ArgumentOutOfRangeException(
                parameter,
                id,
                string.Create(CultureInfo.InvariantCulture, $"Token id {id} at sample {sample}, position {position} (element {index}) is not an integer in [0, {vocabulary}): the embedding's vocabulary has {vocabulary} ids."));
        }
    }
}
