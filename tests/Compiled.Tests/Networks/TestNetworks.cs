using Compiled;

// Networks the end-to-end tests run. Sizes are chosen to exercise every code path of the generated kernels: inputs
// that are not a multiple of 16, 8 or 4 (masked tails), fewer than 4 inputs (scalar kernels), output counts that leave
// partial row blocks, and layers wide enough for the tiled loops.
namespace Compiled.Tests.Networks
{
    [Network]
    [Input(2)]
    [Dense(4, Activation.Sigmoid)]
    [Dense(1, Activation.Sigmoid)]
    public partial class Xor { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(128, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public partial class Mlp { }

    [Network]
    [Input(16)]
    [Dense(32, Activation.Tanh)]
    [Dense(32, Activation.Tanh)]
    [Dense(4)]
    public partial class Game { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(37)]
    [Dense(19, Activation.ReLU)]
    [Dense(23, Activation.Tanh)]
    [Dense(3, Activation.Softmax)]
    public partial class OddClassifier { }

    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(13)]
    [Dense(9, Activation.SiLU)]
    [Dense(5, Activation.Sigmoid)]
    public partial class MultiLabel { }

    [Network]
    [Input(3)]
    [Dense(17, Activation.LeakyReLU, NegativeSlope = 0.2f)]
    [Dense(6, Activation.ELU, Alpha = 0.7f)]
    [Dense(2, Activation.Softplus)]
    public partial class Regressor { }

    [Network]
    [Input(21)]
    [Dense(33, Activation.GELU)]
    [Dense(5, Activation.Softmax)]
    public partial class SoftmaxMse { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(2, 3, 5)]
    [Flatten]
    [Dense(12, Activation.ELU)]
    [Dense(4, Activation.Softmax)]
    public partial class Image { }

    [Network]
    [Input(70)]
    [Dense(67, Activation.Identity)]
    [Dense(1, Activation.Tanh)]
    public partial class Wide { }

