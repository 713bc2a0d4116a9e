using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Compiled
{
    public static partial class GeneratedCodeSupport
    {
        /// <summary>
        /// Writes the transpose of a row-major <c>[rows, columns]</c> matrix into <paramref name="destination"/> as
        /// <c>[columns, stride]</c> (element <c>(r, c)</c> goes to <c>c * stride + r</c>); lanes <c>rows .. stride</c>
        /// of each destination row are left as they are. Blocks of 8x8 go through registers.
        /// </summary>
        /// <param name="source">The first element of the matrix.</param>
        /// <param name="rows">Its number of rows.</param>
        /// <param name="columns">Its number of columns.</param>
        /// <param name="destination">The first element of the transposed matrix.</param>
        /// <param name="stride">The distance between rows of the destination; at least <paramref name="rows"/>.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackTransposed(ref float source, int rows, int columns, ref float destination, int stride) =>
            Transposed(ref source, rows, columns, ref destination, stride, rowsDescending: false);

        /// <summary>
        /// <see cref="PackTransposed"/> reading each block of columns from the last row to the first (the same result).
        /// Split training's lower part packs its rows this way, so that its core's prefetcher runs away from the rows of
        /// the part above (which the other core updates), not into them.
        /// </summary>
        /// <param name="source">The first element of the matrix.</param>
        /// <param name="rows">Its number of rows.</param>
        /// <param name="columns">Its number of columns.</param>
        /// <param name="destination">The first element of the transposed matrix.</param>
        /// <param name="stride">The distance between rows of the destination; at least <paramref name="rows"/>.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackTransposedRowsDescending(ref float source, int rows, int columns, ref float destination, int stride) =>
            Transposed(ref source, rows, columns, ref destination, stride, rowsDescending: true);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Transposed(ref float source, int rows, int columns, ref float destination, int stride, bool rowsDescending)
        {
            // Columns outer, rows inner: each destination row is written in runs of 8, and each source line is read once.
            int c0 = 0;
            if (Avx.IsSupported)
            {
                int fullRows = rows / 8 * 8;
                for (; c0 + 16 <= columns; c0 += 16)
                {
                    for (int i = 0; i < fullRows; i += 8)
                    {
                        int r0 = rowsDescending ? fullRows - 8 - i : i;
                        ref float block = ref Unsafe.Add(ref source, (nint)r0 * columns + c0);
                        ref float target = ref Unsafe.Add(ref destination, (nint)c0 * stride + r0);
                        Transpose8x8(ref block, columns, ref target, stride);
                        Transpose8x8(ref Unsafe.Add(ref block, 8), columns, ref Unsafe.Add(ref target, 8 * (nint)stride), stride);
                    }

                    for (int r = fullRows; r < rows; r++)
                    {
                        for (int c = c0; c < c0 + 16; c++)
                        {
                            Unsafe.Add(ref destination, (nint)c * stride + r) = Unsafe.Add(ref source, (nint)r * columns + c);
                        }
                    }
                }
            }

            for (; c0 < columns; c0++)
            {
                for (int i = 0; i < rows; i++)
                {
                    int r = rowsDescending ? rows - 1 - i : i;
                    Unsafe.Add(ref destination, (nint)c0 * stride + r) = Unsafe.Add(ref source, (nint)r * columns + c0);
                }
            }
        }

        /// <summary>Copies <paramref name="length"/> floats (a bias into the packed copy).</summary>
        /// <param name="source">The first source element.</param>
        /// <param name="destination">The first destination element.</param>
        /// <param name="length">The number of floats.</param>
        public static void PackCopy(ref float source, ref float destination, int length) =>
            MemoryMarshal.CreateReadOnlySpan(ref source, length).CopyTo(MemoryMarshal.CreateSpan(ref destination, length));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose8x8(ref float source, int sourceStride, ref float destination, int destinationStride)
        {
            Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
            Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
            Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
            Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
            Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
            Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
            Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
            Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));

            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

            Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref destination);
            Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref destination, (nuint)destinationStride);
            Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
            Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
            Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * destinationStride));
            Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * destinationStride));
            Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * destinationStride));
            Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * destinationStride));
        }
    }
}
