namespace Compiled
{
    /// <summary>
    /// How a layer's parameter tensor is initialised: a layer's <c>Init</c> (its weight) and <c>BiasInit</c> (its bias),
    /// for example <c>[Dense(128, Activation.ReLU, Init = Initializer.HeNormal)]</c>. The formulas are
    /// <c>torch.nn.init</c>'s, with <c>fan_in</c> and <c>fan_out</c> the layer's numbers of inputs and outputs.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Where a formula has a gain, it is <c>torch.nn.init.calculate_gain</c> of the layer's activation, as if the
    /// activation were passed as <c>nonlinearity</c>: 1 for <see cref="Activation.Identity"/>, <see cref="Activation.Sigmoid"/>
    /// and <see cref="Activation.Softmax"/>; 5/3 for <see cref="Activation.Tanh"/>; sqrt(2) for <see cref="Activation.ReLU"/>;
    /// <c>sqrt(2 / (1 + slope^2))</c> for <see cref="Activation.LeakyReLU"/>. PyTorch has no gain for the others; this library
    /// uses sqrt(2) for <see cref="Activation.ELU"/>, <see cref="Activation.SiLU"/> and <see cref="Activation.GELU"/> (rectifier-like,
    /// as its default initialisation and Keras's He initialisers treat them) and 1 for <see cref="Activation.Softplus"/>.
    /// </para>
    /// <para>
    /// For a bias (a vector), the fans are the layer's, as <c>nn.Linear</c>'s own bias initialisation uses the weight's
    /// <c>fan_in</c>; <see cref="Orthogonal"/> needs a matrix and is a compiler error there (CN0031).
    /// The values are drawn from the network's seed (<c>InitializeParameters(seed)</c>), so the same seed gives the same
    /// parameters on every platform; the generator is not PyTorch's, so the values are PyTorch's distribution, not its numbers.
    /// </para>
    /// </remarks>
#if COMPILED_GENERATOR
    // Compiled into the generator as its own vocabulary; internal there so that it never clashes with the public type.
    internal enum Initializer
#else
    public enum Initializer
#endif
    {
        /// <summary>
        /// The layer kind's default in this library. For <c>[Dense]</c>: the weight Kaiming (He) uniform with gain sqrt(2)
        /// (<c>sqrt(2 / (1 + slope^2))</c> for LeakyReLU) when the activation is ReLU, LeakyReLU, ELU, SiLU or GELU, and
        /// Xavier (Glorot) uniform with gain 1 otherwise; the bias zeros. (PyTorch's <c>nn.Linear</c> default differs: see
        /// <see cref="PyTorchDefault"/>.)
        /// </summary>
        Default = 0,

        /// <summary>
        /// What the PyTorch module's <c>reset_parameters</c> does. For <c>[Dense]</c>, <c>nn.Linear</c>'s: the weight
        /// <c>kaiming_uniform_(w, a=sqrt(5))</c> and the bias <c>uniform_(b, -bound, bound)</c>, both <c>U(-1/sqrt(fan_in), 1/sqrt(fan_in))</c>.
        /// </summary>
        PyTorchDefault = 1,

        /// <summary>
        /// <c>torch.nn.init.xavier_uniform_</c> (Glorot uniform): <c>U(-bound, bound)</c> with
        /// <c>bound = gain * sqrt(6 / (fan_in + fan_out))</c>.
        /// </summary>
        XavierUniform = 2,

        /// <summary>
        /// <c>torch.nn.init.xavier_normal_</c> (Glorot normal): <c>N(0, std^2)</c> with <c>std = gain * sqrt(2 / (fan_in + fan_out))</c>.
        /// </summary>
        XavierNormal = 3,

        /// <summary>
        /// <c>torch.nn.init.kaiming_uniform_</c> with <c>mode='fan_in'</c> (He uniform): <c>U(-bound, bound)</c> with
        /// <c>bound = gain * sqrt(3 / fan_in)</c>.
        /// </summary>
        HeUniform = 4,

        /// <summary>
        /// <c>torch.nn.init.kaiming_normal_</c> with <c>mode='fan_in'</c> (He normal): <c>N(0, std^2)</c> with
        /// <c>std = gain / sqrt(fan_in)</c>.
        /// </summary>
        HeNormal = 5,

        /// <summary>
        /// LeCun uniform (Keras's <c>lecun_uniform</c>), <c>torch.nn.init.kaiming_uniform_</c> with <c>nonlinearity='linear'</c>:
        /// <c>U(-bound, bound)</c> with <c>bound = sqrt(3 / fan_in)</c>, gain 1 whatever the activation.
        /// </summary>
        LeCunUniform = 6,

        /// <summary>
        /// LeCun normal, <c>torch.nn.init.kaiming_normal_</c> with <c>nonlinearity='linear'</c>: <c>N(0, 1 / fan_in)</c>,
        /// gain 1 whatever the activation. (Keras's <c>lecun_normal</c> draws from a truncated normal; this is PyTorch's plain normal.)
        /// </summary>
        LeCunNormal = 7,

        /// <summary>
        /// <c>torch.nn.init.orthogonal_</c> with gain 1: the Q factor of the QR decomposition of a matrix of standard normal
        /// draws (of its transpose when the weight has fewer rows than columns), its columns' signs those of R's diagonal, so
        /// the rows (or columns) of the weight are orthonormal. For weight matrices only.
        /// </summary>
        Orthogonal = 8,

        /// <summary><c>torch.nn.init.zeros_</c>: every value 0.</summary>
        Zeros = 9,

        /// <summary><c>torch.nn.init.ones_</c>: every value 1.</summary>
        Ones = 10,
    }
}
