using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    // The batched forward pass: one generic body, specialised by the JIT for each width, activation and tile shape.
    public static partial class DenseKernels
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        [SkipLocalsInit]
        private static void ForwardBatchBody<TV, TS, TAct>(
            ref float wt, ref float bt, nuint wStride, ref float x, nuint xStride, ref float z, ref float y, nuint oStride, nuint inputs, int units, int count, int accumulators, int mode, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            // The generator's shape: up to 4 vectors of outputs per tile, as many samples as the accumulators allow (at most 8);
            // then the leftover samples in tiles of 4, 2 and 1.
            int lanes = TS.Lanes;
            int vectors = (units + lanes - 1) / lanes;
            nuint n = (nuint)count;

            // A layer of at most 4 output vectors (every small layer) is one block of columns: its tiles are compiled with the
            // shape known, loop over the samples without a call per tile and store straight from the accumulators, and the
            // activation runs over whole vectors, tile by tile or in one pass afterwards (ForwardColumns). This matters most
            // for tiny layers, where the calls, the scratch round trip and the activation of mostly empty vectors in the
            // general path below cost more than the arithmetic (Xor's 4 -> 1 layer: one useful lane in 4).
            int lastLanes = units - ((vectors - 1) * lanes);
            switch (vectors)
            {
                case 1: ForwardColumns<TV, TS, TAct, N1>(ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, lastLanes, n, mode, act); return;
                case 2: ForwardColumns<TV, TS, TAct, N2>(ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, lastLanes, n, mode, act); return;
                case 3: ForwardColumns<TV, TS, TAct, N3>(ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, lastLanes, n, mode, act); return;
                case 4: ForwardColumns<TV, TS, TAct, N4>(ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, lastLanes, n, mode, act); return;
                default: break;
            }

            int perBlock = Math.Min(vectors, 4);
            int samples = Math.Min(8, accumulators / perBlock);
            if (accumulators < 16 && TS.Lanes == 8)
            {
                // 256-bit vectors in 16 registers: tiles of 6 samples x 2 vectors (12 accumulators, the classic AVX2 shape)
                // read each row of weights once for 12 multiply-adds instead of 8 (2 x 4). Mlp's batch-64 forward on the
                // 256-bit path: 89 to 95-97 GFLOP/s of a 116.8 peak (Zen 5 with AVX-512 disabled, Stopwatch). The 128-bit
                // path stays at 2 x 4 (6 x 2 measured 15% slower there).
                perBlock = 2;
                samples = 6;
            }

            nuint s = 0;

            // Each tile leaves its accumulators here (at most 8 samples x 4 vectors of 16 lanes) for FinishTile: a tile whose
            // epilogue stored (and activated, lane by lane for the last vector) every accumulator itself keeps so many of them
            // live into that code that the register allocator spilled some inside the loop over the inputs.
            Span<float> scratchSpan = stackalloc float[8 * 4 * 16];
            ref float scratch = ref MemoryMarshal.GetReference(scratchSpan);
            for (; s + (nuint)samples <= n; s += (nuint)samples)
            {
                BatchSamples<TV, TS, TAct>(samples, s, ref scratch, ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, units, vectors, perBlock, mode, act);
            }

            for (int tile = 4; tile >= 2; tile /= 2)
            {
                if (tile < samples && s + (nuint)tile <= n)
                {
                    BatchSamples<TV, TS, TAct>(tile, s, ref scratch, ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, units, vectors, perBlock, mode, act);
                    s += (nuint)tile;
                }
            }

            for (; s < n; s++)
            {
                BatchSamples<TV, TS, TAct>(1, s, ref scratch, ref wt, ref bt, wStride, ref x, xStride, ref z, ref y, oStride, inputs, units, vectors, perBlock, mode, act);
            }
        }

        /// <summary>
        /// Every sample of a layer whose outputs are <typeparamref name="TC"/> vectors (one block): tiles of as many samples as
        /// the accumulators allow (at most 8), then 4, 2 and 1, storing the pre-activations; then the activation.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardColumns<TV, TS, TAct, TC>(
            ref float wt, ref float bt, nuint wStride, ref float x, nuint xStride, ref float z, ref float y, nuint oStride, nuint inputs, int lastLanes, nuint n, int mode, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TC : struct, ICount
        {
            // The tiles store the pre-activations (to z, or to y to be activated in place); the activation reloads them. For a
            // narrow layer one pass over the outputs with the widest vectors takes several samples per vector instead of one
            // (2 -> 4: 16 vectors of 16 lanes instead of 64 of 4); and the tiles never inline an activation per accumulator,
            // which exhausts the JIT's inlining budget (nothing after it is inlined, 10 times slower).
            ref float target = ref (mode & StoreZ) != 0 ? ref z : ref y;
            bool activation = (mode & StoreY) != 0 && ((mode & StoreZ) != 0 || typeof(TAct) != typeof(Identity));

            // Rows of whole vectors of the widest width (Game's 32 units): the activation of each tile right after it, from
            // the outputs just stored, so that it overlaps with the next tile's multiply-adds; otherwise (narrower vectors,
            // partial last vectors) one pass afterwards over whole vectors of the widest width.
            bool fused = activation && lastLanes == TS.Lanes && TS.Lanes == WidestLanes;

            // A JIT-time constant: the tile loops of the other sizes are compiled away.
            int budget = BatchAccumulators / TC.Value;
            int samples = budget >= 8 ? 8 : budget;
            nuint s = 0;
            if (samples == 8)
            {
                s = ForwardTiles<TV, TS, TAct, N8, TC>(s, ref wt, ref bt, wStride, ref x, xStride, ref target, ref y, oStride, inputs, lastLanes, n, fused, act);
            }
            else if (samples >= 6)
            {
                s = ForwardTiles<TV, TS, TAct, N6, TC>(s, ref wt, ref bt, wStride, ref x, xStride, ref target, ref y, oStride, inputs, lastLanes, n, fused, act);
            }

            // The leftover samples (none for a batch of 64 and tiles of 8: no calls then).
            if (samples >= 4 && s + 4 <= n)
            {
                s = ForwardTiles<TV, TS, TAct, N4, TC>(s, ref wt, ref bt, wStride, ref x, xStride, ref target, ref y, oStride, inputs, lastLanes, n, fused, act);
            }

            if (s + 2 <= n)
            {
                s = ForwardTiles<TV, TS, TAct, N2, TC>(s, ref wt, ref bt, wStride, ref x, xStride, ref target, ref y, oStride, inputs, lastLanes, n, fused, act);
            }

            if (s < n)
            {
                ForwardTiles<TV, TS, TAct, N1, TC>(s, ref wt, ref bt, wStride, ref x, xStride, ref target, ref y, oStride, inputs, lastLanes, n, fused, act);
            }
            if (activation && !fused)
            {
                nuint units = ((nuint)(TC.Value - 1) * (nuint)TS.Lanes) + (nuint)lastLanes;
                ActivateRows(ref target, ref y, oStride, units, n, act);
            }
        }

        /// <summary>
        /// Tiles of <typeparamref name="TN"/> samples x <typeparamref name="TC"/> vectors from sample <paramref name="s"/> while
        /// a whole tile fits; each pre-activation the bias, then one multiply-add per input in input order, stored from the
        /// registers (the last vector of a row up to <paramref name="lastLanes"/> lanes) to <paramref name="target"/>; then, if
        /// <paramref name="activate"/> (rows of whole vectors), the tile's activation from there to <paramref name="y"/>.
        /// </summary>
        /// <returns>The first sample not done.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nuint ForwardTiles<TV, TS, TAct, TN, TC>(
            nuint s, ref float wt, ref float b, nuint wStride, ref float x, nuint xStride, ref float target, ref float y, nuint oStride, nuint inputs, int lastLanes, nuint n, bool activate, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TN : struct, ICount
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            nuint tn = (nuint)TN.Value;
            for (; s + tn <= n; s += tn)
            {
                TV b0 = TS.Load(ref b, 0);
                TV b1 = TC.Value > 1 ? TS.Load(ref b, l) : default;
                TV b2 = TC.Value > 2 ? TS.Load(ref b, 2 * l) : default;
                TV b3 = TC.Value > 3 ? TS.Load(ref b, 3 * l) : default;
                TV a00 = b0, a01 = b1, a02 = b2, a03 = b3;
                TV a10 = b0, a11 = b1, a12 = b2, a13 = b3;
                TV a20 = b0, a21 = b1, a22 = b2, a23 = b3;
                TV a30 = b0, a31 = b1, a32 = b2, a33 = b3;
                TV a40 = b0, a41 = b1, a42 = b2, a43 = b3;
                TV a50 = b0, a51 = b1, a52 = b2, a53 = b3;
                TV a60 = b0, a61 = b1, a62 = b2, a63 = b3;
                TV a70 = b0, a71 = b1, a72 = b2, a73 = b3;
                // Two references into the samples, advanced one input at a time, and the offsets of the others from them: few
                // registers (one per sample spilled some inside this loop, on the path from one input to the next).
                ref float xa = ref Unsafe.Add(ref x, s * xStride);
                ref float xb = ref TN.Value > 4 ? ref Unsafe.Add(ref xa, 4 * xStride) : ref xa;
                nuint x2 = 2 * xStride;
                nuint x3 = 3 * xStride;
                ref float row = ref wt;
                for (nuint i = 0; i < inputs; i++)
                {
                    TV w0 = TS.Load(ref row, 0);
                    TV w1 = TC.Value > 1 ? TS.Load(ref row, l) : default;
                    TV w2 = TC.Value > 2 ? TS.Load(ref row, 2 * l) : default;
                    TV w3 = TC.Value > 3 ? TS.Load(ref row, 3 * l) : default;
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(xa), ref a00, ref a01, ref a02, ref a03);
                    if (TN.Value > 1)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref xa, xStride)), ref a10, ref a11, ref a12, ref a13);
                    }

                    if (TN.Value > 2)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref xa, x2)), ref a20, ref a21, ref a22, ref a23);
                    }

                    if (TN.Value > 3)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref xa, x3)), ref a30, ref a31, ref a32, ref a33);
                    }

                    if (TN.Value > 4)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(xb), ref a40, ref a41, ref a42, ref a43);
                    }

                    if (TN.Value > 5)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref xb, xStride)), ref a50, ref a51, ref a52, ref a53);
                    }

                    if (TN.Value > 6)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref xb, x2)), ref a60, ref a61, ref a62, ref a63);
                    }

                    if (TN.Value > 7)
                    {
                        MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref xb, x3)), ref a70, ref a71, ref a72, ref a73);
                    }

                    xa = ref Unsafe.Add(ref xa, 1);
                    xb = ref Unsafe.Add(ref xb, 1);
                    row = ref Unsafe.Add(ref row, wStride);
                }

                nuint o = s * oStride;
                StoreRow<TV, TS, TC>(ref target, o, lastLanes, a00, a01, a02, a03);
                if (TN.Value > 1)
                {
                    StoreRow<TV, TS, TC>(ref target, o + oStride, lastLanes, a10, a11, a12, a13);
                }

                if (TN.Value > 2)
                {
                    StoreRow<TV, TS, TC>(ref target, o + (2 * oStride), lastLanes, a20, a21, a22, a23);
                }

                if (TN.Value > 3)
                {
                    StoreRow<TV, TS, TC>(ref target, o + (3 * oStride), lastLanes, a30, a31, a32, a33);
                }

                if (TN.Value > 4)
                {
                    StoreRow<TV, TS, TC>(ref target, o + (4 * oStride), lastLanes, a40, a41, a42, a43);
                }

                if (TN.Value > 5)
                {
                    StoreRow<TV, TS, TC>(ref target, o + (5 * oStride), lastLanes, a50, a51, a52, a53);
                }

                if (TN.Value > 6)
                {
                    StoreRow<TV, TS, TC>(ref target, o + (6 * oStride), lastLanes, a60, a61, a62, a63);
                }

                if (TN.Value > 7)
                {
                    StoreRow<TV, TS, TC>(ref target, o + (7 * oStride), lastLanes, a70, a71, a72, a73);
                }

                // Whole vectors: the tile's activation here (reloading what was just stored), where it overlaps with the
                // multiply-adds of the next tile; one copy of the activation, in a loop.
                if (activate)
                {
                    for (nuint j = 0; j < tn; j++)
                    {
                        for (nuint c = 0; c < (nuint)TC.Value; c++)
                        {
                            nuint at = o + (c * l);
                            TS.Store(act.Forward<TV, TS>(TS.Load(ref target, at)), ref y, at);
                        }

                        o += oStride;
                    }
                }
            }

            return s;
        }

        /// <summary>Stores one sample's <typeparamref name="TC"/> vectors at <paramref name="offset"/>, the last up to <paramref name="lastLanes"/> lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow<TV, TS, TC>(ref float target, nuint offset, int lastLanes, TV a0, TV a1, TV a2, TV a3)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            StoreLanes<TV, TS>(a0, ref target, offset, TC.Value == 1 ? lastLanes : TS.Lanes);
            if (TC.Value > 1)
            {
                StoreLanes<TV, TS>(a1, ref target, offset + l, TC.Value == 2 ? lastLanes : TS.Lanes);
            }

            if (TC.Value > 2)
            {
                StoreLanes<TV, TS>(a2, ref target, offset + (2 * l), TC.Value == 3 ? lastLanes : TS.Lanes);
            }

            if (TC.Value > 3)
            {
                StoreLanes<TV, TS>(a3, ref target, offset + (3 * l), lastLanes);
            }
        }

        /// <summary>Samples <paramref name="s"/> to <paramref name="s"/> + <paramref name="tile"/> - 1, block of output vectors after block.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BatchSamples<TV, TS, TAct>(
            int tile, nuint s, ref float scratch, ref float wt, ref float bt, nuint wStride, ref float x, nuint xStride, ref float z, ref float y, nuint oStride, nuint inputs, int units, int vectors, int perBlock, int mode, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int lanes = TS.Lanes;
            ref float xs = ref Unsafe.Add(ref x, s * xStride);
            ref float zs = ref Unsafe.Add(ref z, s * oStride);
            ref float ys = ref Unsafe.Add(ref y, s * oStride);
            for (int first = 0; first < vectors; first += perBlock)
            {
                int block = Math.Min(perBlock, vectors - first);
                nuint column = (nuint)(first * lanes);
                int lastLanes = Math.Min(lanes, units - ((first + block - 1) * lanes));
                ref float w = ref Unsafe.Add(ref wt, column);
                ref float b = ref Unsafe.Add(ref bt, column);
                ref float zt = ref Unsafe.Add(ref zs, column);
                ref float yt = ref Unsafe.Add(ref ys, column);
                switch (tile)
                {
                    case 8: BatchTileVectors<TV, TS, N8>(block, ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                    case 6: BatchTileVectors<TV, TS, N6>(block, ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                    case 4: BatchTileVectors<TV, TS, N4>(block, ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                    case 2: BatchTileVectors<TV, TS, N2>(block, ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                    default: BatchTileVectors<TV, TS, N1>(block, ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                }

                FinishTile<TV, TS, TAct>(ref scratch, tile, block, ref zt, ref yt, oStride, lastLanes, mode, act);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void BatchTileVectors<TV, TS, TN>(int block, ref float w, nuint wStride, ref float b, ref float xs, nuint xStride, nuint inputs, ref float scratch)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TN : struct, ICount
        {
            switch (block)
            {
                case 4: BatchTile<TV, TS, TN, N4>(ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                case 3: BatchTile<TV, TS, TN, N3>(ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                case 2: BatchTile<TV, TS, TN, N2>(ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
                default: BatchTile<TV, TS, TN, N1>(ref w, wStride, ref b, ref xs, xStride, inputs, ref scratch); break;
            }
        }

        /// <summary>
        /// One register tile: <typeparamref name="TN"/> samples x <typeparamref name="TC"/> vectors of outputs, every accumulator
        /// starting from the bias and taking one multiply-add per input, in input order.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BatchTile<TV, TS, TN, TC>(ref float w, nuint wStride, ref float b, ref float xs, nuint xStride, nuint inputs, ref float scratch)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TN : struct, ICount
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TV b0 = TS.Load(ref b, 0);
            TV b1 = TC.Value > 1 ? TS.Load(ref b, l) : default;
            TV b2 = TC.Value > 2 ? TS.Load(ref b, 2 * l) : default;
            TV b3 = TC.Value > 3 ? TS.Load(ref b, 3 * l) : default;
            TV a00 = b0, a01 = b1, a02 = b2, a03 = b3;
            TV a10 = b0, a11 = b1, a12 = b2, a13 = b3;
            TV a20 = b0, a21 = b1, a22 = b2, a23 = b3;
            TV a30 = b0, a31 = b1, a32 = b2, a33 = b3;
            TV a40 = b0, a41 = b1, a42 = b2, a43 = b3;
            TV a50 = b0, a51 = b1, a52 = b2, a53 = b3;
            TV a60 = b0, a61 = b1, a62 = b2, a63 = b3;
            TV a70 = b0, a71 = b1, a72 = b2, a73 = b3;

            // One reference per sample: each input is then a load at [sample + i].
            ref float x0 = ref xs;
            ref float x1 = ref TN.Value > 1 ? ref Unsafe.Add(ref xs, xStride) : ref xs;
            ref float x2 = ref TN.Value > 2 ? ref Unsafe.Add(ref xs, 2 * xStride) : ref xs;
            ref float x3 = ref TN.Value > 3 ? ref Unsafe.Add(ref xs, 3 * xStride) : ref xs;
            ref float x4 = ref TN.Value > 4 ? ref Unsafe.Add(ref xs, 4 * xStride) : ref xs;
            ref float x5 = ref TN.Value > 5 ? ref Unsafe.Add(ref xs, 5 * xStride) : ref xs;
            ref float x6 = ref TN.Value > 6 ? ref Unsafe.Add(ref xs, 6 * xStride) : ref xs;
            ref float x7 = ref TN.Value > 7 ? ref Unsafe.Add(ref xs, 7 * xStride) : ref xs;
            ref float row = ref w;
            for (nuint i = 0; i < inputs; i++)
            {
                TV w0 = TS.Load(ref row, 0);
                TV w1 = TC.Value > 1 ? TS.Load(ref row, l) : default;
                TV w2 = TC.Value > 2 ? TS.Load(ref row, 2 * l) : default;
                TV w3 = TC.Value > 3 ? TS.Load(ref row, 3 * l) : default;
                MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x0, i)), ref a00, ref a01, ref a02, ref a03);
                if (TN.Value > 1)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x1, i)), ref a10, ref a11, ref a12, ref a13);
                }

                if (TN.Value > 2)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x2, i)), ref a20, ref a21, ref a22, ref a23);
                }

                if (TN.Value > 3)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x3, i)), ref a30, ref a31, ref a32, ref a33);
                }

                if (TN.Value > 4)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x4, i)), ref a40, ref a41, ref a42, ref a43);
                }

                if (TN.Value > 5)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x5, i)), ref a50, ref a51, ref a52, ref a53);
                }

                if (TN.Value > 6)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x6, i)), ref a60, ref a61, ref a62, ref a63);
                }

                if (TN.Value > 7)
                {
                    MultiplyAdd4<TV, TS, TC>(w0, w1, w2, w3, TS.Broadcast(Unsafe.Add(ref x7, i)), ref a70, ref a71, ref a72, ref a73);
                }

                row = ref Unsafe.Add(ref row, wStride);
            }

            // Sample j's vector c goes to scratch[(4 j + c) lanes].
            nuint row4 = 4 * l;
            StoreVectors<TV, TS, TC>(ref scratch, a00, a01, a02, a03);
            if (TN.Value > 1)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, row4), a10, a11, a12, a13);
            }

            if (TN.Value > 2)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, 2 * row4), a20, a21, a22, a23);
            }

            if (TN.Value > 3)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, 3 * row4), a30, a31, a32, a33);
            }

            if (TN.Value > 4)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, 4 * row4), a40, a41, a42, a43);
            }

            if (TN.Value > 5)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, 5 * row4), a50, a51, a52, a53);
            }

            if (TN.Value > 6)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, 6 * row4), a60, a61, a62, a63);
            }

            if (TN.Value > 7)
            {
                StoreVectors<TV, TS, TC>(ref Unsafe.Add(ref scratch, 7 * row4), a70, a71, a72, a73);
            }
        }

        /// <summary><c>a_c = w_c * x + a_c</c> for the first <typeparamref name="TC"/> vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void MultiplyAdd4<TV, TS, TC>(TV w0, TV w1, TV w2, TV w3, TV x, ref TV a0, ref TV a1, ref TV a2, ref TV a3)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            a0 = TS.MultiplyAdd(w0, x, a0);
            if (TC.Value > 1)
            {
                a1 = TS.MultiplyAdd(w1, x, a1);
            }

            if (TC.Value > 2)
            {
                a2 = TS.MultiplyAdd(w2, x, a2);
            }

            if (TC.Value > 3)
            {
                a3 = TS.MultiplyAdd(w3, x, a3);
            }
        }

        /// <summary>Stores the first <typeparamref name="TC"/> vectors at consecutive vector offsets.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreVectors<TV, TS, TC>(ref float target, TV a0, TV a1, TV a2, TV a3)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TS.Store(a0, ref target, 0);
            if (TC.Value > 1)
            {
                TS.Store(a1, ref target, l);
            }

            if (TC.Value > 2)
            {
                TS.Store(a2, ref target, 2 * l);
            }

            if (TC.Value > 3)
            {
                TS.Store(a3, ref target, 3 * l);
            }
        }

        /// <summary>
        /// Stores a tile's pre-activations and/or outputs from the scratch: <paramref name="tile"/> samples x
        /// <paramref name="block"/> vectors, the last vector of each row only up to <paramref name="lastLanes"/> lanes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FinishTile<TV, TS, TAct>(ref float scratch, int tile, int block, ref float zt, ref float yt, nuint oStride, int lastLanes, int mode, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int lanes = TS.Lanes;
            nuint l = (nuint)lanes;
            for (int j = 0; j < tile; j++)
            {
                ref float from = ref Unsafe.Add(ref scratch, (nuint)j * 4 * l);
                nuint row = (nuint)j * oStride;
                for (int c = 0; c < block; c++)
                {
                    TV a = TS.Load(ref from, (nuint)c * l);
                    int count = c == block - 1 ? lastLanes : lanes;
                    nuint offset = row + ((nuint)c * l);
                    if ((mode & StoreZ) != 0)
                    {
                        StoreLanes<TV, TS>(a, ref zt, offset, count);
                    }

                    if ((mode & StoreY) != 0)
                    {
                        StoreLanes<TV, TS>(act.Forward<TV, TS>(a), ref yt, offset, count);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreLanes<TV, TS>(TV value, ref float destination, nuint offset, int lanes)
            where TV : struct
            where TS : struct, ISimd<TV>
        {
            if (lanes == TS.Lanes)
            {
                TS.Store(value, ref destination, offset);
            }
            else
            {
                TS.StorePartial(value, ref destination, offset, lanes);
            }
        }

        /// <summary>
        /// <c>to = f(from)</c> over <paramref name="count"/> rows of <paramref name="units"/> elements, <paramref name="stride"/>
        /// apart (one run when the rows are contiguous); in place when both are the same. Nothing past a row is written.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ActivateRows<TAct>(ref float from, ref float to, nuint stride, nuint units, nuint count, TAct act)
            where TAct : struct, IActivation
        {
            if (stride == units)
            {
                ActivateRun(ref from, ref to, units * count, act);
                return;
            }

            for (nuint s = 0; s < count; s++)
            {
                ActivateRun(ref Unsafe.Add(ref from, s * stride), ref Unsafe.Add(ref to, s * stride), units, act);
            }
        }

        /// <summary>
        /// <c>to = f(from)</c> over <paramref name="length"/> contiguous elements: the widest accelerated vectors, then narrower
        /// ones, then one at a time; each element's bits are the same whichever width computes it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ActivateRun<TAct>(ref float from, ref float to, nuint length, TAct act)
            where TAct : struct, IActivation
        {
            nuint i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                i = ActivateVectors<Vector512<float>, Simd512, TAct>(ref from, ref to, i, length, act);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                i = ActivateVectors<Vector256<float>, Simd256, TAct>(ref from, ref to, i, length, act);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                i = ActivateVectors<Vector128<float>, Simd128, TAct>(ref from, ref to, i, length, act);
            }

            ActivateVectors<float, SimdScalar, TAct>(ref from, ref to, i, length, act);
        }

        /// <summary>Whole vectors of <typeparamref name="TS"/> from element <paramref name="i"/>.</summary>
        /// <returns>The first element not done.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static nuint ActivateVectors<TV, TS, TAct>(ref float from, ref float to, nuint i, nuint length, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            nuint l = (nuint)TS.Lanes;
            for (; i + l <= length; i += l)
            {
                TS.Store(act.Forward<TV, TS>(TS.Load(ref from, i)), ref to, i);
            }

            return i;
        }
    }
}
