using System;

namespace Compiled.Optimizers
{
    /// <summary>
    /// Updates a flat parameter buffer from its gradient. Update rules, defaults and hyper-parameter names follow
    /// <c>torch.optim</c>, so the same starting weights and gradients give the same weights after N steps.
    /// </summary>
    /// <remarks>
    /// An optimizer keeps its state (momentum, moment estimates, ...) for one parameter buffer; it is allocated on the
    /// first <see cref="Step(Span{float}, ReadOnlySpan{float})"/> and never again, so steps allocate nothing.
    /// </remarks>
    public abstract class Optimizer
    {
        private float _learningRate;
        private int _parameterCount = -1;

        /// <summary>Creates an optimizer.</summary>
        /// <param name="learningRate">The initial learning rate; must be finite and non-negative.</param>
        protected Optimizer(float learningRate)
        {
            LearningRate = learningRate;
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
            Update(parameters, gradients, StepCount);
        }

        /// <summary>Applies one update to a network's parameters from its accumulated gradients.</summary>
        /// <param name="network">The network.</param>
        public void Step(INetwork network)
        {
            ArgumentNullException.ThrowIfNull(network);
            Step(network.Parameters, network.Gradients);
        }

        /// <summary>Forgets all state (step count, moments), as a freshly created optimizer.</summary>
        public virtual void Reset()
        {
            StepCount = 0;
            _parameterCount = -1;
        }

        /// <summary>Allocates the per-parameter state; called once, on the first step.</summary>
        /// <param name="parameterCount">The length of the parameter buffer.</param>
        protected abstract void AllocateState(int parameterCount);

        /// <summary>Performs the update rule.</summary>
        /// <param name="parameters">The parameters, updated in place.</param>
        /// <param name="gradients">Their gradients.</param>
        /// <param name="step">The 1-based number of this step (PyTorch's <c>state['step']</c> after incrementing).</param>
        protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, long step);
    }
}
