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
}
