using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of <c>[Dropout(p)]</c> in training, called by generated code; <see cref="Keeps"/> is the mask's
    /// definition, public so tests and tools can reproduce a mask.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The mask is a pure function of (seed, step, layer index, sample index, element index): a counter-based hash, not a
    /// random stream, so the forward pass and the backward pass recompute the same mask without storing it, and a batch
    /// split over any number of threads (each thread's chunk offset by <see cref="TrainingContext.FirstSample"/>) draws
    /// exactly the masks one thread would. Element <c>j</c> of sample <c>s</c> is kept when the top 24 bits of its hash are
    /// at least <c>round(p * 2^24)</c>, so the drop probability is <c>p</c> to 24 bits; kept elements are scaled by
    /// <c>1 / (1 - p)</c> computed in single precision, as PyTorch's <c>nn.Dropout</c> does.
    /// </para>
    /// <para>The hash: SplitMix64 to mix seed, step and layer into a key and the key with the sample index into a
    /// per-sample key, then MurmurHash3's 32-bit finalizer of (per-sample key XOR element * 0x9E3779B9), vectorised with
    /// <see cref="Vector{T}"/> (every width gives the same bits).</para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class DropoutKernels
    {
        private const uint Golden = 0x9E3779B9u;

        /// <summary>
        /// The training forward pass over <paramref name="count"/> samples of <paramref name="width"/> floats:
        /// <c>output = keep ? input / (1 - p) : 0</c>. <paramref name="input"/> and <paramref name="output"/> may be the same.
        /// </summary>
        /// <param name="input">The first input.</param>
        /// <param name="output">The first output.</param>
        /// <param name="width">Floats per sample.</param>
        /// <param name="count">Samples.</param>
        /// <param name="p">The drop probability, in [0, 1].</param>
        /// <param name="context">The network's training context.</param>
        /// <param name="first">The index, within the call the context describes, of the first sample.</param>
        /// <param name="layer">The layer's index in the network (each dropout layer draws its own masks).</param>
        public static void Forward(ref float input, ref float output, int width, int count, float p, TrainingContext context, int first, int layer) =>
            Apply(ref input, ref output, width, count, p, context, first, layer);

        /// <summary>
        /// The backward pass: <c>inputGradient = keep ? outputGradient / (1 - p) : 0</c> with the masks of
        /// <see cref="Forward"/>. The two references may be the same.
        /// </summary>
        /// <param name="outputGradient">The gradient with respect to the layer's output.</param>
        /// <param name="inputGradient">Receives the gradient with respect to its input.</param>
        /// <param name="width">Floats per sample.</param>
        /// <param name="count">Samples.</param>
        /// <param name="p">The drop probability.</param>
        /// <param name="context">The training context the forward pass used.</param>
        /// <param name="first">The index of the first sample within the call.</param>
        /// <param name="layer">The layer's index in the network.</param>
        public static void Backward(ref float outputGradient, ref float inputGradient, int width, int count, float p, TrainingContext context, int first, int layer) =>
            Apply(ref outputGradient, ref inputGradient, width, count, p, context, first, layer);

        /// <summary>
        /// The training forward pass of channel-wise dropout (<c>[Dropout1D/2D/3D]</c>, <c>nn.Dropout2d</c>) over
        /// <paramref name="count"/> samples of <paramref name="channels"/> channels of <paramref name="positions"/> floats:
        /// channel <c>c</c> is kept (scaled by <c>1 / (1 - p)</c>) when <see cref="Keeps"/> keeps element <c>c</c>, else zeroed.
        /// <paramref name="input"/> and <paramref name="output"/> may be the same.
        /// </summary>
        /// <param name="input">The first input.</param>
        /// <param name="output">The first output.</param>
        /// <param name="channels">Channels per sample.</param>
        /// <param name="positions">Floats per channel.</param>
        /// <param name="count">Samples.</param>
        /// <param name="p">The drop probability, in [0, 1].</param>
        /// <param name="context">The network's training context.</param>
        /// <param name="first">The index, within the call the context describes, of the first sample.</param>
        /// <param name="layer">The layer's index in the network.</param>
        public static void ForwardChannels(ref float input, ref float output, int channels, int positions, int count, float p, TrainingContext context, int first, int layer) =>
            ApplyChannels(ref input, ref output, channels, positions, count, p, context, first, layer);

        /// <summary>The backward pass of <see cref="ForwardChannels"/> with the same masks; the two references may be the same.</summary>
        /// <param name="outputGradient">The gradient with respect to the layer's output.</param>
        /// <param name="inputGradient">Receives the gradient with respect to its input.</param>
        /// <param name="channels">Channels per sample.</param>
        /// <param name="positions">Floats per channel.</param>
        /// <param name="count">Samples.</param>
        /// <param name="p">The drop probability.</param>
        /// <param name="context">The training context the forward pass used.</param>
        /// <param name="first">The index of the first sample within the call.</param>
        /// <param name="layer">The layer's index in the network.</param>
        public static void BackwardChannels(ref float outputGradient, ref float inputGradient, int channels, int positions, int count, float p, TrainingContext context, int first, int layer) =>
            ApplyChannels(ref outputGradient, ref inputGradient, channels, positions, count, p, context, first, layer);

        /// <summary>
        /// Writes the masks themselves, <paramref name="count"/> samples of <paramref name="width"/> floats: <c>1 / (1 - p)</c>
        /// where <see cref="Keeps"/> keeps the element, else 0 (what <see cref="Forward"/> multiplies by). The recurrent
        /// layers' <c>RecurrentDropout</c> draws its per-sequence mask on the hidden state with it.
        /// </summary>
        /// <param name="mask">Receives <paramref name="count"/> x <paramref name="width"/> floats.</param>
        /// <param name="width">Floats per sample.</param>
        /// <param name="count">Samples.</param>
        /// <param name="p">The drop probability, in [0, 1].</param>
        /// <param name="context">The network's training context.</param>
        /// <param name="first">The index, within the call the context describes, of the first sample.</param>
        /// <param name="layer">The mask's key (each draw its own).</param>
        public static void Mask(ref float mask, int width, int count, float p, TrainingContext context, int first, int layer)
        {
            MemoryMarshal.CreateSpan(ref mask, width * count).Fill(1f);
            Apply(ref mask, ref mask, width, count, p, context, first, layer);
        }

        /// <summary>Whether element <paramref name="element"/> of sample <paramref name="sample"/> (within the call) is kept.</summary>
        /// <param name="context">The training context of the call.</param>
        /// <param name="layer">The layer's index in the network.</param>
        /// <param name="sample">The sample's index within the call (added to <see cref="TrainingContext.FirstSample"/>).</param>
        /// <param name="element">The element's index within the sample.</param>
        /// <param name="p">The drop probability.</param>
        /// <returns>True when the element is kept (and scaled), false when it is zeroed.</returns>
        public static bool Keeps(TrainingContext context, int layer, int sample, int element, float p)
        {
            uint key = SampleKey(LayerKey(context, layer), (long)context.FirstSample + sample);
            return Hash(key, (uint)element) >> 8 >= Threshold(p);
        }

        private static void Apply(ref float source, ref float destination, int width, int count, float p, TrainingContext context, int first, int layer)
        {
            uint threshold = Threshold(p);
            float scale = 1f / (1f - p); // infinite when p is 1, but then nothing is kept and it is never used
            ulong layerKey = LayerKey(context, layer);
            bool vectors = Vector.IsHardwareAccelerated && width >= Vector<uint>.Count;
            Vector<uint> lanes = vectors ? LaneIndices() : default;
            for (int s = 0; s < count; s++)
            {
                uint key = SampleKey(layerKey, (long)context.FirstSample + first + s);
                ref float x = ref Unsafe.Add(ref source, (nint)s * width);
                ref float y = ref Unsafe.Add(ref destination, (nint)s * width);
                int j = 0;
                if (vectors)
                {
                    var keys = new Vector<uint>(key);
                    var limit = new Vector<uint>(threshold);
                    var scales = new Vector<float>(scale);
                    for (; j <= width - Vector<uint>.Count; j += Vector<uint>.Count)
                    {
                        Vector<uint> h = Mix(keys ^ ((lanes + new Vector<uint>((uint)j)) * new Vector<uint>(Golden)));
                        Vector<uint> keep = Vector.GreaterThanOrEqual(Vector.ShiftRightLogical(h, 8), limit);
                        Vector<float> value = Vector.LoadUnsafe(ref x, (nuint)j) * scales;
                        Vector.ConditionalSelect(Vector.AsVectorSingle(keep), value, Vector<float>.Zero).StoreUnsafe(ref y, (nuint)j);
                    }
                }

                for (; j < width; j++)
                {
                    float value = Unsafe.Add(ref x, j) * scale;
                    Unsafe.Add(ref y, j) = Hash(key, (uint)j) >> 8 >= threshold ? value : 0f;
                }
            }
        }

        private static void ApplyChannels(ref float source, ref float destination, int channels, int positions, int count, float p, TrainingContext context, int first, int layer)
        {
            uint threshold = Threshold(p);
            float scale = 1f / (1f - p);
            ulong layerKey = LayerKey(context, layer);
            for (int s = 0; s < count; s++)
            {
                uint key = SampleKey(layerKey, (long)context.FirstSample + first + s);
                for (int c = 0; c < channels; c++)
                {
                    nint offset = (((nint)s * channels) + c) * positions;
                    ref float x = ref Unsafe.Add(ref source, offset);
                    ref float y = ref Unsafe.Add(ref destination, offset);
                    float factor = Hash(key, (uint)c) >> 8 >= threshold ? scale : 0f; // x * 0 would keep NaN and infinities: write zeros
                    int j = 0;
                    if (Vector.IsHardwareAccelerated)
                    {
                        var factors = new Vector<float>(factor);
                        for (; j <= positions - Vector<float>.Count; j += Vector<float>.Count)
                        {
                            Vector<float> value = factor == 0f ? Vector<float>.Zero : Vector.LoadUnsafe(ref x, (nuint)j) * factors;
                            value.StoreUnsafe(ref y, (nuint)j);
                        }
                    }

                    for (; j < positions; j++)
                    {
                        Unsafe.Add(ref y, j) = factor == 0f ? 0f : Unsafe.Add(ref x, j) * factor;
                    }
                }
            }
        }

        /// <summary>The drop threshold on 24-bit hashes: <c>round(p * 2^24)</c>, 2^24 (drop all) for p = 1.</summary>
        private static uint Threshold(float p) => (uint)Math.Round(Math.Clamp((double)p, 0, 1) * (1 << 24));

        private static ulong LayerKey(TrainingContext context, int layer) =>
            SplitMix(SplitMix(((ulong)(uint)context.Seed << 32) | (uint)layer) ^ (ulong)context.Step);

        private static uint SampleKey(ulong layerKey, long sample) => (uint)(SplitMix(layerKey ^ (ulong)sample) >> 32);

        private static ulong SplitMix(ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private static uint Hash(uint key, uint element)
        {
            uint h = key ^ (element * Golden);
            h ^= h >> 16;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            h *= 0xC2B2AE35u;
            return h ^ (h >> 16);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<uint> Mix(Vector<uint> h)
        {
            h ^= Vector.ShiftRightLogical(h, 16);
            h *= new Vector<uint>(0x85EBCA6Bu);
            h ^= Vector.ShiftRightLogical(h, 13);
            h *= new Vector<uint>(0xC2B2AE35u);
            return h ^ Vector.ShiftRightLogical(h, 16);
        }

        /// <summary>0, 1, 2, ... in the lanes of a <see cref="Vector{T}"/> (once per call, outside the loops).</summary>
        private static Vector<uint> LaneIndices()
        {
            Span<uint> indices = stackalloc uint[Vector<uint>.Count];
            for (int i = 0; i < indices.Length; i++)
            {
                indices[i] = (uint)i;
            }

            return new Vector<uint>(indices);
        }
    }
}
