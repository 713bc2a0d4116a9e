using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    // The streaming step of one stacked layer (Step / ForwardSequence): a matrix-vector product per part of the gates, then
    // the cell, for one sample; small real-time layers get register-resident kernels.
    public static partial class RecurrentKernels
    {
        /// <summary>
        /// One step of a stacked layer for streaming inference: <paramref name="h"/> (and for LSTM <paramref name="c"/>) move
        /// from the previous step's state to this step's, in place.
        /// </summary>
        /// <param name="packed">The layer's packed form.</param>
        /// <param name="x">This step's inputs.</param>
        /// <param name="h">The hidden state, <c>H</c> floats; updated.</param>
        /// <param name="c">The LSTM cell state, <c>H</c> floats, updated (any reference for other cells).</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        public static void Step(ref float packed, ref float x, ref float h, ref float c, int inputs, int hidden, RecurrentCell cell)
        {
            // Whole vectors per gate, up to 8 (the real-time sizes: 16 to 128 units in steps of 16 with AVX-512, else in steps of
            // 8 up to 64 with 256-bit vectors, of 4 up to 32 with 128-bit ones): both products and the cell in registers.
            if (Vector512.IsHardwareAccelerated && StepGateVectors<Vector512<float>, Simd512>(ref packed, ref x, ref h, ref c, inputs, hidden, cell))
            {
                return;
            }

            if (Vector256.IsHardwareAccelerated && StepGateVectors<Vector256<float>, Simd256>(ref packed, ref x, ref h, ref c, inputs, hidden, cell))
            {
                return;
            }

            if (Vector128.IsHardwareAccelerated && StepGateVectors<Vector128<float>, Simd128>(ref packed, ref x, ref h, ref c, inputs, hidden, cell))
            {
                return;
            }

            int stride = PackedStride(cell, hidden);
            int gates = Gates(cell) * hidden;
            if (Vector512.IsHardwareAccelerated && gates > 32 && gates <= 64 && inputs >= 2 && hidden >= 2)
            {
                StepSmall(ref packed, ref x, ref h, ref c, inputs, hidden, cell, stride, gates > 48);
                return;
            }

            Span<float> gx = stackalloc float[stride];
            Span<float> gh = stackalloc float[stride];
            ref float inputBias = ref Unsafe.Add(ref packed, inputs * stride);
            ref float packedHh = ref Unsafe.Add(ref inputBias, stride);
            ref float recurrentBias = ref Unsafe.Add(ref packedHh, hidden * stride);
            DenseKernels.Forward(ref packed, ref inputBias, stride, ref x, ref MemoryMarshal.GetReference(gx), inputs, gates, default(Identity));
            DenseKernels.Forward(ref packedHh, ref recurrentBias, stride, ref h, ref MemoryMarshal.GetReference(gh), hidden, gates, default(Identity));
            CellForward(ref MemoryMarshal.GetReference(gx), ref MemoryMarshal.GetReference(gh), ref h, ref c, ref h, ref c, ref Unsafe.NullRef<float>(), hidden, cell);
        }

        /// <summary>The most vectors per gate <see cref="StepGateVectors{TV, TS}"/> takes (128 units with AVX-512, 64 with 256-bit vectors).</summary>
        private const int MaxStepBlocks = 8;

        /// <summary>
        /// The most packed weights (floats) <see cref="StepGateVectors{TV, TS}"/> takes with more than one block: 32 KiB, an
        /// L1 data cache. Each block reads one vector of each gate from every row, so beyond L1 the rows come from L2 once
        /// per block in strided pieces; the general path streams them once. GRU(64→128) (295 KB): 3.1 µs general, 3.8 µs in
        /// 8 blocks (Zen 5, AVX-512).
        /// </summary>
        private const long StepBlocksWeightFloats = 8 * 1024;

        /// <summary>
        /// <see cref="Step"/> when each gate is 1 to 8 vectors of <typeparamref name="TV"/> (<c>H</c> that many times its
        /// lanes); false, doing nothing, otherwise. For each block of one vector of units: the input product (two interleaved
        /// groups of inputs, from the input bias), then the recurrent product (four interleaved groups of inputs, two for LSTM
        /// without AVX-512's 32 registers; its first group starts from the input part, so the two sums never go through
        /// memory), then the cell, all in registers. The sums are grouped differently from the general path's (within float
        /// rounding of it, as the streaming tests check on every path). GRU(8→16)+Dense(16→1) step on the Zen 5: 79 ns
        /// through the general kernels, 46–52 ns here (RTNeural's compile-time API: 59.8 ns).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool StepGateVectors<TV, TS>(ref float packed, ref float x, ref float h, ref float c, int inputs, int hidden, RecurrentCell cell)
            where TV : struct
            where TS : struct, ISimd<TV>
        {
            int blocks = hidden / TS.Lanes;
            if (hidden % TS.Lanes != 0 || blocks > MaxStepBlocks || (blocks > 1 && (long)(inputs + hidden) * PackedStride(cell, hidden) > StepBlocksWeightFloats))
            {
                return false;
            }

            switch (blocks)
            {
                case 1: StepGateVectors<TV, TS, N1>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case 2: StepGateVectors<TV, TS, N2>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case 3: StepGateVectors<TV, TS, N3>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case 4: StepGateVectors<TV, TS, N4>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case 5: StepGateVectors<TV, TS, N5>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case 6: StepGateVectors<TV, TS, N6>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case 7: StepGateVectors<TV, TS, N7>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                default: StepGateVectors<TV, TS, N8>(ref packed, ref x, ref h, ref c, inputs, cell); break;
            }

            return true;
        }

        /// <summary><see cref="StepGateVectors{TV, TS}"/> for <typeparamref name="TP"/> vectors per gate: the cell's gate count as a constant.</summary>
        private static void StepGateVectors<TV, TS, TP>(ref float packed, ref float x, ref float h, ref float c, int inputs, RecurrentCell cell)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TP : struct, ICount
        {
            switch (cell)
            {
                case RecurrentCell.Gru: StepGateVectors<TV, TS, N3, TP>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                case RecurrentCell.Lstm: StepGateVectors<TV, TS, N4, TP>(ref packed, ref x, ref h, ref c, inputs, cell); break;
                default: StepGateVectors<TV, TS, N1, TP>(ref packed, ref x, ref h, ref c, inputs, cell); break;
            }
        }

        /// <summary>
        /// <see cref="StepGateVectors{TV, TS}"/> for <typeparamref name="TG"/> gates (1, 3 or 4) of <typeparamref name="TP"/>
        /// vectors each, constants to the JIT.
        /// </summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void StepGateVectors<TV, TS, TG, TP>(ref float packed, ref float x, ref float h, ref float c, int inputs, RecurrentCell cell)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TG : struct, ICount
            where TP : struct, ICount
        {
            nuint lanes = (nuint)TS.Lanes;
            nuint hidden = (nuint)(TP.Value * TS.Lanes);
            nuint w = (nuint)((((TG.Value * TP.Value * TS.Lanes) + 15) / 16) * 16); // PackedStride, a constant

            PendingBlocks<TV> pending; // the new hidden state, while the blocks still to come read the old one
            Unsafe.SkipInit(out pending);
            int gates = TG.Value;
            bool gru = gates == 3;
            ref float inputBias = ref Unsafe.Add(ref packed, (nuint)inputs * w);
            ref float packedHh = ref Unsafe.Add(ref inputBias, w);
            ref float recurrentBias = ref Unsafe.Add(ref packedHh, hidden * w);
            for (nuint column = 0; column < hidden; column += lanes)
            {
                // W_ih x + the input bias (b_ih + b_hh, but only b_in for GRU's n gate): even inputs from the bias, odd from zero.
                ref float bias = ref Unsafe.Add(ref inputBias, column);
                TV g0 = TS.Load(ref bias, 0);
                TV g1 = gates > 1 ? TS.Load(ref bias, hidden) : TS.Zero;
                TV g2 = gates > 2 ? TS.Load(ref bias, 2 * hidden) : TS.Zero;
                TV g3 = gates > 3 ? TS.Load(ref bias, 3 * hidden) : TS.Zero;
                TV e0 = TS.Zero, e1 = TS.Zero, e2 = TS.Zero, e3 = TS.Zero;
                ref float row = ref Unsafe.Add(ref packed, column);
                nuint i = 0;
                for (; i + 2 <= (nuint)inputs; i += 2)
                {
                    TV even = TS.Broadcast(Unsafe.Add(ref x, i));
                    TV odd = TS.Broadcast(Unsafe.Add(ref x, i + 1));
                    ref float next = ref Unsafe.Add(ref row, w);
                    g0 = TS.MultiplyAdd(TS.Load(ref row, 0), even, g0);
                    e0 = TS.MultiplyAdd(TS.Load(ref next, 0), odd, e0);
                    if (gates > 1)
                    {
                        g1 = TS.MultiplyAdd(TS.Load(ref row, hidden), even, g1);
                        e1 = TS.MultiplyAdd(TS.Load(ref next, hidden), odd, e1);
                    }

                    if (gates > 2)
                    {
                        g2 = TS.MultiplyAdd(TS.Load(ref row, 2 * hidden), even, g2);
                        e2 = TS.MultiplyAdd(TS.Load(ref next, 2 * hidden), odd, e2);
                    }

                    if (gates > 3)
                    {
                        g3 = TS.MultiplyAdd(TS.Load(ref row, 3 * hidden), even, g3);
                        e3 = TS.MultiplyAdd(TS.Load(ref next, 3 * hidden), odd, e3);
                    }

                    row = ref Unsafe.Add(ref row, 2 * w);
                }

                if (i < (nuint)inputs)
                {
                    TV even = TS.Broadcast(Unsafe.Add(ref x, i));
                    g0 = TS.MultiplyAdd(TS.Load(ref row, 0), even, g0);
                    g1 = gates > 1 ? TS.MultiplyAdd(TS.Load(ref row, hidden), even, g1) : g1;
                    g2 = gates > 2 ? TS.MultiplyAdd(TS.Load(ref row, 2 * hidden), even, g2) : g2;
                    g3 = gates > 3 ? TS.MultiplyAdd(TS.Load(ref row, 3 * hidden), even, g3) : g3;
                }

                g0 = TS.Add(g0, e0);
                g1 = TS.Add(g1, e1);
                g2 = TS.Add(g2, e2);
                g3 = TS.Add(g3, e3);

                // W_hh h: the first group starts from the input part (GRU's n gate from b_hn: r multiplies only the recurrent part).
                TV a0 = g0, a1 = g1, a2 = gru ? TS.Load(ref recurrentBias, (2 * hidden) + column) : g2, a3 = g3;
                TV b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero;
                TV c0 = TS.Zero, c1 = TS.Zero, c2 = TS.Zero, c3 = TS.Zero;
                TV d0 = TS.Zero, d1 = TS.Zero, d2 = TS.Zero, d3 = TS.Zero;
                row = ref Unsafe.Add(ref packedHh, column);
                if (Vector512.IsHardwareAccelerated || gates * 4 <= 12)
                {
                    // Four groups (the hidden size is a multiple of 4): a chain of H / 4 multiply-adds to each gate; at most
                    // 12 accumulators where there are 16 registers.
                    for (i = 0; i < hidden; i += 4)
                    {
                        TV h0 = TS.Broadcast(Unsafe.Add(ref h, i));
                        TV h1 = TS.Broadcast(Unsafe.Add(ref h, i + 1));
                        TV h2 = TS.Broadcast(Unsafe.Add(ref h, i + 2));
                        TV h3 = TS.Broadcast(Unsafe.Add(ref h, i + 3));
                        ref float r1 = ref Unsafe.Add(ref row, w);
                        ref float r2 = ref Unsafe.Add(ref row, 2 * w);
                        ref float r3 = ref Unsafe.Add(ref row, 3 * w);
                        a0 = TS.MultiplyAdd(TS.Load(ref row, 0), h0, a0);
                        b0 = TS.MultiplyAdd(TS.Load(ref r1, 0), h1, b0);
                        c0 = TS.MultiplyAdd(TS.Load(ref r2, 0), h2, c0);
                        d0 = TS.MultiplyAdd(TS.Load(ref r3, 0), h3, d0);
                        if (gates > 1)
                        {
                            a1 = TS.MultiplyAdd(TS.Load(ref row, hidden), h0, a1);
                            b1 = TS.MultiplyAdd(TS.Load(ref r1, hidden), h1, b1);
                            c1 = TS.MultiplyAdd(TS.Load(ref r2, hidden), h2, c1);
                            d1 = TS.MultiplyAdd(TS.Load(ref r3, hidden), h3, d1);
                        }

                        if (gates > 2)
                        {
                            a2 = TS.MultiplyAdd(TS.Load(ref row, 2 * hidden), h0, a2);
                            b2 = TS.MultiplyAdd(TS.Load(ref r1, 2 * hidden), h1, b2);
                            c2 = TS.MultiplyAdd(TS.Load(ref r2, 2 * hidden), h2, c2);
                            d2 = TS.MultiplyAdd(TS.Load(ref r3, 2 * hidden), h3, d2);
                        }

                        if (gates > 3)
                        {
                            a3 = TS.MultiplyAdd(TS.Load(ref row, 3 * hidden), h0, a3);
                            b3 = TS.MultiplyAdd(TS.Load(ref r1, 3 * hidden), h1, b3);
                            c3 = TS.MultiplyAdd(TS.Load(ref r2, 3 * hidden), h2, c3);
                            d3 = TS.MultiplyAdd(TS.Load(ref r3, 3 * hidden), h3, d3);
                        }

                        row = ref Unsafe.Add(ref row, 4 * w);
                    }

                    a0 = TS.Add(TS.Add(a0, b0), TS.Add(c0, d0));
                    a1 = TS.Add(TS.Add(a1, b1), TS.Add(c1, d1));
                    a2 = TS.Add(TS.Add(a2, b2), TS.Add(c2, d2));
                    a3 = TS.Add(TS.Add(a3, b3), TS.Add(c3, d3));
                }
                else
                {
                    // 16 registers and four gates: two groups.
                    for (i = 0; i < hidden; i += 2)
                    {
                        TV h0 = TS.Broadcast(Unsafe.Add(ref h, i));
                        TV h1 = TS.Broadcast(Unsafe.Add(ref h, i + 1));
                        ref float r1 = ref Unsafe.Add(ref row, w);
                        a0 = TS.MultiplyAdd(TS.Load(ref row, 0), h0, a0);
                        b0 = TS.MultiplyAdd(TS.Load(ref r1, 0), h1, b0);
                        a1 = TS.MultiplyAdd(TS.Load(ref row, hidden), h0, a1);
                        b1 = TS.MultiplyAdd(TS.Load(ref r1, hidden), h1, b1);
                        a2 = TS.MultiplyAdd(TS.Load(ref row, 2 * hidden), h0, a2);
                        b2 = TS.MultiplyAdd(TS.Load(ref r1, 2 * hidden), h1, b2);
                        a3 = TS.MultiplyAdd(TS.Load(ref row, 3 * hidden), h0, a3);
                        b3 = TS.MultiplyAdd(TS.Load(ref r1, 3 * hidden), h1, b3);
                        row = ref Unsafe.Add(ref row, 2 * w);
                    }

                    a0 = TS.Add(a0, b0);
                    a1 = TS.Add(a1, b1);
                    a2 = TS.Add(a2, b2);
                    a3 = TS.Add(a3, b3);
                }

                // The cell, PyTorch's equations (as CellForward).
                TV hn;
                if (gates == 1)
                {
                    hn = cell == RecurrentCell.RnnTanh ? TS.Tanh(a0) : TS.Relu(a0);
                }
                else if (gru)
                {
                    TV r = TS.Sigmoid(a0);
                    TV z = TS.Sigmoid(a1);
                    TV n = TS.Tanh(TS.MultiplyAdd(r, a2, g2));
                    hn = TS.MultiplyAdd(z, TS.Subtract(TS.Load(ref h, column), n), n); // (1 - z) n + z h = n + z (h - n)
                }
                else
                {
                    TV ig = TS.Sigmoid(a0);
                    TV fg = TS.Sigmoid(a1);
                    TV gg = TS.Tanh(a2);
                    TV og = TS.Sigmoid(a3);
                    TV cn = TS.MultiplyAdd(fg, TS.Load(ref c, column), TS.Multiply(ig, gg));
                    TS.Store(cn, ref c, column);
                    hn = TS.Multiply(og, TS.Tanh(cn));
                }

                if (TP.Value == 1)
                {
                    TS.Store(hn, ref h, 0);
                }
                else
                {
                    Unsafe.Add(ref Unsafe.As<PendingBlocks<TV>, TV>(ref pending), column / lanes) = hn; // h is read by the blocks still to come
                }
            }

            for (nuint q = 0; TP.Value > 1 && q < (nuint)TP.Value; q++)
            {
                TS.Store(Unsafe.Add(ref Unsafe.As<PendingBlocks<TV>, TV>(ref pending), q), ref h, q * lanes);
            }
        }

        /// <summary>
        /// <see cref="Step"/> of a small layer with AVX-512 (the real-time case: GRU with 11 to 21 units, LSTM with 9 to 16,
        /// whose 3 or 4 vectors of gates fit in registers): both products in registers, in one method, then the cell. The sums
        /// are grouped as <see cref="DenseKernels.Forward{TAct}"/> groups them for 3 or 4 output vectors (two interleaved groups
        /// of inputs, even ones from the bias, odd ones from zero, then added), and the cell is <see cref="CellForward(ref float, ref float, ref float, ref float, ref float, ref float, ref float, int, RecurrentCell)"/>,
        /// so the result has the same bits as the general path; it only saves the calls, dispatches and loops around them.
        /// </summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void StepSmall(ref float packed, ref float x, ref float h, ref float c, int inputs, int hidden, RecurrentCell cell, int stride, bool four)
        {
            ref float inputBias = ref Unsafe.Add(ref packed, inputs * stride);
            ref float packedHh = ref Unsafe.Add(ref inputBias, stride);
            ref float recurrentBias = ref Unsafe.Add(ref packedHh, hidden * stride);
            nuint w = (nuint)stride;

            Span<float> buffer = stackalloc float[128];
            ref float gx = ref MemoryMarshal.GetReference(buffer);
            ref float gh = ref Unsafe.Add(ref gx, 64);
            SmallProduct(ref packed, ref inputBias, ref x, inputs, w, four, ref gx); // W_ih x + input bias
            SmallProduct(ref packedHh, ref recurrentBias, ref h, hidden, w, four, ref gh); // W_hh h + recurrent bias
            CellForward(ref gx, ref gh, ref h, ref c, ref h, ref c, ref Unsafe.NullRef<float>(), hidden, cell);
        }

        /// <summary>
        /// <see cref="StepSmall"/>'s product of one packed weight (rows of <paramref name="w"/> floats) with a vector of
        /// <paramref name="n"/> values plus a bias, 3 or 4 output vectors in registers: even inputs from the bias, odd ones
        /// from zero, then added, as <see cref="DenseKernels.Forward{TAct}"/> groups them; 4 vectors written to <paramref name="y"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void SmallProduct(ref float row, ref float bias, ref float v, int n, nuint w, bool four, ref float y)
        {
            Vector512<float> a00 = Vector512.LoadUnsafe(ref bias), a01 = Vector512.LoadUnsafe(ref bias, 16), a02 = Vector512.LoadUnsafe(ref bias, 32);
            Vector512<float> a03 = four ? Vector512.LoadUnsafe(ref bias, 48) : Vector512<float>.Zero;
            Vector512<float> a10 = Vector512<float>.Zero, a11 = Vector512<float>.Zero, a12 = Vector512<float>.Zero, a13 = Vector512<float>.Zero;
            nuint i = 0;
            nuint full = (nuint)(n / 2 * 2);
            for (; i < full; i += 2)
            {
                Vector512<float> even = Vector512.Create(Unsafe.Add(ref v, i));
                Vector512<float> odd = Vector512.Create(Unsafe.Add(ref v, i + 1));
                ref float next = ref Unsafe.Add(ref row, w);
                a00 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row), even, a00);
                a01 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row, 16), even, a01);
                a02 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row, 32), even, a02);
                a10 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref next), odd, a10);
                a11 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref next, 16), odd, a11);
                a12 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref next, 32), odd, a12);
                if (four)
                {
                    a03 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row, 48), even, a03);
                    a13 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref next, 48), odd, a13);
                }

                row = ref Unsafe.Add(ref row, 2 * w);
            }

            if (i < (nuint)n)
            {
                Vector512<float> even = Vector512.Create(Unsafe.Add(ref v, i));
                a00 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row), even, a00);
                a01 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row, 16), even, a01);
                a02 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row, 32), even, a02);
                if (four)
                {
                    a03 = SimdMath.MultiplyAdd(Vector512.LoadUnsafe(ref row, 48), even, a03);
                }
            }

            (a00 + a10).StoreUnsafe(ref y);
            (a01 + a11).StoreUnsafe(ref y, 16);
            (a02 + a12).StoreUnsafe(ref y, 32);
            (a03 + a13).StoreUnsafe(ref y, 48);
        }

        /// <summary>Room for the new hidden state of up to <see cref="MaxStepBlocks"/> blocks (<see cref="StepGateVectors{TV, TS, TG, TP}"/>).</summary>
        [StructLayout(LayoutKind.Sequential)]
        private struct PendingBlocks<TV>
            where TV : struct
        {
#pragma warning disable CS0649 // written and read by index (Unsafe.Add from the first)
            public TV V0;
            public TV V1;
            public TV V2;
            public TV V3;
            public TV V4;
            public TV V5;
            public TV V6;
            public TV V7;
#pragma warning restore CS0649
        }
    }
}
