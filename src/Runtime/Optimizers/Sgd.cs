using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Optimizers
{
    /// <summary>
    /// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay, exactly as
    /// <c>torch.optim.SGD</c> (PyTorch 1.13).
    /// </summary>
    /// <remarks>
    /// With gradient <c>g</c> (plus the <see cref="Optimizer.L1"/>/<see cref="Optimizer.L2"/> penalty gradients) each step does
    /// <code>
    /// g = g + weightDecay * p                         (if weightDecay != 0)
    /// if momentum != 0:
    ///     b = g                                       (first step)
    ///     b = momentum * b + (1 - dampening) * g      (later steps)
    ///     g = nesterov ? g + momentum * b : b
    /// p = p - learningRate * g
    /// </code>
    /// The momentum buffer starts as the first gradient, not as zero, as in PyTorch.
    /// </remarks>
    public sealed class Sgd : Optimizer
    {
        private float[]? _momentumBuffer;

        /// <summary>Creates an SGD optimizer.</summary>
        /// <param name="learningRate">The learning rate (PyTorch's <c>lr</c>, which has no default).</param>
        /// <param name="momentum">The momentum factor (<c>momentum</c>); 0 disables momentum.</param>
        /// <param name="dampening">The dampening for momentum (<c>dampening</c>).</param>
        /// <param name="weightDecay">The weight decay, an L2 penalty added to the gradient (<c>weight_decay</c>).</param>
        /// <param name="nesterov">Whether to use Nesterov momentum (<c>nesterov</c>); requires a momentum and zero dampening.</param>
        /// <exception cref="ArgumentOutOfRangeException">A value is negative (learning rate, momentum, weight decay) or not finite.</exception>
        /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set without a positive momentum and zero dampening.</exception>
        public Sgd(float learningRate, double momentum = 0d, double dampening = 0d, double weightDecay = 0d, bool nesterov = false)
            : base(learningRate)
        {
            Momentum = HyperParameters.NonNegative(momentum, nameof(momentum), "momentum");
            Dampening = HyperParameters.Finite(dampening, nameof(dampening), "dampening");
            WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "weight_decay");
            if (nesterov && (momentum <= 0d || dampening != 0d))
            {
                throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.", nameof(nesterov));
            }

            Nesterov = nesterov;
        }

        /// <summary>The momentum factor (PyTorch's <c>momentum</c>).</summary>
        public double Momentum { get; }

        /// <summary>The dampening for momentum (PyTorch's <c>dampening</c>).</summary>
        public double Dampening { get; }

        /// <summary>The (coupled) weight decay, the same as an <see cref="Optimizer.L2"/> penalty (PyTorch's <c>weight_decay</c>).</summary>
        public double WeightDecay { get; }

        /// <summary>Whether Nesterov momentum is used (PyTorch's <c>nesterov</c>).</summary>
        public bool Nesterov { get; }

        /// <inheritdoc/>
        protected override void AllocateState(int parameterCount)
        {
            _momentumBuffer = Momentum != 0d ? FloatVectors.Rent(_momentumBuffer, parameterCount) : null;
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
                Momentum = (float)Momentum,
                OneMinusDampening = (float)(1d - Dampening),
                HasMomentum = Momentum != 0d,
                FirstStep = step == 1,
                Nesterov = Nesterov,
                NegativeLearningRate = (float)(-(double)LearningRate),
            };

            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradients);
            ref float b = ref c.HasMomentum ? ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_momentumBuffer!), offset) : ref p;
            nuint n = (nuint)parameters.Length;
            nuint i = 0;
            int bits = MaxVectorBits;
            if (bits >= 512 && Float512.IsSupported)
            {
                i = Run<Float512>(ref p, ref g, ref b, i, n, in c);
            }

            if (bits >= 256 && Float256.IsSupported)
            {
                i = Run<Float256>(ref p, ref g, ref b, i, n, in c);
            }

            if (bits >= 128 && Float128.IsSupported)
            {
                i = Run<Float128>(ref p, ref g, ref b, i, n, in c);
            }

            Run<Float1>(ref p, ref g, ref b, i, n, in c);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nuint Run<TVec>(ref float parameters, ref float gradients, ref float buffer, nuint i, nuint n, in Coefficients c)
            where TVec : struct, IFloatVector<TVec>
        {
            TVec l1 = TVec.Create(c.L1);
            TVec l2 = TVec.Create(c.L2);
            TVec weightDecay = TVec.Create(c.WeightDecay);
            TVec momentum = TVec.Create(c.Momentum);
            TVec oneMinusDampening = TVec.Create(c.OneMinusDampening);
            TVec negativeLearningRate = TVec.Create(c.NegativeLearningRate);
            bool penalize = c.Penalize, hasWeightDecay = c.HasWeightDecay, hasMomentum = c.HasMomentum, first = c.FirstStep, nesterov = c.Nesterov;
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
                    // d_p = d_p.add(param, alpha=weight_decay)
                    g = TVec.MultiplyAdd(p, weightDecay, g);
                }

                if (hasMomentum)
                {
                    // buf = clone(d_p) on the first step, else buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                    TVec b = first ? g : TVec.MultiplyAdd(g, oneMinusDampening, TVec.Load(ref buffer, i) * momentum);
                    TVec.Store(b, ref buffer, i);

                    // d_p = d_p.add(buf, alpha=momentum) for Nesterov, else d_p = buf
                    g = nesterov ? TVec.MultiplyAdd(b, momentum, g) : b;
                }

                // param.add_(d_p, alpha=-lr)
                TVec.Store(TVec.MultiplyAdd(g, negativeLearningRate, p), ref parameters, i);
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
            public float Momentum;
            public float OneMinusDampening;
            public bool HasMomentum;
            public bool FirstStep;
            public bool Nesterov;
            public float NegativeLearningRate;
        }
    }
}
