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
        public static Vector128<float> Relu(Vector128<float> x) => ClampLow(x, Vector128<float>.Zero);

        /// <inheritdoc cref="LeakyRelu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> LeakyRelu(Vector128<float> x, float negativeSlope) =>
            Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * negativeSlope);

        /// <inheritdoc cref="Exp(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Exp(Vector128<float> x)
        {
            Vector128<float> n = ExpReduce(x, out Vector128<float> r, out _);
            Vector128<float> y = ScaleB(ExpM1Poly(r) + Vector128<float>.One, n);

            // Infinite and far out-of-range arguments: +inf above, +0 below (NaN compares false and falls through).
            Vector128<float> outside = Vector128.GreaterThan(x, Vector128.Create(ExpOverflowGuard))
                | Vector128.LessThan(x, Vector128.Create(ExpUnderflowGuard));
            Vector128<float> limit = Vector128.ConditionalSelect(
                Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128.Create(float.PositiveInfinity), Vector128<float>.Zero);
            return Vector128.ConditionalSelect(outside, limit, y);
        }

        /// <inheritdoc cref="Sigmoid(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sigmoid(Vector128<float> x)
        {
            // e = exp(-|x|) never overflows; x >= 0: 1 / (1 + e), x < 0: e / (1 + e), both relatively accurate.
            Vector128<float> e = ExpNegAbs(x);
            Vector128<float> num = Vector128.ConditionalSelect(
                Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), Vector128<float>.One, e);
            return num / (Vector128<float>.One + e);
        }

        /// <inheritdoc cref="Tanh(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Tanh(Vector128<float> x)
        {
            // tanh(x) = x P(x^2) / Q(x^2) with P(0) = Q(0) = 1, a [9/8] minimax rational fit of tanh's relative error on
            // [0, 9.02]; |x| is clamped at TanhClamp, the first float where the rational (with FMA) gives exactly 1.
            Vector128<float> s = ClampHigh(x * x, Vector128.Create(TanhClampSquared));
            Vector128<float> xc = ClampLow(ClampHigh(x, Vector128.Create(TanhClamp)), Vector128.Create(-TanhClamp));
            Vector128<float> s2 = s * s;
            Vector128<float> num = MultiplyAdd(
                xc * s2,
                MultiplyAdd(Vector128.Create(TanhP4), s2, MultiplyAdd(Vector128.Create(TanhP3), s, Vector128.Create(TanhP2))),
                MultiplyAdd(xc * s, Vector128.Create(TanhP1), xc));
            Vector128<float> den = MultiplyAdd(
                s2,
                MultiplyAdd(Vector128.Create(TanhQ4), s2, MultiplyAdd(Vector128.Create(TanhQ3), s, Vector128.Create(TanhQ2))),
                MultiplyAdd(Vector128.Create(TanhQ1), s, Vector128<float>.One));
            Vector128<float> t = num / den;
            if (!MultiplyAddIsFused)
            {
                // Rounded separately, the rational may end a little off 1 at the clamp or above 1 below it: saturate
                // explicitly (a JIT-time branch; with FMA the clamp alone gives exactly +-1 and never exceeds 1).
                Vector128<float> one = (x & Vector128.Create(-0f)) | Vector128<float>.One;
                t = Vector128.ConditionalSelect(
                    Vector128.GreaterThanOrEqual(Vector128.Abs(x), Vector128.Create(TanhClamp)),
                    one,
                    ClampLow(ClampHigh(t, Vector128<float>.One), -Vector128<float>.One));
            }

            return t;
        }

        /// <inheritdoc cref="Elu(float, float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Elu(Vector128<float> x, float alpha)
        {
            // alpha * expm1(x) = (alpha 2^n) expm1(r) + (alpha 2^n - alpha): exact r + r^2 Q(r) near 0, one rounding.
            Vector128<float> n = ExpReduce(x, out Vector128<float> r, out _);
            Vector128<float> a = Vector128.Create(alpha);
            Vector128<float> scaled = ScaleB(a, n);
            Vector128<float> neg = MultiplyAdd(scaled, ExpM1Poly(r), scaled - a);

            Vector128<float> positive = Vector128.GreaterThan(x, Vector128<float>.Zero);
            Vector128<float> fixedLane = positive | Vector128.LessThan(x, Vector128.Create(-EluSaturation));
            return Vector128.ConditionalSelect(fixedLane, Vector128.ConditionalSelect(positive, x, -a), neg);
        }

        /// <inheritdoc cref="Softplus(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Softplus(Vector128<float> x)
        {
            // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)).
            Vector128<float> value = ClampLow(x, Vector128<float>.Zero) + Log1pUnit(ExpNegAbs(x));
            return Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(SoftplusThreshold)), x, value);
        }

        /// <inheritdoc cref="SoftplusDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> SoftplusDerivative(Vector128<float> z) => Sigmoid(z);

        /// <inheritdoc cref="Silu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Silu(Vector128<float> x)
        {
            // x >= 0: x / (1 + e), x < 0: x e / (1 + e), e = exp(-|x|); x is clamped in x e so that silu(-inf) = -0.
            Vector128<float> e = ExpNegAbs(x);
            Vector128<float> num = Vector128.ConditionalSelect(
                Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), x, ClampLow(x, Vector128.Create(ExpUnderflowGuard)) * e);
            return num / (Vector128<float>.One + e);
        }

        /// <inheritdoc cref="SiluDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> SiluDerivative(Vector128<float> z)
        {
            // s (1 + z (1 - s)) with s and 1 - s both computed without cancellation from e = exp(-|z|).
            Vector128<float> e = ExpNegAbs(z);
            Vector128<float> d = Vector128<float>.One + e;
            Vector128<float> nonNegative = Vector128.GreaterThanOrEqual(z, Vector128<float>.Zero);
            Vector128<float> s = Vector128.ConditionalSelect(nonNegative, Vector128<float>.One, e) / d;
            Vector128<float> oneMinusS = Vector128.ConditionalSelect(nonNegative, e, Vector128<float>.One) / d;
            Vector128<float> zc = ClampLow(ClampHigh(z, Vector128.Create(-ExpUnderflowGuard)), Vector128.Create(ExpUnderflowGuard));
            return s * MultiplyAdd(zc, oneMinusS, Vector128<float>.One);
        }

        /// <inheritdoc cref="Gelu(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Gelu(Vector128<float> x)
        {
            // 0.5 x (1 + t) = fma(0.5 x, t, 0.5 x); below -GeluSaturation t is exactly -1, so clamping x there only turns
            // gelu(-inf) into 0 instead of -inf * 0 = NaN.
            Vector128<float> t = Tanh(x * MultiplyAdd(x * x, Vector128.Create(GeluBetaKappa), Vector128.Create(GeluBeta)));
            Vector128<float> half = ClampLow(x, Vector128.Create(-GeluSaturation)) * 0.5f;
            return MultiplyAdd(half, t, half);
        }

        /// <inheritdoc cref="GeluDerivative(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> GeluDerivative(Vector128<float> z)
        {
            // 0.5 (1 + t) - [-0.5 z beta (1 + 3 kappa z^2)] (t^2 - 1); z is clamped in the second factor (where t = +-1
            // exactly, so it changes nothing) to keep infinities out of inf * 0.
            Vector128<float> t = Tanh(z * MultiplyAdd(z * z, Vector128.Create(GeluBetaKappa), Vector128.Create(GeluBeta)));
            Vector128<float> zc = ClampLow(ClampHigh(z, Vector128.Create(GeluSaturation)), Vector128.Create(-GeluSaturation));
            Vector128<float> negFactor = zc * MultiplyAdd(zc * zc, Vector128.Create(-1.5f * GeluBetaKappa), Vector128.Create(-0.5f * GeluBeta));
            Vector128<float> half = MultiplyAdd(t, Vector128.Create(0.5f), Vector128.Create(0.5f));
            return MultiplyAdd(negFactor, MultiplyAdd(t, t, Vector128.Create(-1f)), half);
        }

        /// <inheritdoc cref="Log(float)"/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Log(Vector128<float> x)
        {
            // Subnormals are scaled by 2^23 first; then x = 2^k m, m in [2/3, 4/3), log x = k ln 2 + log1p(m - 1).
            Vector128<float> subnormal = Vector128.LessThan(x, Vector128.Create(MinNormal));
            Vector128<float> xs = Vector128.ConditionalSelect(subnormal, x * 8388608f, x);
            Vector128<float> k = LogReduce(xs, out Vector128<float> f) - (subnormal & Vector128.Create(23f));
            Vector128<float> value = LogCombine(f, k, Vector128<float>.Zero);

            Vector128<float> inf = Vector128.Create(float.PositiveInfinity);
            Vector128<float> finitePositive = Vector128.GreaterThan(x, Vector128<float>.Zero) & Vector128.LessThan(x, inf);
            Vector128<float> special = Vector128.ConditionalSelect(
                Vector128.Equals(x, Vector128<float>.Zero), -inf,
                Vector128.ConditionalSelect(Vector128.Equals(x, inf), inf, Vector128.Create(float.NaN)));
            return Vector128.ConditionalSelect(finitePositive, value, special);
        }

        /// <summary>
        /// n = round(x / ln 2) and r = x - n ln 2 (Cody-Waite, two FMAs); <paramref name="shifted"/> is n + RoundMagic, whose
        /// bits are RoundMagic's plus n.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ExpReduce(Vector128<float> x, out Vector128<float> r, out Vector128<float> shifted)
        {
            Vector128<float> magic = Vector128.Create(RoundMagic);
            shifted = MultiplyAdd(x, Vector128.Create(Log2E), magic);
            Vector128<float> n = shifted - magic;
            r = MultiplyAdd(n, Vector128.Create(-Ln2Hi), x);
            r = MultiplyAdd(n, Vector128.Create(-Ln2Lo), r);
            return n;
        }

        /// <summary>expm1(r) = r + r^2 (c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4) for |r| &lt;= ln2 / 2, in Estrin form.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ExpM1Poly(Vector128<float> r)
        {
            Vector128<float> r2 = r * r;
            Vector128<float> high = MultiplyAdd(Vector128.Create(ExpC6), r2, MultiplyAdd(Vector128.Create(ExpC5), r, Vector128.Create(ExpC4)));
            Vector128<float> low = MultiplyAdd(r2, MultiplyAdd(Vector128.Create(ExpC3), r, Vector128.Create(ExpC2)), r);
            return MultiplyAdd(r2 * r2, high, low);
        }

        /// <summary>exp(-|x|): +0 for |x| beyond the underflow guard (and infinities), NaN for NaN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ExpNegAbs(Vector128<float> x)
        {
            // n <= 0, so 2^n is a float (+0 for n = -150 only, which loses 2^-149 results between -103.97 and -103.63):
            // 2^n + 2^n expm1(r) in one FMA is 3 cycles shorter than scaling 1 + expm1(r), and rounds once.
            Vector128<float> a = x | Vector128.Create(-0f);
            Vector128<float> n = ExpReduce(a, out Vector128<float> r, out Vector128<float> shifted);
            Vector128<float> scale = PowerOfTwo(n, shifted);
            Vector128<float> y = MultiplyAdd(scale, ExpM1Poly(r), scale);
            return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(ExpUnderflowGuard)), Vector128<float>.Zero, y);
        }

        /// <summary>Splits a positive normal x into 2^k (1 + f) with 1 + f in [2/3, 4/3); returns k.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> LogReduce(Vector128<float> x, out Vector128<float> f)
        {
            Vector128<int> ix = x.AsInt32() - Vector128.Create(LogOffsetBits);
            f = ((ix & Vector128.Create(0x007FFFFF)) + Vector128.Create(LogOffsetBits)).AsSingle() - Vector128<float>.One;
            return Vector128.ConvertToSingle(Vector128.ShiftRightArithmetic(ix, 23));
        }

        /// <summary>k ln 2 + log1p(f) + c for |f| &lt;= 1/3 and a small correction c.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> LogCombine(Vector128<float> f, Vector128<float> k, Vector128<float> c)
        {
            // log1p(f) = f + f^2 P(f), P of degree 7 in Estrin form.
            Vector128<float> f2 = f * f;
            Vector128<float> f4 = f2 * f2;
            Vector128<float> p01 = MultiplyAdd(Vector128.Create(LogP1), f, Vector128.Create(LogP0));
            Vector128<float> p23 = MultiplyAdd(Vector128.Create(LogP3), f, Vector128.Create(LogP2));
            Vector128<float> p45 = MultiplyAdd(Vector128.Create(LogP5), f, Vector128.Create(LogP4));
            Vector128<float> p67 = MultiplyAdd(Vector128.Create(LogP7), f, Vector128.Create(LogP6));
            Vector128<float> p = MultiplyAdd(f4, MultiplyAdd(p67, f2, p45), MultiplyAdd(p23, f2, p01));
            Vector128<float> low = MultiplyAdd(f2, p, MultiplyAdd(k, Vector128.Create(Ln2Lo), c));
            return MultiplyAdd(k, Vector128.Create(Ln2Hi), f + low);
        }

        /// <summary>log1p(e) for e in [0, 1] (NaN for NaN).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Log1pUnit(Vector128<float> e)
        {
            // u = 1 + e rounds; log1p(e) = log(u) + (e - (u - 1)) / u, the correction exact to first order.
            Vector128<float> u = Vector128<float>.One + e;
            Vector128<float> c = (e - (u - Vector128<float>.One)) / u;
            Vector128<float> k = LogReduce(u, out Vector128<float> f);
            return LogCombine(f, k, c);
        }

        /// <summary>v 2^n for integral n by two exact power-of-two products (any n; used where vscalefps is missing).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> ScaleBPortable(Vector128<float> v, Vector128<float> n)
        {
            Vector128<float> magic = Vector128.Create(RoundMagic);
            Vector128<float> nc = ClampLow(ClampHigh(n, Vector128.Create(129f)), Vector128.Create(-152f));
            Vector128<int> ni = (nc + magic).AsInt32() - magic.AsInt32();
            Vector128<int> half = Vector128.ShiftRightArithmetic(ni, 1);
            Vector128<int> bias = Vector128.Create(127);
            Vector128<float> s1 = Vector128.ShiftLeft(half + bias, 23).AsSingle();
            Vector128<float> s2 = Vector128.ShiftLeft(ni - half + bias, 23).AsSingle();
            return v * s1 * s2;
        }
    }
}
