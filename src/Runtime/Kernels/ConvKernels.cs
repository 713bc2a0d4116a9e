using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of a convolution (<c>[Conv1D]</c>, <c>[Conv2D]</c>, <c>[Conv3D]</c>), called by generated code with a
    /// constant <see cref="ConvGeometry"/>; not meant to be called directly.
    /// </summary>
    /// <remarks>
    /// <para>
    /// im2col + the tuned matrix products of <see cref="DenseKernels"/>. For group <c>g</c>, the patches of every sample and
    /// output position are the rows of a matrix <c>col_g [count * positions, patch]</c> (<c>patch = C/groups * volume</c>,
    /// ordered as a row of PyTorch's weight <c>[out, C/groups, k...]</c>, padding read as zeros), so the convolution is a
    /// dense layer over those rows: <c>t_g[r, o] = col_g[r, :] . W_g[o, :] + b[o]</c> (<see cref="DenseKernels.ForwardBatch{TAct}"/>
    /// with "samples" = output positions), then <c>t</c> (position-major) is transposed into the channel-major output
    /// <c>[count, out, positions]</c>. Backward: <c>dz</c> transposed back into <c>t</c>, the weight and bias gradients are
    /// <see cref="DenseKernels.Backward"/> over the rows (sums over samples and positions), the input gradient
    /// <c>dcol_g = t_g W_g</c> (<see cref="DenseKernels.BackwardWithInputGradient"/>) scattered back and added (col2im).
    /// </para>
    /// <para>
    /// Layouts of the scratch: <c>col</c> is <c>[groups][count * positions][patch]</c>, <c>t</c> is
    /// <c>[groups][count * positions][out/groups]</c>, <c>dcol</c> is one group's <c>[count * positions][patch]</c>. Training
    /// passes them from the network's training workspace; inference uses one buffer per thread that grows to the largest
    /// need and is then reused (no allocation in steady state).
    /// </para>
    /// <para>
    /// Depthwise layers (each output channel reads one input channel) run a direct kernel at inference instead (see
    /// <c>Depthwise</c>): the matrix product would have one output channel per group, mostly-empty vectors.
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class ConvKernels
    {
        /// <summary>The most floats of inference scratch per pass; larger batches are run in parts of whole samples.</summary>
        private const int InferenceScratchLimit = 1 << 20;

        [ThreadStatic]
        private static float[]? t_scratch;

        /// <summary>
        /// Packs the weight (and bias) for the forward kernels: per group, the transpose <c>[patch, padded]</c> of its rows
        /// of the weight, then its bias (zeros without one), the padding lanes zero.
        /// </summary>
        /// <param name="weight">PyTorch's weight <c>[out, C/groups, k...]</c>.</param>
        /// <param name="bias">The bias <c>[out]</c>, or a null reference for none.</param>
        /// <param name="packed">Receives <see cref="ConvGeometry.PackedLength"/> floats.</param>
        /// <param name="g">The geometry.</param>
        public static void Pack(ref float weight, ref float bias, ref float packed, in ConvGeometry g)
        {
            int patch = g.Patch;
            int per = g.OutPerGroup;
            int padded = g.PaddedOutPerGroup;
            MemoryMarshal.CreateSpan(ref packed, g.PackedLength).Clear();
            for (int group = 0; group < g.Groups; group++)
            {
                ref float block = ref Unsafe.Add(ref packed, (nint)group * g.PackedGroup);
                for (int o = 0; o < per; o++)
                {
                    int row = (group * per) + o;
                    ref float w = ref Unsafe.Add(ref weight, (nint)row * patch);
                    for (int i = 0; i < patch; i++)
                    {
                        Unsafe.Add(ref block, ((nint)i * padded) + o) = Unsafe.Add(ref w, i);
                    }

                    if (!Unsafe.IsNullRef(ref bias))
                    {
                        Unsafe.Add(ref block, ((nint)patch * padded) + o) = Unsafe.Add(ref bias, row);
                    }
                }
            }
        }

        /// <summary>Inference over <paramref name="count"/> samples, <c>y = f(conv(x) + b)</c>, channel-major.</summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="packed">The packed form (<see cref="Pack"/>).</param>
        /// <param name="x">The inputs, <c>[count, C, positions]</c>.</param>
        /// <param name="y">Receives the outputs, <c>[count, out, positions]</c>.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="g">The geometry.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Forward<TAct>(ref float packed, ref float x, ref float y, int count, in ConvGeometry g, TAct activation)
            where TAct : struct, IActivation
        {
            if (g.InPerGroup == 1)
            {
                Depthwise(ref packed, ref x, ref y, count, g, activation);
                return;
            }

            int positions = g.OutPositions;
            long perSample = (long)positions * ((long)g.Groups * g.Patch + g.OutChannels);
            int part = (int)Math.Max(1, Math.Min(count, InferenceScratchLimit / Math.Max(1, perSample)));
            float[] scratch = Scratch(part * perSample);
            ref float col = ref MemoryMarshal.GetArrayDataReference(scratch);
            ref float t = ref Unsafe.Add(ref col, (nint)part * positions * g.Groups * g.Patch);
            for (int start = 0; start < count; start += part)
            {
                int n = Math.Min(part, count - start);
                Im2Col(ref Unsafe.Add(ref x, (nint)start * g.Channels * g.InPositions), ref col, n, g);
                int rows = n * positions;
                for (int group = 0; group < g.Groups; group++)
                {
                    ref float block = ref Unsafe.Add(ref packed, (nint)group * g.PackedGroup);
                    DenseKernels.ForwardBatch(
                        ref block, ref Unsafe.Add(ref block, (nint)g.Patch * g.PaddedOutPerGroup), g.PaddedOutPerGroup,
                        ref Unsafe.Add(ref col, (nint)group * rows * g.Patch), g.Patch,
                        ref Unsafe.Add(ref t, (nint)group * rows * g.OutPerGroup), g.OutPerGroup,
                        g.Patch, g.OutPerGroup, rows, activation);
                }

                ToChannelMajor(ref t, ref Unsafe.Add(ref y, (nint)start * g.OutChannels * positions), n, g);
            }
        }

        /// <summary>
        /// Inference of a convolution whose output channels each read one input channel (<c>Groups</c> = input channels:
        /// depthwise, any multiplier): directly, no im2col, output positions along the width in vector lanes (stride 1 along
        /// the width, where every lane's window is inside the input), one at a time elsewhere. Each output is the bias, then one
        /// multiply-add per kernel element in the order of the weight's row, skipping the padding (whose terms add zero): the
        /// bits of the im2col path, up to the sign of a zero.
        /// </summary>
        private static void Depthwise<TAct>(ref float packed, ref float x, ref float y, int count, in ConvGeometry g, TAct activation)
            where TAct : struct, IActivation
        {
            if (Vector512.IsHardwareAccelerated)
            {
                DepthwiseBody<Vector512<float>, Simd512, TAct>(ref packed, ref x, ref y, count, g, activation);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                DepthwiseBody<Vector256<float>, Simd256, TAct>(ref packed, ref x, ref y, count, g, activation);
            }
            else
            {
                DepthwiseBody<Vector128<float>, Simd128, TAct>(ref packed, ref x, ref y, count, g, activation);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void DepthwiseBody<TV, TS, TAct>(ref float packed, ref float x, ref float y, int count, in ConvGeometry g, TAct activation)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int per = g.OutPerGroup;
            int padded = g.PaddedOutPerGroup;
            int volume = g.Volume;
            int lanes = TS.Lanes;
            if (g.SW == 1 && g.InD == 1 && g.OutD == 1 && g.KD == 1)
            {
                DepthwisePadded<TV, TS, TAct>(ref packed, ref x, ref y, count, g, activation);
                return;
            }

            // The output columns whose windows lie inside the input's width for every kernel column (stride 1 only).
            int first = Math.Min(g.PW, g.OutW);
            int end = g.SW == 1 ? Math.Max(first, Math.Min(g.OutW, g.InW + g.PW - ((g.KW - 1) * g.DW))) : first;
            for (int s = 0; s < count; s++)
            {
                for (int o = 0; o < g.OutChannels; o++)
                {
                    int group = o / per;
                    ref float w = ref Unsafe.Add(ref packed, ((nint)group * g.PackedGroup) + (o - (group * per)));
                    float bias = Unsafe.Add(ref w, (nint)volume * padded);
                    ref float plane = ref Unsafe.Add(ref x, (((nint)s * g.Channels) + group) * g.InPositions);
                    ref float target = ref Unsafe.Add(ref y, (((nint)s * g.OutChannels) + o) * g.OutPositions);
                    for (int od = 0; od < g.OutD; od++)
                    {
                        for (int oh = 0; oh < g.OutH; oh++)
                        {
                            ref float row = ref Unsafe.Add(ref target, ((nint)(od * g.OutH) + oh) * g.OutW);
                            int ow = 0;
                            for (; ow < first; ow++)
                            {
                                Unsafe.Add(ref row, ow) = DepthwiseOne(ref plane, ref w, padded, bias, od, oh, ow, g, activation);
                            }

                            for (; ow + lanes <= end; ow += lanes)
                            {
                                TV sum = TS.Broadcast(bias);
                                int k = 0;
                                for (int a = 0; a < g.KD; a++)
                                {
                                    int id = (od * g.SD) - g.PD + (a * g.DD);
                                    for (int b = 0; b < g.KH; b++)
                                    {
                                        int ih = (oh * g.SH) - g.PH + (b * g.DH);
                                        if ((uint)id >= (uint)g.InD || (uint)ih >= (uint)g.InH)
                                        {
                                            k += g.KW;
                                            continue;
                                        }

                                        ref float line = ref Unsafe.Add(ref plane, ((nint)(id * g.InH) + ih) * g.InW);
                                        for (int e = 0; e < g.KW; e++, k++)
                                        {
                                            sum = TS.MultiplyAdd(TS.Broadcast(Unsafe.Add(ref w, (nint)k * padded)), TS.Load(ref line, (nuint)(ow - g.PW + (e * g.DW))), sum);
                                        }
                                    }
                                }

                                TS.Store(activation.Forward<TV, TS>(sum), ref row, (nuint)ow);
                            }

                            for (; ow < g.OutW; ow++)
                            {
                                Unsafe.Add(ref row, ow) = DepthwiseOne(ref plane, ref w, padded, bias, od, oh, ow, g, activation);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// <see cref="DepthwiseBody{TV, TS, TAct}"/> for 1-D and 2-D layers of stride 1 along the width: each input plane is
        /// first copied into a zero-padded plane (per-thread scratch) as wide as the output plus the kernel's reach, so every
        /// output position, the edges included, is a vector of <c>Lanes</c> consecutive outputs (the last vector of a row
        /// overlapping the one before it). Each output is the bias, then one multiply-add per kernel element in the order of
        /// the weight's row, padding terms included (they add <c>w * 0</c>, as the zeros of im2col's patches do).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void DepthwisePadded<TV, TS, TAct>(ref float packed, ref float x, ref float y, int count, in ConvGeometry g, TAct activation)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int per = g.OutPerGroup;
            int padded = g.PaddedOutPerGroup;
            int volume = g.Volume;
            int lanes = TS.Lanes;
            int outH = g.OutH;
            int outW = g.OutW;
            int kh = g.KH;
            int kw = g.KW;
            int sh = g.SH;
            int dh = g.DH;
            int dw = g.DW;
            int inH = g.InH;
            int inW = g.InW;
            int pw = g.PW;
            int ph = g.PH;
            int width = outW + ((kw - 1) * dw);
            int height = ((outH - 1) * sh) + ((kh - 1) * dh) + 1;
            int copyW = Math.Min(inW, width - pw);
            int groups = g.Groups, channels = g.Channels, inPositions = g.InPositions;
            int outChannels = g.OutChannels, outPositions = g.OutPositions, packedGroup = g.PackedGroup;
            float[] scratch = Scratch(((long)height * width) + (2 * lanes));
            ref float pad = ref MemoryMarshal.GetArrayDataReference(scratch);
            ref float tail = ref Unsafe.Add(ref pad, (nint)height * width + lanes); // one vector, for rows narrower than a vector
            MemoryMarshal.CreateSpan(ref pad, (height * width) + lanes).Clear();
            for (int s = 0; s < count; s++)
            {
                for (int group = 0; group < groups; group++)
                {
                    ref float plane = ref Unsafe.Add(ref x, (((nint)s * channels) + group) * inPositions);
                    for (int r = 0; r < height; r++)
                    {
                        int ih = r - ph;
                        if ((uint)ih < (uint)inH && copyW > 0)
                        {
                            Unsafe.CopyBlockUnaligned(
                                ref Unsafe.As<float, byte>(ref Unsafe.Add(ref pad, ((nint)r * width) + pw)),
                                ref Unsafe.As<float, byte>(ref Unsafe.Add(ref plane, (nint)ih * inW)),
                                (uint)copyW * sizeof(float));
                        }
                    }

                    // Three output channels of the group at a time share each load of the plane (then one at a time).
                    int o = group * per;
                    int oEnd = o + per;
                    for (; o + 3 <= oEnd; o += 3)
                    {
                        ref float w = ref Unsafe.Add(ref packed, ((nint)group * packedGroup) + (o - (group * per)));
                        TV bias0 = TS.Broadcast(Unsafe.Add(ref w, (nint)volume * padded));
                        TV bias1 = TS.Broadcast(Unsafe.Add(ref w, ((nint)volume * padded) + 1));
                        TV bias2 = TS.Broadcast(Unsafe.Add(ref w, ((nint)volume * padded) + 2));
                        ref float target = ref Unsafe.Add(ref y, (((nint)s * outChannels) + o) * outPositions);
                        for (int oh = 0; oh < outH; oh++)
                        {
                            ref float row = ref Unsafe.Add(ref target, (nint)oh * outW);
                            ref float top = ref Unsafe.Add(ref pad, (nint)oh * sh * width);
                            int ow = 0;
                            while (true)
                            {
                                int at = outW >= lanes ? Math.Min(ow, outW - lanes) : 0;
                                TV sum0 = bias0, sum1 = bias1, sum2 = bias2;
                                int k = 0;
                                for (int b = 0; b < kh; b++)
                                {
                                    ref float line = ref Unsafe.Add(ref top, ((nint)b * dh * width) + at);
                                    for (int e = 0; e < kw; e++, k++)
                                    {
                                        TV v = TS.Load(ref line, (nuint)(e * dw));
                                        ref float wk = ref Unsafe.Add(ref w, (nint)k * padded);
                                        sum0 = TS.MultiplyAdd(TS.Broadcast(wk), v, sum0);
                                        sum1 = TS.MultiplyAdd(TS.Broadcast(Unsafe.Add(ref wk, 1)), v, sum1);
                                        sum2 = TS.MultiplyAdd(TS.Broadcast(Unsafe.Add(ref wk, 2)), v, sum2);
                                    }
                                }

                                StoreRow<TV, TS>(activation.Forward<TV, TS>(sum0), ref row, at, outW, ref tail);
                                StoreRow<TV, TS>(activation.Forward<TV, TS>(sum1), ref Unsafe.Add(ref row, outPositions), at, outW, ref tail);
                                StoreRow<TV, TS>(activation.Forward<TV, TS>(sum2), ref Unsafe.Add(ref row, 2 * (nint)outPositions), at, outW, ref tail);
                                ow = at + lanes;
                                if (ow >= outW)
                                {
                                    break;
                                }
                            }
                        }
                    }

                    for (; o < oEnd; o++)
                    {
                        ref float w = ref Unsafe.Add(ref packed, ((nint)group * packedGroup) + (o - (group * per)));
                        TV bias = TS.Broadcast(Unsafe.Add(ref w, (nint)volume * padded));
                        ref float target = ref Unsafe.Add(ref y, (((nint)s * outChannels) + o) * outPositions);
                        for (int oh = 0; oh < outH; oh++)
                        {
                            ref float row = ref Unsafe.Add(ref target, (nint)oh * outW);
                            ref float top = ref Unsafe.Add(ref pad, (nint)oh * sh * width);
                            int ow = 0;
                            while (true)
                            {
                                int at = outW >= lanes ? Math.Min(ow, outW - lanes) : 0;
                                TV sum = bias;
                                int k = 0;
                                for (int b = 0; b < kh; b++)
                                {
                                    ref float line = ref Unsafe.Add(ref top, ((nint)b * dh * width) + at);
                                    for (int e = 0; e < kw; e++, k++)
                                    {
                                        sum = TS.MultiplyAdd(TS.Broadcast(Unsafe.Add(ref w, (nint)k * padded)), TS.Load(ref line, (nuint)(e * dw)), sum);
                                    }
                                }

                                StoreRow<TV, TS>(activation.Forward<TV, TS>(sum), ref row, at, outW, ref tail);
                                ow = at + lanes;
                                if (ow >= outW)
                                {
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Stores one vector of a row of <see cref="DepthwisePadded{TV, TS, TAct}"/> at <paramref name="at"/>, or its first <paramref name="outW"/> lanes (through <paramref name="tail"/>) for a row narrower than a vector.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow<TV, TS>(TV value, ref float row, int at, int outW, ref float tail)
            where TV : struct
            where TS : struct, ISimd<TV>
        {
            if (outW >= TS.Lanes)
            {
                TS.Store(value, ref row, (nuint)at);
            }
            else
            {
                TS.Store(value, ref tail, 0);
                Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref row), ref Unsafe.As<float, byte>(ref tail), (uint)outW * sizeof(float));
            }
        }

        /// <summary>One output of <see cref="DepthwiseBody{TV, TS, TAct}"/>, every term bounds-checked.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float DepthwiseOne<TAct>(ref float plane, ref float w, int padded, float bias, int od, int oh, int ow, in ConvGeometry g, TAct activation)
            where TAct : struct, IActivation
        {
            float sum = bias;
            int k = 0;
            for (int a = 0; a < g.KD; a++)
            {
                int id = (od * g.SD) - g.PD + (a * g.DD);
                for (int b = 0; b < g.KH; b++)
                {
                    int ih = (oh * g.SH) - g.PH + (b * g.DH);
                    bool inside = (uint)id < (uint)g.InD && (uint)ih < (uint)g.InH;
                    int iw = (ow * g.SW) - g.PW;
                    for (int e = 0; e < g.KW; e++, k++, iw += g.DW)
                    {
                        if (inside && (uint)iw < (uint)g.InW)
                        {
                            sum = SimdScalar.MultiplyAdd(Unsafe.Add(ref w, (nint)k * padded), Unsafe.Add(ref plane, (((nint)(id * g.InH) + ih) * g.InW) + iw), sum);
                        }
                    }
                }
            }

            return activation.Forward<float, SimdScalar>(sum);
        }

        /// <summary>
        /// Training forward over <paramref name="count"/> samples: fills <paramref name="col"/> (kept for the backward pass),
        /// writes the pre-activation <paramref name="z"/> and, unless <paramref name="y"/> is a null reference (a loss that
        /// applies the activation itself), the output <c>y = f(z)</c> (<paramref name="y"/> may be <paramref name="z"/>).
        /// </summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="packed">The packed form (<see cref="Pack"/>).</param>
        /// <param name="x">The inputs, <c>[count, C, positions]</c>.</param>
        /// <param name="col">Receives the patches, <c>[groups][count * positions][patch]</c>.</param>
        /// <param name="t">Scratch, <c>count * positions * out</c> floats.</param>
        /// <param name="z">Receives the pre-activations, <c>[count, out, positions]</c>.</param>
        /// <param name="y">Receives the outputs, <c>[count, out, positions]</c>, or a null reference.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="g">The geometry.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void TrainForward<TAct>(ref float packed, ref float x, ref float col, ref float t, ref float z, ref float y, int count, in ConvGeometry g, TAct activation)
            where TAct : struct, IActivation
        {
            Im2Col(ref x, ref col, count, g);
            int rows = count * g.OutPositions;
            for (int group = 0; group < g.Groups; group++)
            {
                ref float block = ref Unsafe.Add(ref packed, (nint)group * g.PackedGroup);
                DenseKernels.ForwardBatchLogits(
                    ref block, ref Unsafe.Add(ref block, (nint)g.Patch * g.PaddedOutPerGroup), g.PaddedOutPerGroup,
                    ref Unsafe.Add(ref col, (nint)group * rows * g.Patch), g.Patch,
                    ref Unsafe.Add(ref t, (nint)group * rows * g.OutPerGroup), g.OutPerGroup,
                    g.Patch, g.OutPerGroup, rows);
            }

            ToChannelMajor(ref t, ref z, count, g);
            if (!Unsafe.IsNullRef(ref y))
            {
                Activate(ref z, ref y, rows * g.OutChannels, activation);
            }
        }

        /// <summary>
        /// Backward over <paramref name="count"/> samples from <c>dz</c>, the gradient with respect to the pre-activation: adds
        /// the weight and bias gradients and, unless <paramref name="dx"/> is a null reference, writes (overwrites) the input
        /// gradient.
        /// </summary>
        /// <param name="weight">PyTorch's weight <c>[out, C/groups, k...]</c>.</param>
        /// <param name="gradWeight">The weight gradient; added to.</param>
        /// <param name="gradBias">The bias gradient; added to; a null reference for a layer without bias.</param>
        /// <param name="col">The patches the training forward pass stored.</param>
        /// <param name="dz">dL/dz, <c>[count, out, positions]</c>.</param>
        /// <param name="t">Scratch, <c>count * positions * out</c> floats.</param>
        /// <param name="dcol">Scratch, <c>count * positions * patch</c> floats (read only with <paramref name="dx"/>).</param>
        /// <param name="dx">Receives dL/dx, <c>[count, C, positions]</c>, or a null reference.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="g">The geometry.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Backward(ref float weight, ref float gradWeight, ref float gradBias, ref float col, ref float dz, ref float t, ref float dcol, ref float dx, int count, in ConvGeometry g)
        {
            ToPositionMajor(ref dz, ref t, count, g);
            int rows = count * g.OutPositions;
            bool inputGradient = !Unsafe.IsNullRef(ref dx);
            if (inputGradient)
            {
                MemoryMarshal.CreateSpan(ref dx, count * g.Channels * g.InPositions).Clear();
            }

            ref float biasGradient = ref gradBias;
            if (Unsafe.IsNullRef(ref gradBias))
            {
                biasGradient = ref MemoryMarshal.GetArrayDataReference(Scratch(g.OutChannels)); // a layer without bias: its sums go nowhere
            }

            for (int group = 0; group < g.Groups; group++)
            {
                int firstRow = group * g.OutPerGroup;
                ref float gw = ref Unsafe.Add(ref gradWeight, (nint)firstRow * g.Patch);
                ref float gb = ref Unsafe.Add(ref biasGradient, firstRow);
                ref float patches = ref Unsafe.Add(ref col, (nint)group * rows * g.Patch);
                ref float gradient = ref Unsafe.Add(ref t, (nint)group * rows * g.OutPerGroup);
                if (inputGradient)
                {
                    DenseKernels.BackwardWithInputGradient(ref Unsafe.Add(ref weight, (nint)firstRow * g.Patch), ref gw, ref gb, ref patches, ref gradient, g.OutPerGroup, ref dcol, g.Patch, g.OutPerGroup, rows);
                    Col2Im(ref dcol, ref dx, count, group, g);
                }
                else
                {
                    DenseKernels.Backward(ref gw, ref gb, ref patches, ref gradient, g.OutPerGroup, g.Patch, g.OutPerGroup, rows);
                }
            }
        }

        /// <summary>Only the input gradient, <c>dL/dx</c> (written) from <c>dL/dz</c>, for <c>Backpropagate</c>'s input gradients.</summary>
        /// <param name="weight">PyTorch's weight <c>[out, C/groups, k...]</c>.</param>
        /// <param name="dz">dL/dz, <c>[count, out, positions]</c>.</param>
        /// <param name="t">Scratch, <c>count * positions * out</c> floats.</param>
        /// <param name="dcol">Scratch, <c>count * positions * patch</c> floats.</param>
        /// <param name="dx">Receives dL/dx, <c>[count, C, positions]</c>.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="g">The geometry.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void InputGradient(ref float weight, ref float dz, ref float t, ref float dcol, ref float dx, int count, in ConvGeometry g)
        {
            ToPositionMajor(ref dz, ref t, count, g);
            int rows = count * g.OutPositions;
            MemoryMarshal.CreateSpan(ref dx, count * g.Channels * g.InPositions).Clear();
            for (int group = 0; group < g.Groups; group++)
            {
                int firstRow = group * g.OutPerGroup;
                GeneratedCodeSupport.DenseInputGradient(ref Unsafe.Add(ref weight, (nint)firstRow * g.Patch), ref Unsafe.Add(ref t, (nint)group * rows * g.OutPerGroup), ref dcol, g.Patch, g.OutPerGroup, rows);
                Col2Im(ref dcol, ref dx, count, group, g);
            }
        }

        /// <summary>
        /// The patches of <paramref name="count"/> samples: <c>col[group][s * positions + p][c * volume + kernel offset]</c> =
        /// the input at output position <c>p</c>'s window, or 0 in the padding.
        /// </summary>
        /// <param name="x">The inputs, <c>[count, C, positions]</c>.</param>
        /// <param name="col">Receives <c>groups * count * positions * patch</c> floats.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="g">The geometry.</param>
        public static void Im2Col(ref float x, ref float col, int count, in ConvGeometry g)
        {
            // The geometry in locals: read through the `in` reference, every field would be reloaded after each store.
            int positions = g.OutPositions;
            int patch = g.Patch;
            int inPositions = g.InPositions;
            int groups = g.Groups, channels = g.Channels, inPerGroup = g.InPerGroup;
            int outD = g.OutD, outH = g.OutH, outW = g.OutW;
            int inD = g.InD, inH = g.InH, inW = g.InW;
            int kd = g.KD, kh = g.KH, kw = g.KW;
            int sd = g.SD, sh = g.SH, sw = g.SW;
            int pd = g.PD, ph = g.PH, pw = g.PW;
            int dd = g.DD, dh = g.DH, dw = g.DW;
            bool wide = kw <= 8 && Vector256.IsHardwareAccelerated;
            ref float colEnd = ref Unsafe.Add(ref col, (nint)groups * count * positions * patch);
            ref float xEnd = ref Unsafe.Add(ref x, (nint)count * channels * inPositions);
            for (int group = 0; group < groups; group++)
            {
                for (int s = 0; s < count; s++)
                {
                    ref float sample = ref Unsafe.Add(ref x, ((nint)s * channels + (group * inPerGroup)) * inPositions);
                    ref float rows = ref Unsafe.Add(ref col, (((nint)group * count) + s) * positions * patch);
                    int p = 0;
                    for (int od = 0; od < outD; od++)
                    {
                        for (int oh = 0; oh < outH; oh++)
                        {
                            for (int ow = 0; ow < outW; ow++, p++)
                            {
                                ref float row = ref Unsafe.Add(ref rows, (nint)p * patch);
                                int iw0 = (ow * sw) - pw;
                                bool wInside = dw == 1 && iw0 >= 0 && iw0 + kw <= inW;
                                int k = 0;
                                for (int c = 0; c < inPerGroup; c++)
                                {
                                    ref float channel = ref Unsafe.Add(ref sample, (nint)c * inPositions);
                                    for (int a = 0; a < kd; a++)
                                    {
                                        int id = (od * sd) - pd + (a * dd);
                                        bool inDepth = (uint)id < (uint)inD;
                                        for (int b = 0; b < kh; b++, k += kw)
                                        {
                                            int ih = (oh * sh) - ph + (b * dh);
                                            bool inDH = inDepth && (uint)ih < (uint)inH;
                                            ref float target = ref Unsafe.Add(ref row, k);
                                            if (inDH && wInside)
                                            {
                                                ref float source = ref Unsafe.Add(ref channel, (((nint)id * inH + ih) * inW) + iw0);
                                                if (wide
                                                    && Unsafe.ByteOffset(ref target, ref colEnd) >= 8 * sizeof(float)
                                                    && Unsafe.ByteOffset(ref source, ref xEnd) >= 8 * sizeof(float))
                                                {
                                                    // 8 floats at once: the ones past this window row belong to rows written later
                                                    // (the layout is the loop order), which overwrite them; never past either buffer.
                                                    Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref source), ref target);
                                                    continue;
                                                }

                                                for (int e = 0; e < kw; e++)
                                                {
                                                    Unsafe.Add(ref target, e) = Unsafe.Add(ref source, e);
                                                }
                                            }
                                            else
                                            {
                                                nint line = ((nint)id * inH + ih) * inW;
                                                int iw = iw0;
                                                for (int e = 0; e < kw; e++, iw += dw)
                                                {
                                                    Unsafe.Add(ref target, e) = inDH && (uint)iw < (uint)inW ? Unsafe.Add(ref channel, line + iw) : 0f;
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>The reverse of <see cref="Im2Col"/> for one group: adds each patch value of <paramref name="dcol"/> to the input element it was read from.</summary>
        /// <param name="dcol">The group's patch gradients, <c>[count * positions][patch]</c>.</param>
        /// <param name="dx">The input gradient, <c>[count, C, positions]</c>; added to.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="group">The group.</param>
        /// <param name="g">The geometry.</param>
        public static void Col2Im(ref float dcol, ref float dx, int count, int group, in ConvGeometry g)
        {
            // The geometry in locals (see Im2Col); the same additions in the same order as the element-by-element scan.
            int positions = g.OutPositions;
            int patch = g.Patch;
            int inPositions = g.InPositions;
            int channels = g.Channels, inPerGroup = g.InPerGroup;
            int outD = g.OutD, outH = g.OutH, outW = g.OutW;
            int inD = g.InD, inH = g.InH, inW = g.InW;
            int kd = g.KD, kh = g.KH, kw = g.KW;
            int sd = g.SD, sh = g.SH, sw = g.SW;
            int pd = g.PD, ph = g.PH, pw = g.PW;
            int dd = g.DD, dh = g.DH, dw = g.DW;
            for (int s = 0; s < count; s++)
            {
                ref float sample = ref Unsafe.Add(ref dx, ((nint)s * channels + (group * inPerGroup)) * inPositions);
                ref float rows = ref Unsafe.Add(ref dcol, (nint)s * positions * patch);
                int p = 0;
                for (int od = 0; od < outD; od++)
                {
                    for (int oh = 0; oh < outH; oh++)
                    {
                        for (int ow = 0; ow < outW; ow++, p++)
                        {
                            ref float row = ref Unsafe.Add(ref rows, (nint)p * patch);
                            int iw0 = (ow * sw) - pw;
                            bool wInside = dw == 1 && iw0 >= 0 && iw0 + kw <= inW;
                            int k = 0;
                            for (int c = 0; c < inPerGroup; c++)
                            {
                                ref float channel = ref Unsafe.Add(ref sample, (nint)c * inPositions);
                                for (int a = 0; a < kd; a++)
                                {
                                    int id = (od * sd) - pd + (a * dd);
                                    bool inDepth = (uint)id < (uint)inD;
                                    for (int b = 0; b < kh; b++, k += kw)
                                    {
                                        int ih = (oh * sh) - ph + (b * dh);
                                        if (!inDepth || (uint)ih >= (uint)inH)
                                        {
                                            continue;
                                        }

                                        ref float source = ref Unsafe.Add(ref row, k);
                                        nint line = ((nint)id * inH + ih) * inW;
                                        if (wInside)
                                        {
                                            ref float target = ref Unsafe.Add(ref channel, line + iw0);
                                            for (int e = 0; e < kw; e++)
                                            {
                                                Unsafe.Add(ref target, e) += Unsafe.Add(ref source, e);
                                            }
                                        }
                                        else
                                        {
                                            int iw = iw0;
                                            for (int e = 0; e < kw; e++, iw += dw)
                                            {
                                                if ((uint)iw < (uint)inW)
                                                {
                                                    Unsafe.Add(ref channel, line + iw) += Unsafe.Add(ref source, e);
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary><c>y[s, o, p] = t[group][s * positions + p][o within group]</c>.</summary>
        private static void ToChannelMajor(ref float t, ref float y, int count, in ConvGeometry g)
        {
            int positions = g.OutPositions;
            int per = g.OutPerGroup;
            int rows = count * positions;
            for (int s = 0; s < count; s++)
            {
                for (int o = 0; o < g.OutChannels; o++)
                {
                    int group = o / per;
                    ref float source = ref Unsafe.Add(ref t, ((nint)group * rows + ((nint)s * positions)) * per + (o - (group * per)));
                    ref float target = ref Unsafe.Add(ref y, ((nint)s * g.OutChannels + o) * positions);
                    for (int p = 0; p < positions; p++)
                    {
                        Unsafe.Add(ref target, p) = Unsafe.Add(ref source, (nint)p * per);
                    }
                }
            }
        }

        /// <summary>The reverse of <see cref="ToChannelMajor"/>.</summary>
        private static void ToPositionMajor(ref float y, ref float t, int count, in ConvGeometry g)
        {
            int positions = g.OutPositions;
            int per = g.OutPerGroup;
            int rows = count * positions;
            for (int s = 0; s < count; s++)
            {
                for (int o = 0; o < g.OutChannels; o++)
                {
                    int group = o / per;
                    ref float target = ref Unsafe.Add(ref t, ((nint)group * rows + ((nint)s * positions)) * per + (o - (group * per)));
                    ref float source = ref Unsafe.Add(ref y, ((nint)s * g.OutChannels + o) * positions);
                    for (int p = 0; p < positions; p++)
                    {
                        Unsafe.Add(ref target, (nint)p * per) = Unsafe.Add(ref source, p);
                    }
                }
            }
        }

        /// <summary><c>y = f(z)</c> element-wise over <paramref name="length"/> floats (in place when they are the same).</summary>
        private static void Activate<TAct>(ref float z, ref float y, int length, TAct activation)
            where TAct : struct, IActivation
        {
            if (Vector512.IsHardwareAccelerated)
            {
                ActivateBody<Vector512<float>, Simd512, TAct>(ref z, ref y, length, activation);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                ActivateBody<Vector256<float>, Simd256, TAct>(ref z, ref y, length, activation);
            }
            else
            {
                ActivateBody<Vector128<float>, Simd128, TAct>(ref z, ref y, length, activation);
            }
        }

        private static void ActivateBody<TV, TS, TAct>(ref float z, ref float y, int length, TAct activation)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int i = 0;
            for (; i + TS.Lanes <= length; i += TS.Lanes)
            {
                TS.Store(activation.Forward<TV, TS>(TS.Load(ref z, (nuint)i)), ref y, (nuint)i);
            }

            for (; i < length; i++)
            {
                Unsafe.Add(ref y, i) = activation.Forward<float, SimdScalar>(Unsafe.Add(ref z, i));
            }
        }

        /// <summary>
        /// The floats of streaming state a causal 1-D convolution keeps per stream (<see cref="Step{TAct}"/>): its last
        /// <c>dilation * (kernel - 1)</c> inputs of every input channel.
        /// </summary>
        /// <param name="g">The geometry (1-D: <c>KW</c> and <c>DW</c> are the kernel and dilation).</param>
        public static int StepState(in ConvGeometry g) => g.Channels * g.DW * (g.KW - 1);

        /// <summary>
        /// One step of a causal 1-D convolution with stride 1 (<c>[Conv1D(..., Causal = true)]</c>) for streaming: from
        /// this step's input (one value per input channel) and the layer's state (the inputs of the previous steps), writes
        /// this step's output (one value per output channel) and moves the state on. A zero state is the start of a
        /// sequence, the zeros the causal left padding reads, so N steps give the last N positions of <see cref="Forward{TAct}"/>
        /// over the N-step sequence, column by column.
        /// </summary>
        /// <remarks>
        /// The state is, per input channel <c>c</c>, its last <c>S = dilation * (kernel - 1)</c> inputs, oldest first:
        /// <c>state[c * S + i] = x_c(t - S + i)</c>. Tap <c>j</c> of the kernel reads <c>x_c(t - dilation * (kernel - 1 - j))</c>,
        /// which is <c>state[c * S + dilation * j]</c> for <c>j &lt; kernel - 1</c> and the current input for the last tap.
        /// Per group the window (ordered as a row of PyTorch's weight, <c>[C/groups, kernel]</c>) is gathered into a
        /// per-thread scratch and multiplied by the packed weight (<see cref="DenseKernels.Forward{TAct}"/>, the output
        /// channels in vector lanes); then every channel's buffer shifts by one and takes the current input.
        /// </remarks>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="packed">The packed form (<see cref="Pack"/>).</param>
        /// <param name="x">This step's input, <c>C</c> floats.</param>
        /// <param name="y">Receives this step's output, <c>out</c> floats.</param>
        /// <param name="state">The layer's state, <see cref="StepState"/> floats; read and updated.</param>
        /// <param name="g">The geometry (1-D, stride 1, left padding <c>dilation * (kernel - 1)</c>).</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Step<TAct>(ref float packed, ref float x, ref float y, ref float state, in ConvGeometry g, TAct activation)
            where TAct : struct, IActivation
        {
            int k = g.KW;
            int d = g.DW;
            int span = d * (k - 1);
            int perGroup = g.InPerGroup;
            float[] scratch = Scratch(g.Patch);
            ref float window = ref MemoryMarshal.GetArrayDataReference(scratch);
            for (int group = 0; group < g.Groups; group++)
            {
                for (int c = 0; c < perGroup; c++)
                {
                    int channel = (group * perGroup) + c;
                    ref float buffer = ref Unsafe.Add(ref state, (nint)channel * span);
                    ref float row = ref Unsafe.Add(ref window, (nint)c * k);
                    for (int j = 0; j < k - 1; j++)
                    {
                        Unsafe.Add(ref row, j) = Unsafe.Add(ref buffer, (nint)d * j);
                    }

                    Unsafe.Add(ref row, k - 1) = Unsafe.Add(ref x, channel);
                }

                ref float block = ref Unsafe.Add(ref packed, (nint)group * g.PackedGroup);
                int padded = g.PaddedOutPerGroup;
                DenseKernels.Forward(
                    ref block, ref Unsafe.Add(ref block, (nint)g.Patch * padded), padded, ref window, ref Unsafe.Add(ref y, (nint)group * g.OutPerGroup), g.Patch, g.OutPerGroup, activation);
            }

            if (span == 0)
            {
                return;
            }

            for (int channel = 0; channel < g.Channels; channel++)
            {
                Span<float> buffer = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref state, (nint)channel * span), span);
                buffer.Slice(1).CopyTo(buffer);
                buffer[span - 1] = Unsafe.Add(ref x, channel);
            }
        }

        /// <summary>This thread's scratch of at least <paramref name="length"/> floats (grown once, then reused).</summary>
        private static float[] Scratch(long length)
        {
            float[]? scratch = t_scratch;
            if (scratch is null || scratch.Length < length)
            {
                t_scratch = scratch = new float[length];
            }

            return scratch;
        }
    }
}
