using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Optimizers
{
    /// <summary>
    /// RMSprop, with optional momentum, centering and weight decay, exactly as <c>torch.optim.RMSprop</c> (PyTorch 1.13).
    /// </summary>
    /// <remarks>
    /// With gradient <c>g</c> (plus the <see cref="Optimizer.L1"/>/<see cref="Optimizer.L2"/> penalty gradients) each step does
    /// <code>
    /// g = g + weightDecay * p                            (if weightDecay != 0)
    /// s = alpha * s + (1 - alpha) * g * g
    /// a = alpha * a + (1 - alpha) * g;  d = sqrt(s - a * a) + epsilon     (centered)
    /// d = sqrt(s) + epsilon                                               (otherwise)
    /// b = momentum * b + g / d;  p = p - learningRate * b                 (momentum &gt; 0)
    /// p = p - learningRate * g / d                                        (otherwise)
    /// </code>
    /// All state starts at zero. Note that, as in PyTorch, epsilon is added outside the square root.
    /// </remarks>
    public sealed class RMSprop : Optimizer
    {
        private float[]? _squareAvg;
        private float[]? _gradAvg;
        private float[]? _momentumBuffer;

        /// <summary>Creates an RMSprop optimizer.</summary>
        /// <param name="learningRate">The learning rate (PyTorch's <c>lr</c>).</param>
        /// <param name="alpha">The smoothing constant (<c>alpha</c>).</param>
        /// <param name="epsilon">Added to the denominator for numerical stability (<c>eps</c>).</param>
        /// <param name="weightDecay">The weight decay, an L2 penalty added to the gradient (<c>weight_decay</c>).</param>
        /// <param name="momentum">The momentum factor (<c>momentum</c>); 0 disables momentum.</param>
        /// <param name="centered">Whether to normalise by an estimate of the gradient's variance instead of its second moment (<c>centered</c>).</param>
        /// <exception cref="ArgumentOutOfRangeException">A value is negative or not finite.</exception>
        public RMSprop(float learningRate = 1e-2f, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0d, double momentum = 0d, bool centered = false)
            : base(learningRate)
        {
            Epsilon = HyperParameters.NonNegative(epsilon, nameof(epsilon), "epsilon");
            Momentum = HyperParameters.NonNegative(momentum, nameof(momentum), "momentum");
            WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "weight_decay");
            Alpha = HyperParameters.NonNegative(alpha, nameof(alpha), "alpha");
            Centered = centered;
        }

        /// <summary>The smoothing constant of the running averages (PyTorch's <c>alpha</c>).</summary>
        public double Alpha { get; }

        /// <summary>The term added to the denominator for numerical stability (PyTorch's <c>eps</c>).</summary>
        public double Epsilon { get; }

        /// <summary>The (coupled) weight decay, the same as an <see cref="Optimizer.L2"/> penalty (PyTorch's <c>weight_decay</c>).</summary>
        public double WeightDecay { get; }

        /// <summary>The momentum factor (PyTorch's <c>momentum</c>).</summary>
        public double Momentum { get; }

        /// <summary>Whether the centered variant is used (PyTorch's <c>centered</c>).</summary>
        public bool Centered { get; }

        /// <inheritdoc/>
        protected override void AllocateState(int parameterCount)
        {
            _squareAvg = FloatVectors.Rent(_squareAvg, parameterCount);
            _gradAvg = Centered ? FloatVectors.Rent(_gradAvg, parameterCount) : null;
            _momentumBuffer = Momentum > 0d ? FloatVectors.Rent(_momentumBuffer, parameterCount) : null;
        }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            var c = new Coefficients
            {
                L1 = (float)L1,
                L2 = (float)L2,
                Penalize = HasPenalty,
                WeightDecay = (float)WeightDecay,
                HasWeightDecay = WeightDecay != 0d,
                Alpha = (float)Alpha,
                OneMinusAlpha = (float)(1d - Alpha),
                Epsilon = (float)Epsilon,
                Momentum = (float)Momentum,
                HasMomentum = Momentum > 0d,
                Centered = Centered,
                NegativeLearningRate = (float)(-(double)LearningRate),
            };

            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradients);
            ref float s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_squareAvg!), offset);
            ref float a = ref c.Centered ? ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_gradAvg!), offset) : ref s;
            ref float b = ref c.HasMomentum ? ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_momentumBuffer!), offset) : ref s;
            nuint n = (nuint)parameters.Length;
            nuint i = 0;
            int bits = MaxVectorBits;
            if (bits >= 512 && Float512.IsSupported)
            {
                i = Run<Float512>(ref p, ref g, ref s, ref a, ref b, i, n, in c);
            }

            if (bits >= 256 && Float256.IsSupported)
            {
                i = Run<Float256>(ref p, ref g, ref s, ref a, ref b, i, n, in c);
            }

            if (bits >= 128 && Float128.IsSupported)
            {
                i = Run<Float128>(ref p, ref g, ref s, ref a, ref b, i, n, in c);
            }

            Run<Float1>(ref p, ref g, ref s, ref a, ref b, i, n, in c);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nuint Run<TVec>(
            ref float parameters, ref float gradients, ref float squareAvg, ref float gradAvg, ref float buffer, nuint i, nuint n,
            in Coefficients c)
            where TVec : struct, IFloatVector<TVec>
        {
            TVec l1 = TVec.Create(c.L1);
            TVec l2 = TVec.Create(c.L2);
            TVec weightDecay = TVec.Create(c.WeightDecay);
            TVec alpha = TVec.Create(c.Alpha);
            TVec oneMinusAlpha = TVec.Create(c.OneMinusAlpha);
            TVec epsilon = TVec.Create(c.Epsilon);
            TVec momentum = TVec.Create(c.Momentum);
            TVec negativeLearningRate = TVec.Create(c.NegativeLearningRate);
            bool penalize = c.Penalize, hasWeightDecay = c.HasWeightDecay, hasMomentum = c.HasMomentum, centered = c.Centered;
            nuint count = (nuint)TVec.Count;
            for (; i + count <= n; i += count)
            {
                TVec p = TVec.Load(ref parameters, i);
                TVec g = TVec.Load(ref gradients, i);
                if (penalize)
                {
                    g = FloatVectors.Penalize(g, p, l1, l2);
                }

                if (hasWeightDecay)
                {
                    // grad = grad.add(param, alpha=weight_decay)
                    g = TVec.MultiplyAdd(p, weightDecay, g);
                }

                // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
                TVec s = TVec.MultiplyAdd(oneMinusAlpha * g, g, TVec.Load(ref squareAvg, i) * alpha);
                TVec.Store(s, ref squareAvg, i);

                TVec avg;
                if (centered)
                {
                    // grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha); avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                    TVec a = TVec.MultiplyAdd(g, oneMinusAlpha, TVec.Load(ref gradAvg, i) * alpha);
                    TVec.Store(a, ref gradAvg, i);
                    avg = TVec.Sqrt(TVec.MultiplyAdd(-a, a, s));
                }
                else
                {
                    avg = TVec.Sqrt(s);
                }

                avg += epsilon;
                if (hasMomentum)
                {
                    // buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr)
                    TVec b = (TVec.Load(ref buffer, i) * momentum) + (g / avg);
                    TVec.Store(b, ref buffer, i);
                    p = TVec.MultiplyAdd(b, negativeLearningRate, p);
                }
                else
                {
                    // param.addcdiv_(grad, avg, value=-lr)
                    p += (negativeLearningRate * g) / avg;
                }

                TVec.Store(p, ref parameters, i);
            }

            return i;
        }

        private struct Coefficients
        {
            public float L1;
            public float L2;
            public bool Penalize;
            public float WeightDecay;
            public bool HasWeightDecay;
            public float Alpha;
            public float OneMinusAlpha;
            public float Epsilon;
            public float Momentum;
            public bool HasMomentum;
            public bool Centered;
            public float NegativeLearningRate;
        }
    }
}
