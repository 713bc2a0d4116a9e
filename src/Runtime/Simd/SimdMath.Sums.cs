using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Compiled
{
    // Horizontal sums. The "transpose-reduce" forms sum N vectors at once into the N lanes of one vector with a shuffle
    // tree (about three instructions per input vector instead of a full reduction each). Sum(v) adds in exactly the
    // order SumN uses for each lane, so Sum(a_k) == SumN(a_0, ..., a_N-1)[k] bit for bit.
    public static partial class SimdMath
    {
        /// <summary>Sums the four lanes of <paramref name="a"/>.</summary>
        /// <param name="a">The vector to sum.</param>
        /// <returns><c>(a0 + a2) + (a1 + a3)</c> on x86 and the portable path, <c>(a0 + a1) + (a2 + a3)</c> on ARM64.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector128<float> a)
        {
            if (Sse.IsSupported)
            {
                Vector128<float> s = a + Sse.MoveHighToLow(a, a);
                return (s + Sse.Shuffle(s, s, 0b01)).ToScalar();
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                Vector128<float> p = AdvSimd.Arm64.AddPairwise(a, a);
                return AdvSimd.Arm64.AddPairwise(p, p).ToScalar();
            }

            return (a.GetElement(0) + a.GetElement(2)) + (a.GetElement(1) + a.GetElement(3));
        }

        /// <summary>Sums the eight lanes of <paramref name="a"/>.</summary>
        /// <param name="a">The vector to sum.</param>
        /// <returns>The sum, added in the order <see cref="Sum8"/> uses.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector256<float> a)
        {
            if (Avx.IsSupported)
            {
                // Lane 4j of s becomes (x[4j]+x[4j+2]) + (x[4j+1]+x[4j+3]), then the two 128-bit lanes are added.
                Vector256<float> s = a + Avx.Shuffle(a, a, 0xEE);
                s += Avx.Shuffle(s, s, 0x55);
                return (s.GetLower() + s.GetUpper()).ToScalar();
            }

            return Sum(a.GetLower() + a.GetUpper());
        }

        /// <summary>Sums the sixteen lanes of <paramref name="a"/>.</summary>
        /// <param name="a">The vector to sum.</param>
        /// <returns>The sum, added in the order <see cref="Sum16"/> uses.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sum(Vector512<float> a)
        {
            if (Avx512F.IsSupported)
            {
                // Block sums S0..S3 in lanes 0, 4, 8, 12; then (S0 + S1) + (S2 + S3), the order of Sum16.
                Vector512<float> s = a + Avx512F.Shuffle(a, a, 0xEE);
                s += Avx512F.Shuffle(s, s, 0x55);
                s += Avx512F.Shuffle4x128(s, s, 0xB1);
                return (s.GetLower().GetLower() + s.GetUpper().GetLower()).ToScalar();
            }

            return Sum(a.GetLower() + a.GetUpper());
        }

        /// <summary>Transpose-reduce: lane k of the result is the sum of all lanes of <c>a_k</c>.</summary>
        /// <param name="a0">Summed into lane 0.</param>
        /// <param name="a1">Summed into lane 1.</param>
        /// <param name="a2">Summed into lane 2.</param>
        /// <param name="a3">Summed into lane 3.</param>
        /// <returns><c>(Sum(a0), Sum(a1), Sum(a2), Sum(a3))</c>, each bit for bit equal to <see cref="Sum(Vector128{float})"/>.</returns>
        /// <remarks>x86: 4 unpcklps/unpckhps, 2 movlhps/movhlps, 3 adds. ARM64: 3 faddp.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3)
        {
            if (Sse.IsSupported)
            {
                // s01 = (a0[0]+a0[2], a1[0]+a1[2], a0[1]+a0[3], a1[1]+a1[3]), likewise s23.
                Vector128<float> s01 = Sse.UnpackLow(a0, a1) + Sse.UnpackHigh(a0, a1);
                Vector128<float> s23 = Sse.UnpackLow(a2, a3) + Sse.UnpackHigh(a2, a3);
                return Sse.MoveLowToHigh(s01, s23) + Sse.MoveHighToLow(s23, s01);
            }

            if (AdvSimd.Arm64.IsSupported)
            {
                return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3));
            }

            return Vector128.Create(Sum(a0), Sum(a1), Sum(a2), Sum(a3));
        }

        /// <summary>Transpose-reduce: lane k of the result is the sum of all lanes of <c>a_k</c>.</summary>
        /// <param name="a0">Summed into lane 0.</param>
        /// <param name="a1">Summed into lane 1.</param>
        /// <param name="a2">Summed into lane 2.</param>
        /// <param name="a3">Summed into lane 3.</param>
        /// <param name="a4">Summed into lane 4.</param>
        /// <param name="a5">Summed into lane 5.</param>
        /// <param name="a6">Summed into lane 6.</param>
        /// <param name="a7">Summed into lane 7.</param>
        /// <returns>Lane k is <c>Sum(a_k)</c>, bit for bit equal to <see cref="Sum(Vector256{float})"/>.</returns>
        /// <remarks>
        /// AVX: 8 vunpcklps/vunpckhps, 4 vshufps, 1 vinsertf128 and 1 vperm2f128, 7 adds (1.75 shuffles per vector).
        /// Elsewhere: <see cref="Sum4"/> on the two 128-bit halves.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sum8(
            Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
            Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
        {
            if (Avx.IsSupported)
            {
                // Within each 128-bit lane: pairwise partial sums, then a 4x4 transpose-add; then add the two lanes.
                Vector256<float> s01 = Avx.UnpackLow(a0, a1) + Avx.UnpackHigh(a0, a1);
                Vector256<float> s23 = Avx.UnpackLow(a2, a3) + Avx.UnpackHigh(a2, a3);
                Vector256<float> s45 = Avx.UnpackLow(a4, a5) + Avx.UnpackHigh(a4, a5);
                Vector256<float> s67 = Avx.UnpackLow(a6, a7) + Avx.UnpackHigh(a6, a7);
                Vector256<float> q0123 = Avx.Shuffle(s01, s23, 0x44) + Avx.Shuffle(s01, s23, 0xEE);
                Vector256<float> q4567 = Avx.Shuffle(s45, s67, 0x44) + Avx.Shuffle(s45, s67, 0xEE);
                return Vector256.Create(q0123.GetLower(), q4567.GetLower()) + Avx.Permute2x128(q0123, q4567, 0x31);
            }

            return Vector256.Create(
                Sum4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper()),
                Sum4(a4.GetLower() + a4.GetUpper(), a5.GetLower() + a5.GetUpper(), a6.GetLower() + a6.GetUpper(), a7.GetLower() + a7.GetUpper()));
        }

        /// <summary>Transpose-reduce: lane k of the result is the sum of all lanes of <c>a_k</c>.</summary>
        /// <param name="a0">Summed into lane 0.</param>
        /// <param name="a1">Summed into lane 1.</param>
        /// <param name="a2">Summed into lane 2.</param>
        /// <param name="a3">Summed into lane 3.</param>
        /// <param name="a4">Summed into lane 4.</param>
        /// <param name="a5">Summed into lane 5.</param>
        /// <param name="a6">Summed into lane 6.</param>
        /// <param name="a7">Summed into lane 7.</param>
        /// <param name="a8">Summed into lane 8.</param>
        /// <param name="a9">Summed into lane 9.</param>
        /// <param name="a10">Summed into lane 10.</param>
        /// <param name="a11">Summed into lane 11.</param>
        /// <param name="a12">Summed into lane 12.</param>
        /// <param name="a13">Summed into lane 13.</param>
        /// <param name="a14">Summed into lane 14.</param>
        /// <param name="a15">Summed into lane 15.</param>
        /// <returns>Lane k is <c>Sum(a_k)</c>, bit for bit equal to <see cref="Sum(Vector512{float})"/>.</returns>
        /// <remarks>
        /// AVX-512: 16 vunpcklps/vunpckhps, 8 vshufps, 6 vshuff32x4, 15 adds (1.9 shuffles per vector), about 20 cycles
        /// of latency. Unused rows may be passed as <c>Vector512&lt;float&gt;.Zero</c>. Elsewhere: <see cref="Sum8"/> on
        /// the two 256-bit halves.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Sum16(
            Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
            Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7,
            Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11,
            Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
        {
            if (Avx512F.IsSupported)
            {
                // Within each 128-bit block: pairwise partial sums, then a 4x4 transpose-add, so block j of qABCD holds
                // (block-j sum of a_A, of a_B, of a_C, of a_D).
                Vector512<float> s01 = Avx512F.UnpackLow(a0, a1) + Avx512F.UnpackHigh(a0, a1);
                Vector512<float> s23 = Avx512F.UnpackLow(a2, a3) + Avx512F.UnpackHigh(a2, a3);
                Vector512<float> s45 = Avx512F.UnpackLow(a4, a5) + Avx512F.UnpackHigh(a4, a5);
                Vector512<float> s67 = Avx512F.UnpackLow(a6, a7) + Avx512F.UnpackHigh(a6, a7);
                Vector512<float> s89 = Avx512F.UnpackLow(a8, a9) + Avx512F.UnpackHigh(a8, a9);
                Vector512<float> sAB = Avx512F.UnpackLow(a10, a11) + Avx512F.UnpackHigh(a10, a11);
                Vector512<float> sCD = Avx512F.UnpackLow(a12, a13) + Avx512F.UnpackHigh(a12, a13);
                Vector512<float> sEF = Avx512F.UnpackLow(a14, a15) + Avx512F.UnpackHigh(a14, a15);
                Vector512<float> q0 = Avx512F.Shuffle(s01, s23, 0x44) + Avx512F.Shuffle(s01, s23, 0xEE);
                Vector512<float> q1 = Avx512F.Shuffle(s45, s67, 0x44) + Avx512F.Shuffle(s45, s67, 0xEE);
                Vector512<float> q2 = Avx512F.Shuffle(s89, sAB, 0x44) + Avx512F.Shuffle(s89, sAB, 0xEE);
                Vector512<float> q3 = Avx512F.Shuffle(sCD, sEF, 0x44) + Avx512F.Shuffle(sCD, sEF, 0xEE);

                // 4x4 transpose-add of 128-bit blocks: 0x88 picks blocks (0, 2 | 0, 2), 0xDD blocks (1, 3 | 1, 3).
                Vector512<float> v01 = Avx512F.Shuffle4x128(q0, q1, 0x88) + Avx512F.Shuffle4x128(q0, q1, 0xDD);
                Vector512<float> v23 = Avx512F.Shuffle4x128(q2, q3, 0x88) + Avx512F.Shuffle4x128(q2, q3, 0xDD);
                return Avx512F.Shuffle4x128(v01, v23, 0x88) + Avx512F.Shuffle4x128(v01, v23, 0xDD);
            }

            return Vector512.Create(
                Sum8(
                    a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper(),
                    a4.GetLower() + a4.GetUpper(), a5.GetLower() + a5.GetUpper(), a6.GetLower() + a6.GetUpper(), a7.GetLower() + a7.GetUpper()),
                Sum8(
                    a8.GetLower() + a8.GetUpper(), a9.GetLower() + a9.GetUpper(), a10.GetLower() + a10.GetUpper(), a11.GetLower() + a11.GetUpper(),
                    a12.GetLower() + a12.GetUpper(), a13.GetLower() + a13.GetUpper(), a14.GetLower() + a14.GetUpper(), a15.GetLower() + a15.GetUpper()));
        }
    }
}
