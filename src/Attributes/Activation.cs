namespace Compiled
{
    /// <summary>
    /// The element-wise (or, for <see cref="Softmax"/>, vector-wise) function a layer applies to its output.
    /// Every definition is PyTorch's, so weights and results move between the two unchanged.
    /// </summary>
#if COMPILED_GENERATOR
    // Compiled into the generator as its own vocabulary; internal there so that it never clashes with the public type.
    internal enum Activation
#else
    public enum Activation
#endif
    {
        /// <summary>No activation: <c>f(x) = x</c>.</summary>
        Identity = 0,

        /// <summary><c>max(0, x)</c>, as <c>torch.nn.ReLU</c>.</summary>
        ReLU = 1,

        /// <summary><c>x &gt; 0 ? x : slope * x</c>, as <c>torch.nn.LeakyReLU</c>; the slope is the layer's <c>NegativeSlope</c> (default 0.01).</summary>
        LeakyReLU = 2,

        /// <summary><c>x &gt; 0 ? x : alpha * (exp(x) - 1)</c>, as <c>torch.nn.ELU</c>; alpha is the layer's <c>Alpha</c> (default 1).</summary>
        ELU = 3,

        /// <summary><c>1 / (1 + exp(-x))</c>, as <c>torch.nn.Sigmoid</c>.</summary>
        Sigmoid = 4,

        /// <summary>The hyperbolic tangent, as <c>torch.nn.Tanh</c>.</summary>
        Tanh = 5,

        /// <summary><c>exp(x_i) / sum_j exp(x_j)</c> over the layer's outputs, as <c>torch.nn.Softmax(dim=-1)</c>. Allowed on the last layer only.</summary>
        Softmax = 6,

        /// <summary><c>log(1 + exp(x))</c> (linear above 20), as <c>torch.nn.Softplus</c> with beta 1 and threshold 20.</summary>
        Softplus = 7,

        /// <summary><c>x * sigmoid(x)</c>, as <c>torch.nn.SiLU</c>.</summary>
        SiLU = 8,

        /// <summary>
        /// <c>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))</c>, as <c>torch.nn.GELU(approximate='tanh')</c>.
        /// </summary>
        GELU = 9,
    }
}
