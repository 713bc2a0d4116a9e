using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Compiled.Optimizers
{
    /// <summary>
    /// A vector of floats of one fixed width, so that each update rule is written once as a generic kernel and
    /// instantiated for 512-, 256- and 128-bit registers and for a scalar (the tail). Every width computes the identical
    /// formula: <see cref="MultiplyAdd"/> is always fused (one rounding), as PyTorch's vectorised CPU kernels are.
    /// </summary>
    /// <typeparam name="TSelf">The implementing struct.</typeparam>
    internal interface IFloatVector<TSelf>
        where TSelf : struct, IFloatVector<TSelf>
    {
        /// <summary>Whether this width runs in hardware with a fused multiply-add (a JIT-time constant).</summary>
        static abstract bool IsSupported { get; }

        /// <summary>The number of floats in one vector.</summary>
        static abstract int Count { get; }

        static abstract TSelf Create(float value);

        static abstract TSelf Load(ref float source, nuint index);

        static abstract void Store(TSelf value, ref float destination, nuint index);

        static abstract TSelf operator +(TSelf left, TSelf right);

        static abstract TSelf operator -(TSelf left, TSelf right);

        static abstract TSelf operator *(TSelf left, TSelf right);

        static abstract TSelf operator /(TSelf left, TSelf right);

        static abstract TSelf operator -(TSelf value);

        /// <summary><c>left * right + addend</c> with a single rounding.</summary>
        static abstract TSelf MultiplyAdd(TSelf left, TSelf right, TSelf addend);

        static abstract TSelf Sqrt(TSelf value);

        static abstract TSelf Max(TSelf left, TSelf right);

        /// <summary>1 for positive, -1 for negative, 0 for zero (and NaN) elements, as <c>torch.sign</c>.</summary>
        static abstract TSelf Sign(TSelf value);
    }

    /// <summary>Kernel dispatch over the vector widths.</summary>
    internal static class FloatVectors
    {
        /// <summary>Adds the L1 and L2 penalty gradients: <c>g + l2 * p + l1 * sign(p)</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Penalize<TVec>(TVec gradient, TVec parameter, TVec l1, TVec l2)
            where TVec : struct, IFloatVector<TVec>
        {
            return TVec.MultiplyAdd(l1, TVec.Sign(parameter), TVec.MultiplyAdd(l2, parameter, gradient));
        }

        /// <summary>Reuses <paramref name="buffer"/> if it has the right length, else allocates; fills it with <paramref name="value"/>.</summary>
        public static float[] Rent(float[]? buffer, int length, float value = 0f)
        {
            if (buffer is null || buffer.Length != length)
            {
                buffer = new float[length];
            }

            buffer.AsSpan().Fill(value);
            return buffer;
        }
    }

    /// <summary>512-bit vectors (AVX-512F).</summary>
    internal readonly struct Float512 : IFloatVector<Float512>
    {
        private readonly Vector512<float> _value;

        private Float512(Vector512<float> value) => _value = value;

        public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

        public static int Count => Vector512<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 Create(float value) => new(Vector512.Create(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Float512 value, ref float destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 operator +(Float512 left, Float512 right) => new(left._value + right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 operator -(Float512 left, Float512 right) => new(left._value - right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 operator *(Float512 left, Float512 right) => new(left._value * right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 operator /(Float512 left, Float512 right) => new(left._value / right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 operator -(Float512 value) => new(-value._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 MultiplyAdd(Float512 left, Float512 right, Float512 addend) => new(Avx512F.FusedMultiplyAdd(left._value, right._value, addend._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 Sqrt(Float512 value) => new(Vector512.Sqrt(value._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 Max(Float512 left, Float512 right) => new(Vector512.Max(left._value, right._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float512 Sign(Float512 value)
        {
            Vector512<float> one = Vector512<float>.One;
            Vector512<float> positive = Vector512.GreaterThan(value._value, Vector512<float>.Zero) & one;
            Vector512<float> negative = Vector512.LessThan(value._value, Vector512<float>.Zero) & one;
            return new(positive - negative);
        }
    }

    /// <summary>256-bit vectors (AVX with FMA3).</summary>
    internal readonly struct Float256 : IFloatVector<Float256>
    {
        private readonly Vector256<float> _value;

        private Float256(Vector256<float> value) => _value = value;

        public static bool IsSupported => Vector256.IsHardwareAccelerated && Fma.IsSupported;

        public static int Count => Vector256<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 Create(float value) => new(Vector256.Create(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Float256 value, ref float destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 operator +(Float256 left, Float256 right) => new(left._value + right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 operator -(Float256 left, Float256 right) => new(left._value - right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 operator *(Float256 left, Float256 right) => new(left._value * right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 operator /(Float256 left, Float256 right) => new(left._value / right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 operator -(Float256 value) => new(-value._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 MultiplyAdd(Float256 left, Float256 right, Float256 addend) => new(Fma.MultiplyAdd(left._value, right._value, addend._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 Sqrt(Float256 value) => new(Vector256.Sqrt(value._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 Max(Float256 left, Float256 right) => new(Vector256.Max(left._value, right._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float256 Sign(Float256 value)
        {
            Vector256<float> one = Vector256<float>.One;
            Vector256<float> positive = Vector256.GreaterThan(value._value, Vector256<float>.Zero) & one;
            Vector256<float> negative = Vector256.LessThan(value._value, Vector256<float>.Zero) & one;
            return new(positive - negative);
        }
    }

    /// <summary>128-bit vectors (SSE with FMA3, or Arm64 AdvSIMD).</summary>
    internal readonly struct Float128 : IFloatVector<Float128>
    {
        private readonly Vector128<float> _value;

        private Float128(Vector128<float> value) => _value = value;

        public static bool IsSupported => Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported);

        public static int Count => Vector128<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 Create(float value) => new(Vector128.Create(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 Load(ref float source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Float128 value, ref float destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 operator +(Float128 left, Float128 right) => new(left._value + right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 operator -(Float128 left, Float128 right) => new(left._value - right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 operator *(Float128 left, Float128 right) => new(left._value * right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 operator /(Float128 left, Float128 right) => new(left._value / right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 operator -(Float128 value) => new(-value._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 MultiplyAdd(Float128 left, Float128 right, Float128 addend)
        {
            if (Fma.IsSupported)
            {
                return new(Fma.MultiplyAdd(left._value, right._value, addend._value));
            }

            // AdvSimd takes the addend first: addend + left * right, fused.
            return new(AdvSimd.FusedMultiplyAdd(addend._value, left._value, right._value));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 Sqrt(Float128 value) => new(Vector128.Sqrt(value._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 Max(Float128 left, Float128 right) => new(Vector128.Max(left._value, right._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float128 Sign(Float128 value)
        {
            Vector128<float> one = Vector128<float>.One;
            Vector128<float> positive = Vector128.GreaterThan(value._value, Vector128<float>.Zero) & one;
            Vector128<float> negative = Vector128.LessThan(value._value, Vector128<float>.Zero) & one;
            return new(positive - negative);
        }
    }

    /// <summary>One float: the tail of every loop, and the whole loop where no vector width is supported.</summary>
    internal readonly struct Float1 : IFloatVector<Float1>
    {
        private readonly float _value;

        private Float1(float value) => _value = value;

        public static bool IsSupported => true;

        public static int Count => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 Create(float value) => new(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 Load(ref float source, nuint index) => new(Unsafe.Add(ref source, index));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Float1 value, ref float destination, nuint index) => Unsafe.Add(ref destination, index) = value._value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 operator +(Float1 left, Float1 right) => new(left._value + right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 operator -(Float1 left, Float1 right) => new(left._value - right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 operator *(Float1 left, Float1 right) => new(left._value * right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 operator /(Float1 left, Float1 right) => new(left._value / right._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 operator -(Float1 value) => new(-value._value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 MultiplyAdd(Float1 left, Float1 right, Float1 addend) => new(MathF.FusedMultiplyAdd(left._value, right._value, addend._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 Sqrt(Float1 value) => new(MathF.Sqrt(value._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 Max(Float1 left, Float1 right) => new(MathF.Max(left._value, right._value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Float1 Sign(Float1 value) => new(value._value > 0f ? 1f : value._value < 0f ? -1f : 0f);
    }
}
