// TEMPORARY: a naive stand-in for SimdMath until the real library lands; deleted on merge.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled
{
    /// <summary>Temporary naive SIMD math.</summary>
    public static class SimdMath
    {
        private static Vector128<float> Map(Vector128<float> v, Func<float, float> f) { Span<float> s = stackalloc float[4]; v.CopyTo(s); for (int i = 0; i < 4; i++) s[i] = f(s[i]); return Vector128.Create<float>(s); }
        private static Vector256<float> Map(Vector256<float> v, Func<float, float> f) { Span<float> s = stackalloc float[8]; v.CopyTo(s); for (int i = 0; i < 8; i++) s[i] = f(s[i]); return Vector256.Create<float>(s); }
        private static Vector512<float> Map(Vector512<float> v, Func<float, float> f) { Span<float> s = stackalloc float[16]; v.CopyTo(s); for (int i = 0; i < 16; i++) s[i] = f(s[i]); return Vector512.Create<float>(s); }
        /// <summary>x</summary>
        public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
        /// <summary>x</summary>
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => a * b + c;
        /// <summary>x</summary>
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => a * b + c;
        /// <summary>x</summary>
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => a * b + c;
        /// <summary>x</summary>
        public static float Exp(float x) => MathF.Exp(x);
        /// <summary>x</summary>
        public static float Relu(float x) => float.IsNaN(x) ? x : MathF.Max(0, x);
        /// <summary>x</summary>
        public static float LeakyRelu(float x, float s) => x > 0 ? x : s * x;
        /// <summary>x</summary>
        public static float Elu(float x, float a) => x > 0 ? x : a * (MathF.Exp(x) - 1);
        /// <summary>x</summary>
        public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
        /// <summary>x</summary>
        public static float Tanh(float x) => MathF.Tanh(x);
        /// <summary>x</summary>
        public static float Softplus(float x) => x > 20 ? x : MathF.Log(1 + MathF.Exp(x));
        /// <summary>x</summary>
        public static float Silu(float x) => x * Sigmoid(x);
        /// <summary>x</summary>
        public static float Gelu(float x) => 0.5f * x * (1 + MathF.Tanh(0.7978845608f * (x + 0.044715f * x * x * x)));
        /// <summary>x</summary>
        public static float SoftplusDerivative(float x) => x > 20 ? 1 : Sigmoid(x);
        /// <summary>x</summary>
        public static float SiluDerivative(float x) { float s = Sigmoid(x); return s * (1 + x * (1 - s)); }
        /// <summary>x</summary>
        public static float GeluDerivative(float x) { float b = 0.7978845608f, k = 0.044715f; float t = MathF.Tanh(b * (x + k * x * x * x)); return 0.5f * (1 + t) + 0.5f * x * (1 - t * t) * b * (1 + 3 * k * x * x); }
#pragma warning disable CS1591
        public static Vector128<float> Relu(Vector128<float> v) => Map(v, static x => Relu(x));
        public static Vector256<float> Relu(Vector256<float> v) => Map(v, static x => Relu(x));
        public static Vector512<float> Relu(Vector512<float> v) => Map(v, static x => Relu(x));
        public static Vector128<float> LeakyRelu(Vector128<float> v, float s) { Span<float> t = stackalloc float[4]; v.CopyTo(t); for (int i = 0; i < 4; i++) t[i] = LeakyRelu(t[i], s); return Vector128.Create<float>(t); }
        public static Vector256<float> LeakyRelu(Vector256<float> v, float s) { Span<float> t = stackalloc float[8]; v.CopyTo(t); for (int i = 0; i < 8; i++) t[i] = LeakyRelu(t[i], s); return Vector256.Create<float>(t); }
        public static Vector512<float> LeakyRelu(Vector512<float> v, float s) { Span<float> t = stackalloc float[16]; v.CopyTo(t); for (int i = 0; i < 16; i++) t[i] = LeakyRelu(t[i], s); return Vector512.Create<float>(t); }
        public static Vector128<float> Elu(Vector128<float> v, float s) { Span<float> t = stackalloc float[4]; v.CopyTo(t); for (int i = 0; i < 4; i++) t[i] = Elu(t[i], s); return Vector128.Create<float>(t); }
        public static Vector256<float> Elu(Vector256<float> v, float s) { Span<float> t = stackalloc float[8]; v.CopyTo(t); for (int i = 0; i < 8; i++) t[i] = Elu(t[i], s); return Vector256.Create<float>(t); }
        public static Vector512<float> Elu(Vector512<float> v, float s) { Span<float> t = stackalloc float[16]; v.CopyTo(t); for (int i = 0; i < 16; i++) t[i] = Elu(t[i], s); return Vector512.Create<float>(t); }
        public static Vector128<float> Sigmoid(Vector128<float> v) => Map(v, static x => Sigmoid(x));
        public static Vector256<float> Sigmoid(Vector256<float> v) => Map(v, static x => Sigmoid(x));
        public static Vector512<float> Sigmoid(Vector512<float> v) => Map(v, static x => Sigmoid(x));
        public static Vector128<float> Tanh(Vector128<float> v) => Map(v, static x => Tanh(x));
        public static Vector256<float> Tanh(Vector256<float> v) => Map(v, static x => Tanh(x));
        public static Vector512<float> Tanh(Vector512<float> v) => Map(v, static x => Tanh(x));
        public static Vector128<float> Softplus(Vector128<float> v) => Map(v, static x => Softplus(x));
        public static Vector256<float> Softplus(Vector256<float> v) => Map(v, static x => Softplus(x));
        public static Vector512<float> Softplus(Vector512<float> v) => Map(v, static x => Softplus(x));
        public static Vector128<float> Silu(Vector128<float> v) => Map(v, static x => Silu(x));
        public static Vector256<float> Silu(Vector256<float> v) => Map(v, static x => Silu(x));
        public static Vector512<float> Silu(Vector512<float> v) => Map(v, static x => Silu(x));
        public static Vector128<float> Gelu(Vector128<float> v) => Map(v, static x => Gelu(x));
        public static Vector256<float> Gelu(Vector256<float> v) => Map(v, static x => Gelu(x));
        public static Vector512<float> Gelu(Vector512<float> v) => Map(v, static x => Gelu(x));
        public static Vector128<float> SoftplusDerivative(Vector128<float> v) => Map(v, static x => SoftplusDerivative(x));
        public static Vector256<float> SoftplusDerivative(Vector256<float> v) => Map(v, static x => SoftplusDerivative(x));
        public static Vector512<float> SoftplusDerivative(Vector512<float> v) => Map(v, static x => SoftplusDerivative(x));
        public static Vector128<float> SiluDerivative(Vector128<float> v) => Map(v, static x => SiluDerivative(x));
        public static Vector256<float> SiluDerivative(Vector256<float> v) => Map(v, static x => SiluDerivative(x));
        public static Vector512<float> SiluDerivative(Vector512<float> v) => Map(v, static x => SiluDerivative(x));
        public static Vector128<float> GeluDerivative(Vector128<float> v) => Map(v, static x => GeluDerivative(x));
        public static Vector256<float> GeluDerivative(Vector256<float> v) => Map(v, static x => GeluDerivative(x));
        public static Vector512<float> GeluDerivative(Vector512<float> v) => Map(v, static x => GeluDerivative(x));
        public static Vector128<float> Sum4(Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3) => Vector128.Create(Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3));
        public static Vector256<float> Sum8(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3, Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7) => Vector256.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3), Vector256.Sum(a4), Vector256.Sum(a5), Vector256.Sum(a6), Vector256.Sum(a7));
        public static Vector512<float> Sum16(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7, Vector512<float> a8, Vector512<float> a9, Vector512<float> a10, Vector512<float> a11, Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15) => Vector512.Create(Vector512.Sum(a0), Vector512.Sum(a1), Vector512.Sum(a2), Vector512.Sum(a3), Vector512.Sum(a4), Vector512.Sum(a5), Vector512.Sum(a6), Vector512.Sum(a7), Vector512.Sum(a8), Vector512.Sum(a9), Vector512.Sum(a10), Vector512.Sum(a11), Vector512.Sum(a12), Vector512.Sum(a13), Vector512.Sum(a14), Vector512.Sum(a15));
#pragma warning restore CS1591
    }
}
