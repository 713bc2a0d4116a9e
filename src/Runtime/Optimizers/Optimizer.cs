using System;

namespace Compiled.Optimizers
{
    /// <summary>
    /// Updates a flat parameter buffer from its gradient. Update rules, defaults and hyper-parameter names follow
    /// <c>torch.optim</c>, so the same starting weights and gradients give the same weights after N steps.
    /// </summary>
    /// <remarks>
    /// <para>
    /// An optimizer keeps its state (momentum, moment estimates, ...) for one parameter buffer; it is allocated on the
    /// first <see cref="Step(Span{float}, ReadOnlySpan{float})"/> and never again, so steps allocate nothing.
    /// </para>
    /// <para>
    /// Hyper-parameters other than the learning rate are <see cref="double"/>s, as Python floats are in PyTorch, so that
    /// the scalar coefficients of each rule (bias corrections, <c>1 - beta</c>, ...) are computed exactly as
    /// <c>torch.optim</c> computes them; they are rounded to <see cref="float"/> where PyTorch rounds them, when they
    /// meet the float32 buffers. The buffers are updated in float32 with the operations, operation order and fused
    /// multiply-adds of PyTorch's single-tensor (<c>foreach=False</c>) CPU implementation.
    /// </para>
    /// <para>
    /// Besides each rule's own <c>weightDecay</c>, every optimizer takes optional <see cref="L1"/> and <see cref="L2"/>
    /// penalties: the gradients of the loss terms <c>L1 * sum|p|</c> and <c>(L2 / 2) * sum p^2</c>, that is
    /// <c>L1 * sign(p)</c> and <c>L2 * p</c>, are added to the gradient before the update rule sees it.
    /// </para>
    /// </remarks>
    public abstract class Optimizer
    {
        private float _learningRate;
        private double _l1;
        private double _l2;
        private int _parameterCount = -1;

        /// <summary>Creates an optimizer.</summary>
        /// <param name="learningRate">The initial learning rate; must be finite and non-negative.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, infinite or NaN.</exception>
        protected Optimizer(float learningRate)
        {
            if (!float.IsFinite(learningRate) || learningRate < 0f)
            {
                throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Invalid learning rate: it must be finite and non-negative.");
            }

            _learningRate = learningRate;
        }

        /// <summary>
        /// The learning rate used by the next step. Schedules set it; it must be finite and non-negative.
        /// </summary>
        public float LearningRate
        {
            get => _learningRate;
            set
            {
                if (!float.IsFinite(value) || value < 0f)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and non-negative.");
                }

                _learningRate = value;
            }
        }

        /// <summary>
        /// The L1 penalty coefficient (default 0): the loss gains <c>L1 * sum|p|</c>, so <c>L1 * sign(p)</c> (with
        /// <c>sign(0) = 0</c>) is added to each gradient before the update rule. Must be finite and non-negative.
        /// </summary>
        /// <remarks>PyTorch's optimizers have no option for it; adding <c>l1 * p.abs().sum()</c> to the loss has the same effect, except that
        /// gradient clipping (<c>TrainerOptions.ClipGradientNorm</c>, <c>ClipGradientValue</c>) happens before this term is added here, so it
        /// is not clipped, where in such a PyTorch loop it would be.</remarks>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
        public double L1
        {
            get => _l1;
            set => _l1 = CheckPenalty(value, nameof(L1));
        }

        /// <summary>
        /// The L2 penalty coefficient (default 0): the loss gains <c>(L2 / 2) * sum p^2</c>, so <c>L2 * p</c> is added to
        /// each gradient before the update rule. Must be finite and non-negative.
        /// </summary>
        /// <remarks>
        /// This is exactly what the <c>weightDecay</c> option of <see cref="Sgd"/>, <see cref="Adam"/>,
        /// <see cref="RMSprop"/> and <see cref="Adagrad"/> does (PyTorch's coupled weight decay): with either, the
        /// adaptive optimizers rescale the penalty along with the gradient. <see cref="AdamW"/>'s <c>weightDecay</c> is
        /// decoupled (the weights are shrunk directly, not through the gradient), so there <see cref="L2"/> and weight
        /// decay differ. If both are set, the penalty is added first, then the rule's own weight decay.
        /// </remarks>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
        public double L2
        {
            get => _l2;
            set => _l2 = CheckPenalty(value, nameof(L2));
        }

        /// <summary>
        /// The widest vectors the update loops may use, in bits (512, 256, 128; below 128 only scalar code runs).
        /// Tests lower it to run every code path on one machine.
        /// </summary>
        internal int MaxVectorBits { get; set; } = 512;

        /// <summary>Whether <see cref="L1"/> or <see cref="L2"/> is non-zero.</summary>
        protected bool HasPenalty => _l1 != 0d || _l2 != 0d;

