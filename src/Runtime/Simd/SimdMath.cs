using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled
{
    /// <summary>
    /// The small vectorised math library that generated networks call: fused multiply-add, PyTorch's activation
    /// functions and the derivatives the backward pass needs, and horizontal "transpose-reduce" sums.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every function has overloads for <see cref="Vector128{T}"/>, <see cref="Vector256{T}"/> and
    /// <see cref="Vector512{T}"/> of <see cref="float"/>, and a scalar <see cref="float"/> overload computed through
    /// <see cref="Vector128{T}"/>, so on one machine every width and the scalar give the same bits for the same input
    /// (batch-1 and batched code agree exactly). Everything inlines, allocates nothing and never branches on data;
    /// hardware tests (<c>Fma.IsSupported</c>, <c>Avx512F.IsSupported</c>, <c>AdvSimd.IsSupported</c>, ...) are JIT-time
    /// constants with a portable fallback.
    /// </para>
    /// <para>
    /// Errors in the remarks are maxima against a double-precision reference over every third float in [-120, 120]
    /// (about 7e8 values; every float for exp, every fifth positive float for log) plus the edge values, measured on
    /// x86-64 with AVX-512 and FMA; an ulp is the spacing of floats at the exact result. Without FMA (pre-Haswell x86,
    /// the portable fallback) results differ by a few roundings and the test suite's bounds still hold. Latencies are
    /// the dependency chain's cycles on AVX-512 (FMA 4, add/multiply 3, divide about 11). Formulations aim at the
    /// shortest chain: FMA range reductions, Estrin-form polynomials, one division where one is needed,
    /// <c>vscalefps</c> on AVX-512.
    /// </para>
    /// </remarks>
    public static partial class SimdMath
    {
        // exp: n = round(x log2 e) by the 1.5 * 2^23 trick, r = x - n ln2 with Cody-Waite split ln2 (Ln2Hi has 9
        // significant bits so n * Ln2Hi is exact), expm1(r) = r + r^2 (c2 + ... + c6 r^4), a minimax fit of exp's
        // relative error on [-ln2/2, ln2/2] (3.1e-9 before rounding the coefficients to float).
        private const float RoundMagic = 12582912f;
        private const float Log2E = 1.44269504088896341f;
        private const float Ln2Hi = 0.693359375f;
        private const float Ln2Lo = -2.12194440e-4f;
        private const float ExpC2 = 4.999999404e-01f;
        private const float ExpC3 = 1.666652113e-01f;
        private const float ExpC4 = 4.166838899e-02f;
        private const float ExpC5 = 8.368710056e-03f;
        private const float ExpC6 = 1.381461276e-03f;

        // Above ExpOverflowGuard exp is +inf, below ExpUnderflowGuard it is +0 (both well past where the result already
        // rounds there: ln(float.MaxValue) = 88.7228, ln(2^-150) = -103.9721).
        private const float ExpOverflowGuard = 88.8f;
        private const float ExpUnderflowGuard = -104f;

        // log: x = 2^k (1 + f), 1 + f in [2/3, 4/3) via the bits of x - bits(2/3); log1p(f) = f + f^2 P(f), P of degree
        // 7, a minimax fit of the relative error on [-1/3, 1/3] (2.6e-8 before rounding).
        private const int LogOffsetBits = 0x3F2AAAAB;
        private const float MinNormal = 1.17549435e-38f;
        private const float LogP0 = -4.999993742e-01f;
        private const float LogP1 = 3.333319724e-01f;
        private const float LogP2 = -2.500782013e-01f;
        private const float LogP3 = 2.001116872e-01f;
        private const float LogP4 = -1.641596109e-01f;
        private const float LogP5 = 1.399580687e-01f;
        private const float LogP6 = -1.538853794e-01f;
        private const float LogP7 = 1.402636319e-01f;

        // tanh(x) = x P(x^2) / Q(x^2), a [9/8] rational fit of the relative error on [0, 9.02] (2.2e-8 before rounding).
        // TanhClamp is the smallest float where the evaluated rational is exactly 1 (with FMA); below it, it is below 1.
        // (The exact tanh rounds to 1 only from 9.01 on; clamping earlier costs at most 3.7 ulp, within the error bound.)
        private const float TanhClamp = 8.009709f;
        private const float TanhClampSquared = TanhClamp * TanhClamp;
        private const float TanhP1 = 1.338266581e-01f;
        private const float TanhP2 = 3.497432452e-03f;
        private const float TanhP3 = 2.063539614e-05f;
        private const float TanhP4 = 1.338368083e-08f;
        private const float TanhQ1 = 4.671598673e-01f;
        private const float TanhQ2 = 2.588426694e-02f;
        private const float TanhQ3 = 3.288475564e-04f;
        private const float TanhQ4 = 7.790002883e-07f;

        // GELU (tanh form): inner = beta (x + kappa x^3) = x (beta + beta kappa x^2).
        private const float GeluBeta = 0.797884560802865356f;
        private const float GeluBetaKappa = 0.797884560802865356f * 0.044715f;

        // Below -GeluSaturation tanh(inner) is exactly -1; there x is clamped (no effect) to keep -inf out of -inf * 0.
        private const float GeluSaturation = 10f;

        // Below -EluSaturation alpha * expm1(x) is exactly -alpha.
        private const float EluSaturation = 88f;

        private const float SoftplusThreshold = 20f;

        /// <summary>Fused multiply-add <c>a * b + c</c>.</summary>
        /// <param name="a">The first factor.</param>
        /// <param name="b">The second factor.</param>
        /// <param name="c">The addend.</param>
        /// <returns>
        /// <c>a * b + c</c> with a single rounding where the hardware has FMA (x86 FMA3 / AVX-512F, ARM64 AdvSimd); else
        /// <c>a * b</c> rounded, then <c>+ c</c> rounded (the same on every width of one machine).
        /// </returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float c) =>
            MultiplyAdd(Vector128.CreateScalar(a), Vector128.CreateScalar(b), Vector128.CreateScalar(c)).ToScalar();

        /// <summary>ReLU, <c>max(0, x)</c>, as <c>torch.relu</c>.</summary>
        /// <param name="x">The input.</param>
        /// <returns><c>x &gt; 0 ? x : 0</c>; NaN stays NaN. Exact.</returns>
        /// <remarks>On x86 one <c>maxps</c>; <c>relu(-0)</c> is -0 there (as PyTorch) and +0 on ARM64.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Relu(float x) => Relu(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>Leaky ReLU, <c>x &gt; 0 ? x : negativeSlope * x</c>, as <c>torch.nn.LeakyReLU</c>.</summary>
        /// <param name="x">The input.</param>
        /// <param name="negativeSlope">The slope for <c>x &lt;= 0</c> (PyTorch's default is 0.01).</param>
        /// <returns>The activation; NaN stays NaN. Correctly rounded (one product).</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float LeakyRelu(float x, float negativeSlope) => LeakyRelu(Vector128.CreateScalar(x), negativeSlope).ToScalar();

        /// <summary>ELU, <c>x &gt; 0 ? x : alpha * (exp(x) - 1)</c>, as <c>torch.nn.ELU</c>.</summary>
        /// <param name="x">The input.</param>
        /// <param name="alpha">The scale of the negative branch (PyTorch's default is 1).</param>
        /// <returns>The activation: -alpha at -inf, NaN for NaN.</returns>
        /// <remarks>
        /// The negative branch is an expm1 (<c>alpha 2^n expm1(r) + alpha (2^n - 1)</c>), so small negative x keep their
        /// relative accuracy. Measured: at most 1.6 ulp with alpha = 1, 1.9 ulp with alpha = 0.3.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Elu(float x, float alpha) => Elu(Vector128.CreateScalar(x), alpha).ToScalar();

        /// <summary>The exponential <c>e^x</c>.</summary>
        /// <param name="x">The exponent.</param>
        /// <returns>
        /// <c>e^x</c>: +inf from 88.7228 (ln float.MaxValue) on, gradual underflow to subnormals below -87.34 and +0 below
        /// -103.972; NaN for NaN.
        /// </returns>
        /// <remarks>
        /// Cody-Waite reduction, degree-6 minimax polynomial in Estrin form, scaling by <c>vscalefps</c> (AVX-512) or two
        /// exact power-of-two products: about 33 cycles of latency. Measured: at most 1.25 ulp (subnormal results: 0.8 ulp).
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Exp(float x) => Exp(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>The logistic sigmoid <c>1 / (1 + exp(-x))</c>, as <c>torch.sigmoid</c>.</summary>
        /// <param name="x">The input.</param>
        /// <returns>The sigmoid: exactly 0 at -inf (and below -103.97), exactly 1 from 16.7 on; NaN only for NaN.</returns>
        /// <remarks>
        /// Computed as <c>1 / (1 + e)</c> for x &gt;= 0 and <c>e / (1 + e)</c> for x &lt; 0 with <c>e = exp(-|x|)</c>, so it
        /// never overflows and keeps its relative accuracy in the left tail (down to subnormal results): about 46 cycles of
        /// latency. Measured: at most 2.4 ulp.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sigmoid(float x) => Sigmoid(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>The hyperbolic tangent, as <c>torch.tanh</c>.</summary>
        /// <param name="x">The input.</param>
        /// <returns>tanh(x): exactly +-1 for |x| &gt;= 8.009709 and never beyond, exactly x for |x| &lt; 1e-5; NaN for NaN.</returns>
        /// <remarks>
        /// A [9/8] rational minimax approximation <c>x P(x^2) / Q(x^2)</c> with <c>P(0) = Q(0) = 1</c> on a clamped
        /// argument (no exp): about 28 cycles of latency. Measured: at most 5.1 ulp (3.1e-7 relative); 1.5 ulp for
        /// |x| &lt; 0.01.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Tanh(float x) => Tanh(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>Softplus <c>log(1 + exp(x))</c>, and x itself above 20, as <c>torch.nn.Softplus</c> (beta 1, threshold 20).</summary>
        /// <param name="x">The input.</param>
        /// <returns>The activation: +0 at -inf, +inf at +inf, NaN for NaN.</returns>
        /// <remarks>
        /// Computed as <c>max(x, 0) + log1p(exp(-|x|))</c> with a corrected log1p, so very negative x give
        /// <c>exp(x)</c> to full relative accuracy. Measured: at most 1.9 ulp.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Softplus(float x) => Softplus(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>The derivative of <see cref="Softplus(float)"/> at the pre-activation z, as PyTorch's softplus backward.</summary>
        /// <param name="z">The pre-activation.</param>
        /// <returns>
        /// <c>sigmoid(z)</c>, which is exactly 1 from 16.7 on, so also 1 above the threshold 20 as PyTorch's
        /// <c>z &gt; 20 ? 1 : sigmoid(z)</c>. Same bits as <see cref="Sigmoid(float)"/>.
        /// </returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float SoftplusDerivative(float z) => SoftplusDerivative(Vector128.CreateScalar(z)).ToScalar();

        /// <summary>SiLU (swish) <c>x * sigmoid(x)</c>, as <c>torch.nn.SiLU</c>.</summary>
        /// <param name="x">The input.</param>
        /// <returns>The activation: -0 at -inf (PyTorch's <c>x / (1 + exp(-x))</c> gives NaN there), +inf at +inf, NaN for NaN.</returns>
        /// <remarks>
        /// Computed as <c>x / (1 + e)</c> for x &gt;= 0 and <c>x e / (1 + e)</c> for x &lt; 0 with <c>e = exp(-|x|)</c>.
        /// Measured: at most 3.3 ulp for x &gt;= -87; below, where exp(x) is subnormal, within 1.1e-43 absolute.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Silu(float x) => Silu(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>The derivative of <see cref="Silu(float)"/> at the pre-activation z, as PyTorch's silu backward.</summary>
        /// <param name="z">The pre-activation.</param>
        /// <returns><c>s (1 + z (1 - s))</c> with <c>s = sigmoid(z)</c>: 1 at +inf, -0 at -inf, NaN for NaN.</returns>
        /// <remarks>
        /// <c>s</c> and <c>1 - s</c> are both computed without cancellation. Measured: at most 4.4 ulp of the larger of
        /// <c>s</c> and <c>|z s (1 - s)|</c> (the result itself crosses 0 near z = -1.278); within 1.1e-43 below -87.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float SiluDerivative(float z) => SiluDerivative(Vector128.CreateScalar(z)).ToScalar();

        /// <summary>
        /// GELU, tanh approximation, <c>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))</c>, as
        /// <c>torch.nn.GELU(approximate='tanh')</c>.
        /// </summary>
        /// <param name="x">The input.</param>
        /// <returns>The activation: 0 at -inf (PyTorch gives NaN there), +inf at +inf, NaN for NaN.</returns>
        /// <remarks>
        /// Evaluated as PyTorch's formula, with <see cref="Tanh(float)"/> and one FMA <c>0.5x t + 0.5x</c> (about 42 cycles
        /// of latency). Like PyTorch's, it loses relative accuracy in the left tail where <c>1 + tanh</c> cancels.
        /// Measured: at most 2.5 ulp for x &gt;= 0, 5.9 ulp on [-1, 0]; everywhere within 4.3 ulp of <c>0.5 |x|</c>.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Gelu(float x) => Gelu(Vector128.CreateScalar(x)).ToScalar();

        /// <summary>The derivative of <see cref="Gelu(float)"/> at the pre-activation z, as PyTorch's gelu backward (tanh).</summary>
        /// <param name="z">The pre-activation.</param>
        /// <returns>
        /// <c>0.5 (1 + t) + 0.5 z (1 - t^2) beta (1 + 3 kappa z^2)</c> with <c>beta = sqrt(2/pi)</c>,
        /// <c>kappa = 0.044715</c>, <c>t = tanh(beta (z + kappa z^3))</c>: 1 at +inf, 0 at -inf, NaN for NaN.
        /// </returns>
        /// <remarks>
        /// PyTorch's formula in float, with <see cref="Tanh(float)"/>: about 46 cycles of latency. Measured: at most 2.6 ulp
        /// of its largest term for |z| &lt;= 1; for 1 &lt; |z| &lt; 10 the factor <c>1 - t^2</c> amplifies tanh's error
        /// near +-1 (as in PyTorch's float formula) to at most 62 ulp of the largest term, 3.7e-6 absolute.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float GeluDerivative(float z) => GeluDerivative(Vector128.CreateScalar(z)).ToScalar();

        /// <summary>The natural logarithm, for losses.</summary>
        /// <param name="x">The argument.</param>
        /// <returns><c>ln x</c>: -inf for +-0, +inf for +inf, NaN for negative x and NaN; subnormals are handled.</returns>
        /// <remarks>
        /// <c>x = 2^k (1 + f)</c> by integer operations, <c>log1p(f)</c> by a degree-9 minimax polynomial in Estrin form.
        /// Measured: at most 1.3 ulp, subnormal arguments included.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Log(float x) => Log(Vector128.CreateScalar(x)).ToScalar();
    }
}
