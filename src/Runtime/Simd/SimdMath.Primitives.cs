using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Compiled
{
    // The width-specific building blocks. Every hardware test is a JIT-time constant. Where a width is not hardware
    // accelerated, it works on its two halves, so that every width gives the same bits as Vector128 lane by lane.
    public static partial class SimdMath
    {
        /// <summary>Whether <c>MultiplyAdd</c> rounds once (on every width: they all fall back to Vector128's halves).</summary>
        private static bool MultiplyAddIsFused
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Fma.IsSupported || AdvSimd.IsSupported;
        }

        /// <inheritdoc cref="MultiplyAdd(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        {
            if (Fma.IsSupported)
            {
                return Fma.MultiplyAdd(a, b, c);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.FusedMultiplyAdd(c, a, b);
            }

            return (a * b) + c;
        }

        /// <inheritdoc cref="MultiplyAdd(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        {
            if (Fma.IsSupported)
            {
                return Fma.MultiplyAdd(a, b, c);
            }

            if (!Vector256.IsHardwareAccelerated)
            {
                return Vector256.Create(
                    MultiplyAdd(a.GetLower(), b.GetLower(), c.GetLower()),
                    MultiplyAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));
            }

            return (a * b) + c;
        }

        /// <inheritdoc cref="MultiplyAdd(float, float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        {
            if (Avx512F.IsSupported && Fma.IsSupported)
            {
                return Avx512F.FusedMultiplyAdd(a, b, c);
            }

            return Vector512.Create(
                MultiplyAdd(a.GetLower(), b.GetLower(), c.GetLower()),
                MultiplyAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));
        }

        /// <summary><c>lo &gt; x ? lo : x</c> lane-wise: a NaN in <paramref name="x"/> comes through (one maxps on x86).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ClampLow(Vector128<float> x, Vector128<float> lo)
        {
            if (Sse.IsSupported)
            {
                return Sse.Max(lo, x);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.Max(lo, x);
            }

            return Vector128.ConditionalSelect(Vector128.GreaterThan(lo, x), lo, x);
        }

        /// <summary><c>lo &gt; x ? lo : x</c> lane-wise: a NaN in <paramref name="x"/> comes through.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ClampLow(Vector256<float> x, Vector256<float> lo)
        {
            if (Avx.IsSupported)
            {
                return Avx.Max(lo, x);
            }

            if (!Vector256.IsHardwareAccelerated)
            {
                return Vector256.Create(ClampLow(x.GetLower(), lo.GetLower()), ClampLow(x.GetUpper(), lo.GetUpper()));
            }

            return Vector256.ConditionalSelect(Vector256.GreaterThan(lo, x), lo, x);
        }

        /// <summary><c>lo &gt; x ? lo : x</c> lane-wise: a NaN in <paramref name="x"/> comes through.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ClampLow(Vector512<float> x, Vector512<float> lo)
        {
            if (Avx512F.IsSupported)
            {
                return Avx512F.Max(lo, x);
            }

            return Vector512.Create(ClampLow(x.GetLower(), lo.GetLower()), ClampLow(x.GetUpper(), lo.GetUpper()));
        }

        /// <summary><c>hi &lt; x ? hi : x</c> lane-wise: a NaN in <paramref name="x"/> comes through (one minps on x86).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ClampHigh(Vector128<float> x, Vector128<float> hi)
        {
            if (Sse.IsSupported)
            {
                return Sse.Min(hi, x);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.Min(hi, x);
            }

            return Vector128.ConditionalSelect(Vector128.LessThan(hi, x), hi, x);
        }

        /// <summary><c>hi &lt; x ? hi : x</c> lane-wise: a NaN in <paramref name="x"/> comes through.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ClampHigh(Vector256<float> x, Vector256<float> hi)
        {
            if (Avx.IsSupported)
            {
                return Avx.Min(hi, x);
            }

            if (!Vector256.IsHardwareAccelerated)
            {
                return Vector256.Create(ClampHigh(x.GetLower(), hi.GetLower()), ClampHigh(x.GetUpper(), hi.GetUpper()));
            }

            return Vector256.ConditionalSelect(Vector256.LessThan(hi, x), hi, x);
        }

        /// <summary><c>hi &lt; x ? hi : x</c> lane-wise: a NaN in <paramref name="x"/> comes through.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ClampHigh(Vector512<float> x, Vector512<float> hi)
        {
            if (Avx512F.IsSupported)
            {
                return Avx512F.Min(hi, x);
            }

            return Vector512.Create(ClampHigh(x.GetLower(), hi.GetLower()), ClampHigh(x.GetUpper(), hi.GetUpper()));
        }

        /// <summary>
        /// <c>v * 2^n</c> for integral <paramref name="n"/>, rounded once (so with gradual underflow and overflow to
        /// infinity): vscalefps on AVX-512, else two exact power-of-two products.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ScaleB(Vector128<float> v, Vector128<float> n)
        {
            if (Avx512F.VL.IsSupported)
            {
                return Avx512F.VL.Scale(v, n);
            }

            return ScaleBPortable(v, n);
        }

        /// <summary><c>v * 2^n</c> for integral <paramref name="n"/>, rounded once.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ScaleB(Vector256<float> v, Vector256<float> n)
        {
            if (Avx512F.VL.IsSupported)
            {
                return Avx512F.VL.Scale(v, n);
            }

            if (!Vector256.IsHardwareAccelerated)
            {
                return Vector256.Create(ScaleB(v.GetLower(), n.GetLower()), ScaleB(v.GetUpper(), n.GetUpper()));
            }

            return ScaleBPortable(v, n);
        }

        /// <summary><c>v * 2^n</c> for integral <paramref name="n"/>, rounded once.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ScaleB(Vector512<float> v, Vector512<float> n)
        {
            if (Avx512F.IsSupported)
            {
                return Avx512F.Scale(v, n);
            }

            return Vector512.Create(ScaleB(v.GetLower(), n.GetLower()), ScaleB(v.GetUpper(), n.GetUpper()));
        }

        /// <summary>
        /// <c>2^n</c> exactly for integral <paramref name="n"/> in [-150, 0] (+0 at -150, as the tie rounds to even), given
        /// <paramref name="shifted"/> = n + RoundMagic from <c>ExpReduce</c>: vscalefps on AVX-512; elsewhere the exponent
        /// field of 2^(n + 64), a normal float, times 2^-64 (exact, or the same tie at -150), which is two instructions
        /// where <see cref="ScaleBPortable(Vector128{float}, Vector128{float})"/> takes twelve. RoundMagic's low nine bits
        /// are zero, so shifting its bits plus n left by 23 leaves n's alone in the exponent field. Garbage outside the range.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> PowerOfTwo(Vector128<float> n, Vector128<float> shifted)
        {
            if (Avx512F.VL.IsSupported)
            {
                return Avx512F.VL.Scale(Vector128<float>.One, n);
            }

            return Vector128.ShiftLeft(shifted.AsInt32() + Vector128.Create(PowerOfTwoBias), 23).AsSingle()
                * Vector128.Create(PowerOfTwoUnbiasBits).AsSingle();
        }

        /// <inheritdoc cref="PowerOfTwo(Vector128{float}, Vector128{float})"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> PowerOfTwo(Vector256<float> n, Vector256<float> shifted)
        {
            if (Avx512F.VL.IsSupported)
            {
                return Avx512F.VL.Scale(Vector256<float>.One, n);
            }

            if (!Vector256.IsHardwareAccelerated)
            {
                return Vector256.Create(PowerOfTwo(n.GetLower(), shifted.GetLower()), PowerOfTwo(n.GetUpper(), shifted.GetUpper()));
            }

            return Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(PowerOfTwoBias), 23).AsSingle()
                * Vector256.Create(PowerOfTwoUnbiasBits).AsSingle();
        }

        /// <inheritdoc cref="PowerOfTwo(Vector128{float}, Vector128{float})"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> PowerOfTwo(Vector512<float> n, Vector512<float> shifted)
        {
            if (Avx512F.IsSupported)
            {
                return Avx512F.Scale(Vector512<float>.One, n);
            }

            return Vector512.Create(PowerOfTwo(n.GetLower(), shifted.GetLower()), PowerOfTwo(n.GetUpper(), shifted.GetUpper()));
        }

        /// <summary>The float exponent bias plus 64: <c>(n + this) &lt;&lt; 23</c> is 2^(n + 64).</summary>
        private const int PowerOfTwoBias = 127 + 64;

        /// <summary>The bits of 2^-64.</summary>
        private const int PowerOfTwoUnbiasBits = (127 - 64) << 23;
    }
}