        /// <summary>The number of steps taken since creation or the last <see cref="Reset"/>.</summary>
        public long StepCount { get; private set; }

        /// <summary>Applies one update to <paramref name="parameters"/> from <paramref name="gradients"/>.</summary>
        /// <param name="parameters">The parameters, updated in place.</param>
        /// <param name="gradients">Their gradients; same length.</param>
        /// <exception cref="ArgumentException">The spans differ in length, or differ from the buffer this optimizer has state for.</exception>
        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            if (parameters.Length != gradients.Length)
            {
                throw new ArgumentException($"There are {parameters.Length} parameters but {gradients.Length} gradients; they must have the same length.", nameof(gradients));
            }

            if (_parameterCount < 0)
            {
                _parameterCount = parameters.Length;
                AllocateState(parameters.Length);
            }
            else if (_parameterCount != parameters.Length)
            {
                throw new ArgumentException($"This optimizer holds state for {_parameterCount} parameters but was given {parameters.Length}; use one optimizer per network, or call Reset().", nameof(parameters));
            }

            StepCount++;
            Update(parameters, gradients, StepCount, 0);
        }

        /// <summary>
        /// Starts a step that several threads then apply to disjoint slices of the buffer with
        /// <see cref="UpdateSlice"/> (data-parallel training): checks the length, allocates the state on the first step,
        /// and counts the step.
        /// </summary>
        /// <param name="parameterCount">The length of the whole parameter buffer.</param>
        /// <returns>The 1-based number of this step, to pass to <see cref="UpdateSlice"/>.</returns>
        internal long BeginParallelStep(int parameterCount)
        {
            if (_parameterCount < 0)
            {
                _parameterCount = parameterCount;
                AllocateState(parameterCount);
            }
            else if (_parameterCount != parameterCount)
            {
                throw new ArgumentException($"This optimizer holds state for {_parameterCount} parameters but was given {parameterCount}; use one optimizer per network, or call Reset().", nameof(parameterCount));
            }

            return ++StepCount;
        }

        /// <summary>Applies step <paramref name="step"/> to the elements <c>[start, start + length)</c> only.</summary>
        /// <param name="parameters">The whole parameter buffer.</param>
        /// <param name="gradients">The whole gradient buffer.</param>
        /// <param name="start">The first element of the slice.</param>
        /// <param name="length">The slice's length.</param>
        /// <param name="step">The number returned by <see cref="BeginParallelStep"/>.</param>
        internal void UpdateSlice(Span<float> parameters, ReadOnlySpan<float> gradients, int start, int length, long step) =>
            Update(parameters.Slice(start, length), gradients.Slice(start, length), step, start);

        /// <summary>Applies one update to a network's parameters from its accumulated gradients.</summary>
        /// <param name="network">The network.</param>
        public void Step(INetwork network)
        {
            ArgumentNullException.ThrowIfNull(network);
            using ParameterEdit edit = network.EditParameters();
            Step(edit.Values, network.Gradients);
        }

        /// <summary>Forgets all state (step count, moments), as a freshly created optimizer.</summary>
        public virtual void Reset()
        {
            StepCount = 0;
            _parameterCount = -1;
        }

        /// <summary>
        /// Allocates and initialises the per-parameter state; called on the first step after creation or
        /// <see cref="Reset"/>. Implementations reuse buffers that already have the right length, so a reset allocates nothing.
        /// </summary>
        /// <param name="parameterCount">The length of the parameter buffer.</param>
        protected abstract void AllocateState(int parameterCount);

        /// <summary>Performs the update rule on the whole buffer or on a slice of it; every rule is element-wise.</summary>
        /// <remarks>
        /// <paramref name="gradients"/> are the raw gradients: implementations add the <see cref="L1"/> and
        /// <see cref="L2"/> penalty gradients (computed from the parameters before this step) before their rule.
        /// </remarks>
        /// <param name="parameters">The parameters (or a slice of them), updated in place.</param>
        /// <param name="gradients">Their gradients.</param>
        /// <param name="step">The 1-based number of this step (PyTorch's <c>state['step']</c> after incrementing).</param>
        /// <param name="offset">
        /// Where <paramref name="parameters"/> starts in the buffer the state was allocated for: state element
        /// <c>offset + i</c> belongs to <c>parameters[i]</c>. Zero for a whole-buffer step.
        /// </param>
        protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step, int offset);

        private static double CheckPenalty(double value, string name)
        {
            if (!double.IsFinite(value) || value < 0d)
            {
                throw new ArgumentOutOfRangeException(name, value, $"The {name} penalty must be finite and non-negative.");
            }

            return value;
        }
    }
}
