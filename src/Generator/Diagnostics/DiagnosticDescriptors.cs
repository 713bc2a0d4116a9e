using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Diagnostics
{
    /// <summary>
    /// Every diagnostic the generator reports. IDs are stable: they are listed in AnalyzerReleases.*.md and in the README.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Usage = "Compiled.Usage";
        private const string Shape = "Compiled.Shape";

        public static readonly DiagnosticDescriptor NotPartial = Error(
            "CN0001", Usage,
            "Network class must be partial",
            "The network class '{0}' must be declared 'partial' so that the generator can add its forward and backward passes");

        public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
            "CN0002", Usage,
            "Containing type of a network must be partial",
            "The network class '{0}' is nested in '{1}', which must also be declared 'partial'");

        public static readonly DiagnosticDescriptor Generic = Error(
            "CN0003", Usage,
            "Network class cannot be generic",
            "The network class '{0}' cannot be generic (or nested in a generic type): its sizes are fixed at compile time");

        public static readonly DiagnosticDescriptor Static = Error(
            "CN0004", Usage,
            "Network class cannot be static",
            "The network class '{0}' cannot be static: a network holds its parameters in instance buffers");

        public static readonly DiagnosticDescriptor MissingInput = Error(
            "CN0005", Shape,
            "Network has no [Input]",
            "The network '{0}' has no [Input] attribute; declare the shape of one sample, for example [Input(784)]");

        public static readonly DiagnosticDescriptor MultipleInputs = Error(
            "CN0006", Shape,
            "Network has more than one [Input]",
            "The network '{0}' has more than one [Input] attribute; keep exactly one");

        public static readonly DiagnosticDescriptor EmptyInputShape = Error(
            "CN0007", Shape,
            "Input shape has no dimensions",
            "[Input] needs at least one dimension, for example [Input(784)] or [Input(1, 28, 28)]");

        public static readonly DiagnosticDescriptor NonPositiveSize = Error(
            "CN0008", Shape,
            "Size must be positive",
            "{0} is {1}; it must be a positive number");

        public static readonly DiagnosticDescriptor NoLayers = Error(
            "CN0009", Shape,
            "Network has no layers",
            "The network '{0}' has no layer that computes anything; add at least one layer attribute such as [Dense(10)]");

        public static readonly DiagnosticDescriptor DenseNeedsVector = Error(
            "CN0010", Shape,
            "Dense layer needs a vector input",
            "[Dense] at layer {0} receives a {1} input; put [Flatten] before it to turn the shape into a vector of {2}");

        public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
            "CN0011", Shape,
            "Softmax is only allowed on the last layer",
            "Activation.Softmax at layer {0} is not on the last layer; Softmax normalises the network's output and may only be used there");

        public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmax = Error(
            "CN0012", Shape,
            "CrossEntropy needs a Softmax output",
            "Loss.CrossEntropy needs the last layer to use Activation.Softmax, but it uses Activation.{0}");

        public static readonly DiagnosticDescriptor BinaryCrossEntropyNeedsSigmoid = Error(
            "CN0013", Shape,
            "BinaryCrossEntropy needs a Sigmoid output",
            "Loss.BinaryCrossEntropy needs the last layer to use Activation.Sigmoid, but it uses Activation.{0}");

        public static readonly DiagnosticDescriptor TooFewClasses = Error(
            "CN0014", Shape,
            "CrossEntropy needs at least two classes",
            "Loss.CrossEntropy needs at least 2 outputs (one per class), but the network has {0}");

        public static readonly DiagnosticDescriptor UnknownActivation = Error(
            "CN0015", Usage,
            "Unknown activation",
            "{0} is not a defined Activation value");

        public static readonly DiagnosticDescriptor UnknownLoss = Error(
            "CN0016", Usage,
            "Unknown loss",
            "{0} is not a defined Loss value");

        public static readonly DiagnosticDescriptor TooLarge = Error(
            "CN0017", Shape,
            "Network is too large",
            "{0} of network '{1}' would be {2}, more than the supported maximum of {3}");

        public static readonly DiagnosticDescriptor LayersSplitAcrossParts = Error(
            "CN0018", Usage,
            "Layers are declared on several partial declarations",
            "The layers of network '{0}' are declared on more than one partial declaration, so their order is undefined; declare all layer attributes on one declaration");

        public static readonly DiagnosticDescriptor SettingHasNoEffect = Warning(
            "CN0019", Usage,
            "Layer setting has no effect",
            "{0} has no effect with Activation.{1}; it applies to Activation.{2} only");

        public static readonly DiagnosticDescriptor SettingNotFinite = Error(
            "CN0020", Usage,
            "Layer setting must be finite",
            "{0} is {1}; it must be a finite number");

        public static readonly DiagnosticDescriptor ParameterlessConstructor = Error(
            "CN0021", Usage,
            "Network declares its own parameterless constructor",
            "The network class '{0}' declares a parameterless constructor, but the generator provides it (it allocates the buffers and initialises the parameters); remove it, and chain other constructors to it with ': this()'");

        public static readonly DiagnosticDescriptor SoftmaxSingleOutput = Warning(
            "CN0022", Shape,
            "Softmax over a single output is constant",
            "Activation.Softmax over a single output always gives 1 and has a zero gradient; use Activation.Sigmoid for one output");

        public static readonly DiagnosticDescriptor ConstructorDoesNotChain = Error(
            "CN0023", Usage,
            "Network constructor must chain to this()",
            "This constructor of network '{0}' does not call ': this()', so the network's buffers would never be allocated; add ': this()'");

        public static readonly DiagnosticDescriptor Abstract = Error(
            "CN0024", Usage,
            "Network class cannot be abstract",
            "The network class '{0}' cannot be abstract: the generated code creates instances of it (its constructor, CreateWorker)");

        public static readonly DiagnosticDescriptor NameCollidesWithMember = Error(
            "CN0025", Usage,
            "Network class name collides with a generated member",
            "The network class '{0}' has the name of a member the generator adds to it ('{0}'), and a member cannot have the name of its class; rename the class, for example to '{0}Network'");

        public static readonly DiagnosticDescriptor FileLocal = Error(
            "CN0026", Usage,
            "Network class cannot be file-local",
            "The network class '{0}' cannot be 'file'-local: the generated part is in another file, so it would declare a different class and this one would get no forward or backward pass");

        public static readonly DiagnosticDescriptor TooManyLayers = Error(
            "CN0027", Shape,
            "Network has too many layers",
            "Network '{0}' has {1} layers, more than the supported maximum of {2}: the generated code grows with the number of layers (not with their widths), and this many would make a file the compiler is slow to build");

        public static readonly DiagnosticDescriptor DropoutProbability = Error(
            "CN0028", Usage,
            "Dropout probability must be between 0 and 1",
            "The probability {0} of [Dropout] at layer {1} is not in [0, 1]: it is the chance of zeroing each element in training (PyTorch's p)");

        public static readonly DiagnosticDescriptor DropoutLast = Error(
            "CN0029", Shape,
            "Dropout cannot be the last layer",
            "[Dropout] at layer {0} is the network's last layer: its output would be randomly zeroed in training and not at inference; put dropout before the output layer");

        public static readonly DiagnosticDescriptor HidesNamespace = Error(
            "CN0032", Usage,
            "Network class hides a namespace the generated code uses",
            "The network class '{0}' is declared in the global namespace with the name of the '{0}' namespace, which the generated code refers to as 'global::{0}'; put the class in a namespace or rename it");

        public static readonly DiagnosticDescriptor SettingOutOfRange = Error(
            "CN0033", Usage,
            "Layer setting is out of range",
            "{0} of [{1}] at layer {2} is {3}; it must be {4}");

        public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(
            "CN0056", Shape,
            "Embedding must be the first layer",
            "[Embedding] at layer {0} reads token ids, so it must be the network's first layer; here its input is the {1} output of the layers before it");

        public static readonly DiagnosticDescriptor ChannelDropoutRank = Error(
            "CN0057", Shape,
            "Channel dropout receives an input of the wrong rank",
            "[{0}] at layer {1} receives a {2} input; it drops whole channels of an input {3}: use [Dropout] for element-wise dropout");

        public static readonly DiagnosticDescriptor UnknownInitializer = Error(
            "CN0030", Usage,
            "Unknown initializer",
            "{0} is not a defined Initializer value");

        public static readonly DiagnosticDescriptor InitializerNeedsMatrix = Error(
            "CN0031", Usage,
            "Orthogonal initialisation needs a matrix",
            "{0} = Initializer.Orthogonal initialises {1}, a vector of {2}; orthogonal initialisation needs a matrix, so use it for a weight (Init) only");

        public static readonly DiagnosticDescriptor PoolWindowSetting = Error(
            "CN0042", Usage,
            "Pooling window setting is invalid",
            "{0} of [{1}] at layer {2} is {3}; {4}");

        public static readonly DiagnosticDescriptor PoolKernelTooLarge = Error(
            "CN0043", Shape,
            "Pooling window is larger than the padded input",
            "The window of [{0}] at layer {1} is {2} along dimension {3}, larger than the padded input there ({4}: the input {5} plus padding {6} on both sides); the input is {7}");

        public static readonly DiagnosticDescriptor PoolPaddingTooLarge = Error(
            "CN0044", Usage,
            "Pooling padding must be at most half the window",
            "{0} of [{1}] at layer {2} is {3}; it must be between 0 and half the window ({4}), as PyTorch requires");

        public static readonly DiagnosticDescriptor PoolInputRank = Error(
            "CN0045", Shape,
            "Pooling layer receives an input of the wrong rank",
            "[{0}] at layer {1} receives a {2} input (rank {3}); it needs {4}");

        public static readonly DiagnosticDescriptor GlobalPoolNeedsPositions = Error(
            "CN0046", Shape,
            "Global pooling needs an input with channels and positions",
            "[{0}] at layer {1} receives a vector of {2}; global pooling reduces each channel of an input (C, ...) over its positions, such as (C, H, W), to a vector of C");

        public static readonly DiagnosticDescriptor PoolOutputEmpty = Error(
            "CN0047", Shape,
            "Pooling output would be empty",
            "[{0}] at layer {1} would give an output of size {2} along dimension {3} from the input {4}: the dilated window spans {5} positions, more than the padded input {6}");
        public static readonly DiagnosticDescriptor ConvKernelTooLarge = Error(
            "CN0034", Shape,
            "Convolution kernel is larger than its padded input",
            "[{0}] at layer {1} receives a {2} input: along {3}, the kernel spans {4} (dilation included) but the padded input is {5}, so the output would have {6} positions there; use a smaller kernel or dilation, or more padding");

        public static readonly DiagnosticDescriptor ConvSettingNotPositive = Error(
            "CN0035", Usage,
            "Convolution setting must be positive",
            "{0} of [{1}] at layer {2} is {3}; it must be a positive number");

        public static readonly DiagnosticDescriptor ConvNegativePadding = Error(
            "CN0036", Usage,
            "Convolution padding cannot be negative",
            "{0} of [{1}] at layer {2} is {3}; padding is a number of zeros, 0 or more (or Padding.Same)");

        public static readonly DiagnosticDescriptor ConvGroupsDoNotDivide = Error(
            "CN0037", Shape,
            "Convolution channels are not divisible by its groups",
            "The {0} channels of [{1}] at layer {2} are {3}, not divisible by Groups = {4}: each group needs the same number of input and output channels");

        public static readonly DiagnosticDescriptor ConvWrongInputRank = Error(
            "CN0038", Shape,
            "Convolution input has the wrong number of dimensions",
            "[{0}] at layer {1} needs an input {2} (channels, then {3} spatial dimension(s)) but receives {4}, which has {5} dimension(s)");

        public static readonly DiagnosticDescriptor ConvSameNeedsStrideOne = Error(
            "CN0039", Usage,
            "Padding.Same needs stride 1",
            "[{0}] at layer {1} has Padding.Same and a stride of {2}; 'same' padding keeps the input's size only at stride 1 (PyTorch rejects padding='same' with a stride too), so give the padding as a number");

        public static readonly DiagnosticDescriptor ConvAxisCount = Error(
            "CN0040", Usage,
            "Convolution setting needs one value per spatial axis",
            "{0} of [{1}] at layer {2} has {3} value(s); a {4}-D convolution needs {4}, one per spatial axis");

        public static readonly DiagnosticDescriptor ConvCausalWithPadding = Error(
            "CN0041", Usage,
            "Causal convolution cannot also set its padding",
            "[Conv1D] at layer {0} is Causal, which pads dilation * (kernel - 1) = {1} zero(s) on the left itself; remove {2}");
        public static readonly DiagnosticDescriptor RecurrentNeedsSequence = Error(
            "CN0048", Shape,
            "Recurrent layer needs a sequence input",
            "[{0}] at layer {1} receives a {2} input; a recurrent layer reads a sequence (steps, features): declare [Input(steps, features)] or put it after a recurrent layer with ReturnSequences = true");

        public static readonly DiagnosticDescriptor RecurrentAfterLastStep = Error(
            "CN0049", Shape,
            "Recurrent layer reads a layer that returns only its last step",
            "[{0}] at layer {1} reads [{2}] at layer {3}, which returns only its last step (a vector of {4}); set ReturnSequences = true on layer {3} to pass every step on");

        public static readonly DiagnosticDescriptor SoftmaxOverSequence = Error(
            "CN0050", Shape,
            "Softmax on a per-step Dense over a sequence needs Loss.CrossEntropy",
            "[Dense] at layer {0} applies Activation.Softmax to each step of a {1} sequence with Loss.{2}; a per-step Softmax is trained by cross-entropy with one label per step: declare [Network(Loss = Loss.CrossEntropy)], or return only the last step (ReturnSequences = false)");

        public static readonly DiagnosticDescriptor RecurrentDropoutOneLayer = Warning(
            "CN0054", Usage,
            "Recurrent Dropout has no effect on a single stacked layer",
            "[{0}] at layer {1} sets Dropout = {2} with NumLayers = 1: like PyTorch's dropout argument it applies between stacked layers only, so it does nothing here; use RecurrentDropout for the recurrent state, or a [Dropout] layer after this one for its output");
        public static readonly DiagnosticDescriptor VariableLengthWithoutRecurrent = Error(
            "CN0051", Shape,
            "Variable-length input without a recurrent layer",
            "[Input] of {0} sets VariableLength = true, but no layer reads sequences of their own lengths; add a recurrent layer ([SimpleRNN], [GRU] or [LSTM]) or remove VariableLength");

        public static readonly DiagnosticDescriptor VariableLengthMixesSteps = Error(
            "CN0052", Shape,
            "Layer before a variable-length recurrent layer mixes steps",
            "[{0}] at layer {1} comes before the recurrent layer at layer {2} of a variable-length input but does not work step by step, so padding steps would reach the real ones; only [Embedding], [Dense], [Dropout] and recurrent layers may come before it");

        public static readonly DiagnosticDescriptor VariableLengthInputRank = Error(
            "CN0053", Shape,
            "Variable-length input has the wrong number of dimensions",
            "[Input] of {0} sets VariableLength = true with the shape {1}; a variable-length input is (maxSteps, features), or (maxSteps) token ids read by an [Embedding]");
        public static readonly DiagnosticDescriptor ActivationSoftmaxNeedsVector = Error(
            "CN0060", Shape,
            "Softmax activation layer needs a vector input",
            "[Activation(Activation.Softmax)] at layer {0} receives a {1} input; Softmax normalises a vector of class scores: put [Flatten] before it, or end with [Dense(classes, Activation.Softmax)]");

        public static readonly DiagnosticDescriptor BatchNormSettingHasNoEffect = Warning(
            "CN0061", Usage,
            "Batch normalisation setting has no effect",
            "{0} of [BatchNorm] at layer {1} has no effect with {2}");

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = Index(
            NotPartial, ContainingTypeNotPartial, Generic, Static, MissingInput, MultipleInputs, EmptyInputShape,
            NonPositiveSize, NoLayers, DenseNeedsVector, SoftmaxNotLast, CrossEntropyNeedsSoftmax,
            BinaryCrossEntropyNeedsSigmoid, TooFewClasses, UnknownActivation, UnknownLoss, TooLarge,
            LayersSplitAcrossParts, SettingHasNoEffect, SettingNotFinite, ParameterlessConstructor, SoftmaxSingleOutput, ConstructorDoesNotChain,
            Abstract, NameCollidesWithMember, FileLocal, TooManyLayers, DropoutProbability, DropoutLast, HidesNamespace, SettingOutOfRange, UnknownInitializer, InitializerNeedsMatrix,
            EmbeddingNotFirst, ChannelDropoutRank,
            PoolWindowSetting, PoolKernelTooLarge, PoolPaddingTooLarge, PoolInputRank, GlobalPoolNeedsPositions, PoolOutputEmpty,
            ConvKernelTooLarge, ConvSettingNotPositive, ConvNegativePadding, ConvGroupsDoNotDivide, ConvWrongInputRank, ConvSameNeedsStrideOne, ConvAxisCount, ConvCausalWithPadding,
            RecurrentNeedsSequence, RecurrentAfterLastStep, SoftmaxOverSequence, RecurrentDropoutOneLayer,
            VariableLengthWithoutRecurrent, VariableLengthMixesSteps, VariableLengthInputRank,
            ActivationSoftmaxNeedsVector, BatchNormSettingHasNoEffect);

        public static IReadOnlyCollection<DiagnosticDescriptor> All => s_byId.Values;

        public static DiagnosticDescriptor ById(string id) => s_byId[id];

        private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
            new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

        private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
            new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink(id));

        private static string HelpLink(string id) => "https://github.com/compiled-nn/compiled/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant();

        private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
        {
            var map = new Dictionary<string, DiagnosticDescriptor>();
            foreach (DiagnosticDescriptor descriptor in descriptors)
            {
                map.Add(descriptor.Id, descriptor);
            }

            return map;
        }
    }
}