    [Network]
    [Input(1)]
    [Dense(1)]
    public partial class Line { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(64)]
    [Dense(64, Activation.ReLU)]
    [Dense(64, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public partial class Digits { }

    // First layers large enough for split training (ISplitTraining): an uneven split (70 units: 32 + 38, the last part
    // padded to 48) with an activation whose derivative needs the pre-activation, and a Flatten before the split layer
    // with two layers after it.
    [Network]
    [Input(300)]
    [Dense(70, Activation.GELU)]
    [Dense(3, Activation.Tanh)]
    public partial class SplitGelu { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(1, 20, 20)]
    [Flatten]
    [Dense(48, Activation.ELU)]
    [Dense(16, Activation.Tanh)]
    [Dense(5, Activation.Softmax)]
    public partial class SplitImage { }

    // Dropout on the input (the first computing layer: Backpropagate's input gradient goes through it) and between
    // layers, widths that are not multiples of any vector width.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(30)]
    [Dropout(0.2)]
    [Dense(40, Activation.ReLU)]
    [Dropout(0.5)]
    [Dense(21, Activation.Tanh)]
    [Dropout(0.3)]
    [Dense(5, Activation.Softmax)]
    public partial class Dropouts { }

    // Dropout after a first layer that split training divides between two threads.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(300)]
    [Dense(64, Activation.ReLU)]
    [Dropout(0.25)]
    [Dense(3, Activation.Sigmoid)]
    public partial class SplitDropout { }

    // Layer normalisation over the last dimension of a 2-D input (the first layer with parameters, so Backpropagate's
    // input gradient goes through it), then over a whole hidden vector.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(3, 8)]
    [LayerNorm(NormalizedDimensions = 1)]
    [Flatten]
    [Dense(20, Activation.GELU)]
    [LayerNorm]
    [Dense(4, Activation.Softmax)]
    public partial class Norms { }

    // Without the affine parameters, another eps.
    [Network]
    [Input(10)]
    [Dense(12, Activation.Tanh)]
    [LayerNorm(ElementwiseAffine = false, Eps = 1e-3)]
    [Dense(2)]
    public partial class NormNoAffine { }

    // Batch normalisation after a hidden layer (nn.BatchNorm1d on (N, 20)), cross-entropy: batches of one cannot train.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(12)]
    [Dense(20, Activation.ReLU)]
    [BatchNorm]
    [Dense(4, Activation.Softmax)]
    public partial class BatchNorms { }

    // Per channel over positions first (BatchNorm2d on (N, 3, 4, 5), the first layer with parameters), then a BatchNorm1d
    // without affine parameters and with other eps and momentum; MSE.
    [Network]
    [Input(3, 4, 5)]
    [BatchNorm]
    [Flatten]
    [Dense(7, Activation.Tanh)]
    [BatchNorm(Affine = false, Eps = 1e-3, Momentum = 0.3)]
    [Dense(2)]
    public partial class ChannelNorms { }

    // Only a per-channel batch normalisation (9 positions per channel), so a single sample trains; binary cross-entropy.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(2, 3, 3)]
    [BatchNorm(Momentum = 0.5)]
    [Flatten]
    [Dense(3, Activation.Sigmoid)]
    public partial class SpatialNorm { }

    /// <summary>Token ids through an embedding, flattened into a classifier.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(5)]
    [Embedding(11, 6)]
    [Flatten]
    [Dense(4, Activation.Softmax)]
    public partial class Tokens { }

    /// <summary>An embedding with a padding id, normalised per token, then a regression head.</summary>
    [Network]
    [Input(2, 3)]
    [Embedding(7, 4, PaddingIndex = 0)]
    [LayerNorm(NormalizedDimensions = 1)]
    [Flatten]
    [Dense(2)]
    public partial class TokensPadded { }
    // Max pooling with padding and a stride below the window (nn.MaxPool2d(3, 2, 1) on (N, 2, 7, 9) -> (N, 2, 4, 5)),
    // the first layer: Backpropagate's input gradient goes through it in place, 40 floats per sample back to 126.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(2, 7, 9)]
    [MaxPool2D(3, Stride = 2, Padding = 1)]
    [Flatten]
    [Dense(5, Activation.Softmax)]
    public partial class PoolMax2D { }

    // 1-D average pooling without padding in the divisor (nn.AvgPool1d(3, 2, 1, count_include_pad=False)), MSE.
    [Network]
    [Input(3, 11)]
    [AvgPool1D(3, Stride = 2, Padding = 1, CountIncludePad = false)]
    [Flatten]
    [Dense(4, Activation.Tanh)]
    [Dense(2)]
    public partial class PoolAvg1D { }

    // 3-D max pooling, a stride per dimension and ceil mode (nn.MaxPool3d(2, (1, 2, 2), ceil_mode=True) on
    // (N, 2, 3, 5, 5) -> (N, 2, 2, 3, 3)), binary cross-entropy.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(2, 3, 5, 5)]
    [MaxPool3D(2, Strides = new[] { 1, 2, 2 }, CeilMode = true)]
    [Flatten]
    [Dense(3, Activation.Sigmoid)]
    public partial class PoolMax3D { }

    // Max pooling after a batch normalisation (whole-batch training: the int workspace per sample times the capacity),
    // a non-square dilated window, then a global max: (3, 6, 6) -> (3, 2, 2) -> 3, MSE on a bounded (tanh) output.
    [Network]
    [Input(3, 6, 6)]
    [BatchNorm]
    [MaxPool2D(KernelShape = new[] { 2, 3 }, Strides = new[] { 2, 1 }, Dilation = 2)]
    [GlobalMaxPool]
    [Dense(2, Activation.Tanh)]
    public partial class PoolNormMax { }

    // Average pooling in ceil mode with padding: (2, 8, 7) -> (2, 5, 4), the last column of windows dropped because it
    // would start in the right padding, and the last row's divisor clipped to the padded input.
    [Network]
    [Input(2, 8, 7)]
    [AvgPool2D(3, Stride = 2, Padding = 1, CeilMode = true)]
    [Flatten]
    [Dense(3, Activation.ReLU)]
    [Dense(2)]
    public partial class PoolCeil { }

    // Global average pooling as the first layer ((4, 5, 6) -> 4, nn.AdaptiveAvgPool2d(1) + nn.Flatten()), cross-entropy.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(4, 5, 6)]
    [GlobalAvgPool]
    [Dense(3, Activation.Softmax)]
    public partial class PoolGlobalAvg { }

    // Pooling that widens the data (padding 1, stride 1: (2, 3) -> (2, 4)) below the first layer with parameters, so
    // Backpropagate's input gradient cannot work in place in the caller's InputSize floats per sample and goes through the
    // workspace's gradient blocks; then an average pooling that keeps the size, MSE.
    [Network]
    [Input(2, 3)]
    [MaxPool1D(2, Stride = 1, Padding = 1)]
    [AvgPool1D(3, Stride = 1, Padding = 1)]
    [Flatten]
    [Dense(3)]
    public partial class PoolWiden { }
    // Convolutions. A 2-D convolution with padding, then a strided one with a non-square kernel on an odd input, before
    // Flatten + Dense; cross-entropy.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(2, 7, 6)]
    [Conv2D(5, 3, Activation.ReLU, Padding = 1)]
    [Conv2D(4, 3, Activation.Tanh, Stride = 2, KernelShape = new[] { 3, 2 })]
    [Flatten]
    [Dense(3, Activation.Softmax)]
    public partial class ConvSmall2d { }

    // Depthwise (groups = input channels, 2 outputs per channel) with dilation and no bias, then a pointwise 1x1
    // convolution: a depthwise-separable block; MSE.
    [Network]
    [Input(4, 7, 6)]
    [Conv2D(8, 3, Activation.GELU, Groups = 4, Dilation = 2, Bias = false)]
    [Conv2D(6, 1, Activation.LeakyReLU, NegativeSlope = 0.2f)]
    [Flatten]
    [Dense(2, Activation.Tanh)]
    public partial class ConvDepthwise { }

    // A causal dilated 1-D convolution, then one with 'same' padding and an even kernel (one more zero on the right);
    // binary cross-entropy.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(3, 11)]
    [Conv1D(4, 3, Activation.ELU, Causal = true, Dilation = 2, Alpha = 0.7f)]
    [Conv1D(5, 4, Activation.SiLU, Padding = Padding.Same)]
    [Flatten]
    [Dense(2, Activation.Sigmoid)]
    public partial class Conv1dCausal { }

    // 3-D with a non-cubic kernel, stride and padding, and two groups; MSE.
    [Network]
    [Input(2, 3, 5, 4)]
    [Conv3D(4, 2, Activation.Sigmoid, KernelShape = new[] { 2, 3, 2 }, Strides = new[] { 1, 2, 1 }, Paddings = new[] { 0, 1, 1 }, Groups = 2)]
    [Flatten]
    [Dense(3, Activation.Tanh)]
    public partial class Conv3dTiny { }

    // Convolutions only: the last one is the output (a fused sigmoid under binary cross-entropy), with 'same' padding of an
    // even kernel after a strided Softplus one.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(2, 5, 6)]
    [Conv2D(3, 2, Activation.Softplus, Strides = new[] { 2, 1 })]
    [Conv2D(1, 2, Activation.Sigmoid, Padding = Padding.Same)]
    public partial class ConvOutput { }
    // Recurrent layers: [Input(steps, features)] is one sequence per sample. Hidden sizes off the vector widths (tails),
    // one of 17 for the 512-bit path's full vectors; stacked layers, every step or the last, a per-step Dense after a sequence.
    [Network]
    [Input(5, 3)]
    [SimpleRNN(6)]
    [Dense(2)]
    public partial class RnnLast { }

    [Network]
    [Input(4, 3)]
    [SimpleRNN(5, Nonlinearity = RecurrentNonlinearity.ReLU, NumLayers = 2, ReturnSequences = true)]
    public partial class RnnReluStack { }

    [Network]
    [Input(6, 4)]
    [GRU(7)]
    [Dense(3, Activation.Tanh)]
    public partial class GruLast { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(5, 10)]
    [GRU(17, NumLayers = 2)]
    [Dense(4, Activation.Softmax)]
    public partial class GruStack { }

    // Two GRUs returning sequences, then a Dense per step: nn.Linear on the last dimension, output (4, 2).
    [Network]
    [Input(4, 5)]
    [GRU(6, ReturnSequences = true)]
    [GRU(9, ReturnSequences = true)]
    [Dense(2)]
    public partial class GruSequenceDense { }

    [Network]
    [Input(5, 2)]
    [LSTM(6)]
    [Dense(1)]
    public partial class LstmLast { }

    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(4, 3)]
    [LSTM(9, NumLayers = 2, ReturnSequences = true, Bias = false)]
    [Dense(2, Activation.Sigmoid)]
    public partial class LstmStackSequence { }

    // Per-step layers between recurrent ones: a sequence keeps its steps through LayerNorm (each step normalised),
    // Dropout and a per-step Dense, and the LSTM after them backpropagates into all three.
    [Network]
    [Input(4, 3)]
    [GRU(5, ReturnSequences = true)]
    [LayerNorm(NormalizedDimensions = 1)]
    [Dropout(0.2)]
    [Dense(4, Activation.Tanh)]
    [LSTM(3)]
    public partial class GruNormDenseLstm { }

    // Bidirectional: two stacked GRU layers (the second reads 2 x 6 features per step), every step, a per-step Dense;
    // an LSTM returning the last step (forward state after 5 steps, reverse state after 1); an RNN without bias.
    [Network]
    [Input(5, 3)]
    [GRU(6, NumLayers = 2, Bidirectional = true, ReturnSequences = true)]
    [Dense(2)]
    public partial class GruBidirectional { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(5, 4)]
    [LSTM(5, Bidirectional = true)]
    [Dense(3, Activation.Softmax)]
    public partial class LstmBidirectional { }

    [Network]
    [Input(4, 2)]
    [SimpleRNN(3, Bidirectional = true, Bias = false, ReturnSequences = true)]
    [GRU(4)]
    public partial class RnnBidirectional { }

    // Hidden sizes that are multiples of 16: the training path's batched W_hh^T product (RecurrentKernels.Backward) and the
    // small-layer Step (GRU 11-21 units, LSTM 9-16); two stacked layers, both directions, every step and the last one.
    [Network]
    [Input(4, 3)]
    [GRU(16, NumLayers = 2)]
    [Dense(2)]
    public partial class GruWide16 { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(4, 3)]
    [LSTM(16, Bidirectional = true, ReturnSequences = true)]
    [Flatten]
    [Dense(3, Activation.Softmax)]
    public partial class LstmBidirectional16 { }

    [Network]
    [Input(3, 2)]
    [SimpleRNN(32)]
    [Dense(1)]
    public partial class RnnWide32 { }

    /// <summary>Channel-wise dropout between convolutions, and element-wise after them.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(2, 6, 5)]
    [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
    [Dropout2D(0.4)]
    [Conv2D(3, 3, Activation.Tanh)]
    [Flatten]
    [Dropout(0.2)]
    [Dense(3, Activation.Softmax)]
    public partial class ConvDropout { }

    /// <summary>Channel-wise dropout of a sequence of channels (nn.Dropout1d) straight after the input.</summary>
    [Network]
    [Input(5, 7)]
    [Dropout1D(0.25)]
    [Conv1D(2, 3, Activation.Tanh, Causal = true)]
    [Flatten]
    [Dense(2)]
    public partial class ConvDropout1d { }

    /// <summary>A token sequence through an embedding into a GRU: the text model's front end.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(6)]
    [Embedding(20, 5)]
    [GRU(7)]
    [Dense(3, Activation.Softmax)]
    public partial class TokensGru { }

    /// <summary>PyTorch's dropout between 2 stacked GRU layers and Keras' recurrent dropout, every step's output; MSE.</summary>
    [Network]
    [Input(5, 3)]
    [GRU(4, NumLayers = 2, Dropout = 0.3, RecurrentDropout = 0.4, ReturnSequences = true)]
    [Dense(2)]
    public partial class GruDropouts { }

    /// <summary>The same on an LSTM of 2 stacked layers, the last step's output; cross-entropy.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(6, 3)]
    [LSTM(5, NumLayers = 2, Dropout = 0.25, RecurrentDropout = 0.5)]
    [Dense(3, Activation.Softmax)]
    public partial class LstmDropouts { }

    /// <summary>Both dropouts on a bidirectional Elman network (a mask per direction).</summary>
    [Network]
    [Input(5, 2)]
    [SimpleRNN(3, NumLayers = 2, Bidirectional = true, Dropout = 0.5, RecurrentDropout = 0.3, ReturnSequences = true)]
    [Dense(2, Activation.Tanh)]
    public partial class RnnBidirectionalDropouts { }
    // Standalone activations (issue 8): PyTorch's Linear -> BatchNorm1d -> ReLU -> Linear, the softmax as a layer of its own
    // that cross-entropy fuses; at inference the batch normalisation and the ReLU fold into the first Dense.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(12)]
    [Dense(16)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [Dense(4)]
    [Activation(Activation.Softmax)]
    public partial class DenseBnRelu { }

    // Layers large enough for the one-sample forward pass's panelled copy on every vector width (more than 8,192 packed
    // weights, wider than 128 floats): 304 padded outputs are 3 panels with 512-bit vectors (128 + 128 + 48), 5 with 256-bit
    // and 10 with 128-bit; the second with a batch normalisation and a ReLU folded into its inference weight, so its panels
    // must be cut from the folded copy.
    [Network]
    [Input(40)]
    [Dense(300, Activation.Tanh)]
    [Dense(2)]
    public partial class PanelsWide { }

    [Network(Loss = Loss.CrossEntropy)]
    [Input(45)]
    [Dense(200)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [Dense(3, Activation.Softmax)]
    public partial class PanelsFolded { }

    // Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Flatten -> Linear, MSE; at inference the normalisation and the ReLU fold
    // into the convolution. PyTorch parity (BatchNormParityTests); not among the finite-difference cases: in a batch of 70 two
    // values of a pooling window come within the step (1e-5) of each other, so the max switches (measured: with a step of
    // 1e-6 the difference quotient is the gradient to 7 digits); ConvBnReluAvg is checked instead.
    [Network]
    [Input(2, 6, 6)]
    [Conv2D(4, 3)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(3)]
    public partial class ConvBnRelu { }

    // ConvBnRelu with average pooling, for the finite-difference checks.
    [Network]
    [Input(2, 6, 6)]
    [Conv2D(4, 3)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [AvgPool2D(2)]
    [Flatten]
    [Dense(3)]
    public partial class ConvBnReluAvg { }

    // Every activation with a setting or a saved-input derivative as a layer, after a Dense, a LayerNorm and another
    // activation; the sigmoid as the last layer, fused by binary cross-entropy.
    [Network(Loss = Loss.BinaryCrossEntropy)]
    [Input(6)]
    [Dense(8)]
    [Activation(Activation.LeakyReLU, NegativeSlope = 0.2f)]
    [LayerNorm]
    [Activation(Activation.ELU, Alpha = 0.5f)]
    [Activation(Activation.GELU)]
    [Dense(7)]
    [Activation(Activation.Tanh)]
    [Activation(Activation.SiLU)]
    [Activation(Activation.Softplus)]
    [Dense(3)]
    [Activation(Activation.Sigmoid)]
    public partial class ActivationChain { }

    // An activation as the first layer (Backpropagate's input gradient recomputes its output), and a softmax layer the loss
    // does not fuse (MSE: its Jacobian in the backward pass).
    [Network]
    [Input(5)]
    [Activation(Activation.SiLU)]
    [Dense(4)]
    [Activation(Activation.Softmax)]
    public partial class SoftmaxLayerMse { }

    // DenseBnRelu and ConvBnRelu with an identity activation layer before the normalisation: the same function in training
    // and at inference, but the normalisation no longer follows the layer (a dropout between would not stop the fold), so
    // nothing is folded: the unfolded twins the fold tests compare against.
    [Network(Loss = Loss.CrossEntropy)]
    [Input(12)]
    [Dense(16)]
    [Activation(Activation.Identity)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [Dense(4)]
    [Activation(Activation.Softmax)]
    public partial class DenseBnReluUnfolded { }

    [Network]
    [Input(2, 6, 6)]
    [Conv2D(4, 3)]
    [Activation(Activation.Identity)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(3)]
    public partial class ConvBnReluUnfolded { }

    // A grouped convolution without bias folded with a normalisation without affine parameters, no activation after it.
    [Network]
    [Input(4, 5, 5)]
    [Conv2D(6, 3, Groups = 2, Bias = false, Padding = 1)]
    [BatchNorm(Affine = false)]
    [GlobalAvgPool]
    [Dense(2)]
    public partial class GroupedConvBn { }

    [Network]
    [Input(4, 5, 5)]
    [Conv2D(6, 3, Groups = 2, Bias = false, Padding = 1)]
    [Activation(Activation.Identity)]
    [BatchNorm(Affine = false)]
    [GlobalAvgPool]
    [Dense(2)]
    public partial class GroupedConvBnUnfolded { }

    // BatchNorm1d(8, track_running_stats=False): no buffers, batch statistics at inference too (ForwardBatch normalises over
    // its whole batch; single-sample Forward throws). Not among the shared cases, whose checks run single samples.
    [Network]
    [Input(10)]
    [Dense(8)]
    [BatchNorm(TrackRunningStats = false)]
    [Activation(Activation.Tanh)]
    [Dense(3)]
    public partial class BatchNormUntracked { }

    // BatchNorm2d(4, momentum=None): the running statistics a cumulative average of the batches'; folded at inference.
    [Network]
    [Input(3, 4, 4)]
    [Conv2D(4, 3)]
    [BatchNorm(CumulativeAverage = true)]
    [Activation(Activation.ReLU)]
    [Flatten]
    [Dense(2)]
    public partial class BatchNormCumulative { }

    // A depthwise convolution (its own direct inference kernel) folded with a normalisation, a SiLU fused after it.
    [Network]
    [Input(3, 6, 7)]
    [Conv2D(3, 3, Groups = 3, Padding = 1)]
    [BatchNorm]
    [Activation(Activation.SiLU)]
    [GlobalAvgPool]
    [Dense(2)]
    public partial class DepthwiseBnSilu { }

    [Network]
    [Input(3, 6, 7)]
    [Conv2D(3, 3, Groups = 3, Padding = 1)]
    [Activation(Activation.Identity)]
    [BatchNorm]
    [Activation(Activation.SiLU)]
    [GlobalAvgPool]
    [Dense(2)]
    public partial class DepthwiseBnSiluUnfolded { }

    // Dropouts around the normalisation (the identity at inference): still folded, with the ReLU. Its twin moves the
    // identity activation layer in front from between the Dense and the first dropout, which stops the fold and keeps every
    // dropout at the same layer index (a mask is a function of it), so both draw the same masks and train identically.
    [Network]
    [Input(12)]
    [Activation(Activation.Identity)]
    [Dense(16)]
    [Dropout(0.3)]
    [BatchNorm]
    [Dropout(0.2)]
    [Activation(Activation.ReLU)]
    [Dense(4)]
    public partial class DenseDropoutBn { }

    [Network]
    [Input(12)]
    [Dense(16)]
    [Activation(Activation.Identity)]
    [Dropout(0.3)]
    [BatchNorm]
    [Dropout(0.2)]
    [Activation(Activation.ReLU)]
    [Dense(4)]
    public partial class DenseDropoutBnUnfolded { }
}
