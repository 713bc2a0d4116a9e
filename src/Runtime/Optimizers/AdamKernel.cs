using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Optimizers
{
    /// <summary>The update loop shared by <see cref="Adam"/> (coupled weight decay) and <see cref="AdamW"/> (decoupled).</summary>
    internal static class AdamKernel
    {
        /// <summary>Scalar coefficients of one step.</summary>
        internal struct Coefficients
        {
            public float L1;
            public float L2;
            public bool Penalize;
            public float WeightDecay;
            public bool HasWeightDecay;
            public float DecayFactor;
            public bool HasDecoupledDecay;
            public float Beta1;
            public float OneMinusBeta1;
            public float Beta2;
            public float OneMinusBeta2;
            public float BiasCorrection2Sqrt;
            public float Epsilon;
            public float NegativeStepSize;
            public bool Amsgrad;
        }

        /// <summary>Computes the coefficients of step <paramref name="step"/> in double precision, as PyTorch does in Python.</summary>
        public static Coefficients Prepare(
            float learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, bool amsgrad,
            long step, double l1, double l2)
        {
            double lr = learningRate;
            double biasCorrection1 = 1d - Math.Pow(beta1, step);
            double biasCorrection2 = 1d - Math.Pow(beta2, step);
            double stepSize = lr / biasCorrection1;
            return new Coefficients
            {
                L1 = (float)l1,
                L2 = (float)l2,
                Penalize = l1 != 0d || l2 != 0d,
                WeightDecay = (float)weightDecay,
                HasWeightDecay = !decoupled && weightDecay != 0d,
                DecayFactor = (float)(1d - (lr * weightDecay)),
                HasDecoupledDecay = decoupled && weightDecay != 0d,
                Beta1 = (float)beta1,
                OneMinusBeta1 = (float)(1d - beta1),
                Beta2 = (float)beta2,
                OneMinusBeta2 = (float)(1d - beta2),
                BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2),
                Epsilon = (float)epsilon,
                NegativeStepSize = (float)(-stepSize),
                Amsgrad = amsgrad,
            };
        }

        /// <summary>Runs one step over the whole buffer, widest vectors first.</summary>
        public static void Update(
            Span<float> parameters, ReadOnlySpan<float> gradients, float[] expAvg, float[] expAvgSq, float[]? maxExpAvgSq, int offset,
            in Coefficients c, int maxVectorBits)
        {
            ref float p = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradients);
            ref float m = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(expAvg), offset);
            ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(expAvgSq), offset);
            ref float vMax = ref maxExpAvgSq is null ? ref v : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(maxExpAvgSq), offset);
            nuint n = (nuint)parameters.Length;
            nuint i = 0;
            if (maxVectorBits >= 512 && Float512.IsSupported)
            {
                i = Run<Float512>(ref p, ref g, ref m, ref v, ref vMax, i, n, in c);
            }

            if (maxVectorBits >= 256 && Float256.IsSupported)
            {
                i = Run<Float256>(ref p, ref g, ref m, ref v, ref vMax, i, n, in c);
            }

            if (maxVectorBits >= 128 && Float128.IsSupported)
            {
                i = Run<Float128>(ref p, ref g, ref m, ref v, ref vMax, i, n, in c);
            }

            Run<Float1>(ref p, ref g, ref m, ref v, ref vMax, i, n, in c);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static nuint Run<TVec>(
            ref float parameters, ref float gradients, ref float expAvg, ref float expAvgSq, ref float maxExpAvgSq, nuint i, nuint n,
            in Coefficients c)
            where TVec : struct, IFloatVector<TVec>
        {
            TVec l1 = TVec.Create(c.L1);
            TVec l2 = TVec.Create(c.L2);
            TVec weightDecay = TVec.Create(c.WeightDecay);
            TVec decayFactor = TVec.Create(c.DecayFactor);
            TVec beta1 = TVec.Create(c.Beta1);
            TVec oneMinusBeta1 = TVec.Create(c.OneMinusBeta1);
            TVec beta2 = TVec.Create(c.Beta2);
            TVec oneMinusBeta2 = TVec.Create(c.OneMinusBeta2);
            TVec biasCorrection2Sqrt = TVec.Create(c.BiasCorrection2Sqrt);
            TVec epsilon = TVec.Create(c.Epsilon);
            TVec negativeStepSize = TVec.Create(c.NegativeStepSize);
            bool penalize = c.Penalize, hasWeightDecay = c.HasWeightDecay, hasDecoupledDecay = c.HasDecoupledDecay, amsgrad = c.Amsgrad;
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
                    // Adam: grad = grad.add(param, alpha=weight_decay)
                    g = TVec.MultiplyAdd(p, weightDecay, g);
                }

                if (hasDecoupledDecay)
                {
                    // AdamW: param.mul_(1 - lr * weight_decay)
                    p *= decayFactor;
                }

                // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                TVec m = TVec.MultiplyAdd(g, oneMinusBeta1, TVec.Load(ref expAvg, i) * beta1);
                TVec.Store(m, ref expAvg, i);

                // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                TVec v = TVec.MultiplyAdd(oneMinusBeta2 * g, g, TVec.Load(ref expAvgSq, i) * beta2);
                TVec.Store(v, ref expAvgSq, i);

                if (amsgrad)
                {
                    // torch.maximum(max_exp_avg_sqs[i], exp_avg_sq, out=max_exp_avg_sqs[i])
                    v = TVec.Max(TVec.Load(ref maxExpAvgSq, i), v);
                    TVec.Store(v, ref maxExpAvgSq, i);
                }

                // denom = (v.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
                TVec denominator = (TVec.Sqrt(v) / biasCorrection2Sqrt) + epsilon;
                TVec.Store(p + ((negativeStepSize * m) / denominator), ref parameters, i);
            }

            return i;
        }
    }
}
