using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Optimizers
{
    /// <summary>
    /// Adagrad, with optional learning-rate decay and weight decay, exactly as <c>torch.optim.Adagrad</c> (PyTorch 1.13).
    /// </summary>
    /// <remarks>
    /// With gradient <c>g</c> (plus the <see cref="Optimizer.L1"/>/<see cref="Optimizer.L2"/> penalty gradients), at step <c>t</c>:
    /// <code>
    /// g = g + weightDecay * p                                  (if weightDecay != 0)
    /// clr = learningRate / (1 + (t - 1) * learningRateDecay)
    /// s = s + g * g                                            (s starts at initialAccumulatorValue)
    /// p = p - clr * g / (sqrt(s) + epsilon)
    /// </code>
    /// </remarks>
    public sealed class Adagrad : Optimizer
    {
        private float[]? _sum;

        /// <summary>Creates an Adagrad optimizer.</summary>
        /// <param name="learningRate">The learning rate (PyTorch's <c>lr</c>).</param>
        /// <param name="learningRateDecay">The learning-rate decay (<c>lr_decay</c>).</param>
        /// <param name="weightDecay">The weight decay, an L2 penalty added to the gradient (<c>weight_decay</c>).</param>
        /// <param name="initialAccumulatorValue">The starting value of the sum of squared gradients (<c>initial_accumulator_value</c>).</param>
        /// <param name="epsilon">Added to the denominator for numerical stability (<c>eps</c>).</param>
        /// <exception cref="ArgumentOutOfRangeException">A value is negative or not finite.</exception>
        public Adagrad(float learningRate = 1e-2f, double learningRateDecay = 0d, double weightDecay = 0d, double initialAccumulatorValue = 0d, double epsilon = 1e-10)
            : base(learningRate)
        {
            LearningRateDecay = HyperParameters.NonNegative(learningRateDecay, nameof(learningRateDecay), "lr_decay");
            WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "weight_decay");
            InitialAccumulatorValue = HyperParameters.NonNegative(initialAccumulatorValue, nameof(initialAccumulatorValue), "initial_accumulator_value");
            Epsilon = HyperParameters.NonNegative(epsilon, nameof(epsilon), "epsilon");
        }

        /// <summary>The learning-rate decay (PyTorch's <c>lr_decay</c>): step <c>t</c> uses <c>learningRate / (1 + (t - 1) * learningRateDecay)</c>.</summary>
        public double LearningRateDecay { get; }

        /// <summary>The (coupled) weight decay, the same as an <see cref="Optimizer.L2"/> penalty (PyTorch's <c>weight_decay</c>).</summary>
        public double WeightDecay { get; }

        /// <summary>The starting value of the sum of squared gradients (PyTorch's <c>initial_accumulator_value</c>).</summary>
        public double InitialAccumulatorValue { get; }

        /// <summary>The term added to the denominator for numerical stability (PyTorch's <c>eps</c>).</summary>
        public double Epsilon { get; }

        /// <inheritdoc/>
        protected override void AllocateState(int parameterCount)
        {
            _sum = FloatVectors.Rent(_sum, parameterCount, (float)InitialAccumulatorValue);
        }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            double clr = LearningRate / (1d + ((step - 1) * LearningRateDecay));
            var c = new Coefficients
            {
                L1 = (float)L1,
                L2 = (float)L2,
                Penalize = HasPenalty,
                WeightDecay = (float)WeightDecay,
                HasWeightDecay = WeightDecay != 0d,
                Epsilon = (float)Epsilon,
                NegativeLearningRate = (float)(-clr),
            };

            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradients);
            ref float s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_sum!), offset);
            nuint n = (nuint)parameters.Length;
            nuint i = 0;
            int bits = MaxVectorBits;
            if (bits >= 512 && Float512.IsSupported)
            {
                i = Run<Float512>(ref p, ref g, ref s, i, n, in c);
            }

            if (bits >= 256 && Float256.IsSupported)
            {
                i = Run<Float256>(ref p, ref g, ref s, i, n, in c);
            }

            if (bits >= 128 && Float128.IsSupported)
            {
                i = Run<Float128>(ref p, ref g, ref s, i, n, in c);
            }

            Run<Float1>(ref p, ref g, ref s, i, n, in c);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nuint Run<TVec>(ref float parameters, ref float gradients, ref float sum, nuint i, nuint n, in Coefficients c)
            where TVec : struct, IFloatVector<TVec>
        {
            TVec l1 = TVec.Create(c.L1);
            TVec l2 = TVec.Create(c.L2);
            TVec weightDecay = TVec.Create(c.WeightDecay);
            TVec epsilon = TVec.Create(c.Epsilon);
            TVec negativeLearningRate = TVec.Create(c.NegativeLearningRate);
            bool penalize = c.Penalize, hasWeightDecay = c.HasWeightDecay;
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

                // state_sum.addcmul_(grad, grad, value=1); std = state_sum.sqrt().add_(eps)
                TVec s = TVec.MultiplyAdd(g, g, TVec.Load(ref sum, i));
                TVec.Store(s, ref sum, i);
                TVec std = TVec.Sqrt(s) + epsilon;

                // param.addcdiv_(grad, std, value=-clr)
                TVec.Store(p + ((negativeLearningRate * g) / std), ref parameters, i);
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
            public float Epsilon;
            public float NegativeLearningRate;
        }
    }
}
