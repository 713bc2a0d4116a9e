using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Compiled.Kernels
{
    /// <summary>
    /// The geometry of one pooling layer, as generated code passes it (constants): channels, the input and output
    /// positions per channel as (depth, height, width), and the window's size, stride, padding and dilation per dimension.
    /// A 1-D pool has depth and height 1 (kernel, stride 1, padding 0); a 2-D pool has depth 1; a global pool is a window
    /// over the whole plane (the spatial dimensions flattened into the width).
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct PoolGeometry
    {
        /// <summary>Creates the geometry; every argument is a constant of the generated call.</summary>
        public PoolGeometry(
            int channels,
            int inputDepth, int inputHeight, int inputWidth,
            int outputDepth, int outputHeight, int outputWidth,
            int kernelDepth, int kernelHeight, int kernelWidth,
            int strideDepth, int strideHeight, int strideWidth,
            int paddingDepth, int paddingHeight, int paddingWidth,
            int dilationDepth = 1, int dilationHeight = 1, int dilationWidth = 1)
        {
            Channels = channels;
            InputDepth = inputDepth;
            InputHeight = inputHeight;
            InputWidth = inputWidth;
            OutputDepth = outputDepth;
            OutputHeight = outputHeight;
            OutputWidth = outputWidth;
            KernelDepth = kernelDepth;
            KernelHeight = kernelHeight;
            KernelWidth = kernelWidth;
            StrideDepth = strideDepth;
            StrideHeight = strideHeight;
            StrideWidth = strideWidth;
            PaddingDepth = paddingDepth;
            PaddingHeight = paddingHeight;
            PaddingWidth = paddingWidth;
            DilationDepth = dilationDepth;
            DilationHeight = dilationHeight;
            DilationWidth = dilationWidth;
        }

        /// <summary>The channels.</summary>
        public int Channels { get; }

        /// <summary>The input depth.</summary>
        public int InputDepth { get; }

        /// <summary>The input height.</summary>
        public int InputHeight { get; }

        /// <summary>The input width.</summary>
        public int InputWidth { get; }

        /// <summary>The output depth.</summary>
        public int OutputDepth { get; }

        /// <summary>The output height.</summary>
        public int OutputHeight { get; }

        /// <summary>The output width.</summary>
        public int OutputWidth { get; }

        /// <summary>The kernel depth.</summary>
        public int KernelDepth { get; }

        /// <summary>The kernel height.</summary>
        public int KernelHeight { get; }

        /// <summary>The kernel width.</summary>
        public int KernelWidth { get; }

        /// <summary>The stride depth.</summary>
        public int StrideDepth { get; }

        /// <summary>The stride height.</summary>
        public int StrideHeight { get; }

        /// <summary>The stride width.</summary>
        public int StrideWidth { get; }

        /// <summary>The padding depth.</summary>
        public int PaddingDepth { get; }

        /// <summary>The padding height.</summary>
        public int PaddingHeight { get; }

        /// <summary>The padding width.</summary>
        public int PaddingWidth { get; }

        /// <summary>The dilation depth.</summary>
        public int DilationDepth { get; }

        /// <summary>The dilation height.</summary>
        public int DilationHeight { get; }

        /// <summary>The dilation width.</summary>
        public int DilationWidth { get; }

        /// <summary>Input positions per channel.</summary>
        public int InputPlane => InputDepth * InputHeight * InputWidth;

        /// <summary>Output positions per channel.</summary>
        public int OutputPlane => OutputDepth * OutputHeight * OutputWidth;
    }

    /// <summary>
    /// The kernels of the pooling layers (<c>[MaxPool1D/2D/3D]</c>, <c>[AvgPool1D/2D/3D]</c>, <c>[GlobalMaxPool]</c>,
    /// <c>[GlobalAvgPool]</c>), called by generated code with constant arguments; not meant to be called directly.
    /// Samples are <c>[channels, depth, height, width]</c> row-major, one after another. Each follows PyTorch 1.13's CPU
    /// kernels to the element: max pooling scans a window in row-major order, starts from <c>-inf</c> and the window's first
    /// position, and takes a value when it is greater than the maximum so far or NaN (so the first maximum wins a tie, and
    /// the last NaN wins over everything); it saves that position (flat within the channel) for the backward pass, which
    /// adds each output gradient to it. Average pooling divides the window's sum by its size clipped to the padded input
    /// (<c>count_include_pad</c>) or by the input positions in it.
    /// </summary>
    /// <remarks>
    /// Scalar code on every SIMD path, on purpose: a window's elements along the width are contiguous only for a stride of 1,
    /// and the outputs of a row are a stride apart in the input, so a vector form needs gathers or a per-stride shuffle for a
    /// loop of a few (typically 2 or 3) elements; the pooling passes read each input once or a few times and are a small
    /// part of a network that has convolutions or dense layers around them. Identical scalar code also makes every path's
    /// result the same bit for bit.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class PoolingKernels
    {
        /// <summary>Scratch floats beyond which an in-place backward copies its output gradient to a per-thread buffer rather than the stack.</summary>
        private const int StackLimit = 4096;

        [ThreadStatic]
        private static float[]? t_scratch;

        /// <summary>
        /// Max pooling of <paramref name="count"/> samples; <paramref name="indices"/> receives each output's argmax (flat
        /// position within its channel, -1 for a window with no input position) unless it is a null reference (inference).
        /// </summary>
        public static void MaxForward(ref float x, ref float y, ref int indices, in PoolGeometry g, int count)
        {
            bool save = !Unsafe.IsNullRef(ref indices);
            int planes = g.Channels * count;
            int inPlane = g.InputPlane;
            int outPlane = g.OutputPlane;
            if (g.KernelHeight == 2 && g.KernelWidth == 2 && g.StrideHeight == 2 && g.StrideWidth == 2
                && g.PaddingHeight == 0 && g.PaddingWidth == 0 && g.DilationHeight == 1 && g.DilationWidth == 1
                && g.InputDepth == 1 && g.OutputDepth == 1 && g.KernelDepth == 1
                && 2 * g.OutputHeight <= g.InputHeight && 2 * g.OutputWidth <= g.InputWidth)
            {
                if (save)
                {
                    Max2x2<SaveIndices>(ref x, ref y, ref indices, planes, g.InputHeight, g.InputWidth, g.OutputHeight, g.OutputWidth);
                }
                else
                {
                    Max2x2<NoIndices>(ref x, ref y, ref indices, planes, g.InputHeight, g.InputWidth, g.OutputHeight, g.OutputWidth);
                }

                return;
            }

            for (int plane = 0; plane < planes; plane++)
            {
                ref float xp = ref Unsafe.Add(ref x, (nint)plane * inPlane);
                int o = plane * outPlane;
                for (int od = 0; od < g.OutputDepth; od++)
                {
                    (int d0, int d1) = MaxRange(od, g.StrideDepth, g.PaddingDepth, g.KernelDepth, g.DilationDepth, g.InputDepth);
                    for (int oh = 0; oh < g.OutputHeight; oh++)
                    {
                        (int h0, int h1) = MaxRange(oh, g.StrideHeight, g.PaddingHeight, g.KernelHeight, g.DilationHeight, g.InputHeight);
                        for (int ow = 0; ow < g.OutputWidth; ow++, o++)
                        {
                            (int w0, int w1) = MaxRange(ow, g.StrideWidth, g.PaddingWidth, g.KernelWidth, g.DilationWidth, g.InputWidth);
                            float max = float.NegativeInfinity;
                            int argmax = d0 < d1 && h0 < h1 && w0 < w1 ? (((d0 * g.InputHeight) + h0) * g.InputWidth) + w0 : -1;
                            for (int d = d0; d < d1; d += g.DilationDepth)
                            {
                                for (int h = h0; h < h1; h += g.DilationHeight)
                                {
                                    int row = ((d * g.InputHeight) + h) * g.InputWidth;
                                    for (int w = w0; w < w1; w += g.DilationWidth)
                                    {
                                        float value = Unsafe.Add(ref xp, row + w);
                                        if (value > max || float.IsNaN(value))
                                        {
                                            max = value;
                                            argmax = row + w;
                                        }
                                    }
                                }
                            }

                            Unsafe.Add(ref y, o) = max;
                            if (save)
                            {
                                Unsafe.Add(ref indices, o) = argmax;
                            }
                        }
                    }
                }
            }
        }

        private interface IIndexMode
        {
            static abstract bool Save { get; }
        }

        private struct SaveIndices : IIndexMode
        {
            public static bool Save => true;
        }

        private struct NoIndices : IIndexMode
        {
            public static bool Save => false;
        }

        /// <summary>
        /// <see cref="MaxForward"/>'s common case, a 2x2 window of stride 2 without padding or dilation over whole windows:
        /// the same scan (row-major, from <c>-inf</c> and the window's first position, greater or NaN taken) with the
        /// geometry in registers.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Max2x2<TMode>(ref float x, ref float y, ref int indices, int planes, int inH, int inW, int outH, int outW)
            where TMode : struct, IIndexMode
        {
            int inPlane = inH * inW;
            nint o = 0;
            for (int plane = 0; plane < planes; plane++)
            {
                ref float xp = ref Unsafe.Add(ref x, (nint)plane * inPlane);
                for (int oh = 0; oh < outH; oh++)
                {
                    int top = 2 * oh * inW;
                    ref float r0 = ref Unsafe.Add(ref xp, top);
                    ref float r1 = ref Unsafe.Add(ref r0, inW);
                    for (int ow = 0; ow < outW; ow++, o++)
                    {
                        // Branch-free (the comparisons of ReLU outputs are unpredictable): each step takes v, as the scan
                        // does, when v > max or v is NaN, selecting bits and positions with masks.
                        int w0 = 2 * ow;
                        int a = top + w0;
                        int max = BitConverter.SingleToInt32Bits(Unsafe.Add(ref r0, w0)); // the first step always takes it (a -inf not taken leaves the same bits)
                        int argmax = a;
                        Step(ref max, ref argmax, Unsafe.Add(ref r0, w0 + 1), a + 1);
                        Step(ref max, ref argmax, Unsafe.Add(ref r1, w0), a + inW);
                        Step(ref max, ref argmax, Unsafe.Add(ref r1, w0 + 1), a + inW + 1);
                        Unsafe.Add(ref y, o) = BitConverter.Int32BitsToSingle(max);
                        if (TMode.Save)
                        {
                            Unsafe.Add(ref indices, o) = argmax;
                        }
                    }
                }
            }
        }

        /// <summary>One step of the max scan without a branch: <c>if (v &gt; max || NaN(v)) { max = v; argmax = position; }</c>, <paramref name="max"/> as its bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Step(ref int max, ref int argmax, float v, int position)
        {
            int mask = -(int)Unsafe.BitCast<bool, byte>((v > BitConverter.Int32BitsToSingle(max)) | float.IsNaN(v));
            max = (BitConverter.SingleToInt32Bits(v) & mask) | (max & ~mask);
            argmax = (position & mask) | (argmax & ~mask);
        }

        /// <summary>
        /// The input gradient of max pooling: zero, then each output gradient added at its saved argmax.
        /// <paramref name="dx"/> may be <paramref name="dy"/> (the in-place input gradient of <c>Backpropagate</c>), the
        /// buffer then large enough for both <c>count</c> output gradients and <c>count</c> input gradients.
        /// </summary>
        public static void MaxBackward(ref float dy, ref int indices, ref float dx, in PoolGeometry g, int count)
        {
            int inPlane = g.InputPlane;
            int outPlane = g.OutputPlane;
            int inSample = g.Channels * inPlane;
            int outSample = g.Channels * outPlane;
            if (!Unsafe.AreSame(ref dy, ref dx))
            {
                for (int s = 0; s < count; s++)
                {
                    MaxBackwardSample(ref Unsafe.Add(ref dy, (nint)s * outSample), ref Unsafe.Add(ref indices, (nint)s * outSample), ref Unsafe.Add(ref dx, (nint)s * inSample), g.Channels, inPlane, outPlane);
                }

                return;
            }

            // In place: each sample's output gradient copied aside first (its input gradient may overlap it), the samples
            // in the order that never overwrites another sample's output gradient before it is read: when a sample's
            // input gradient is at least as large as its output gradient (the usual case: from the last down), else from the first up.
            Span<float> scratch = outSample <= StackLimit ? stackalloc float[outSample] : Scratch(outSample);
            ref float copy = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(scratch);
            for (int i = 0; i < count; i++)
            {
                int s = inSample >= outSample ? count - 1 - i : i;
                Copy(ref Unsafe.Add(ref dy, (nint)s * outSample), ref copy, outSample);
                MaxBackwardSample(ref copy, ref Unsafe.Add(ref indices, (nint)s * outSample), ref Unsafe.Add(ref dx, (nint)s * inSample), g.Channels, inPlane, outPlane);
            }
        }

        /// <summary>
        /// Average pooling of <paramref name="count"/> samples: each window's sum divided by its size clipped to the padded
        /// input (<paramref name="countIncludePad"/>, PyTorch's default) or by the input positions in it.
        /// </summary>
        public static void AvgForward(ref float x, ref float y, in PoolGeometry g, bool countIncludePad, int count)
        {
            int planes = g.Channels * count;
            int inPlane = g.InputPlane;
            int outPlane = g.OutputPlane;
            for (int plane = 0; plane < planes; plane++)
            {
                ref float xp = ref Unsafe.Add(ref x, (nint)plane * inPlane);
                int o = plane * outPlane;
                for (int od = 0; od < g.OutputDepth; od++)
                {
                    (int d0, int d1, int dp) = AvgRange(od, g.StrideDepth, g.PaddingDepth, g.KernelDepth, g.InputDepth);
                    for (int oh = 0; oh < g.OutputHeight; oh++)
                    {
                        (int h0, int h1, int hp) = AvgRange(oh, g.StrideHeight, g.PaddingHeight, g.KernelHeight, g.InputHeight);
                        for (int ow = 0; ow < g.OutputWidth; ow++, o++)
                        {
                            (int w0, int w1, int wp) = AvgRange(ow, g.StrideWidth, g.PaddingWidth, g.KernelWidth, g.InputWidth);
                            if (d0 >= d1 || h0 >= h1 || w0 >= w1)
                            {
                                Unsafe.Add(ref y, o) = 0f;
                                continue;
                            }

                            float sum = 0f;
                            for (int d = d0; d < d1; d++)
                            {
                                for (int h = h0; h < h1; h++)
                                {
                                    int row = ((d * g.InputHeight) + h) * g.InputWidth;
                                    for (int w = w0; w < w1; w++)
                                    {
                                        sum += Unsafe.Add(ref xp, row + w);
                                    }
                                }
                            }

                            int divisor = countIncludePad ? dp * hp * wp : (d1 - d0) * (h1 - h0) * (w1 - w0);
                            Unsafe.Add(ref y, o) = sum / divisor;
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The input gradient of average pooling: each output gradient divided by its window's divisor and added to every
        /// input position of the window. <paramref name="dx"/> may be <paramref name="dy"/> (in place).
        /// </summary>
        public static void AvgBackward(ref float dy, ref float dx, in PoolGeometry g, bool countIncludePad, int count)
        {
            int outSample = g.Channels * g.OutputPlane;
            int inSample = g.Channels * g.InputPlane;
            if (!Unsafe.AreSame(ref dy, ref dx))
            {
                for (int s = 0; s < count; s++)
                {
                    AvgBackwardSample(ref Unsafe.Add(ref dy, (nint)s * outSample), ref Unsafe.Add(ref dx, (nint)s * inSample), g, countIncludePad);
                }

                return;
            }

            Span<float> scratch = outSample <= StackLimit ? stackalloc float[outSample] : Scratch(outSample);
            ref float copy = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(scratch);
            for (int i = 0; i < count; i++)
            {
                int s = inSample >= outSample ? count - 1 - i : i; // the order of MaxBackward's in-place loop
                Copy(ref Unsafe.Add(ref dy, (nint)s * outSample), ref copy, outSample);
                AvgBackwardSample(ref copy, ref Unsafe.Add(ref dx, (nint)s * inSample), g, countIncludePad);
            }
        }

        private static void MaxBackwardSample(ref float dy, ref int indices, ref float dx, int channels, int inPlane, int outPlane)
        {
            for (int c = 0; c < channels; c++)
            {
                ref float dxp = ref Unsafe.Add(ref dx, (nint)c * inPlane);
                Unsafe.InitBlockUnaligned(ref Unsafe.As<float, byte>(ref dxp), 0, (uint)inPlane * sizeof(float));
                int o = c * outPlane;
                for (int j = 0; j < outPlane; j++)
                {
                    int index = Unsafe.Add(ref indices, o + j);
                    if (index >= 0)
                    {
                        Unsafe.Add(ref dxp, index) += Unsafe.Add(ref dy, o + j);
                    }
                }
            }
        }

        private static void AvgBackwardSample(ref float dy, ref float dx, in PoolGeometry g, bool countIncludePad)
        {
            int inPlane = g.InputPlane;
            Unsafe.InitBlockUnaligned(ref Unsafe.As<float, byte>(ref dx), 0, (uint)(g.Channels * inPlane) * sizeof(float));
            int o = 0;
            for (int c = 0; c < g.Channels; c++)
            {
                ref float dxp = ref Unsafe.Add(ref dx, (nint)c * inPlane);
                for (int od = 0; od < g.OutputDepth; od++)
                {
                    (int d0, int d1, int dp) = AvgRange(od, g.StrideDepth, g.PaddingDepth, g.KernelDepth, g.InputDepth);
                    for (int oh = 0; oh < g.OutputHeight; oh++)
                    {
                        (int h0, int h1, int hp) = AvgRange(oh, g.StrideHeight, g.PaddingHeight, g.KernelHeight, g.InputHeight);
                        for (int ow = 0; ow < g.OutputWidth; ow++, o++)
                        {
                            (int w0, int w1, int wp) = AvgRange(ow, g.StrideWidth, g.PaddingWidth, g.KernelWidth, g.InputWidth);
                            if (d0 >= d1 || h0 >= h1 || w0 >= w1)
                            {
                                continue;
                            }

                            int divisor = countIncludePad ? dp * hp * wp : (d1 - d0) * (h1 - h0) * (w1 - w0);
                            float share = Unsafe.Add(ref dy, o) / divisor;
                            for (int d = d0; d < d1; d++)
                            {
                                for (int h = h0; h < h1; h++)
                                {
                                    int row = ((d * g.InputHeight) + h) * g.InputWidth;
                                    for (int w = w0; w < w1; w++)
                                    {
                                        Unsafe.Add(ref dxp, row + w) += share;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>A max window along one dimension: its first input position (past the left padding, on the dilation grid) and its end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (int Start, int End) MaxRange(int output, int stride, int padding, int kernel, int dilation, int input)
        {
            int start = (output * stride) - padding;
            int end = Math.Min(start + ((kernel - 1) * dilation) + 1, input);
            while (start < 0)
            {
                start += dilation;
            }

            return (start, end);
        }

        /// <summary>An average window along one dimension: its input positions <c>[Start, End)</c>, and its size within the padded input.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (int Start, int End, int PaddedSize) AvgRange(int output, int stride, int padding, int kernel, int input)
        {
            int start = (output * stride) - padding;
            int end = Math.Min(start + kernel, input + padding);
            int padded = end - start;
            return (Math.Max(start, 0), Math.Min(end, input), padded);
        }

        private static void Copy(ref float source, ref float destination, int length) =>
            Unsafe.CopyBlockUnaligned(ref Unsafe.As<float, byte>(ref destination), ref Unsafe.As<float, byte>(ref source), (uint)length * sizeof(float));

        private static Span<float> Scratch(int length)
        {
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            return scratch.AsSpan(0, length);
        }
    }
}
