using Compiled;

// Networks that stream (Step, ForwardSequence, State) besides the recurrent ones of StreamingTests: causal 1-D convolutions
// (channel-major, one time position per step) and the per-step layers (LayerNorm over the last dimension, Embedding,
// BatchNorm at inference, Dropout). StreamingChecks runs them on every SIMD path.
namespace Compiled.Tests.Networks
{
    /// <summary>Conv1D(8 -> 8, kernel 3, causal): RTNeural's streaming convolution.</summary>
    [Network]
    [Input(8, 24)]
    [Conv1D(8, 3, Causal = true)]
    public partial class StreamConv { }

    /// <summary>The causal dilated stack of samples/TemperatureForecast (dilations 1, 2, 4), without its Flatten + Dense head.</summary>
    [Network]
    [Input(1, 24)]
    [Conv1D(8, 3, Activation.ReLU, Causal = true)]
    [Conv1D(8, 3, Activation.ReLU, Causal = true, Dilation = 2)]
    [Conv1D(8, 3, Activation.ReLU, Causal = true, Dilation = 4)]
    public partial class StreamDilated { }

    /// <summary>Groups, a depthwise layer without bias, a 1-wide kernel (no state), BatchNorm and Dropout between.</summary>
    [Network]
    [Input(4, 22)]
    [Conv1D(6, 2, Activation.Tanh, Causal = true, Dilation = 3, Groups = 2)]
    [BatchNorm]
    [Dropout(0.3)]
    [Conv1D(6, 3, Activation.ELU, Causal = true, Dilation = 2, Groups = 6, Bias = false)]
    [Conv1D(19, 1, Causal = true)]
    public partial class StreamConvGroups { }

    /// <summary>
    /// The register-resident step kernel's shapes (RecurrentKernels.StepGateVectors): one, two and four vectors per gate on
    /// each SIMD path (GRU 16 and 32, LSTM 8, SimpleRNN 4), an odd input count (the input product's tail), and on each path
    /// some sizes that fall back to the general kernel (LSTM 64: its weights are beyond L1 for more than one block).
    /// </summary>
    [Network]
    [Input(21, 5)]
    [GRU(16, ReturnSequences = true)]
    [LSTM(8, ReturnSequences = true)]
    [SimpleRNN(4, ReturnSequences = true)]
    [GRU(32, ReturnSequences = true)]
    [LSTM(64)]
    [Dense(3)]
    public partial class StreamGateVectors { }

    /// <summary>
    /// The register kernel's other cells and sizes: SimpleRNN with ReLU (16), LSTM 16 stacked twice, GRU 8 and 4, and odd
    /// block counts (GRU 40: 5 vectors of 8, LSTM 24: 3 of 8 or 6 of 4), every step out.
    /// </summary>
    [Network]
    [Input(20, 3)]
    [SimpleRNN(16, Nonlinearity = RecurrentNonlinearity.ReLU, ReturnSequences = true)]
    [LSTM(16, NumLayers = 2, ReturnSequences = true)]
    [GRU(8, ReturnSequences = true)]
    [GRU(4, ReturnSequences = true)]
    [GRU(40, ReturnSequences = true)]
    [LSTM(24, ReturnSequences = true)]
    public partial class StreamGateVectorsCells { }

    /// <summary>[Activation] layers stepping: on a time-major row between recurrent layers, and Softmax on the last vector.</summary>
    [Network]
    [Input(20, 3)]
    [GRU(8, ReturnSequences = true)]
    [Dense(6)]
    [Activation(Activation.ELU)]
    [LSTM(5)]
    [Dense(3)]
    [Activation(Activation.Softmax)]
    public partial class StreamActivations { }

    /// <summary>[Activation] layers stepping on channel-major columns between causal convolutions.</summary>
    [Network]
    [Input(4, 22)]
    [Conv1D(6, 3, Causal = true)]
    [Activation(Activation.GELU)]
    [Conv1D(5, 2, Causal = true, Dilation = 2)]
    [Activation(Activation.LeakyReLU, NegativeSlope = 0.2f)]
    public partial class StreamConvActivations { }

    /// <summary>Per-step layers between recurrent ones: LayerNorm over the features, Dropout, a Dense per step, BatchNorm on a vector.</summary>
    [Network]
    [Input(21, 3)]
    [GRU(6, ReturnSequences = true)]
    [LayerNorm(NormalizedDimensions = 1)]
    [Dropout(0.2)]
    [Dense(4, Activation.Tanh)]
    [LSTM(5)]
    [Dense(8)]
    [BatchNorm]
    [Dense(2)]
    public partial class StreamPerStep { }

    /// <summary>Token ids, one per step, through an embedding into a GRU.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(20)]
    [Embedding(12, 4)]
    [GRU(6)]
    [Dense(3, Activation.Softmax)]
    public partial class StreamTokens { }

    /// <summary>A strided causal convolution does not give an output every step: no streaming API.</summary>
    [Network]
    [Input(2, 16)]
    [Conv1D(4, 3, Causal = true, Stride = 2)]
    public partial class StreamConvStrided { }

    /// <summary>
    /// A GRU after a channel-major convolution reads its channels as the steps (PyTorch's batch-first GRU on a Conv1d's
    /// output): its steps are not the convolution's, so no streaming API.
    /// </summary>
    [Network]
    [Input(2, 16)]
    [Conv1D(4, 3, Causal = true)]
    [GRU(5)]
    public partial class StreamConvGru { }
}
