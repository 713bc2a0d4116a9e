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
        public static Vector512<float> Relu(Vector512<float> x) => ClampLow(x, Vector512<float>.Zero);

        /// <inheritdoc cref="LeakyRelu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> LeakyRelu(Vector512<float> x, float negativeSlope) =>
            Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * negativeSlope);

        /// <inheritdoc cref="Exp(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Exp(Vector512<float> x)
        {
            Vector512<float> n = ExpReduce(x, out Vector512<float> r, out _);
            Vector512<float> y = ScaleB(ExpM1Poly(r) + Vector512<float>.One, n);

            // Infinite and far out-of-range arguments: +inf above, +0 below (NaN compares false and falls through).
            Vector512<float> outside = Vector512.GreaterThan(x, Vector512.Create(ExpOverflowGuard))
                | Vector512.LessThan(x, Vector512.Create(ExpUnderflowGuard));
            Vector512<float> limit = Vector512.ConditionalSelect(
                Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512.Create(float.PositiveInfinity), Vector512<float>.Zero);
            return Vector512.ConditionalSelect(outside, limit, y);
        }

        /// <inheritdoc cref="Sigmoid(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Sigmoid(Vector512<float> x)
        {
            // e = exp(-|x|) never overflows; x >= 0: 1 / (1 + e), x < 0: e / (1 + e), both relatively accurate.
            Vector512<float> e = ExpNegAbs(x);
            Vector512<float> num = Vector512.ConditionalSelect(
                Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), Vector512<float>.One, e);
            return num / (Vector512<float>.One + e);
        }

        /// <inheritdoc cref="Tanh(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Tanh(Vector512<float> x)
        {
            // tanh(x) = x P(x^2) / Q(x^2) with P(0) = Q(0) = 1, a [9/8] minimax rational fit of tanh's relative error on
            // [0, 9.02]; |x| is clamped at TanhClamp, the first float where the rational (with FMA) gives exactly 1.
            Vector512<float> s = ClampHigh(x * x, Vector512.Create(TanhClampSquared));
            Vector512<float> xc = ClampLow(ClampHigh(x, Vector512.Create(TanhClamp)), Vector512.Create(-TanhClamp));
            Vector512<float> s2 = s * s;
            Vector512<float> num = MultiplyAdd(
                xc * s2,
                MultiplyAdd(Vector512.Create(TanhP4), s2, MultiplyAdd(Vector512.Create(TanhP3), s, Vector512.Create(TanhP2))),
                MultiplyAdd(xc * s, Vector512.Create(TanhP1), xc));
            Vector512<float> den = MultiplyAdd(
                s2,
                MultiplyAdd(Vector512.Create(TanhQ4), s2, MultiplyAdd(Vector512.Create(TanhQ3), s, Vector512.Create(TanhQ2))),
                MultiplyAdd(Vector512.Create(TanhQ1), s, Vector512<float>.One));
            Vector512<float> t = num / den;
            if (!MultiplyAddIsFused)
            {
                // Rounded separately, the rational may end a little off 1 at the clamp or above 1 below it: saturate
                // explicitly (a JIT-time branch; with FMA the clamp alone gives exactly +-1 and never exceeds 1).
                Vector512<float> one = (x & Vector512.Create(-0f)) | Vector512<float>.One;
                t = Vector512.ConditionalSelect(
                    Vector512.GreaterThanOrEqual(Vector512.Abs(x), Vector512.Create(TanhClamp)),
                    one,
                    ClampLow(ClampHigh(t, Vector512<float>.One), -Vector512<float>.One));
            }

            return t;
        }

        /// <inheritdoc cref="Elu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Elu(Vector512<float> x, float alpha)
        {
            // alpha * expm1(x) = (alpha 2^n) expm1(r) + (alpha 2^n - alpha): exact r + r^2 Q(r) near 0, one rounding.
            Vector512<float> n = ExpReduce(x, out Vector512<float> r, out _);
            Vector512<float> a = Vector512.Create(alpha);
            Vector512<float> scaled = ScaleB(a, n);
            Vector512<float> neg = MultiplyAdd(scaled, ExpM1Poly(r), scaled - a);

            Vector512<float> positive = Vector512.GreaterThan(x, Vector512<float>.Zero);
            Vector512<float> fixedLane = positive | Vector512.LessThan(x, Vector512.Create(-EluSaturation));
            return Vector512.ConditionalSelect(fixedLane, Vector512.ConditionalSelect(positive, x, -a), neg);
        }

        /// <inheritdoc cref="Softplus(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Softplus(Vector512<float> x)
        {
            // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)).
            Vector512<float> value = ClampLow(x, Vector512<float>.Zero) + Log1pUnit(ExpNegAbs(x));
            return Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(SoftplusThreshold)), x, value);
        }

        /// <inheritdoc cref="SoftplusDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> SoftplusDerivative(Vector512<float> z) => Sigmoid(z);

        /// <inheritdoc cref="Silu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Silu(Vector512<float> x)
        {
            // x >= 0: x / (1 + e), x < 0: x e / (1 + e), e = exp(-|x|); x is clamped in x e so that silu(-inf) = -0.
            Vector512<float> e = ExpNegAbs(x);
            Vector512<float> num = Vector512.ConditionalSelect(
                Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), x, ClampLow(x, Vector512.Create(ExpUnderflowGuard)) * e);
            return num / (Vector512<float>.One + e);
        }

        /// <inheritdoc cref="SiluDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> SiluDerivative(Vector512<float> z)
        {
            // s (1 + z (1 - s)) with s and 1 - s both computed without cancellation from e = exp(-|z|).
            Vector512<float> e = ExpNegAbs(z);
            Vector512<float> d = Vector512<float>.One + e;
            Vector512<float> nonNegative = Vector512.GreaterThanOrEqual(z, Vector512<float>.Zero);
            Vector512<float> s = Vector512.ConditionalSelect(nonNegative, Vector512<float>.One, e) / d;
            Vector512<float> oneMinusS = Vector512.ConditionalSelect(nonNegative, e, Vector512<float>.One) / d;
            Vector512<float> zc = ClampLow(ClampHigh(z, Vector512.Create(-ExpUnderflowGuard)), Vector512.Create(ExpUnderflowGuard));
            return s * MultiplyAdd(zc, oneMinusS, Vector512<float>.One);
        }

        /// <inheritdoc cref="Gelu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Gelu(Vector512<float> x)
        {
            // 0.5 x (1 + t) = fma(0.5 x, t, 0.5 x); below -GeluSaturation t is exactly -1, so clamping x there only turns
            // gelu(-inf) into 0 instead of -inf * 0 = NaN.
            Vector512<float> t = Tanh(x * MultiplyAdd(x * x, Vector512.Create(GeluBetaKappa), Vector512.Create(GeluBeta)));
            Vector512<float> half = ClampLow(x, Vector512.Create(-GeluSaturation)) * 0.5f;
            return MultiplyAdd(half, t, half);
        }

        /// <inheritdoc cref="GeluDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> GeluDerivative(Vector512<float> z)
        {
            // 0.5 (1 + t) - [-0.5 z beta (1 + 3 kappa z^2)] (t^2 - 1); z is clamped in the second factor (where t = +-1
            // exactly, so it changes nothing) to keep infinities out of inf * 0.
            Vector512<float> t = Tanh(z * MultiplyAdd(z * z, Vector512.Create(GeluBetaKappa), Vector512.Create(GeluBeta)));
            Vector512<float> zc = ClampLow(ClampHigh(z, Vector512.Create(GeluSaturation)), Vector512.Create(-GeluSaturation));
            Vector512<float> negFactor = zc * MultiplyAdd(zc * zc, Vector512.Create(-1.5f * GeluBetaKappa), Vector512.Create(-0.5f * GeluBeta));
            Vector512<float> half = MultiplyAdd(t, Vector512.Create(0.5f), Vector512.Create(0.5f));
            return MultiplyAdd(negFactor, MultiplyAdd(t, t, Vector512.Create(-1f)), half);
        }

        /// <inheritdoc cref="Log(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Log(Vector512<float> x)
        {
            // Subnormals are scaled by 2^23 first; then x = 2^k m, m in [2/3, 4/3), log x = k ln 2 + log1p(m - 1).
            Vector512<float> subnormal = Vector512.LessThan(x, Vector512.Create(MinNormal));
            Vector512<float> xs = Vector512.ConditionalSelect(subnormal, x * 8388608f, x);
            Vector512<float> k = LogReduce(xs, out Vector512<float> f) - (subnormal & Vector512.Create(23f));
            Vector512<float> value = LogCombine(f, k, Vector512<float>.Zero);

            Vector512<float> inf = Vector512.Create(float.PositiveInfinity);
            Vector512<float> finitePositive = Vector512.GreaterThan(x, Vector512<float>.Zero) & Vector512.LessThan(x, inf);
            Vector512<float> special = Vector512.ConditionalSelect(
                Vector512.Equals(x, Vector512<float>.Zero), -inf,
                Vector512.ConditionalSelect(Vector512.Equals(x, inf), inf, Vector512.Create(float.NaN)));
            return Vector512.ConditionalSelect(finitePositive, value, special);
        }

        /// <summary>
        /// n = round(x / ln 2) and r = x - n ln 2 (Cody-Waite, two FMAs); <paramref name="shifted"/> is n + RoundMagic, whose
        /// bits are RoundMagic's plus n.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ExpReduce(Vector512<float> x, out Vector512<float> r, out Vector512<float> shifted)
        {
            Vector512<float> magic = Vector512.Create(RoundMagic);
            shifted = MultiplyAdd(x, Vector512.Create(Log2E), magic);
            Vector512<float> n = shifted - magic;
            r = MultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
            r = MultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
            return n;
        }

        /// <summary>expm1(r) = r + r^2 (c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4) for |r| &lt;= ln2 / 2, in Estrin form.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ExpM1Poly(Vector512<float> r)
        {
            Vector512<float> r2 = r * r;
            Vector512<float> high = MultiplyAdd(Vector512.Create(ExpC6), r2, MultiplyAdd(Vector512.Create(ExpC5), r, Vector512.Create(ExpC4)));
            Vector512<float> low = MultiplyAdd(r2, MultiplyAdd(Vector512.Create(ExpC3), r, Vector512.Create(ExpC2)), r);
            return MultiplyAdd(r2 * r2, high, low);
        }

        /// <summary>exp(-|x|): +0 for |x| beyond the underflow guard (and infinities), NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ExpNegAbs(Vector512<float> x)
        {
            // n <= 0, so 2^n is a float (+0 for n = -150 only, which loses 2^-149 results between -103.97 and -103.63):
            // 2^n + 2^n expm1(r) in one FMA is 3 cycles shorter than scaling 1 + expm1(r), and rounds once.
            Vector512<float> a = x | Vector512.Create(-0f);
            Vector512<float> n = ExpReduce(a, out Vector512<float> r, out Vector512<float> shifted);
            Vector512<float> scale = PowerOfTwo(n, shifted);
            Vector512<float> y = MultiplyAdd(scale, ExpM1Poly(r), scale);
            return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(ExpUnderflowGuard)), Vector512<float>.Zero, y);
        }

        /// <summary>Splits a positive normal x into 2^k (1 + f) with 1 + f in [2/3, 4/3); returns k.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> LogReduce(Vector512<float> x, out Vector512<float> f)
        {
            Vector512<int> ix = x.AsInt32() - Vector512.Create(LogOffsetBits);
            f = ((ix & Vector512.Create(0x007FFFFF)) + Vector512.Create(LogOffsetBits)).AsSingle() - Vector512<float>.One;
            return Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(ix, 23));
        }

        /// <summary>k ln 2 + log1p(f) + c for |f| &lt;= 1/3 and a small correction c.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> LogCombine(Vector512<float> f, Vector512<float> k, Vector512<float> c)
        {
            // log1p(f) = f + f^2 P(f), P of degree 7 in Estrin form.
            Vector512<float> f2 = f * f;
            Vector512<float> f4 = f2 * f2;
            Vector512<float> p01 = MultiplyAdd(Vector512.Create(LogP1), f, Vector512.Create(LogP0));
            Vector512<float> p23 = MultiplyAdd(Vector512.Create(LogP3), f, Vector512.Create(LogP2));
            Vector512<float> p45 = MultiplyAdd(Vector512.Create(LogP5), f, Vector512.Create(LogP4));
            Vector512<float> p67 = MultiplyAdd(Vector512.Create(LogP7), f, Vector512.Create(LogP6));
            Vector512<float> p = MultiplyAdd(f4, MultiplyAdd(p67, f2, p45), MultiplyAdd(p23, f2, p01));
            Vector512<float> low = MultiplyAdd(f2, p, MultiplyAdd(k, Vector512.Create(Ln2Lo), c));
            return MultiplyAdd(k, Vector512.Create(Ln2Hi), f + low);
        }

        /// <summary>log1p(e) for e in [0, 1] (NaN for NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Log1pUnit(Vector512<float> e)
        {
            // u = 1 + e rounds; log1p(e) = log(u) + (e - (u - 1)) / u, the correction exact to first order.
            Vector512<float> u = Vector512<float>.One + e;
            Vector512<float> c = (e - (u - Vector512<float>.One)) / u;
            Vector512<float> k = LogReduce(u, out Vector512<float> f);
            return LogCombine(f, k, c);
        }

        /// <summary>v 2^n for integral n by two exact power-of-two products (any n; used where vscalefps is missing).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> ScaleBPortable(Vector512<float> v, Vector512<float> n)
        {
            Vector512<float> magic = Vector512.Create(RoundMagic);
            Vector512<float> nc = ClampLow(ClampHigh(n, Vector512.Create(129f)), Vector512.Create(-152f));
            Vector512<int> ni = (nc + magic).AsInt32() - magic.AsInt32();
            Vector512<int> half = Vector512.ShiftRightArithmetic(ni, 1);
            Vector512<int> bias = Vector512.Create(127);
            Vector512<float> s1 = Vector512.ShiftLeft(half + bias, 23).AsSingle();
            Vector512<float> s2 = Vector512.ShiftLeft(ni - half + bias, 23).AsSingle();
            return v * s1 * s2;
        }
    }
}
