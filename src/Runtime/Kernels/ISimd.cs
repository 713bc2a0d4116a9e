using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    /// <summary>
    /// One SIMD width as the kernels see it: the operations of a vector of <typeparamref name="TV"/> (<c>Vector512</c>,
    /// <c>Vector256</c>, <c>Vector128</c> of <see cref="float"/>, or a plain <see cref="float"/>). Called by generated code
    /// through <see cref="DenseKernels"/>; not meant to be used directly.
    /// </summary>
    /// <remarks>
    /// Every kernel in <see cref="DenseKernels"/> is written once, generic over a struct implementing this interface; the JIT
    /// compiles one specialised copy per width (struct type arguments are never shared) and inlines every member, so the
    /// machine code is what a kernel written for that width would be. The arithmetic members call
    /// <see cref="SimdMath"/> (<see cref="SimdMath.MultiplyAdd(float, float, float)"/> and the activations), whose results
    /// are the same on every width of one machine lane by lane, so a kernel gives the same bits whichever width runs it.
    /// </remarks>
    /// <typeparam name="TV">The vector type.</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface ISimd<TV>
        where TV : struct
    {
        /// <summary>Gets the number of <see cref="float"/> lanes.</summary>
        static abstract int Lanes { get; }

        /// <summary>Gets the vector of zeros.</summary>
        static abstract TV Zero { get; }

        /// <summary>Gets the vector of ones.</summary>
        static abstract TV One { get; }

        /// <summary>Loads <see cref="Lanes"/> floats from <paramref name="source"/> + <paramref name="offset"/>.</summary>
        /// <param name="source">The base reference.</param>
        /// <param name="offset">The element offset.</param>
        /// <returns>The vector.</returns>
        static abstract TV Load(ref float source, nuint offset);

        /// <summary>Stores all lanes at <paramref name="destination"/> + <paramref name="offset"/>.</summary>
        /// <param name="value">The vector.</param>
        /// <param name="destination">The base reference.</param>
        /// <param name="offset">The element offset.</param>
        static abstract void Store(TV value, ref float destination, nuint offset);

        /// <summary>Stores the first <paramref name="count"/> lanes without writing past them (all lanes from <see cref="Lanes"/> on).</summary>
        /// <param name="value">The vector.</param>
        /// <param name="destination">The base reference.</param>
        /// <param name="offset">The element offset.</param>
        /// <param name="count">The number of lanes to store.</param>
        static abstract void StorePartial(TV value, ref float destination, nuint offset, int count);

        /// <summary>Every lane set to <paramref name="value"/>.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The vector.</returns>
        static abstract TV Broadcast(float value);

        /// <summary><c>a * b + c</c> as <see cref="SimdMath.MultiplyAdd(float, float, float)"/>.</summary>
        /// <param name="a">The first factor.</param>
        /// <param name="b">The second factor.</param>
        /// <param name="c">The addend.</param>
        /// <returns>The result.</returns>
        static abstract TV MultiplyAdd(TV a, TV b, TV c);

        /// <summary><c>a + b</c> lane-wise.</summary>
        /// <param name="a">The first operand.</param>
        /// <param name="b">The second operand.</param>
        /// <returns>The result.</returns>
        static abstract TV Add(TV a, TV b);

        /// <summary><c>a - b</c> lane-wise.</summary>
        /// <param name="a">The first operand.</param>
        /// <param name="b">The second operand.</param>
        /// <returns>The result.</returns>
        static abstract TV Subtract(TV a, TV b);

        /// <summary><c>a * b</c> lane-wise.</summary>
        /// <param name="a">The first operand.</param>
        /// <param name="b">The second operand.</param>
        /// <returns>The result.</returns>
        static abstract TV Multiply(TV a, TV b);

        /// <summary>A mask whose last <paramref name="keep"/> lanes have every bit set and whose other lanes are +0.</summary>
        /// <param name="keep">How many of the last lanes to keep, in [0, <see cref="Lanes"/>].</param>
        /// <returns>The mask.</returns>
        static abstract TV TailMask(int keep);

        /// <summary><c>a &amp; b</c> bitwise.</summary>
        /// <param name="a">The first operand.</param>
        /// <param name="b">The second operand.</param>
        /// <returns>The result.</returns>
        static abstract TV BitwiseAnd(TV a, TV b);

        /// <summary>Lane-wise <c>condition &gt; 0 ? ifTrue : ifFalse</c> (a NaN condition selects <paramref name="ifFalse"/>).</summary>
        /// <param name="condition">The compared vector.</param>
        /// <param name="ifTrue">The lanes taken where the condition is positive.</param>
        /// <param name="ifFalse">The other lanes.</param>
        /// <returns>The selection.</returns>
        static abstract TV SelectPositive(TV condition, TV ifTrue, TV ifFalse);

        /// <summary><see cref="SimdMath.Relu(float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV Relu(TV x);

        /// <summary><see cref="SimdMath.LeakyRelu(float, float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <param name="negativeSlope">The slope below zero.</param>
        /// <returns>The result.</returns>
        static abstract TV LeakyRelu(TV x, float negativeSlope);

        /// <summary><see cref="SimdMath.Elu(float, float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <param name="alpha">The saturation value's magnitude.</param>
        /// <returns>The result.</returns>
        static abstract TV Elu(TV x, float alpha);

        /// <summary><see cref="SimdMath.Sigmoid(float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV Sigmoid(TV x);

        /// <summary><see cref="SimdMath.Tanh(float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV Tanh(TV x);

        /// <summary><see cref="SimdMath.Softplus(float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV Softplus(TV x);

        /// <summary><see cref="SimdMath.SoftplusDerivative(float)"/>.</summary>
        /// <param name="z">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV SoftplusDerivative(TV z);

        /// <summary><see cref="SimdMath.Silu(float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV Silu(TV x);

        /// <summary><see cref="SimdMath.SiluDerivative(float)"/>.</summary>
        /// <param name="z">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV SiluDerivative(TV z);

        /// <summary><see cref="SimdMath.Gelu(float)"/>.</summary>
        /// <param name="x">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV Gelu(TV x);

        /// <summary><see cref="SimdMath.GeluDerivative(float)"/>.</summary>
        /// <param name="z">The argument.</param>
        /// <returns>The result.</returns>
        static abstract TV GeluDerivative(TV z);
    }

    /// <summary>The 512-bit width (AVX-512: 32 vector registers). Called by generated code; not meant to be used directly.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Simd512 : ISimd<Vector512<float>>
    {
        /// <inheritdoc/>
        public static int Lanes => 16;

        /// <inheritdoc/>
        public static Vector512<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512<float>.Zero;
        }

        /// <inheritdoc/>
        public static Vector512<float> One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512<float>.One;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float destination, nuint offset) => Vector512.StoreUnsafe(value, ref destination, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StorePartial(Vector512<float> value, ref float destination, nuint offset, int count)
        {
            if (count >= 16)
            {
                Vector512.StoreUnsafe(value, ref destination, offset);
            }
            else if (count >= 8)
            {
                Vector256.StoreUnsafe(value.GetLower(), ref destination, offset);
                Simd256.StorePartial(value.GetUpper(), ref destination, offset + 8, count - 8);
            }
            else
            {
                Simd256.StorePartial(value.GetLower(), ref destination, offset, count);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => SimdMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> TailMask(int keep) =>
            Vector512.GreaterThanOrEqual(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(16 - keep)).AsSingle();

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> BitwiseAnd(Vector512<float> a, Vector512<float> b) => a & b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> SelectPositive(Vector512<float> condition, Vector512<float> ifTrue, Vector512<float> ifFalse) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(condition, Vector512<float>.Zero), ifTrue, ifFalse);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Relu(Vector512<float> x) => SimdMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LeakyRelu(Vector512<float> x, float negativeSlope) => SimdMath.LeakyRelu(x, negativeSlope);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Elu(Vector512<float> x, float alpha) => SimdMath.Elu(x, alpha);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Sigmoid(Vector512<float> x) => SimdMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Tanh(Vector512<float> x) => SimdMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Softplus(Vector512<float> x) => SimdMath.Softplus(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> SoftplusDerivative(Vector512<float> z) => SimdMath.SoftplusDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Silu(Vector512<float> x) => SimdMath.Silu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> SiluDerivative(Vector512<float> z) => SimdMath.SiluDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Gelu(Vector512<float> x) => SimdMath.Gelu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> GeluDerivative(Vector512<float> z) => SimdMath.GeluDerivative(z);
    }

    /// <summary>The 256-bit width (AVX2: 16 vector registers). Called by generated code; not meant to be used directly.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Simd256 : ISimd<Vector256<float>>
    {
        /// <inheritdoc/>
        public static int Lanes => 8;

        /// <inheritdoc/>
        public static Vector256<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256<float>.Zero;
        }

        /// <inheritdoc/>
        public static Vector256<float> One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector256<float>.One;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<float> value, ref float destination, nuint offset) => Vector256.StoreUnsafe(value, ref destination, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StorePartial(Vector256<float> value, ref float destination, nuint offset, int count)
        {
            if (count >= 8)
            {
                Vector256.StoreUnsafe(value, ref destination, offset);
            }
            else if (count >= 4)
            {
                Vector128.StoreUnsafe(value.GetLower(), ref destination, offset);
                Simd128.StorePartial(value.GetUpper(), ref destination, offset + 4, count - 4);
            }
            else
            {
                Simd128.StorePartial(value.GetLower(), ref destination, offset, count);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => SimdMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> TailMask(int keep) =>
            Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(8 - keep)).AsSingle();

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> BitwiseAnd(Vector256<float> a, Vector256<float> b) => a & b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> SelectPositive(Vector256<float> condition, Vector256<float> ifTrue, Vector256<float> ifFalse) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(condition, Vector256<float>.Zero), ifTrue, ifFalse);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Relu(Vector256<float> x) => SimdMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LeakyRelu(Vector256<float> x, float negativeSlope) => SimdMath.LeakyRelu(x, negativeSlope);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Elu(Vector256<float> x, float alpha) => SimdMath.Elu(x, alpha);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sigmoid(Vector256<float> x) => SimdMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Tanh(Vector256<float> x) => SimdMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Softplus(Vector256<float> x) => SimdMath.Softplus(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> SoftplusDerivative(Vector256<float> z) => SimdMath.SoftplusDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Silu(Vector256<float> x) => SimdMath.Silu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> SiluDerivative(Vector256<float> z) => SimdMath.SiluDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Gelu(Vector256<float> x) => SimdMath.Gelu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> GeluDerivative(Vector256<float> z) => SimdMath.GeluDerivative(z);
    }

    /// <summary>
    /// The 128-bit width, the portable path (SSE, Arm64 NEON; 16 vector registers). Called by generated code; not meant to
    /// be used directly.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Simd128 : ISimd<Vector128<float>>
    {
        /// <inheritdoc/>
        public static int Lanes => 4;

        /// <inheritdoc/>
        public static Vector128<float> Zero
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector128<float>.Zero;
        }

        /// <inheritdoc/>
        public static Vector128<float> One
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector128<float>.One;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector128<float> value, ref float destination, nuint offset) => Vector128.StoreUnsafe(value, ref destination, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StorePartial(Vector128<float> value, ref float destination, nuint offset, int count)
        {
            if (count >= 4)
            {
                Vector128.StoreUnsafe(value, ref destination, offset);
                return;
            }

            if (count > 0)
            {
                Unsafe.Add(ref destination, offset) = value.GetElement(0);
            }

            if (count > 1)
            {
                Unsafe.Add(ref destination, offset + 1) = value.GetElement(1);
            }

            if (count > 2)
            {
                Unsafe.Add(ref destination, offset + 2) = value.GetElement(2);
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => SimdMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> TailMask(int keep) =>
            Vector128.GreaterThanOrEqual(Vector128.Create(0, 1, 2, 3), Vector128.Create(4 - keep)).AsSingle();

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> BitwiseAnd(Vector128<float> a, Vector128<float> b) => a & b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> SelectPositive(Vector128<float> condition, Vector128<float> ifTrue, Vector128<float> ifFalse) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(condition, Vector128<float>.Zero), ifTrue, ifFalse);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Relu(Vector128<float> x) => SimdMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> LeakyRelu(Vector128<float> x, float negativeSlope) => SimdMath.LeakyRelu(x, negativeSlope);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Elu(Vector128<float> x, float alpha) => SimdMath.Elu(x, alpha);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sigmoid(Vector128<float> x) => SimdMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Tanh(Vector128<float> x) => SimdMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Softplus(Vector128<float> x) => SimdMath.Softplus(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> SoftplusDerivative(Vector128<float> z) => SimdMath.SoftplusDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Silu(Vector128<float> x) => SimdMath.Silu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> SiluDerivative(Vector128<float> z) => SimdMath.SiluDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Gelu(Vector128<float> x) => SimdMath.Gelu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> GeluDerivative(Vector128<float> z) => SimdMath.GeluDerivative(z);
    }

    /// <summary>
    /// One lane, a plain <see cref="float"/>: the tails of element-wise loops and layers with fewer than four inputs. Called by
    /// generated code; not meant to be used directly.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct SimdScalar : ISimd<float>
    {
        /// <inheritdoc/>
        public static int Lanes => 1;

        /// <inheritdoc/>
        public static float Zero => 0f;

        /// <inheritdoc/>
        public static float One => 1f;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StorePartial(float value, ref float destination, nuint offset, int count)
        {
            if (count > 0)
            {
                Unsafe.Add(ref destination, offset) = value;
            }
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Broadcast(float value) => value;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float c) => SimdMath.MultiplyAdd(a, b, c);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Add(float a, float b) => a + b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Subtract(float a, float b) => a - b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Multiply(float a, float b) => a * b;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float TailMask(int keep) => keep > 0 ? BitConverter.Int32BitsToSingle(-1) : 0f;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float BitwiseAnd(float a, float b) => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & BitConverter.SingleToInt32Bits(b));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float SelectPositive(float condition, float ifTrue, float ifFalse) => condition > 0f ? ifTrue : ifFalse;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Relu(float x) => SimdMath.Relu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float LeakyRelu(float x, float negativeSlope) => SimdMath.LeakyRelu(x, negativeSlope);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Elu(float x, float alpha) => SimdMath.Elu(x, alpha);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sigmoid(float x) => SimdMath.Sigmoid(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Tanh(float x) => SimdMath.Tanh(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Softplus(float x) => SimdMath.Softplus(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float SoftplusDerivative(float z) => SimdMath.SoftplusDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Silu(float x) => SimdMath.Silu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float SiluDerivative(float z) => SimdMath.SiluDerivative(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Gelu(float x) => SimdMath.Gelu(x);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float GeluDerivative(float z) => SimdMath.GeluDerivative(z);
    }
}
