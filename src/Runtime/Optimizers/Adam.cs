using System;
using System.Runtime.CompilerServices;

namespace Compiled.Optimizers
{
    /// <summary>
    /// Adam, with optional (coupled) weight decay and the AMSGrad variant, exactly as <c>torch.optim.Adam</c> (PyTorch 1.13).
    /// </summary>
    /// <remarks>
    /// With gradient <c>g</c> (plus the <see cref="Optimizer.L1"/>/<see cref="Optimizer.L2"/> penalty gradients), at step <c>t</c>:
    /// <code>
    /// g = g + weightDecay * p                    (if weightDecay != 0)
    /// m = beta1 * m + (1 - beta1) * g
    /// v = beta2 * v + (1 - beta2) * g * g
    /// vMax = max(vMax, v); use vMax for v        (if amsgrad)
    /// p = p - (learningRate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
    /// </code>
    /// </remarks>
    public sealed class Adam : Optimizer
    {
        private float[]? _expAvg;
        private float[]? _expAvgSq;
        private float[]? _maxExpAvgSq;

        /// <summary>Creates an Adam optimizer.</summary>
        /// <param name="learningRate">The learning rate (PyTorch's <c>lr</c>).</param>
        /// <param name="beta1">The decay rate of the first-moment estimate (<c>betas[0]</c>), in [0, 1).</param>
        /// <param name="beta2">The decay rate of the second-moment estimate (<c>betas[1]</c>), in [0, 1).</param>
        /// <param name="epsilon">Added to the denominator for numerical stability (<c>eps</c>).</param>
        /// <param name="weightDecay">The weight decay, an L2 penalty added to the gradient (<c>weight_decay</c>).</param>
        /// <param name="amsgrad">Whether to use the AMSGrad variant (<c>amsgrad</c>).</param>
        /// <exception cref="ArgumentOutOfRangeException">A value is out of range or not finite.</exception>
        public Adam(float learningRate = 1e-3f, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0d, bool amsgrad = false)
            : base(learningRate)
        {
            Epsilon = HyperParameters.NonNegative(epsilon, nameof(epsilon), "epsilon");
            Beta1 = HyperParameters.Beta(beta1, nameof(beta1));
            Beta2 = HyperParameters.Beta(beta2, nameof(beta2));
            WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "weight_decay");
            Amsgrad = amsgrad;
        }

        /// <summary>The decay rate of the first-moment estimate (PyTorch's <c>betas[0]</c>).</summary>
        public double Beta1 { get; }

        /// <summary>The decay rate of the second-moment estimate (PyTorch's <c>betas[1]</c>).</summary>
        public double Beta2 { get; }

        /// <summary>The term added to the denominator for numerical stability (PyTorch's <c>eps</c>).</summary>
        public double Epsilon { get; }

        /// <summary>The (coupled) weight decay, the same as an <see cref="Optimizer.L2"/> penalty (PyTorch's <c>weight_decay</c>).</summary>
        public double WeightDecay { get; }

        /// <summary>Whether the AMSGrad variant is used (PyTorch's <c>amsgrad</c>).</summary>
        public bool Amsgrad { get; }

        /// <inheritdoc/>
        protected override void AllocateState(int parameterCount)
        {
            _expAvg = FloatVectors.Rent(_expAvg, parameterCount);
            _expAvgSq = FloatVectors.Rent(_expAvgSq, parameterCount);
            _maxExpAvgSq = Amsgrad ? FloatVectors.Rent(_maxExpAvgSq, parameterCount) : null;
        }

        /// <inheritdoc/>
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset)
        {
            AdamKernel.Coefficients c = AdamKernel.Prepare(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, decoupled: false, Amsgrad, step, L1, L2);
            AdamKernel.Update(parameters, gradients, _expAvg!, _expAvgSq!, _maxExpAvgSq, offset, in c, MaxVectorBits);
        }
    }
}
