using System;

namespace Compiled
{
    /// <summary>
    /// Dropout, exactly <c>torch.nn.Dropout(p)</c>: in training, each element is zeroed with probability <c>p</c> and the
    /// kept ones are scaled by <c>1 / (1 - p)</c> (inverted dropout), so inference is the identity and costs nothing (the
    /// generated forward passes skip the layer). The masks are drawn from the network's <c>TrainingContext</c>
    /// (seed, step, sample), so a training run is reproducible and bit-identical whatever the number of threads.
    /// Any input shape; the output has the same shape.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class DropoutAttribute : LayerAttribute
    {
        /// <summary>Declares a dropout layer.</summary>
        /// <param name="p">The probability of zeroing each element in training, in [0, 1] (PyTorch's <c>p</c>, default 0.5).</param>
        public DropoutAttribute(double p = 0.5)
        {
            P = p;
        }

        /// <summary>The probability of zeroing each element in training.</summary>
        public double P { get; }
    }
}
