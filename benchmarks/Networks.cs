using Compiled;

// The four networks of the benchmark contract, declared exactly as a user would. Sealed, so that calls through the
// concrete type are direct calls, as in user code.
namespace Compiled.Benchmarks.Networks
{
    /// <summary>2-4-1, Sigmoid, Sigmoid, MSE.</summary>
    [Network]
    [Input(2)]
    [Dense(4, Activation.Sigmoid)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class Xor { }

    /// <summary>16-32-32-4, Tanh, Tanh, Identity, MSE.</summary>
    [Network]
    [Input(16)]
    [Dense(32, Activation.Tanh)]
    [Dense(32, Activation.Tanh)]
    [Dense(4)]
    public sealed partial class Game { }

    /// <summary>784-128-10, ReLU, Softmax, cross-entropy.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(128, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class Mlp { }

    /// <summary>784-64-64-10, ReLU, ReLU, Softmax, cross-entropy.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(64, Activation.ReLU)]
    [Dense(64, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class Mlp2 { }
}

namespace Compiled.Benchmarks.Networks
{
    /// <summary>Mlp's first layer alone, 784-128 ReLU (MSE): the generated kernels the runtime kernels are compared with.</summary>
    [Network]
    [Input(784)]
    [Dense(128, Activation.ReLU)]
    public sealed partial class Dense784x128 { }

    /// <summary>Mlp's second layer alone without its softmax, 128-10 Identity (MSE).</summary>
    [Network]
    [Input(128)]
    [Dense(10)]
    public sealed partial class Dense128x10 { }
}

namespace Compiled.Benchmarks.Networks
{
    /// <summary>Mlp with dropout after its hidden layer: what dropout costs (nothing at inference, stated in training).</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(128, Activation.ReLU)]
    [Dropout(0.5)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class MlpDropout { }

    /// <summary>Mlp with batch normalisation after its hidden layer (nn.BatchNorm1d(128)).</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(128, Activation.ReLU)]
    [BatchNorm]
    [Dense(10, Activation.Softmax)]
    public sealed partial class MlpBatchNorm { }

    /// <summary>
    /// Mlp 784-128(BatchNorm, ReLU)-10 in PyTorch's Linear-BatchNorm1d-ReLU order: at inference the normalisation is folded
    /// into the Dense's packed weights and the ReLU fused, so it runs as Mlp.
    /// </summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(784)]
    [Dense(128)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class MlpBatchNormFolded { }
}

namespace Compiled.Benchmarks.Networks
{
    /// <summary>LeNet-5 as samples/LeNet5 and benchmarks/pytorch/lenet.py declare it (1x28x28 in, 10 classes, cross-entropy).</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(1, 28, 28)]
    [Conv2D(6, 5, Activation.ReLU, Padding = 2)]
    [MaxPool2D(2)]
    [Conv2D(16, 5, Activation.ReLU)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(120, Activation.ReLU)]
    [Dense(84, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class LeNet5 { }

    /// <summary>LeNet-5 with batch normalisation after each convolution and the first dense layer (BatchNorm2d(6), BatchNorm2d(16), BatchNorm1d(120)).</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(1, 28, 28)]
    [Conv2D(6, 5, Activation.ReLU, Padding = 2)]
    [BatchNorm]
    [MaxPool2D(2)]
    [Conv2D(16, 5, Activation.ReLU)]
    [BatchNorm]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(120, Activation.ReLU)]
    [BatchNorm]
    [Dense(84, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class LeNet5BatchNorm { }

    /// <summary>
    /// LeNet-5 with Conv-BatchNorm-ReLU blocks (PyTorch's usual order) and Linear-BatchNorm1d-ReLU for the 120-unit layer:
    /// at inference each normalisation is folded into the layer before it and the ReLU fused, so it runs as LeNet5.
    /// </summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(1, 28, 28)]
    [Conv2D(6, 5, Padding = 2)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [MaxPool2D(2)]
    [Conv2D(16, 5)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [MaxPool2D(2)]
    [Flatten]
    [Dense(120)]
    [BatchNorm]
    [Activation(Activation.ReLU)]
    [Dense(84, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class LeNet5BatchNormFolded { }
}
