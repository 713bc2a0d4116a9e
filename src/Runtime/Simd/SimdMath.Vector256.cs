// The element-wise functions of SimdMath for one vector width. SimdMath.Vector{128,256,512}.cs are the same text with
// only the vector type name changed (SimdMathConsistencyTests checks it): edit the 128-bit file, then regenerate the
// other two: for w in 256 512; do sed "s/Vector1[2]8/Vector$w/g" SimdMath.Vector1[2]8.cs > SimdMath.Vector$w.cs; done
// The width-specific primitives (MultiplyAdd, ClampLow, ClampHigh, ScaleB) and the sums live in other files.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled
{
    public static partial class SimdMath
    {
        /// <inheritdoc cref="Relu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Relu(Vector256<float> x) => ClampLow(x, Vector256<float>.Zero);

        /// <inheritdoc cref="LeakyRelu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> LeakyRelu(Vector256<float> x, float negativeSlope) =>
            Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * negativeSlope);

        /// <inheritdoc cref="Exp(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            Vector256<float> n = ExpReduce(x, out Vector256<float> r, out _);
            Vector256<float> y = ScaleB(ExpM1Poly(r) + Vector256<float>.One, n);

            // Infinite and far out-of-range arguments: +inf above, +0 below (NaN compares false and falls through).
            Vector256<float> outside = Vector256.GreaterThan(x, Vector256.Create(ExpOverflowGuard))
                | Vector256.LessThan(x, Vector256.Create(ExpUnderflowGuard));
            Vector256<float> limit = Vector256.ConditionalSelect(
                Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256.Create(float.PositiveInfinity), Vector256<float>.Zero);
            return Vector256.ConditionalSelect(outside, limit, y);
        }

        /// <inheritdoc cref="Sigmoid(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Sigmoid(Vector256<float> x)
        {
            // e = exp(-|x|) never overflows; x >= 0: 1 / (1 + e), x < 0: e / (1 + e), both relatively accurate.
            Vector256<float> e = ExpNegAbs(x);
            Vector256<float> num = Vector256.ConditionalSelect(
                Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), Vector256<float>.One, e);
            return num / (Vector256<float>.One + e);
        }

        /// <inheritdoc cref="Tanh(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Tanh(Vector256<float> x)
        {
            // tanh(x) = x P(x^2) / Q(x^2) with P(0) = Q(0) = 1, a [9/8] minimax rational fit of tanh's relative error on
            // [0, 9.02]; |x| is clamped at TanhClamp, the first float where the rational (with FMA) gives exactly 1.
            Vector256<float> s = ClampHigh(x * x, Vector256.Create(TanhClampSquared));
            Vector256<float> xc = ClampLow(ClampHigh(x, Vector256.Create(TanhClamp)), Vector256.Create(-TanhClamp));
            Vector256<float> s2 = s * s;
            Vector256<float> num = MultiplyAdd(
                xc * s2,
                MultiplyAdd(Vector256.Create(TanhP4), s2, MultiplyAdd(Vector256.Create(TanhP3), s, Vector256.Create(TanhP2))),
                MultiplyAdd(xc * s, Vector256.Create(TanhP1), xc));
            Vector256<float> den = MultiplyAdd(
                s2,
                MultiplyAdd(Vector256.Create(TanhQ4), s2, MultiplyAdd(Vector256.Create(TanhQ3), s, Vector256.Create(TanhQ2))),
                MultiplyAdd(Vector256.Create(TanhQ1), s, Vector256<float>.One));
            Vector256<float> t = num / den;
            if (!MultiplyAddIsFused)
            {
                // Rounded separately, the rational may end a little off 1 at the clamp or above 1 below it: saturate
                // explicitly (a JIT-time branch; with FMA the clamp alone gives exactly +-1 and never exceeds 1).
                Vector256<float> one = (x & Vector256.Create(-0f)) | Vector256<float>.One;
                t = Vector256.ConditionalSelect(
                    Vector256.GreaterThanOrEqual(Vector256.Abs(x), Vector256.Create(TanhClamp)),
                    one,
                    ClampLow(ClampHigh(t, Vector256<float>.One), -Vector256<float>.One));
            }

            return t;
        }

        /// <inheritdoc cref="Elu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Elu(Vector256<float> x, float alpha)
        {
            // alpha * expm1(x) = (alpha 2^n) expm1(r) + (alpha 2^n - alpha): exact r + r^2 Q(r) near 0, one rounding.
            Vector256<float> n = ExpReduce(x, out Vector256<float> r, out _);
            Vector256<float> a = Vector256.Create(alpha);
            Vector256<float> scaled = ScaleB(a, n);
            Vector256<float> neg = MultiplyAdd(scaled, ExpM1Poly(r), scaled - a);

            Vector256<float> positive = Vector256.GreaterThan(x, Vector256<float>.Zero);
            Vector256<float> fixedLane = positive | Vector256.LessThan(x, Vector256.Create(-EluSaturation));
            return Vector256.ConditionalSelect(fixedLane, Vector256.ConditionalSelect(positive, x, -a), neg);
        }

        /// <inheritdoc cref="Softplus(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Softplus(Vector256<float> x)
        {
            // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)).
            Vector256<float> value = ClampLow(x, Vector256<float>.Zero) + Log1pUnit(ExpNegAbs(x));
            return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(SoftplusThreshold)), x, value);
        }

        /// <inheritdoc cref="SoftplusDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> SoftplusDerivative(Vector256<float> z) => Sigmoid(z);

        /// <inheritdoc cref="Silu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Silu(Vector256<float> x)
        {
            // x >= 0: x / (1 + e), x < 0: x e / (1 + e), e = exp(-|x|); x is clamped in x e so that silu(-inf) = -0.
            Vector256<float> e = ExpNegAbs(x);
            Vector256<float> num = Vector256.ConditionalSelect(
                Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, ClampLow(x, Vector256.Create(ExpUnderflowGuard)) * e);
            return num / (Vector256<float>.One + e);
        }

        /// <inheritdoc cref="SiluDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> SiluDerivative(Vector256<float> z)
        {
            // s (1 + z (1 - s)) with s and 1 - s both computed without cancellation from e = exp(-|z|).
            Vector256<float> e = ExpNegAbs(z);
            Vector256<float> d = Vector256<float>.One + e;
            Vector256<float> nonNegative = Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero);
            Vector256<float> s = Vector256.ConditionalSelect(nonNegative, Vector256<float>.One, e) / d;
            Vector256<float> oneMinusS = Vector256.ConditionalSelect(nonNegative, e, Vector256<float>.One) / d;
            Vector256<float> zc = ClampLow(ClampHigh(z, Vector256.Create(-ExpUnderflowGuard)), Vector256.Create(ExpUnderflowGuard));
            return s * MultiplyAdd(zc, oneMinusS, Vector256<float>.One);
        }

        /// <inheritdoc cref="Gelu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Gelu(Vector256<float> x)
        {
            // 0.5 x (1 + t) = fma(0.5 x, t, 0.5 x); below -GeluSaturation t is exactly -1, so clamping x there only turns
            // gelu(-inf) into 0 instead of -inf * 0 = NaN.
            Vector256<float> t = Tanh(x * MultiplyAdd(x * x, Vector256.Create(GeluBetaKappa), Vector256.Create(GeluBeta)));
            Vector256<float> half = ClampLow(x, Vector256.Create(-GeluSaturation)) * 0.5f;
            return MultiplyAdd(half, t, half);
        }

        /// <inheritdoc cref="GeluDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> GeluDerivative(Vector256<float> z)
        {
            // 0.5 (1 + t) - [-0.5 z beta (1 + 3 kappa z^2)] (t^2 - 1); z is clamped in the second factor (where t = +-1
            // exactly, so it changes nothing) to keep infinities out of inf * 0.
            Vector256<float> t = Tanh(z * MultiplyAdd(z * z, Vector256.Create(GeluBetaKappa), Vector256.Create(GeluBeta)));
            Vector256<float> zc = ClampLow(ClampHigh(z, Vector256.Create(GeluSaturation)), Vector256.Create(-GeluSaturation));
            Vector256<float> negFactor = zc * MultiplyAdd(zc * zc, Vector256.Create(-1.5f * GeluBetaKappa), Vector256.Create(-0.5f * GeluBeta));
            Vector256<float> half = MultiplyAdd(t, Vector256.Create(0.5f), Vector256.Create(0.5f));
            return MultiplyAdd(negFactor, MultiplyAdd(t, t, Vector256.Create(-1f)), half);
        }

        /// <inheritdoc cref="Log(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Log(Vector256<float> x)
        {
            // Subnormals are scaled by 2^23 first; then x = 2^k m, m in [2/3, 4/3), log x = k ln 2 + log1p(m - 1).
            Vector256<float> subnormal = Vector256.LessThan(x, Vector256.Create(MinNormal));
            Vector256<float> xs = Vector256.ConditionalSelect(subnormal, x * 8388608f, x);
            Vector256<float> k = LogReduce(xs, out Vector256<float> f) - (subnormal & Vector256.Create(23f));
            Vector256<float> value = LogCombine(f, k, Vector256<float>.Zero);

            Vector256<float> inf = Vector256.Create(float.PositiveInfinity);
            Vector256<float> finitePositive = Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256.LessThan(x, inf);
            Vector256<float> special = Vector256.ConditionalSelect(
                Vector256.Equals(x, Vector256<float>.Zero), -inf,
                Vector256.ConditionalSelect(Vector256.Equals(x, inf), inf, Vector256.Create(float.NaN)));
            return Vector256.ConditionalSelect(finitePositive, value, special);
        }

        /// <summary>
        /// n = round(x / ln 2) and r = x - n ln 2 (Cody-Waite, two FMAs); <paramref name="shifted"/> is n + RoundMagic, whose
        /// bits are RoundMagic's plus n.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ExpReduce(Vector256<float> x, out Vector256<float> r, out Vector256<float> shifted)
        {
            Vector256<float> magic = Vector256.Create(RoundMagic);
            shifted = MultiplyAdd(x, Vector256.Create(Log2E), magic);
            Vector256<float> n = shifted - magic;
            r = MultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
            r = MultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
            return n;
        }

        /// <summary>expm1(r) = r + r^2 (c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4) for |r| &lt;= ln2 / 2, in Estrin form.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ExpM1Poly(Vector256<float> r)
        {
            Vector256<float> r2 = r * r;
            Vector256<float> high = MultiplyAdd(Vector256.Create(ExpC6), r2, MultiplyAdd(Vector256.Create(ExpC5), r, Vector256.Create(ExpC4)));
            Vector256<float> low = MultiplyAdd(r2, MultiplyAdd(Vector256.Create(ExpC3), r, Vector256.Create(ExpC2)), r);
            return MultiplyAdd(r2 * r2, high, low);
        }

        /// <summary>exp(-|x|): +0 for |x| beyond the underflow guard (and infinities), NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ExpNegAbs(Vector256<float> x)
        {
            // n <= 0, so 2^n is a float (+0 for n = -150 only, which loses 2^-149 results between -103.97 and -103.63):
            // 2^n + 2^n expm1(r) in one FMA is 3 cycles shorter than scaling 1 + expm1(r), and rounds once.
            Vector256<float> a = x | Vector256.Create(-0f);
            Vector256<float> n = ExpReduce(a, out Vector256<float> r, out Vector256<float> shifted);
            Vector256<float> scale = PowerOfTwo(n, shifted);
            Vector256<float> y = MultiplyAdd(scale, ExpM1Poly(r), scale);
            return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(ExpUnderflowGuard)), Vector256<float>.Zero, y);
        }

        /// <summary>Splits a positive normal x into 2^k (1 + f) with 1 + f in [2/3, 4/3); returns k.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> LogReduce(Vector256<float> x, out Vector256<float> f)
        {
            Vector256<int> ix = x.AsInt32() - Vector256.Create(LogOffsetBits);
            f = ((ix & Vector256.Create(0x007FFFFF)) + Vector256.Create(LogOffsetBits)).AsSingle() - Vector256<float>.One;
            return Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(ix, 23));
        }

        /// <summary>k ln 2 + log1p(f) + c for |f| &lt;= 1/3 and a small correction c.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> LogCombine(Vector256<float> f, Vector256<float> k, Vector256<float> c)
        {
            // log1p(f) = f + f^2 P(f), P of degree 7 in Estrin form.
            Vector256<float> f2 = f * f;
            Vector256<float> f4 = f2 * f2;
            Vector256<float> p01 = MultiplyAdd(Vector256.Create(LogP1), f, Vector256.Create(LogP0));
            Vector256<float> p23 = MultiplyAdd(Vector256.Create(LogP3), f, Vector256.Create(LogP2));
            Vector256<float> p45 = MultiplyAdd(Vector256.Create(LogP5), f, Vector256.Create(LogP4));
            Vector256<float> p67 = MultiplyAdd(Vector256.Create(LogP7), f, Vector256.Create(LogP6));
            Vector256<float> p = MultiplyAdd(f4, MultiplyAdd(p67, f2, p45), MultiplyAdd(p23, f2, p01));
            Vector256<float> low = MultiplyAdd(f2, p, MultiplyAdd(k, Vector256.Create(Ln2Lo), c));
            return MultiplyAdd(k, Vector256.Create(Ln2Hi), f + low);
        }

        /// <summary>log1p(e) for e in [0, 1] (NaN for NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Log1pUnit(Vector256<float> e)
        {
            // u = 1 + e rounds; log1p(e) = log(u) + (e - (u - 1)) / u, the correction exact to first order.
            Vector256<float> u = Vector256<float>.One + e;
            Vector256<float> c = (e - (u - Vector256<float>.One)) / u;
            Vector256<float> k = LogReduce(u, out Vector256<float> f);
            return LogCombine(f, k, c);
        }

        /// <summary>v 2^n for integral n by two exact power-of-two products (any n; used where vscalefps is missing).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> ScaleBPortable(Vector256<float> v, Vector256<float> n)
        {
            Vector256<float> magic = Vector256.Create(RoundMagic);
            Vector256<float> nc = ClampLow(ClampHigh(n, Vector256.Create(129f)), Vector256.Create(-152f));
            Vector256<int> ni = (nc + magic).AsInt32() - magic.AsInt32();
            Vector256<int> half = Vector256.ShiftRightArithmetic(ni, 1);
            Vector256<int> bias = Vector256.Create(127);
            Vector256<float> s1 = Vector256.ShiftLeft(half + bias, 23).AsSingle();
            Vector256<float> s2 = Vector256.ShiftLeft(ni - half + bias, 23).AsSingle();
            return v * s1 * s2;
        }
    }
}
