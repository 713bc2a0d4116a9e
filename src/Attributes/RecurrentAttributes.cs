using System;

namespace Compiled
{
    /// <summary>The nonlinearity of a <see cref="SimpleRNNAttribute"/> (PyTorch's <c>nonlinearity</c> of <c>nn.RNN</c>).</summary>
    public enum RecurrentNonlinearity
    {
        /// <summary><c>tanh</c> (PyTorch's default).</summary>
        Tanh = 0,

        /// <summary><c>relu</c>.</summary>
        ReLU = 1,
    }

    /// <summary>
    /// The settings every recurrent layer shares (<see cref="SimpleRNNAttribute"/>, <see cref="GRUAttribute"/>,
    /// <see cref="LSTMAttribute"/>). A recurrent layer reads a sequence <c>(steps, features)</c>: the network's
    /// <c>[Input(steps, features)]</c> (one sample is <c>steps</c> rows of <c>features</c>, PyTorch's <c>batch_first</c>
    /// layout per sample) or the output of a recurrent layer with <see cref="ReturnSequences"/>. The initial state is zero.
    /// </summary>
    public abstract class RecurrentLayerAttribute : LayerAttribute
    {
        /// <summary>Declares a recurrent layer.</summary>
        /// <param name="hidden">The size of the hidden state (PyTorch's <c>hidden_size</c>); must be positive.</param>
        protected RecurrentLayerAttribute(int hidden)
        {
            Hidden = hidden;
        }

        /// <summary>The size of the hidden state (PyTorch's <c>hidden_size</c>).</summary>
        public int Hidden { get; }

        /// <summary>Stacked layers, each reading the hidden sequence of the one below (PyTorch's <c>num_layers</c>). Default 1.</summary>
        public int NumLayers { get; set; } = 1;

        /// <summary>Whether the layer has the biases <c>bias_ih_l*</c> and <c>bias_hh_l*</c> (PyTorch's <c>bias</c>). Default true.</summary>
        public bool Bias { get; set; } = true;

        /// <summary>
        /// False (the default): the output is the last step's hidden state of the top layer, a vector of <see cref="Hidden"/>
        /// (PyTorch's <c>output[:, -1]</c>, also <c>h_n[-1]</c>). True: every step's, a sequence <c>(steps, hidden)</c>
        /// (PyTorch's <c>output</c>), which another recurrent layer or a per-step <see cref="DenseAttribute"/> may read.
        /// </summary>
        public bool ReturnSequences { get; set; }

        /// <summary>
        /// Whether each stacked layer also runs from the last step to the first (PyTorch's <c>bidirectional</c>): every step's
        /// output is the forward then the reverse hidden state, <c>2 hidden</c> features, and the reverse direction's tensors
        /// follow each layer's as <c>weight_ih_l0_reverse</c>, .... With <see cref="ReturnSequences"/> false the output is the
        /// last step's (PyTorch's <c>output[:, -1]</c>: the reverse direction's state after one step). Needs the whole
        /// sequence, so such a network has no streaming <c>Step</c>. Default false.
        /// </summary>
        public bool Bidirectional { get; set; }

        /// <summary>
        /// PyTorch's <c>dropout</c> argument of <c>nn.RNN</c>/<c>nn.GRU</c>/<c>nn.LSTM</c>: in training, the output sequence of
        /// every stacked layer except the last (see <see cref="NumLayers"/>) goes through <c>nn.Dropout(p)</c> before the next
        /// stacked layer reads it: each element of each step zeroed with probability <c>p</c>, the others scaled by
        /// <c>1 / (1 - p)</c>. No effect with one stacked layer (PyTorch warns there). The identity at inference, where it
        /// costs nothing. Masks as <see cref="DropoutAttribute"/>'s: a function of the network's training context, the
        /// sample and the element, so a run is the same on any number of trainer threads. In [0, 1]; default 0.
        /// </summary>
        public double Dropout { get; set; }

