using System;
using System.Runtime.CompilerServices;

namespace Compiled.Kernels
{
    // The forward pass of one sample: one generic body per group count, specialised by the JIT for each width, activation
    // and number of output vectors per pass.
    public static partial class DenseKernels
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardBody<TV, TS, TAct>(ref float wt, ref float bt, nuint wStride, ref float x, ref float y, int inputs, int outputs, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            // The generator's ForwardShape for layers that are not inlined: 8 accumulators, as output vectors x input groups.
            int lanes = TS.Lanes;
            int vectors = (outputs + lanes - 1) / lanes;
            int perBlock = Math.Min(vectors, 8);
            int groups = Math.Max(1, Math.Min(Math.Min(8, inputs), 8 / perBlock));
            groups = groups >= 8 ? 8 : groups >= 4 ? 4 : groups >= 2 ? 2 : 1;
            if (vectors > perBlock && (long)inputs * (long)wStride > ChunkedWeightFloats && vectors * lanes <= ChunkedOutputs)
            {
                ForwardChunked<TV, TS, TAct>(ref wt, ref bt, wStride, ref x, ref y, inputs, outputs, vectors, act);
                return;
            }

            for (int first = 0; first < vectors; first += perBlock)
            {
                int block = Math.Min(perBlock, vectors - first);
                nuint column = (nuint)(first * lanes);
                int lastLanes = Math.Min(lanes, outputs - ((first + block - 1) * lanes));
                ref float w = ref Unsafe.Add(ref wt, column);
                ref float b = ref Unsafe.Add(ref bt, column);
                ref float o = ref Unsafe.Add(ref y, column);
                switch (groups)
                {
                    case 8:
                        ForwardGroups8<TV, TS, TAct>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act);
                        break;
                    case 4:
                        if (block == 2)
                        {
                            ForwardGroups4<TV, TS, TAct, N2>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act);
                        }
                        else
                        {
                            ForwardGroups4<TV, TS, TAct, N1>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act);
                        }

