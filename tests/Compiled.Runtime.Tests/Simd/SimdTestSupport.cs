using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.Intrinsics;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>One element-wise SimdMath function in all its overloads.</summary>
    internal sealed record UnaryFunction(
        string Name,
        Func<float, float> Scalar,
        Func<Vector128<float>, Vector128<float>> V128,
        Func<Vector256<float>, Vector256<float>> V256,
        Func<Vector512<float>, Vector512<float>> V512);

    internal static class SimdTestSupport
    {
        public const float TanhClamp = 8.009709f;

        public static readonly IReadOnlyList<UnaryFunction> Functions = new UnaryFunction[]
        {
            new("Relu", SimdMath.Relu, SimdMath.Relu, SimdMath.Relu, SimdMath.Relu),
            new("LeakyRelu(0.01)", x => SimdMath.LeakyRelu(x, 0.01f), x => SimdMath.LeakyRelu(x, 0.01f), x => SimdMath.LeakyRelu(x, 0.01f), x => SimdMath.LeakyRelu(x, 0.01f)),
            new("LeakyRelu(0.2)", x => SimdMath.LeakyRelu(x, 0.2f), x => SimdMath.LeakyRelu(x, 0.2f), x => SimdMath.LeakyRelu(x, 0.2f), x => SimdMath.LeakyRelu(x, 0.2f)),
            new("Elu(1)", x => SimdMath.Elu(x, 1f), x => SimdMath.Elu(x, 1f), x => SimdMath.Elu(x, 1f), x => SimdMath.Elu(x, 1f)),
            new("Elu(0.3)", x => SimdMath.Elu(x, 0.3f), x => SimdMath.Elu(x, 0.3f), x => SimdMath.Elu(x, 0.3f), x => SimdMath.Elu(x, 0.3f)),
            new("Exp", SimdMath.Exp, SimdMath.Exp, SimdMath.Exp, SimdMath.Exp),
            new("Sigmoid", SimdMath.Sigmoid, SimdMath.Sigmoid, SimdMath.Sigmoid, SimdMath.Sigmoid),
            new("Tanh", SimdMath.Tanh, SimdMath.Tanh, SimdMath.Tanh, SimdMath.Tanh),
            new("Softplus", SimdMath.Softplus, SimdMath.Softplus, SimdMath.Softplus, SimdMath.Softplus),
            new("Silu", SimdMath.Silu, SimdMath.Silu, SimdMath.Silu, SimdMath.Silu),
            new("Gelu", SimdMath.Gelu, SimdMath.Gelu, SimdMath.Gelu, SimdMath.Gelu),
            new("Log", SimdMath.Log, SimdMath.Log, SimdMath.Log, SimdMath.Log),
            new("SoftplusDerivative", SimdMath.SoftplusDerivative, SimdMath.SoftplusDerivative, SimdMath.SoftplusDerivative, SimdMath.SoftplusDerivative),
            new("SiluDerivative", SimdMath.SiluDerivative, SimdMath.SiluDerivative, SimdMath.SiluDerivative, SimdMath.SiluDerivative),
            new("GeluDerivative", SimdMath.GeluDerivative, SimdMath.GeluDerivative, SimdMath.GeluDerivative, SimdMath.GeluDerivative),
        };

        public static UnaryFunction Get(string name)
        {
            foreach (UnaryFunction f in Functions)
            {
                if (f.Name == name)
                {
                    return f;
                }
            }

            throw new ArgumentException(name);
        }

        public static IEnumerable<object[]> FunctionNames()
        {
            foreach (UnaryFunction f in Functions)
            {
                yield return new object[] { f.Name };
            }
        }

        /// <summary>Edge values every function is evaluated at.</summary>
        public static readonly float[] EdgeValues =
        {
            0f, -0f, float.Epsilon, -float.Epsilon, 1.17549435e-38f, -1.17549435e-38f, 1e-30f, -1e-30f, 1e-7f, -1e-7f,
            float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
            1f, -1f, 0.5f, -0.5f, 20f, -20f, MathF.BitIncrement(20f), MathF.BitDecrement(20f), 16.635532f, -16.635532f,
            88.72283f, 88.72284f, 88.8f, 89f, -87.33654f, -87.33655f, -88f, -103.97207f, -103.97208f, -104f, -104.5f, 200f, -200f,
            TanhClamp, -TanhClamp, MathF.BitDecrement(TanhClamp), -MathF.BitDecrement(TanhClamp), 9.01f, -9.01f, 10f, -10f,
            1e10f, -1e10f, 1e20f, -1e20f, 1e30f, -1e30f,
        };

        private static float[]? sweep;

        /// <summary>
        /// Every 1e-3 in [-20, 20], a logarithmic sweep of magnitudes from 1e-45 to 3e38 (both signs), 100 000 seeded
        /// uniform values in [-110, 110], 20 000 log-uniform small values, and <see cref="EdgeValues"/>; padded to a
        /// multiple of 16.
        /// </summary>
        public static float[] Sweep()
        {
            if (sweep is not null)
            {
                return sweep;
            }

            var xs = new List<float>();
            for (int i = -20000; i <= 20000; i++)
            {
                xs.Add((float)(i * 1e-3));
            }

            float[] mantissas = { 1f, 1.5f, 2.5f, 3.7f, 5f, 7.77f };
            for (int e = -45; e <= 38; e++)
            {
                foreach (float m in mantissas)
                {
                    double v = m * Math.Pow(10, e);
                    if (v <= float.MaxValue && (float)v != 0f)
                    {
                        xs.Add((float)v);
                        xs.Add(-(float)v);
                    }
                }
            }

            var random = new Random(12345);
            for (int i = 0; i < 100_000; i++)
            {
                xs.Add((float)((random.NextDouble() * 220) - 110));
            }

            for (int i = 0; i < 20_000; i++)
            {
                float v = (float)Math.Pow(10, -8 * random.NextDouble());
                xs.Add((i & 1) == 0 ? v : -v);
            }

            xs.AddRange(EdgeValues);
            while (xs.Count % 16 != 0)
            {
                xs.Add(0f);
            }

            sweep = xs.ToArray();
            return sweep;
        }

        /// <summary>
        /// Evaluates <paramref name="f"/> on every value through the scalar, Vector128, Vector256 and Vector512
        /// overloads, asserts they agree bit for bit (any NaN matches any NaN) and returns the results.
        /// </summary>
        public static float[] EvaluateAllWidths(UnaryFunction f, float[] xs)
        {
            Assert.Equal(0, xs.Length % 16);
            var scalar = new float[xs.Length];
            var v128 = new float[xs.Length];
            var v256 = new float[xs.Length];
            var v512 = new float[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                scalar[i] = f.Scalar(xs[i]);
            }

            for (int i = 0; i < xs.Length; i += 4)
            {
                f.V128(Vector128.Create(xs, i)).CopyTo(v128, i);
            }

            for (int i = 0; i < xs.Length; i += 8)
            {
                f.V256(Vector256.Create(xs, i)).CopyTo(v256, i);
            }

            for (int i = 0; i < xs.Length; i += 16)
            {
                f.V512(Vector512.Create(xs, i)).CopyTo(v512, i);
            }

            for (int i = 0; i < xs.Length; i++)
            {
                AssertSameBits(f.Name + " Vector128", xs[i], scalar[i], v128[i]);
                AssertSameBits(f.Name + " Vector256", xs[i], scalar[i], v256[i]);
                AssertSameBits(f.Name + " Vector512", xs[i], scalar[i], v512[i]);
            }

            return scalar;
        }

        public static void AssertSameBits(string what, float x, float expected, float actual)
        {
            bool same = float.IsNaN(expected) ? float.IsNaN(actual) : BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual);
            Assert.True(same, string.Create(CultureInfo.InvariantCulture, $"{what}: x = {x:R}: scalar {expected:R}, vector {actual:R}"));
        }

        /// <summary>The spacing of floats at |v| (2^-149 below the normal range; float.MaxValue's above it).</summary>
        public static double Ulp(double v)
        {
            double a = Math.Abs(v);
            if (a < 1.1754943508222875e-38)
            {
                return Math.ScaleB(1.0, -149);
            }

            a = Math.Min(a, float.MaxValue);
            return Math.ScaleB(1.0, Math.ILogB(a) - 23);
        }

        /// <summary>
        /// The largest |got - want| in ulps of max(|want|, scale(x)) over the values where <paramref name="include"/>
        /// holds (all by default); infinities and NaN must match exactly and are not counted.
        /// </summary>
        public static (double MaxUlps, float At) MaxError(
            string name, float[] xs, float[] got, Func<double, double> want, Func<double, double>? scale = null, Func<float, bool>? include = null)
        {
            double max = 0;
            float at = float.NaN;
            for (int i = 0; i < xs.Length; i++)
            {
                float x = xs[i];
                if (include is not null && !include(x))
                {
                    continue;
                }

                double w = want(x);
                float wf = (float)w;
                float g = got[i];
                if (float.IsNaN(wf) || float.IsNaN(g) || float.IsInfinity(wf) || float.IsInfinity(g))
                {
                    bool same = float.IsNaN(wf) ? float.IsNaN(g) : g == wf;
                    Assert.True(same, string.Create(CultureInfo.InvariantCulture, $"{name}({x:R}) = {g:R}, expected {w:R}"));
                    continue;
                }

                double s = Math.Abs(w);
                if (scale is not null)
                {
                    s = Math.Max(s, scale(x));
                }

                double u = Math.Abs(g - w) / Ulp(s);
                if (u > max)
                {
                    max = u;
                    at = x;
                }
            }

            return (max, at);
        }

        public static string Describe(string name, (double MaxUlps, float At) e) =>
            string.Create(CultureInfo.InvariantCulture, $"{name}: max error {e.MaxUlps:F3} ulp at x = {e.At:R}");
    }

    /// <summary>Double-precision references, written in forms that keep their relative accuracy.</summary>
    internal static class Reference
    {
        public const double GeluBeta = 0.79788456080286535588;
        public const double GeluKappa = 0.044715;

        public static double Expm1(double x)
        {
            if (Math.Abs(x) < 0.5)
            {
                double term = x, sum = x;
                for (int k = 2; k < 30; k++)
                {
                    term *= x / k;
                    sum += term;
                }

                return sum;
            }

            return Math.Exp(x) - 1;
        }

        public static double Log1p(double y)
        {
            double u = 1 + y;
            return u == 1 ? y : Math.Log(u) - (((u - 1) - y) / u);
        }

        public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

        public static double Relu(double x) => double.IsNaN(x) ? x : Math.Max(x, 0);

        public static double LeakyRelu(double x, double slope) => x > 0 ? x : slope * x;

        public static double Elu(double x, double alpha) => x > 0 ? x : alpha * Expm1(x);

        public static double Softplus(double x) => x > 20 ? x : Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));

        public static double Silu(double x) => double.IsNegativeInfinity(x) ? 0 : x * Sigmoid(x);

        public static double GeluInner(double x) => GeluBeta * (x + (GeluKappa * x * x * x));

        /// <summary>0.5 x (1 + tanh(u)) = x sigmoid(2u), which does not cancel in the left tail.</summary>
        public static double Gelu(double x) => double.IsNegativeInfinity(x) ? 0 : double.IsPositiveInfinity(x) ? x : x * Sigmoid(2 * GeluInner(x));

        public static double Log(double x) => x < 0 ? double.NaN : Math.Log(x);

        public static double SoftplusDerivative(double z) => z > 20 ? 1 : Sigmoid(z);

        public static double SiluDerivative(double z) => double.IsInfinity(z) ? (z > 0 ? 1 : 0) : Sigmoid(z) * (1 + (z * Sigmoid(-z)));

        /// <summary>The largest term of s (1 + z (1 - s)): the scale its rounding errors are relative to.</summary>
        public static double SiluDerivativeScale(double z) => Math.Max(Sigmoid(z), Math.Abs(z * Sigmoid(z) * Sigmoid(-z)));

        /// <summary>PyTorch's gelu backward with 0.5 (1 + t) = s and 1 - t^2 = 4 s (1 - s), s = sigmoid(2u).</summary>
        public static double GeluDerivative(double z)
        {
            if (double.IsInfinity(z))
            {
                return z > 0 ? 1 : 0;
            }

            double u = GeluInner(z);
            double s = Sigmoid(2 * u), sm = Sigmoid(-2 * u);
            return s + (2 * z * s * sm * GeluBeta * (1 + (3 * GeluKappa * z * z)));
        }

        /// <summary>|0.5 t| + |0.5 z (1 - t^2) beta (1 + 3 kappa z^2)|: the scale of the float formula's rounding errors.</summary>
        public static double GeluDerivativeScale(double z)
        {
            double u = GeluInner(z);
            double s = Sigmoid(2 * u), sm = Sigmoid(-2 * u);
            return Math.Abs(0.5 * Math.Tanh(u)) + Math.Abs(2 * z * s * sm * GeluBeta * (1 + (3 * GeluKappa * z * z)));
        }
    }
}
