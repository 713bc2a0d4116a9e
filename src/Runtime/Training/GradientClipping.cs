using System;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Compiled.Training
{
    /// <summary>
    /// Gradient clipping with PyTorch's semantics: <see cref="ClipByNorm(Span{float}, float, float, bool)"/> is
    /// <c>torch.nn.utils.clip_grad_norm_</c> and <see cref="ClipByValue(Span{float}, float)"/> is
    /// <c>torch.nn.utils.clip_grad_value_</c>. Call them between the backward pass and the optimizer step, or set
    /// <see cref="TrainerOptions.ClipGradientNorm"/> or <see cref="TrainerOptions.ClipGradientValue"/> and the
    /// <see cref="Trainer"/> does it on every batch.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every method is one or two vectorised passes over the gradients (<see cref="Vector{T}"/>) and allocates nothing.
    /// The results do not depend on the vector width except for the last bits of the double-precision sum behind a
    /// 1- or 2-norm, which is rounded to <see cref="float"/> afterwards.
    /// </para>
    /// <para>
    /// The <see cref="Optimizers.Optimizer.L1"/> and <see cref="Optimizers.Optimizer.L2"/> penalties and every
    /// optimizer's weight decay are added to the gradient inside <see cref="Optimizers.Optimizer.Step(INetwork)"/>, so
    /// clipping before the step clips the loss gradient alone, as in PyTorch, where <c>weight_decay</c> is applied inside
    /// <c>optimizer.step()</c> after <c>clip_grad_norm_</c>. (A PyTorch loop that adds an L1 term to the loss instead
    /// clips that term's gradient too.)
    /// </para>
    /// </remarks>
    public static class GradientClipping
    {
        /// <summary>PyTorch's <c>1e-6</c> in <c>max_norm / (total_norm + 1e-6)</c>, as the float32 it becomes there.</summary>
        private const float NormEpsilon = 1e-6f;

        /// <summary>The bits of <see cref="float.PositiveInfinity"/>; any larger magnitude is a NaN.</summary>
        private const int InfinityBits = 0x7F800000;

        /// <summary>
        /// Scales <paramref name="gradients"/> in place so that their total norm is at most about
        /// <paramref name="maxNorm"/>, exactly as <c>torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type,
        /// error_if_nonfinite)</c> does, and returns the total norm before clipping.
        /// </summary>
        /// <param name="gradients">The gradients, clipped in place (for example a network's <see cref="INetwork.Gradients"/>).</param>
        /// <param name="maxNorm">The largest total norm to allow (<c>max_norm</c>); &gt;= 0, or +infinity to only measure the norm (as PyTorch allows).</param>
        /// <param name="normType">
        /// The order <c>p</c> of the norm (<c>norm_type</c>): any positive finite number, or
        /// <see cref="float.PositiveInfinity"/> for the largest absolute value. Defaults to 2.
        /// </param>
        /// <param name="errorIfNonFinite">
        /// <see langword="true"/> to throw, leaving the gradients unchanged, when the total norm is NaN or infinite
        /// (<c>error_if_nonfinite=True</c>); <see langword="false"/> (the default, as in PyTorch) to scale by it anyway.
        /// </param>
        /// <returns>The total norm of the gradients before clipping (PyTorch's return value), NaN or +infinity included.</returns>
        /// <remarks>
        /// <para>
        /// The total norm is that of all the gradients taken as one vector: <c>(sum |g|^p)^(1/p)</c>, or <c>max |g|</c>
        /// for an infinite <paramref name="normType"/>. The sum is accumulated in double precision (each <c>|g|</c> and
        /// <c>g^2</c> is exact there) in one pass, then rounded to <see cref="float"/>. PyTorch takes the norm of each
        /// parameter tensor, rounds it to float32, then takes the norm of those norms, so its total can differ from
        /// this one in the last bit. The 1-, 2- and infinity-norms are vectorised; other orders are a scalar loop over
        /// <see cref="Math.Pow(double, double)"/> (without rescaling, as in PyTorch, so a large order can overflow).
        /// </para>
        /// <para>
        /// The clipping coefficient is computed in float32 exactly as PyTorch evaluates
        /// <c>clip_coef = max_norm / (total_norm + 1e-6)</c> on a float32 tensor (<c>Tensor.__rtruediv__</c> is
        /// <c>reciprocal() * other</c>): <c>coef = (1 / (totalNorm + 1e-6f)) * maxNorm</c>, then clamped to at most 1
        /// (<c>torch.clamp(clip_coef, max=1.0)</c>, which keeps a NaN), and every gradient is multiplied by it. So the
        /// gradients are unchanged when the norm is below the maximum (by more than about 1e-6), and already scaled by
        /// about <c>1 - 1e-6 / maxNorm</c> when it equals it, as in PyTorch. (Multiplying by exactly 1 changes no float,
        /// so that multiplication is skipped.)
        /// </para>
        /// <para>
        /// A non-finite total norm, with <paramref name="errorIfNonFinite"/> <see langword="false"/>, is handled as
        /// PyTorch handles it: a NaN norm (some gradient is NaN) gives a NaN coefficient, so every gradient becomes NaN;
        /// an infinite norm (some gradient is infinite, or finite gradients whose norm exceeds
        /// <see cref="float.MaxValue"/>) gives a coefficient of 0, so finite gradients become zero and infinite ones NaN.
        /// The returned norm is that NaN or +infinity.
        /// </para>
        /// </remarks>
        /// <exception cref="ArgumentOutOfRangeException">
        /// <paramref name="maxNorm"/> is negative or NaN, or <paramref name="normType"/> is not positive or is NaN.
        /// </exception>
        /// <exception cref="NotFiniteNumberException">
        /// <paramref name="errorIfNonFinite"/> is <see langword="true"/> and the total norm is NaN or infinite
        /// (<see cref="NotFiniteNumberException.OffendingNumber"/>); the gradients are unchanged.
        /// </exception>
        public static float ClipByNorm(Span<float> gradients, float maxNorm, float normType = 2f, bool errorIfNonFinite = false)
        {
            CheckMaxNorm(maxNorm, nameof(maxNorm));
            CheckNormType(normType, nameof(normType));
            float totalNorm = TotalNorm(gradients, normType);
            if (errorIfNonFinite && !float.IsFinite(totalNorm))
            {
                throw new NotFiniteNumberException(
                    $"The total {Describe(normType)}-norm of the gradients is {(float.IsNaN(totalNorm) ? "NaN" : "+infinity")}, so they cannot be clipped; they were left unchanged. "
                    + "Pass errorIfNonFinite: false to scale them by the non-finite norm anyway, as PyTorch's clip_grad_norm_ does by default.",
                    totalNorm);
            }

            float coefficient = ClipCoefficient(totalNorm, maxNorm);
            if (coefficient != 1f)
            {
                Scale(gradients, coefficient);
            }

            return totalNorm;
        }

        /// <summary>
        /// Clips a network's accumulated gradients (<see cref="INetwork.Gradients"/>) by their total norm, as
        /// <c>torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm, norm_type, error_if_nonfinite)</c>: see
        /// <see cref="ClipByNorm(Span{float}, float, float, bool)"/>.
        /// </summary>
        /// <param name="network">The network whose gradients are clipped in place.</param>
        /// <param name="maxNorm">The largest total norm to allow (<c>max_norm</c>); &gt;= 0, or +infinity to only measure the norm (as PyTorch allows).</param>
        /// <param name="normType">The order of the norm, positive, or <see cref="float.PositiveInfinity"/>; defaults to 2.</param>
        /// <param name="errorIfNonFinite">Whether to throw, leaving the gradients unchanged, when the total norm is NaN or infinite.</param>
        /// <returns>The total norm of the gradients before clipping.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException">
        /// <paramref name="maxNorm"/> is negative or NaN, or <paramref name="normType"/> is not positive or is NaN.
        /// </exception>
        /// <exception cref="NotFiniteNumberException"><paramref name="errorIfNonFinite"/> is <see langword="true"/> and the total norm is NaN or infinite.</exception>
        public static float ClipByNorm(INetwork network, float maxNorm, float normType = 2f, bool errorIfNonFinite = false)
        {
            ArgumentNullException.ThrowIfNull(network);
            return ClipByNorm(network.Gradients, maxNorm, normType, errorIfNonFinite);
        }

        /// <summary>
        /// Clamps every gradient to <c>[-clipValue, clipValue]</c> in place, as
        /// <c>torch.nn.utils.clip_grad_value_(parameters, clip_value)</c> does. A NaN gradient stays NaN (as with
        /// <c>torch.clamp</c>); an infinite one becomes <c>±clipValue</c>.
        /// </summary>
        /// <param name="gradients">The gradients, clamped in place.</param>
        /// <param name="clipValue">The largest magnitude to allow (<c>clip_value</c>); finite and &gt;= 0.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative, infinite or NaN.</exception>
        public static void ClipByValue(Span<float> gradients, float clipValue)
        {
            CheckClipValue(clipValue, nameof(clipValue));
            float high = clipValue;
            float low = -clipValue;
            int i = 0;
            if (Vector.IsHardwareAccelerated && gradients.Length >= Vector<float>.Count)
            {
                ref float start = ref MemoryMarshal.GetReference(gradients);
                var highs = new Vector<float>(high);
                var lows = new Vector<float>(low);
                int last = gradients.Length - Vector<float>.Count;
                for (; i <= last; i += Vector<float>.Count)
                {
                    // Compare-and-select rather than Min/Max, whose NaN handling is the hardware's: a NaN fails both
                    // comparisons and is kept.
                    Vector<float> g = Vector.LoadUnsafe(ref start, (nuint)i);
                    g = Vector.ConditionalSelect(Vector.LessThan(g, lows), lows, g);
                    g = Vector.ConditionalSelect(Vector.GreaterThan(g, highs), highs, g);
                    g.StoreUnsafe(ref start, (nuint)i);
                }
            }

            for (; i < gradients.Length; i++)
            {
                float g = gradients[i];
                if (g < low)
                {
                    gradients[i] = low;
                }
                else if (g > high)
                {
                    gradients[i] = high;
                }
            }
        }

        /// <summary>
        /// Clamps a network's accumulated gradients (<see cref="INetwork.Gradients"/>) to <c>[-clipValue, clipValue]</c>,
        /// as <c>torch.nn.utils.clip_grad_value_(model.parameters(), clip_value)</c>: see
        /// <see cref="ClipByValue(Span{float}, float)"/>.
        /// </summary>
        /// <param name="network">The network whose gradients are clamped in place.</param>
        /// <param name="clipValue">The largest magnitude to allow; finite and &gt;= 0.</param>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative, infinite or NaN.</exception>
        public static void ClipByValue(INetwork network, float clipValue)
        {
            ArgumentNullException.ThrowIfNull(network);
            ClipByValue(network.Gradients, clipValue);
        }

        /// <summary>Requires a finite maximum norm <c>&gt;= 0</c>.</summary>
        internal static void CheckMaxNorm(float value, string parameterName)
        {
            if (float.IsNaN(value) || value < 0f)
            {
                throw new ArgumentOutOfRangeException(parameterName, value, "The maximum gradient norm must be >= 0 (+infinity only measures the norm).");
            }
        }

        /// <summary>Requires a positive norm order (+infinity included; NaN refused).</summary>
        internal static void CheckNormType(float value, string parameterName)
        {
            if (!(value > 0f))
            {
                throw new ArgumentOutOfRangeException(parameterName, value, "The norm type must be positive: a finite order p, or float.PositiveInfinity for the largest absolute value.");
            }
        }

        /// <summary>Requires a finite clip value <c>&gt;= 0</c>.</summary>
        internal static void CheckClipValue(float value, string parameterName)
        {
            if (!float.IsFinite(value) || value < 0f)
            {
                throw new ArgumentOutOfRangeException(parameterName, value, "The gradient clip value must be finite and >= 0.");
            }
        }

        /// <summary>
        /// The total <paramref name="normType"/>-norm of <paramref name="values"/> as one vector, accumulated in double
        /// precision and rounded to float; NaN if any value is NaN.
        /// </summary>
        internal static float TotalNorm(ReadOnlySpan<float> values, float normType)
        {
            if (normType == 2f)
            {
                return (float)Math.Sqrt(SumOfSquares(values));
            }

            if (normType == 1f)
            {
                return (float)SumOfAbsoluteValues(values);
            }

            if (float.IsPositiveInfinity(normType))
            {
                return MaxAbsoluteValue(values);
            }

            double p = normType;
            double sum = 0;
            for (int i = 0; i < values.Length; i++)
            {
                sum += Math.Pow(Math.Abs((double)values[i]), p);
            }

            return (float)Math.Pow(sum, 1d / p);
        }

        /// <summary>
        /// PyTorch's <c>torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)</c> on float32 tensors, where the division
        /// of a number by a tensor is <c>tensor.reciprocal() * number</c>. NaN stays NaN.
        /// </summary>
        internal static float ClipCoefficient(float totalNorm, float maxNorm)
        {
            float coefficient = (1f / (totalNorm + NormEpsilon)) * maxNorm;
            return coefficient < 1f || float.IsNaN(coefficient) ? coefficient : 1f;
        }

        private static double SumOfSquares(ReadOnlySpan<float> values)
        {
            int i = 0;
            double sum = 0;
            int count = Vector<float>.Count;
            if (Vector.IsHardwareAccelerated && values.Length >= count)
            {
                // A float squared is exact in double (24 + 24 significant bits), so only the additions round.
                ref float start = ref MemoryMarshal.GetReference(values);
                Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, a2 = Vector<double>.Zero, a3 = Vector<double>.Zero;
                for (; i <= values.Length - (2 * count); i += 2 * count)
                {
                    Vector.Widen(Vector.LoadUnsafe(ref start, (nuint)i), out Vector<double> low0, out Vector<double> high0);
                    Vector.Widen(Vector.LoadUnsafe(ref start, (nuint)(i + count)), out Vector<double> low1, out Vector<double> high1);
                    a0 += low0 * low0;
                    a1 += high0 * high0;
                    a2 += low1 * low1;
                    a3 += high1 * high1;
                }

                if (i <= values.Length - count)
                {
                    Vector.Widen(Vector.LoadUnsafe(ref start, (nuint)i), out Vector<double> low, out Vector<double> high);
                    a0 += low * low;
                    a1 += high * high;
                    i += count;
                }

                sum = Vector.Sum((a0 + a1) + (a2 + a3));
            }

            for (; i < values.Length; i++)
            {
                double v = values[i];
                sum += v * v;
            }

            return sum;
        }

        private static double SumOfAbsoluteValues(ReadOnlySpan<float> values)
        {
            int i = 0;
            double sum = 0;
            int count = Vector<float>.Count;
            if (Vector.IsHardwareAccelerated && values.Length >= count)
            {
                ref float start = ref MemoryMarshal.GetReference(values);
                Vector<double> a0 = Vector<double>.Zero, a1 = Vector<double>.Zero, a2 = Vector<double>.Zero, a3 = Vector<double>.Zero;
                for (; i <= values.Length - (2 * count); i += 2 * count)
                {
                    Vector.Widen(Vector.Abs(Vector.LoadUnsafe(ref start, (nuint)i)), out Vector<double> low0, out Vector<double> high0);
                    Vector.Widen(Vector.Abs(Vector.LoadUnsafe(ref start, (nuint)(i + count))), out Vector<double> low1, out Vector<double> high1);
                    a0 += low0;
                    a1 += high0;
                    a2 += low1;
                    a3 += high1;
                }

                if (i <= values.Length - count)
                {
                    Vector.Widen(Vector.Abs(Vector.LoadUnsafe(ref start, (nuint)i)), out Vector<double> low, out Vector<double> high);
                    a0 += low;
                    a1 += high;
                    i += count;
                }

                sum = Vector.Sum((a0 + a1) + (a2 + a3));
            }

            for (; i < values.Length; i++)
            {
                sum += Math.Abs((double)values[i]);
            }

            return sum;
        }

        /// <summary>
        /// The largest <c>|v|</c>, found on the bit patterns: with the sign cleared, a float's bits order as its magnitude
        /// does, and every NaN lies above +infinity, so a NaN anywhere makes the result NaN (as PyTorch's
        /// <c>abs().max()</c>). Exact, so the vector width cannot change it.
        /// </summary>
        private static float MaxAbsoluteValue(ReadOnlySpan<float> values)
        {
            ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(values);
            int max = 0;
            int i = 0;
            if (Vector.IsHardwareAccelerated && bits.Length >= Vector<int>.Count)
            {
                ref int start = ref MemoryMarshal.GetReference(bits);
                var magnitude = new Vector<int>(int.MaxValue);
                Vector<int> m0 = Vector<int>.Zero, m1 = Vector<int>.Zero;
                int count = Vector<int>.Count;
                for (; i <= bits.Length - (2 * count); i += 2 * count)
                {
                    m0 = Vector.Max(m0, Vector.LoadUnsafe(ref start, (nuint)i) & magnitude);
                    m1 = Vector.Max(m1, Vector.LoadUnsafe(ref start, (nuint)(i + count)) & magnitude);
                }

                if (i <= bits.Length - count)
                {
                    m0 = Vector.Max(m0, Vector.LoadUnsafe(ref start, (nuint)i) & magnitude);
                    i += count;
                }

                m0 = Vector.Max(m0, m1);
                for (int k = 0; k < count; k++)
                {
                    max = Math.Max(max, m0[k]);
                }
            }

            for (; i < bits.Length; i++)
            {
                max = Math.Max(max, bits[i] & int.MaxValue);
            }

            return max > InfinityBits ? float.NaN : BitConverter.Int32BitsToSingle(max);
        }

        private static void Scale(Span<float> values, float factor)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
            {
                ref float start = ref MemoryMarshal.GetReference(values);
                var factors = new Vector<float>(factor);
                int last = values.Length - Vector<float>.Count;
                for (; i <= last; i += Vector<float>.Count)
                {
                    (Vector.LoadUnsafe(ref start, (nuint)i) * factors).StoreUnsafe(ref start, (nuint)i);
                }
            }

            for (; i < values.Length; i++)
            {
                values[i] *= factor;
            }
        }

        private static string Describe(float normType) =>
            float.IsPositiveInfinity(normType) ? "infinity" : normType.ToString(CultureInfo.InvariantCulture);
    }
}