                        break;
                    case 2:
                        switch (block)
                        {
                            case 4: ForwardGroups2<TV, TS, TAct, N4>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                            case 3: ForwardGroups2<TV, TS, TAct, N3>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                            case 2: ForwardGroups2<TV, TS, TAct, N2>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                            default: ForwardGroups2<TV, TS, TAct, N1>(ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                        }

                        break;
                    default:
                        ForwardOneGroup<TV, TS, TAct>(block, ref w, wStride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act);
                        break;
                }
            }
        }

        /// <summary><see cref="ForwardGroups1"/> for a block of <paramref name="block"/> (1 to 8) output vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardOneGroup<TV, TS, TAct>(int block, ref float w, nuint wStride, ref float b, ref float x, ref float o, nuint inputs, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            switch (block)
            {
                case 8: ForwardGroups1<TV, TS, TAct, N8>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                case 7: ForwardGroups1<TV, TS, TAct, N7>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                case 6: ForwardGroups1<TV, TS, TAct, N6>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                case 5: ForwardGroups1<TV, TS, TAct, N5>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                case 4: ForwardGroups1<TV, TS, TAct, N4>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                case 3: ForwardGroups1<TV, TS, TAct, N3>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                case 2: ForwardGroups1<TV, TS, TAct, N2>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
                default: ForwardGroups1<TV, TS, TAct, N1>(ref w, wStride, ref b, ref x, ref o, inputs, lastLanes, act); break;
            }
        }

        /// <summary>Weights (floats) beyond which a layer of several blocks runs <see cref="ForwardChunked"/>: more than L1 holds.</summary>
        private const int ChunkedWeightFloats = 8192;

        /// <summary>The most outputs (padded to whole vectors) <see cref="ForwardChunked"/> sums on the stack: 4 KB.</summary>
        private const int ChunkedOutputs = 1024;

        /// <summary>About how many weights (floats) one chunk of rows holds: 16 KB, which stays in L1 while every block reads it.</summary>
        private const int ChunkFloats = 4096;

        /// <summary>
        /// The one-sample forward pass of a layer with more output vectors than one block of 8 and more weights than L1
        /// holds. Block by block, each block would stream its columns of every row from L2, and the first block's pass
        /// also drags in (or the prefetchers fetch) the lines the later blocks need, which are gone again when those run:
        /// on 256- and 128-bit vectors (784 -> 128 is 2 and 4 blocks) the layer read its weights at about half the L2 rate.
        /// Here the rows go by in chunks of about 16 KB, every block adds its columns of a chunk while it is in L1, and the
        /// sums wait in a stack buffer between chunks: the weights stream from L2 once, in order. Each output is the bias
        /// plus its products in input order, exactly as <see cref="ForwardGroups1"/> adds them (storing and reloading a
        /// sum is exact), so the result is bit-identical to the block-by-block pass.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        [SkipLocalsInit]
        private static void ForwardChunked<TV, TS, TAct>(ref float wt, ref float bt, nuint wStride, ref float x, ref float y, int inputs, int outputs, int vectors, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int lanes = TS.Lanes;
            nuint l = (nuint)lanes;
            Span<float> buffer = stackalloc float[ChunkedOutputs];
            ref float sums = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer);
            for (nuint v = 0; v < (nuint)vectors; v++)
            {
                TS.Store(TS.Load(ref bt, v * l), ref sums, v * l);
            }

            int rows = Math.Max(8, ChunkFloats / (int)Math.Min(wStride, ChunkFloats));
            for (int start = 0; start < inputs; start += rows)
            {
                nuint count = (nuint)Math.Min(rows, inputs - start);
                ref float chunk = ref Unsafe.Add(ref wt, (nuint)start * wStride);
                ref float xs = ref Unsafe.Add(ref x, start);
                for (int first = 0; first < vectors; first += 8)
                {
                    ref float w = ref Unsafe.Add(ref chunk, (nuint)first * l);
                    ref float s = ref Unsafe.Add(ref sums, (nuint)first * l);
                    switch (Math.Min(8, vectors - first))
                    {
                        case 8: AddRows<TV, TS, N8>(ref w, wStride, ref xs, count, ref s); break;
                        case 7: AddRows<TV, TS, N7>(ref w, wStride, ref xs, count, ref s); break;
                        case 6: AddRows<TV, TS, N6>(ref w, wStride, ref xs, count, ref s); break;
                        case 5: AddRows<TV, TS, N5>(ref w, wStride, ref xs, count, ref s); break;
                        case 4: AddRows<TV, TS, N4>(ref w, wStride, ref xs, count, ref s); break;
                        case 3: AddRows<TV, TS, N3>(ref w, wStride, ref xs, count, ref s); break;
                        case 2: AddRows<TV, TS, N2>(ref w, wStride, ref xs, count, ref s); break;
                        default: AddRows<TV, TS, N1>(ref w, wStride, ref xs, count, ref s); break;
                    }
                }
            }

            for (int v = 0; v < vectors; v++)
            {
                StoreLanes<TV, TS>(act.Forward<TV, TS>(TS.Load(ref sums, (nuint)v * l)), ref y, (nuint)v * l, v == vectors - 1 ? outputs - (v * lanes) : lanes);
            }
        }

        /// <summary><c>s[k] += sum over the rows i of x[i] w[i, k]</c> for <typeparamref name="TC"/> (up to 8) vectors, the rows in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddRows<TV, TS, TC>(ref float w, nuint wStride, ref float x, nuint rows, ref float s)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            LoadBlock<TV, TS, TC>(ref s, out TV a0, out TV a1, out TV a2, out TV a3, out TV a4, out TV a5, out TV a6, out TV a7);
            MultiplyAddRows<TV, TS, TC>(ref w, wStride, ref x, rows, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            StoreBlock<TV, TS, TC>(a0, a1, a2, a3, ref s, 0);
            if (TC.Value > 4)
            {
                StoreBlock<TV, TS, TC>(a4, a5, a6, a7, ref s, 4);
            }
        }

        /// <summary>The <typeparamref name="TC"/> (up to 8) consecutive vectors at <paramref name="from"/> (the others zero).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void LoadBlock<TV, TS, TC>(ref float from, out TV a0, out TV a1, out TV a2, out TV a3, out TV a4, out TV a5, out TV a6, out TV a7)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            a0 = TS.Load(ref from, 0);
            a1 = TC.Value > 1 ? TS.Load(ref from, l) : default;
            a2 = TC.Value > 2 ? TS.Load(ref from, 2 * l) : default;
            a3 = TC.Value > 3 ? TS.Load(ref from, 3 * l) : default;
            a4 = TC.Value > 4 ? TS.Load(ref from, 4 * l) : default;
            a5 = TC.Value > 5 ? TS.Load(ref from, 5 * l) : default;
            a6 = TC.Value > 6 ? TS.Load(ref from, 6 * l) : default;
            a7 = TC.Value > 7 ? TS.Load(ref from, 7 * l) : default;
        }

        /// <summary><c>a_k += x[i] w[i, k]</c> for the <typeparamref name="TC"/> (up to 8) vectors of a block, over <paramref name="rows"/> rows in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void MultiplyAddRows<TV, TS, TC>(ref float w, nuint wStride, ref float x, nuint rows, ref TV a0, ref TV a1, ref TV a2, ref TV a3, ref TV a4, ref TV a5, ref TV a6, ref TV a7)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            ref float row = ref w;
            for (nuint i = 0; i < rows; i++)
            {
                TV xi = TS.Broadcast(Unsafe.Add(ref x, i));
                MultiplyAddRow<TV, TS, TC>(ref row, xi, 0, ref a0, ref a1, ref a2, ref a3);
                if (TC.Value > 4)
                {
                    MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, 4 * l), xi, 4, ref a4, ref a5, ref a6, ref a7);
                }

                row = ref Unsafe.Add(ref row, wStride);
            }
        }

        /// <summary>Stores the vectors <paramref name="first"/> + k of a block of <typeparamref name="TC"/> that exist, k vectors after <paramref name="s"/>'s vector <paramref name="first"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreBlock<TV, TS, TC>(TV a0, TV a1, TV a2, TV a3, ref float s, int first)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            nuint at = (nuint)first * l;
            if (first < TC.Value)
            {
                TS.Store(a0, ref s, at);
            }

            if (first + 1 < TC.Value)
            {
                TS.Store(a1, ref s, at + l);
            }

            if (first + 2 < TC.Value)
            {
                TS.Store(a2, ref s, at + (2 * l));
            }

            if (first + 3 < TC.Value)
            {
                TS.Store(a3, ref s, at + (3 * l));
            }
        }

        /// <summary>One group of inputs, <typeparamref name="TC"/> (up to 8) vectors of outputs starting from the bias.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardGroups1<TV, TS, TAct, TC>(ref float w, nuint wStride, ref float b, ref float x, ref float y, nuint inputs, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            LoadBlock<TV, TS, TC>(ref b, out TV a0, out TV a1, out TV a2, out TV a3, out TV a4, out TV a5, out TV a6, out TV a7);
            MultiplyAddRows<TV, TS, TC>(ref w, wStride, ref x, inputs, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
            StoreActivated<TV, TS, TAct, TC>(a0, a1, a2, a3, ref y, 0, 0, lastLanes, act);
            if (TC.Value > 4)
            {
                StoreActivated<TV, TS, TAct, TC>(a4, a5, a6, a7, ref y, 4 * l, 4, lastLanes, act);
            }
        }

        /// <summary>Two interleaved groups of inputs (even, odd), <typeparamref name="TC"/> (up to 4) vectors of outputs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardGroups2<TV, TS, TAct, TC>(ref float w, nuint wStride, ref float b, ref float x, ref float y, nuint inputs, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TV a00 = TS.Load(ref b, 0);
            TV a01 = TC.Value > 1 ? TS.Load(ref b, l) : default;
            TV a02 = TC.Value > 2 ? TS.Load(ref b, 2 * l) : default;
            TV a03 = TC.Value > 3 ? TS.Load(ref b, 3 * l) : default;
            TV a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero;
            nuint full = inputs / 2 * 2;
            ref float row = ref w;
            nuint i = 0;
            for (; i < full; i += 2)
            {
                MultiplyAddRow<TV, TS, TC>(ref row, TS.Broadcast(Unsafe.Add(ref x, i)), 0, ref a00, ref a01, ref a02, ref a03);
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, wStride), TS.Broadcast(Unsafe.Add(ref x, i + 1)), 0, ref a10, ref a11, ref a12, ref a13);
                row = ref Unsafe.Add(ref row, 2 * wStride);
            }

            if (i < inputs)
            {
                MultiplyAddRow<TV, TS, TC>(ref row, TS.Broadcast(Unsafe.Add(ref x, i)), 0, ref a00, ref a01, ref a02, ref a03);
            }

            StoreActivated<TV, TS, TAct, TC>(TS.Add(a00, a10), TS.Add(a01, a11), TS.Add(a02, a12), TS.Add(a03, a13), ref y, 0, 0, lastLanes, act);
        }

        /// <summary>Four interleaved groups of inputs, <typeparamref name="TC"/> (up to 2) vectors of outputs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardGroups4<TV, TS, TAct, TC>(ref float w, nuint wStride, ref float b, ref float x, ref float y, nuint inputs, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TV a00 = TS.Load(ref b, 0);
            TV a01 = TC.Value > 1 ? TS.Load(ref b, l) : default;
            TV a10 = TS.Zero, a11 = TS.Zero, a20 = TS.Zero, a21 = TS.Zero, a30 = TS.Zero, a31 = TS.Zero;
            TV unused = default;
            nuint full = inputs / 4 * 4;
            ref float row = ref w;
            nuint i = 0;
            for (; i < full; i += 4)
            {
                MultiplyAddRow<TV, TS, TC>(ref row, TS.Broadcast(Unsafe.Add(ref x, i)), 0, ref a00, ref a01, ref unused, ref unused);
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, wStride), TS.Broadcast(Unsafe.Add(ref x, i + 1)), 0, ref a10, ref a11, ref unused, ref unused);
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, 2 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 2)), 0, ref a20, ref a21, ref unused, ref unused);
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, 3 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 3)), 0, ref a30, ref a31, ref unused, ref unused);
                row = ref Unsafe.Add(ref row, 4 * wStride);
            }

            nuint used = inputs - full;
            if (used > 0)
            {
                MultiplyAddRow<TV, TS, TC>(ref row, TS.Broadcast(Unsafe.Add(ref x, i)), 0, ref a00, ref a01, ref unused, ref unused);
            }

            if (used > 1)
            {
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, wStride), TS.Broadcast(Unsafe.Add(ref x, i + 1)), 0, ref a10, ref a11, ref unused, ref unused);
            }

            if (used > 2)
            {
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, 2 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 2)), 0, ref a20, ref a21, ref unused, ref unused);
            }

            TV s0 = TS.Add(TS.Add(a00, a10), TS.Add(a20, a30));
            TV s1 = TS.Add(TS.Add(a01, a11), TS.Add(a21, a31));
            StoreActivated<TV, TS, TAct, TC>(s0, s1, default, default, ref y, 0, 0, lastLanes, act);
        }

        /// <summary>Eight interleaved groups of inputs, one vector of outputs.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardGroups8<TV, TS, TAct>(ref float w, nuint wStride, ref float b, ref float x, ref float y, nuint inputs, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            TV a0 = TS.Load(ref b, 0);
            TV a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
            nuint full = inputs / 8 * 8;
            ref float row = ref w;
            nuint i = 0;
            for (; i < full; i += 8)
            {
                a0 = TS.MultiplyAdd(TS.Load(ref row, 0), TS.Broadcast(Unsafe.Add(ref x, i)), a0);
                a1 = TS.MultiplyAdd(TS.Load(ref row, wStride), TS.Broadcast(Unsafe.Add(ref x, i + 1)), a1);
                a2 = TS.MultiplyAdd(TS.Load(ref row, 2 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 2)), a2);
                a3 = TS.MultiplyAdd(TS.Load(ref row, 3 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 3)), a3);
                a4 = TS.MultiplyAdd(TS.Load(ref row, 4 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 4)), a4);
                a5 = TS.MultiplyAdd(TS.Load(ref row, 5 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 5)), a5);
                a6 = TS.MultiplyAdd(TS.Load(ref row, 6 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 6)), a6);
                a7 = TS.MultiplyAdd(TS.Load(ref row, 7 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 7)), a7);
                row = ref Unsafe.Add(ref row, 8 * wStride);
            }

            // The last inputs - full (< 8) inputs go to the first groups, as in the generator's final step.
            nuint used = inputs - full;
            if (used > 0)
            {
                a0 = TS.MultiplyAdd(TS.Load(ref row, 0), TS.Broadcast(Unsafe.Add(ref x, i)), a0);
            }

            if (used > 1)
            {
                a1 = TS.MultiplyAdd(TS.Load(ref row, wStride), TS.Broadcast(Unsafe.Add(ref x, i + 1)), a1);
            }

            if (used > 2)
            {
                a2 = TS.MultiplyAdd(TS.Load(ref row, 2 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 2)), a2);
            }

            if (used > 3)
            {
                a3 = TS.MultiplyAdd(TS.Load(ref row, 3 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 3)), a3);
            }

            if (used > 4)
            {
                a4 = TS.MultiplyAdd(TS.Load(ref row, 4 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 4)), a4);
            }

            if (used > 5)
            {
                a5 = TS.MultiplyAdd(TS.Load(ref row, 5 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 5)), a5);
            }

            if (used > 6)
            {
                a6 = TS.MultiplyAdd(TS.Load(ref row, 6 * wStride), TS.Broadcast(Unsafe.Add(ref x, i + 6)), a6);
            }

            TV sum = TS.Add(TS.Add(TS.Add(a0, a1), TS.Add(a2, a3)), TS.Add(TS.Add(a4, a5), TS.Add(a6, a7)));
            StoreActivated<TV, TS, TAct, N1>(sum, default, default, default, ref y, 0, 0, lastLanes, act);
        }

        /// <summary>
        /// <c>a_k = row[k vectors] * x + a_k</c> for the vectors <paramref name="first"/> + k of a block of
        /// <typeparamref name="TC"/> that exist (<paramref name="first"/> is a constant at every call, so the tests fold).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void MultiplyAddRow<TV, TS, TC>(ref float row, TV x, int first, ref TV a0, ref TV a1, ref TV a2, ref TV a3)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            if (first < TC.Value)
            {
                a0 = TS.MultiplyAdd(TS.Load(ref row, 0), x, a0);
            }

            if (first + 1 < TC.Value)
            {
                a1 = TS.MultiplyAdd(TS.Load(ref row, l), x, a1);
            }

            if (first + 2 < TC.Value)
            {
                a2 = TS.MultiplyAdd(TS.Load(ref row, 2 * l), x, a2);
            }

            if (first + 3 < TC.Value)
            {
                a3 = TS.MultiplyAdd(TS.Load(ref row, 3 * l), x, a3);
            }
        }

        /// <summary>
        /// Applies the activation to the vectors <paramref name="first"/> + k of a block of <typeparamref name="TC"/> that exist
        /// and stores them at <paramref name="offset"/> + k vectors, the block's last one (<paramref name="lastLanes"/> lanes) partially.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreActivated<TV, TS, TAct, TC>(TV a0, TV a1, TV a2, TV a3, ref float y, nuint offset, int first, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TC : struct, ICount
        {
            int lanes = TS.Lanes;
            nuint l = (nuint)lanes;
            int last = TC.Value - 1;
            if (first < TC.Value)
            {
                StoreLanes<TV, TS>(act.Forward<TV, TS>(a0), ref y, offset, first == last ? lastLanes : lanes);
            }

            if (first + 1 < TC.Value)
            {
                StoreLanes<TV, TS>(act.Forward<TV, TS>(a1), ref y, offset + l, first + 1 == last ? lastLanes : lanes);
            }

            if (first + 2 < TC.Value)
            {
                StoreLanes<TV, TS>(act.Forward<TV, TS>(a2), ref y, offset + (2 * l), first + 2 == last ? lastLanes : lanes);
            }

            if (first + 3 < TC.Value)
            {
                StoreLanes<TV, TS>(act.Forward<TV, TS>(a3), ref y, offset + (3 * l), first + 3 == last ? lastLanes : lanes);
            }
        }
    }
}
