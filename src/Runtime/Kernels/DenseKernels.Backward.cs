using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    // The backward pass of a dense layer and of its activation: one generic body each, specialised by the JIT for each
    // width (the vectors run along the inputs) and tile shape.
    public static partial class DenseKernels
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BackwardBody<TV, TS>(
            ref float w, ref float gw, ref float gb, ref float x, ref float dz, nuint dzStride, ref float dx, nuint inputs, nuint rows, nuint n, bool inputGradient, bool rowsDescending)
            where TV : struct
            where TS : struct, ISimd<TV>
        {
            nuint l = (nuint)TS.Lanes;

            // Bias gradient: the sum of dz over the samples, in sample order, then added; vectors along the rows, as wide as the
            // rows allow whatever width runs along the inputs (a layer of 4 units with 32 inputs takes one 4-lane vector per
            // sample instead of 4 scalar chains of dependent adds).
            BiasGradient(ref gb, ref dz, dzStride, rows, n);

            // Weight gradient, dW[o, i] += sum over samples of dz[s, o] * x[s, i], in tiles of 8 or 4 rows x k vectors of columns;
            // then the leftover vectors, then the last inputs % lanes columns as an overlapping vector masked to add zero elsewhere.
            nuint k = l == 16 ? 4u : 2u;
            nuint tileColumns = k * l;
            nuint afterTiles = inputs / tileColumns * tileColumns;
            nuint leftover = (inputs - afterTiles) / l;
            nuint tail = inputs % l;
            for (nuint c = 0; c < afterTiles; c += tileColumns)
            {
                if (k == 4)
                {
                    WeightGradientRows<TV, TS, N4, N0>(ref gw, ref x, c, ref dz, dzStride, inputs, rows, n, 0, rowsDescending);
                }
                else
                {
                    WeightGradientRows<TV, TS, N2, N0>(ref gw, ref x, c, ref dz, dzStride, inputs, rows, n, 0, rowsDescending);
                }
            }

            switch (leftover)
            {
                case 3: WeightGradientRows<TV, TS, N3, N0>(ref gw, ref x, afterTiles, ref dz, dzStride, inputs, rows, n, 0, rowsDescending); break;
                case 2: WeightGradientRows<TV, TS, N2, N0>(ref gw, ref x, afterTiles, ref dz, dzStride, inputs, rows, n, 0, rowsDescending); break;
                case 1: WeightGradientRows<TV, TS, N1, N0>(ref gw, ref x, afterTiles, ref dz, dzStride, inputs, rows, n, 0, rowsDescending); break;
                default: break;
            }

            if (tail > 0)
            {
                WeightGradientRows<TV, TS, N1, N1>(ref gw, ref x, inputs - l, ref dz, dzStride, inputs, rows, n, (int)tail, rowsDescending);
            }

            if (inputGradient)
            {
                InputGradient<TV, TS>(ref w, ref dz, dzStride, ref dx, inputs, rows, n, k, afterTiles, leftover, tail);
            }
        }

        /// <summary>The input gradient, every column group (see <see cref="BackwardWithInputGradient"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void InputGradient<TV, TS>(ref float w, ref float dz, nuint dzStride, ref float dx, nuint inputs, nuint rows, nuint n, nuint k, nuint afterTiles, nuint leftover, nuint tail)
            where TV : struct
            where TS : struct, ISimd<TV>
        {
            nuint l = (nuint)TS.Lanes;
            nuint tileColumns = k * l;

            // Input gradient, dx[s, i] = sum over rows of dz[s, o] * W[o, i], in tiles of 4 samples x k vectors of columns, then
            // single samples; the last inputs % lanes columns as an overlapping vector (recomputing identical values). Each
            // group of columns runs all its samples in one call, so a tiny layer does not pay calls per tile.
            for (nuint c = 0; c < afterTiles; c += tileColumns)
            {
                if (k == 4)
                {
                    InputGradientSamples<TV, TS, N4>(ref Unsafe.Add(ref w, c), ref dz, dzStride, ref Unsafe.Add(ref dx, c), inputs, rows, n);
                }
                else
                {
                    InputGradientSamples<TV, TS, N2>(ref Unsafe.Add(ref w, c), ref dz, dzStride, ref Unsafe.Add(ref dx, c), inputs, rows, n);
                }
            }

            switch (leftover)
            {
                case 3: InputGradientSamples<TV, TS, N3>(ref Unsafe.Add(ref w, afterTiles), ref dz, dzStride, ref Unsafe.Add(ref dx, afterTiles), inputs, rows, n); break;
                case 2: InputGradientSamples<TV, TS, N2>(ref Unsafe.Add(ref w, afterTiles), ref dz, dzStride, ref Unsafe.Add(ref dx, afterTiles), inputs, rows, n); break;
                case 1: InputGradientSamples<TV, TS, N1>(ref Unsafe.Add(ref w, afterTiles), ref dz, dzStride, ref Unsafe.Add(ref dx, afterTiles), inputs, rows, n); break;
                default: break;
            }

            if (tail > 0)
            {
                InputGradientSamples<TV, TS, N1>(ref Unsafe.Add(ref w, inputs - l), ref dz, dzStride, ref Unsafe.Add(ref dx, inputs - l), inputs, rows, n);
            }
        }

        /// <summary>The bias gradient of <paramref name="rows"/> units: vectors along the rows, the widest first, then one unit at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BiasGradient(ref float gb, ref float dz, nuint dzStride, nuint rows, nuint n)
        {
            nuint o = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                o = BiasGradientVectors<Vector512<float>, Simd512>(ref gb, ref dz, dzStride, o, rows, n);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                o = BiasGradientVectors<Vector256<float>, Simd256>(ref gb, ref dz, dzStride, o, rows, n);
            }

            if (Vector128.IsHardwareAccelerated)
            {
                o = BiasGradientVectors<Vector128<float>, Simd128>(ref gb, ref dz, dzStride, o, rows, n);
            }

            BiasGradientVectors<float, SimdScalar>(ref gb, ref dz, dzStride, o, rows, n);
        }

        /// <summary>Whole vectors of units from unit <paramref name="o"/>: the sum of dz over the samples in sample order, then added.</summary>
        /// <returns>The first unit not done.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static nuint BiasGradientVectors<TV, TS>(ref float gb, ref float dz, nuint dzStride, nuint o, nuint rows, nuint n)
            where TV : struct
            where TS : struct, ISimd<TV>
        {
            nuint l = (nuint)TS.Lanes;
            for (; o + l <= rows; o += l)
            {
                TV sum = TS.Zero;
                for (nuint s = 0; s < n; s++)
                {
                    sum = TS.Add(sum, TS.Load(ref dz, (s * dzStride) + o));
                }

                TS.Store(TS.Add(TS.Load(ref gb, o), sum), ref gb, o);
            }

            return o;
        }

        /// <summary>The input gradient of every sample at <typeparamref name="TC"/> vectors of columns: tiles of 4 samples, then single samples.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void InputGradientSamples<TV, TS, TC>(ref float w, ref float dz, nuint dzStride, ref float dx, nuint inputs, nuint rows, nuint n)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint t = 0;
            for (; t + 4 <= n; t += 4)
            {
                InputGradientTile<TV, TS, N4, TC>(ref w, ref Unsafe.Add(ref dz, t * dzStride), dzStride, ref Unsafe.Add(ref dx, t * inputs), inputs, rows);
            }

            for (; t < n; t++)
            {
                InputGradientTile<TV, TS, N1, TC>(ref w, ref Unsafe.Add(ref dz, t * dzStride), dzStride, ref Unsafe.Add(ref dx, t * inputs), inputs, rows);
            }
        }

        /// <summary>
        /// Every row of the weight gradient at columns <paramref name="c"/> .. + <typeparamref name="TC"/> vectors: tiles of 8
        /// rows when there are registers for them (at most 2 vectors of columns, 32 vector registers), else of 4; then the rest.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WeightGradientRows<TV, TS, TC, TMask>(ref float gw, ref float x, nuint c, ref float dz, nuint dzStride, nuint inputs, nuint rows, nuint n, int keep, bool descending)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
            where TMask : struct, ICount
        {
            // Each element is a chain of dependent multiply-adds over the samples: a tile of 4 rows x 1 vector (a layer with
            // few inputs) has only 4 chains in flight, fewer than the multiply-add units can overlap; 8 rows keep them busy.
            TV mask = TMask.Value != 0 ? TS.TailMask(keep) : default;
            if (descending)
            {
                WeightGradientRowsDescending<TV, TS, TC, TMask>(ref gw, ref x, c, ref dz, dzStride, inputs, rows, n, mask);
                return;
            }

            nuint r = 0;
            if (TC.Value <= 2 && BatchAccumulators >= 16)
            {
                for (; r + 8 <= rows; r += 8)
                {
                    WeightGradientTile<TV, TS, N8, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask);
                }
            }

            for (; r + 4 <= rows; r += 4)
            {
                WeightGradientTile<TV, TS, N4, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask);
            }

            switch (rows - r)
            {
                case 3: WeightGradientTile<TV, TS, N3, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask); break;
                case 2: WeightGradientTile<TV, TS, N2, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask); break;
                case 1: WeightGradientTile<TV, TS, N1, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask); break;
                default: break;
            }
        }

        /// <summary>
        /// The tiles of <see cref="WeightGradientRows"/>, the same shapes at the same rows, walked from the last row to the
        /// first: split training's lower part walks away from the part above it. Each tile's elements are computed alike
        /// whatever the order, so the bits are the ascending walk's.
        /// </summary>
        /// <remarks>
        /// Why it matters: a core writing rows with a fixed stride has its hardware prefetcher run on past the last row it
        /// writes, up to ~100 KB here (AMD Zen 5 VM), so when another core owns the rows just above, the lines it is about to
        /// write sit in the first core's cache and each costs a cross-core transfer: the upper part's backward pass took
        /// 42-52 µs instead of 31-34 µs (784 x 64 rows, batch 64, measured with plain kernel calls). Walking the lower
        /// part downwards sends its prefetches below its own rows instead.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WeightGradientRowsDescending<TV, TS, TC, TMask>(ref float gw, ref float x, nuint c, ref float dz, nuint dzStride, nuint inputs, nuint rows, nuint n, TV mask)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
            where TMask : struct, ICount
        {
            // The ascending walk's tiles: 8-row tiles over [0, eights), 4-row tiles over [eights, fours), the rest above.
            nuint eights = TC.Value <= 2 && BatchAccumulators >= 16 ? rows / 8 * 8 : 0;
            nuint fours = eights + ((rows - eights) / 4 * 4);
            nuint r = fours;
            switch (rows - fours)
            {
                case 3: WeightGradientTile<TV, TS, N3, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask); break;
                case 2: WeightGradientTile<TV, TS, N2, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask); break;
                case 1: WeightGradientTile<TV, TS, N1, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask); break;
                default: break;
            }

            while (r > eights)
            {
                r -= 4;
                WeightGradientTile<TV, TS, N4, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask);
            }

            while (r > 0)
            {
                r -= 8;
                WeightGradientTile<TV, TS, N8, TC, TMask>(ref Unsafe.Add(ref gw, (r * inputs) + c), ref Unsafe.Add(ref x, c), ref Unsafe.Add(ref dz, r), dzStride, inputs, n, mask);
            }
        }

        /// <summary>
        /// <typeparamref name="TR"/> rows x <typeparamref name="TC"/> vectors of the weight gradient, each element a multiply-add
        /// chain over the samples from zero, then added; x masked by <paramref name="mask"/> when <typeparamref name="TMask"/> is 1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WeightGradientTile<TV, TS, TR, TC, TMask>(ref float gw, ref float x, ref float dz, nuint dzStride, nuint inputs, nuint n, TV mask)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TR : struct, ICount
            where TC : struct, ICount
            where TMask : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TV a00 = TS.Zero, a01 = TS.Zero, a02 = TS.Zero, a03 = TS.Zero;
            TV a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero;
            TV a20 = TS.Zero, a21 = TS.Zero, a22 = TS.Zero, a23 = TS.Zero;
            TV a30 = TS.Zero, a31 = TS.Zero, a32 = TS.Zero, a33 = TS.Zero;
            TV a40 = TS.Zero, a41 = TS.Zero, a50 = TS.Zero, a51 = TS.Zero;
            TV a60 = TS.Zero, a61 = TS.Zero, a70 = TS.Zero, a71 = TS.Zero;
            TV unused = default;
            ref float xs = ref x;
            ref float ds = ref dz;
            for (nuint s = 0; s < n; s++)
            {
                TV x0 = TS.Load(ref xs, 0);
                if (TMask.Value != 0)
                {
                    x0 = TS.BitwiseAnd(x0, mask);
                }

                TV x1 = TC.Value > 1 ? TS.Load(ref xs, l) : default;
                TV x2 = TC.Value > 2 ? TS.Load(ref xs, 2 * l) : default;
                TV x3 = TC.Value > 3 ? TS.Load(ref xs, 3 * l) : default;
                MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(ds), ref a00, ref a01, ref a02, ref a03);
                if (TR.Value > 1)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 1)), ref a10, ref a11, ref a12, ref a13);
                }

                if (TR.Value > 2)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 2)), ref a20, ref a21, ref a22, ref a23);
                }

                if (TR.Value > 3)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 3)), ref a30, ref a31, ref a32, ref a33);
                }

                // Rows 4 to 7 only with at most 2 vectors of columns (see WeightGradientRows).
                if (TR.Value > 4)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 4)), ref a40, ref a41, ref unused, ref unused);
                }

                if (TR.Value > 5)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 5)), ref a50, ref a51, ref unused, ref unused);
                }

                if (TR.Value > 6)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 6)), ref a60, ref a61, ref unused, ref unused);
                }

                if (TR.Value > 7)
                {
                    MultiplyAdd4<TV, TS, TC>(x0, x1, x2, x3, TS.Broadcast(Unsafe.Add(ref ds, 7)), ref a70, ref a71, ref unused, ref unused);
                }

                xs = ref Unsafe.Add(ref xs, inputs);
                ds = ref Unsafe.Add(ref ds, dzStride);
            }

            AddRow<TV, TS, TC>(ref gw, a00, a01, a02, a03);
            if (TR.Value > 1)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, inputs), a10, a11, a12, a13);
            }

            if (TR.Value > 2)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, 2 * inputs), a20, a21, a22, a23);
            }

            if (TR.Value > 3)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, 3 * inputs), a30, a31, a32, a33);
            }

            if (TR.Value > 4)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, 4 * inputs), a40, a41, unused, unused);
            }

            if (TR.Value > 5)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, 5 * inputs), a50, a51, unused, unused);
            }

            if (TR.Value > 6)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, 6 * inputs), a60, a61, unused, unused);
            }

            if (TR.Value > 7)
            {
                AddRow<TV, TS, TC>(ref Unsafe.Add(ref gw, 7 * inputs), a70, a71, unused, unused);
            }
        }

        /// <summary><c>target[c vectors] += a_c</c> for the first <typeparamref name="TC"/> vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddRow<TV, TS, TC>(ref float target, TV a0, TV a1, TV a2, TV a3)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TS.Store(TS.Add(TS.Load(ref target, 0), a0), ref target, 0);
            if (TC.Value > 1)
            {
                TS.Store(TS.Add(TS.Load(ref target, l), a1), ref target, l);
            }

            if (TC.Value > 2)
            {
                TS.Store(TS.Add(TS.Load(ref target, 2 * l), a2), ref target, 2 * l);
            }

            if (TC.Value > 3)
            {
                TS.Store(TS.Add(TS.Load(ref target, 3 * l), a3), ref target, 3 * l);
            }
        }

        /// <summary>
        /// <typeparamref name="TN"/> samples x <typeparamref name="TC"/> vectors of the input gradient, each element a
        /// multiply-add chain over the rows from zero, then stored.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void InputGradientTile<TV, TS, TN, TC>(ref float w, ref float dz, nuint dzStride, ref float dx, nuint inputs, nuint rows)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TN : struct, ICount
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            TV a00 = TS.Zero, a01 = TS.Zero, a02 = TS.Zero, a03 = TS.Zero;
            TV a10 = TS.Zero, a11 = TS.Zero, a12 = TS.Zero, a13 = TS.Zero;
            TV a20 = TS.Zero, a21 = TS.Zero, a22 = TS.Zero, a23 = TS.Zero;
            TV a30 = TS.Zero, a31 = TS.Zero, a32 = TS.Zero, a33 = TS.Zero;
            ref float d0 = ref dz;
            ref float d1 = ref TN.Value > 1 ? ref Unsafe.Add(ref dz, dzStride) : ref dz;
            ref float d2 = ref TN.Value > 2 ? ref Unsafe.Add(ref dz, 2 * dzStride) : ref dz;
            ref float d3 = ref TN.Value > 3 ? ref Unsafe.Add(ref dz, 3 * dzStride) : ref dz;
            ref float wo = ref w;
            for (nuint o = 0; o < rows; o++)
            {
                TV w0 = TS.Load(ref wo, 0);
                TV w1 = TC.Value > 1 ? TS.Load(ref wo, l) : default;
                TV w2 = TC.Value > 2 ? TS.Load(ref wo, 2 * l) : default;
                TV w3 = TC.Value > 3 ? TS.Load(ref wo, 3 * l) : default;
                MultiplyAdd4Broadcast<TV, TS, TC>(TS.Broadcast(Unsafe.Add(ref d0, o)), w0, w1, w2, w3, ref a00, ref a01, ref a02, ref a03);
                if (TN.Value > 1)
                {
                    MultiplyAdd4Broadcast<TV, TS, TC>(TS.Broadcast(Unsafe.Add(ref d1, o)), w0, w1, w2, w3, ref a10, ref a11, ref a12, ref a13);
                }

                if (TN.Value > 2)
                {
                    MultiplyAdd4Broadcast<TV, TS, TC>(TS.Broadcast(Unsafe.Add(ref d2, o)), w0, w1, w2, w3, ref a20, ref a21, ref a22, ref a23);
                }

                if (TN.Value > 3)
                {
                    MultiplyAdd4Broadcast<TV, TS, TC>(TS.Broadcast(Unsafe.Add(ref d3, o)), w0, w1, w2, w3, ref a30, ref a31, ref a32, ref a33);
                }

                wo = ref Unsafe.Add(ref wo, inputs);
            }

            StoreRowVectors<TV, TS, TC>(ref dx, a00, a01, a02, a03);
            if (TN.Value > 1)
            {
                StoreRowVectors<TV, TS, TC>(ref Unsafe.Add(ref dx, inputs), a10, a11, a12, a13);
            }

            if (TN.Value > 2)
            {
                StoreRowVectors<TV, TS, TC>(ref Unsafe.Add(ref dx, 2 * inputs), a20, a21, a22, a23);
            }

            if (TN.Value > 3)
            {
                StoreRowVectors<TV, TS, TC>(ref Unsafe.Add(ref dx, 3 * inputs), a30, a31, a32, a33);
            }
        }

        /// <summary><c>a_c = d * w_c + a_c</c> for the first <typeparamref name="TC"/> vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void MultiplyAdd4Broadcast<TV, TS, TC>(TV d, TV w0, TV w1, TV w2, TV w3, ref TV a0, ref TV a1, ref TV a2, ref TV a3)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TC : struct, ICount
        {
            a0 = TS.MultiplyAdd(d, w0, a0);
            if (TC.Value > 1)
            {
                a1 = TS.MultiplyAdd(d, w1, a1);
            }

            if (TC.Value > 2)
            {
                a2 = TS.MultiplyAdd(d, w2, a2);
            }

            if (TC.Value > 3)
            {
                a3 = TS.MultiplyAdd(d, w3, a3);
            }
        }

        /// <summary><c>target[c vectors] = a_c</c> for the first <typeparamref name="TC"/> vectors.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRowVectors<TV, TS, TC>(ref float target, TV a0, TV a1, TV a2, TV a3)
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ActivationBackwardBody<TV, TS, TAct>(ref float dy, ref float y, ref float z, nuint n, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            nuint l = (nuint)TS.Lanes;
            nuint i = 0;
            for (; i + l <= n; i += l)
            {
                TV zv = TAct.NeedsPreActivation ? TS.Load(ref z, i) : default;
                TS.Store(act.Backward<TV, TS>(TS.Load(ref dy, i), TS.Load(ref y, i), zv), ref dy, i);
            }

            for (; i < n; i++)
            {
                float zs = TAct.NeedsPreActivation ? Unsafe.Add(ref z, i) : 0f;
                Unsafe.Add(ref dy, i) = act.Backward<float, SimdScalar>(Unsafe.Add(ref dy, i), Unsafe.Add(ref y, i), zs);
            }
        }
    }
}