        /// <summary>
        /// Recurrent (variational) dropout, Keras' <c>recurrent_dropout</c> (Gal and Ghahramani, 2016): in training, one mask
        /// per sequence and stacked layer (and direction), drawn once and used at every step, multiplies the previous hidden
        /// state where it enters the recurrent product, <c>W_hh (m * h(t-1)) + b_hh</c> in every gate (<c>m_j</c> is 0 with
        /// probability <c>p</c>, else <c>1 / (1 - p)</c>); the state itself, and a GRU's <c>z * h(t-1)</c> term, stay unmasked,
        /// as in Keras 3. PyTorch has no such argument. The identity at inference, where it costs nothing. Masks drawn from the
        /// network's training context like <see cref="DropoutAttribute"/>'s. In [0, 1]; default 0.
        /// </summary>
        public double RecurrentDropout { get; set; }
    }

    /// <summary>
    /// An Elman recurrent layer, exactly <c>torch.nn.RNN(features, hidden, num_layers, nonlinearity, bias, batch_first=True)</c>:
    /// <c>h_t = f(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)</c>. Parameters in PyTorch's state_dict order and shapes,
    /// <c>{module}.weight_ih_l0 [hidden, in]</c>, <c>weight_hh_l0 [hidden, hidden]</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>,
    /// then <c>_l1</c>, ..., all initialised <c>U(-1/sqrt(hidden), 1/sqrt(hidden))</c> as PyTorch does.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class SimpleRNNAttribute : RecurrentLayerAttribute
    {
        /// <summary>Declares an Elman recurrent layer.</summary>
        /// <param name="hidden">The size of the hidden state; must be positive.</param>
        public SimpleRNNAttribute(int hidden)
            : base(hidden)
        {
        }

        /// <summary>The nonlinearity <c>f</c> (PyTorch's <c>nonlinearity</c>). Default <see cref="RecurrentNonlinearity.Tanh"/>.</summary>
        public RecurrentNonlinearity Nonlinearity { get; set; } = RecurrentNonlinearity.Tanh;
    }

    /// <summary>
    /// A gated recurrent unit layer, exactly <c>torch.nn.GRU(features, hidden, num_layers, bias, batch_first=True)</c>, gates
    /// in PyTorch's order r, z, n: <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
    /// <c>n = tanh(W_in x + b_in + r * (W_hn h + b_hn))</c>, <c>h' = (1 - z) * n + z * h</c>. Parameters
    /// <c>{module}.weight_ih_l0 [3 hidden, in]</c>, <c>weight_hh_l0 [3 hidden, hidden]</c>, <c>bias_ih_l0 [3 hidden]</c>,
    /// <c>bias_hh_l0 [3 hidden]</c>, then <c>_l1</c>, ..., all initialised <c>U(-1/sqrt(hidden), 1/sqrt(hidden))</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GRUAttribute : RecurrentLayerAttribute
    {
        /// <summary>Declares a GRU layer.</summary>
        /// <param name="hidden">The size of the hidden state; must be positive.</param>
        public GRUAttribute(int hidden)
            : base(hidden)
        {
        }
    }

    /// <summary>
    /// A long short-term memory layer, exactly <c>torch.nn.LSTM(features, hidden, num_layers, bias, batch_first=True)</c>
    /// (no projection), gates in PyTorch's order i, f, g, o: <c>c' = f * c + i * g</c>, <c>h' = o * tanh(c')</c>. Parameters
    /// <c>{module}.weight_ih_l0 [4 hidden, in]</c>, <c>weight_hh_l0 [4 hidden, hidden]</c>, <c>bias_ih_l0 [4 hidden]</c>,
    /// <c>bias_hh_l0 [4 hidden]</c>, then <c>_l1</c>, ..., all initialised <c>U(-1/sqrt(hidden), 1/sqrt(hidden))</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class LSTMAttribute : RecurrentLayerAttribute
    {
        /// <summary>Declares an LSTM layer.</summary>
        /// <param name="hidden">The size of the hidden state; must be positive.</param>
        public LSTMAttribute(int hidden)
            : base(hidden)
        {
        }
    }
}
