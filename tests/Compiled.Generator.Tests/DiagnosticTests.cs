using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Compiled.Generator.Tests
{
    /// <summary>Every diagnostic: its ID, its severity, and that it points at the offending attribute or argument.</summary>
    public class DiagnosticTests
    {
        [Theory]
        [InlineData("CN0001", "[Network] [Input(2)] [Dense(1)] public class [|Net|] { }")]
        [InlineData("CN0002", "public class [|Outer|] { [Network] [Input(2)] [Dense(1)] public partial class Net { } }")]
        [InlineData("CN0003", "[Network] [Input(2)] [Dense(1)] public partial class [|Net|]<T> { }")]
        [InlineData("CN0003", "public partial class Outer<T> { [Network] [Input(2)] [Dense(1)] public partial class [|Net|] { } }")]
        [InlineData("CN0004", "[Network] [Input(2)] [Dense(1)] public static partial class [|Net|] { }")]
        [InlineData("CN0005", "[Network] [Dense(1)] public partial class [|Net|] { }")]
        [InlineData("CN0006", "[Network] [Input(2)] [[|Input(3)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0007", "[Network] [[|Input|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0007", "[Network] [[|Input(null)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(4, [|0|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(4)] [Dense([|-3|])] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(4)] [Dense(activation: Activation.ReLU, units: [|0|])] public partial class Net { }")]
        [InlineData("CN0009", "[Network] [Input(4)] public partial class [|Net|] { }")]
        [InlineData("CN0009", "[Network] [Input(4)] [Flatten] public partial class [|Net|] { }")]
        [InlineData("CN0010", "[Network] [Input(1, 28, 28)] [[|Dense(10)|]] public partial class Net { }")]
        [InlineData("CN0011", "[Network] [Input(4)] [Dense(8, [|Activation.Softmax|])] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0012", "[Network(Loss = Loss.CrossEntropy)] [Input(4)] [Dense(3, [|Activation.Sigmoid|])] public partial class Net { }")]
        [InlineData("CN0012", "[Network(Loss = Loss.CrossEntropy)] [Input(4)] [[|Dense(3)|]] public partial class Net { }")]
        [InlineData("CN0013", "[Network(Loss = Loss.BinaryCrossEntropy)] [Input(4)] [Dense(3, [|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0014", "[Network(Loss = Loss.CrossEntropy)] [Input(4)] [Dense([|1|], Activation.Softmax)] public partial class Net { }")]
        [InlineData("CN0015", "[Network] [Input(4)] [Dense(3, [|(Activation)42|])] public partial class Net { }")]
        [InlineData("CN0016", "[Network([|Loss = (Loss)7|])] [Input(4)] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0017", "[Network] [Input(100000)] [[|Dense(100000)|]] public partial class Net { }")]
        [InlineData("CN0017", "[Network] [[|Input(100000, 100000)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0019", "[Network] [Input(4)] [Dense(3, Activation.ReLU, [|NegativeSlope = 0.2f|])] public partial class Net { }")]
        [InlineData("CN0019", "[Network] [Input(4)] [Dense(3, Activation.Tanh, [|Alpha = 2f|])] public partial class Net { }")]
        [InlineData("CN0020", "[Network] [Input(4)] [Dense(3, Activation.LeakyReLU, [|NegativeSlope = float.NaN|])] public partial class Net { }")]
        [InlineData("CN0021", "[Network] [Input(4)] [Dense(3)] public partial class Net { public [|Net|]() { } }")]
        [InlineData("CN0023", "[Network] [Input(4)] [Dense(3)] public partial class Net { public [|Net|](int seed) { } }")]
        [InlineData("CN0022", "[Network] [Input(4)] [Dense(1, [|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0028", "[Network] [Input(4)] [Dropout([|1.5|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0028", "[Network] [Input(4)] [Dropout([|-0.1|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0028", "[Network] [Input(4)] [Dropout([|double.NaN|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0029", "[Network] [Input(4)] [Dense(3)] [[|Dropout(0.2)|]] public partial class Net { }")]
        [InlineData("CN0029", "[Network] [Input(4)] [Dense(3)] [[|Dropout|]] public partial class Net { }")]
        [InlineData("CN0032", "[Network] [Input(4)] [Dense(3)] public partial class [|System|] { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [LayerNorm([|Eps = 0|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [LayerNorm([|Eps = double.NaN|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [LayerNorm([|NormalizedDimensions = -1|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 6)] [LayerNorm([|NormalizedDimensions = 3|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [BatchNorm([|Eps = 0|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [BatchNorm([|Eps = double.PositiveInfinity|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [BatchNorm([|Momentum = -0.1|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [BatchNorm([|Momentum = 1.5|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [BatchNorm([|Momentum = double.NaN|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [Embedding([|20000000|], 2)] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [Embedding(5, 2, [|PaddingIndex = 5|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4)] [Embedding(5, 2, [|PaddingIndex = -2|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(4)] [Embedding([|0|], 2)] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(4)] [Embedding(5, [|-1|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0056", "[Network] [Input(4)] [Dense(3)] [[|Embedding(10, 2)|]] [Flatten] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0056", "[Network] [Input(4)] [Flatten] [[|Embedding(10, 2)|]] [Flatten] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(4, 3)] [GRU([|0|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 3)] [LSTM(5, [|NumLayers = 0|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 3)] [GRU(5, NumLayers = 2, [|Dropout = 1.5|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 3)] [SimpleRNN(5, [|RecurrentDropout = -0.1|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 3)] [SimpleRNN(5, [|Nonlinearity = (RecurrentNonlinearity)3|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0048", "[Network] [Input(12)] [[|GRU(8)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0048", "[Network] [Input(2, 4, 3)] [[|LSTM(8)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0048", "[Network] [Input(4, 3)] [Flatten] [[|SimpleRNN(8)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0049", "[Network] [Input(6, 3)] [LSTM(8)] [[|LSTM(4)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0049", "[Network] [Input(6, 3)] [GRU(8, NumLayers = 2)] [[|SimpleRNN(4)|]] public partial class Net { }")]
        [InlineData("CN0050", "[Network] [Input(5, 3)] [GRU(8, ReturnSequences = true)] [Dense(4, [|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0050", "[Network(Loss = Loss.BinaryCrossEntropy)] [Input(5, 3)] [LSTM(8, ReturnSequences = true)] [Dense(4, [|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0014", "[Network(Loss = Loss.CrossEntropy)] [Input(5, 3)] [GRU(8, ReturnSequences = true)] [Dense([|1|], Activation.Softmax)] public partial class Net { }")]
        [InlineData("CN0010", "[Network] [Input(5, 3)] [[|Dense(4)|]] [GRU(8)] public partial class Net { }")]
        [InlineData("CN0051", "[Network] [Input(6, 4, [|VariableLength = true|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0052", "[Network] [Input(8, 4, VariableLength = true)] [[|Conv1D(4, 3)|]] [GRU(8)] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0052", "[Network] [Input(8, 4, VariableLength = true)] [GRU(8, ReturnSequences = true)] [[|LayerNorm|]] [GRU(4)] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0053", "[Network] [Input(8, [|VariableLength = true|])] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0060", "[Network] [Input(2, 4)] [Activation([|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0061", "[Network] [Input(4)] [Dense(3)] [BatchNorm(CumulativeAverage = true, [|Momentum = 0.2|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0061", "[Network] [Input(4)] [Dense(3)] [BatchNorm(TrackRunningStats = false, [|Momentum = 0.2|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0061", "[Network] [Input(4)] [Dense(3)] [BatchNorm(TrackRunningStats = false, [|CumulativeAverage = true|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0060", "[Network(Loss = Loss.CrossEntropy)] [Input(3, 4, 4)] [Conv2D(5, 3)] [Activation([|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0011", "[Network] [Input(4)] [Dense(8)] [Activation([|Activation.Softmax|])] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0015", "[Network] [Input(4)] [Dense(3)] [Activation([|(Activation)42|])] public partial class Net { }")]
        [InlineData("CN0019", "[Network] [Input(4)] [Dense(3)] [Activation(Activation.ReLU, [|NegativeSlope = 0.2f|])] public partial class Net { }")]
        [InlineData("CN0020", "[Network] [Input(4)] [Dense(3)] [Activation(Activation.ELU, [|Alpha = float.PositiveInfinity|])] public partial class Net { }")]
        [InlineData("CN0012", "[Network(Loss = Loss.CrossEntropy)] [Input(4)] [Dense(3)] [Activation([|Activation.Sigmoid|])] public partial class Net { }")]
        [InlineData("CN0057", "[Network] [Input(4, 6)] [[|Dropout2D(0.2)|]] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0057", "[Network] [Input(24)] [[|Dropout1D|]] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0024", "[Network] [Input(4)] [Dense(3)] public abstract partial class [|Net|] { }")]
        [InlineData("CN0024", "public partial class Outer { [Network] [Input(4)] [Dense(3)] internal abstract partial class [|Net|] { } }")]
        [InlineData("CN0026", "[Network] [Input(4)] [Dense(3)] file partial class [|Net|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|Loss|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|Backward|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|Forward|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|Parameters|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|Architecture|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|DefaultSeed|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|ParameterCount|] { }")]
        [InlineData("CN0025", "[Network] [Input(4)] [Dense(3)] public partial class [|EditParameters|] { }")]
        [InlineData("CN0025", "public partial class Outer { [Network] [Input(4)] [Dense(3)] public partial class [|@ForwardBatch|] { } }")]
        [InlineData("CN0030", "[Network] [Input(4)] [Dense(3, Activation.ReLU, [|Init = (Initializer)99|])] public partial class Net { }")]
        [InlineData("CN0030", "[Network] [Input(4)] [Dense(3, [|BiasInit = (Initializer)(-1)|], Init = Initializer.HeNormal)] public partial class Net { }")]
        [InlineData("CN0031", "[Network] [Input(4)] [Dense(3, Activation.Tanh, Init = Initializer.Orthogonal, [|BiasInit = Initializer.Orthogonal|])] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 6, 6)] [MaxPool2D([|0|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 6, 6)] [MaxPool2D(2, [|Stride = 0|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 6, 6)] [AvgPool2D([|KernelShape = new[] { 2, 0 }|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 4, 6, 6)] [MaxPool3D([|KernelShape = new[] { 2, 2 }|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 6, 6)] [AvgPool2D(2, [|Strides = new[] { 1, 2, 2 }|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 6)] [MaxPool1D(2, [|Dilation = 0|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0042", "[Network] [Input(2, 6, 6)] [[|MaxPool2D()|]] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0043", "[Network] [Input(2, 3, 8)] [MaxPool2D([|4|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0043", "[Network] [Input(2, 6, 6)] [AvgPool2D([|KernelShape = new[] { 2, 9 }|], Padding = 1)] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0044", "[Network] [Input(2, 6, 6)] [MaxPool2D(3, [|Padding = 2|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0044", "[Network] [Input(2, 6, 6)] [AvgPool2D(KernelShape = new[] { 4, 2 }, [|Paddings = new[] { 2, 2 }|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0044", "[Network] [Input(2, 6)] [AvgPool1D(2, [|Padding = -1|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0045", "[Network] [Input(12)] [[|MaxPool2D(2)|]] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0045", "[Network] [Input(2, 6, 6)] [[|AvgPool1D(2)|]] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0045", "[Network] [Input(2, 6, 6)] [Flatten] [[|MaxPool3D(2)|]] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0046", "[Network] [Input(12)] [[|GlobalAvgPool|]] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0046", "[Network] [Input(2, 6)] [Flatten] [[|GlobalMaxPool|]] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0047", "[Network] [Input(2, 5)] [MaxPool1D(3, [|Dilation = 3|])] [Flatten] [Dense(3)] public partial class Net { }")]
        [InlineData("CN0008", "[Network] [Input(2, 8, 8)] [Conv2D([|0|], 3)] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(2, 8, 8)] [Conv2D(4, 3, [|Activation.Softmax|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0034", "[Network] [Input(1, 4, 4)] [Conv2D(2, [|5|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0034", "[Network] [Input(2, 9)] [Conv1D(2, [|3|], Dilation = 5)] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0034", "[Network] [Input(2, 3, 9, 9)] [Conv3D(2, 2, Strides = new[] { 1, 2, 2 }, [|KernelShape = new[] { 4, 3, 3 }|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0035", "[Network] [Input(2, 8, 8)] [Conv2D(2, [|0|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0035", "[Network] [Input(2, 8, 8)] [Conv2D(2, 3, [|Stride = 0|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0035", "[Network] [Input(2, 4, 4, 4)] [Conv3D(2, 2, [|Dilations = new[] { 1, 0, 1 }|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0035", "[Network] [Input(2, 8)] [Conv1D(2, 3, [|Groups = 0|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0036", "[Network] [Input(2, 8, 8)] [Conv2D(2, 3, [|Padding = -2|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0036", "[Network] [Input(2, 8, 8)] [Conv2D(2, 3, [|Paddings = new[] { 1, -1 }|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0037", "[Network] [Input(3, 8, 8)] [Conv2D(4, 3, [|Groups = 2|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0037", "[Network] [Input(4, 8, 8)] [Conv2D(6, 3, [|Groups = 4|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0038", "[Network] [Input(3, 8, 8)] [[|Conv1D(4, 3)|]] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0038", "[Network] [Input(16)] [[|Conv2D(4, 3)|]] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0039", "[Network] [Input(2, 8, 8)] [Conv2D(4, 3, Stride = 2, [|Padding = Padding.Same|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0040", "[Network] [Input(2, 8, 8)] [Conv2D(4, 3, [|KernelShape = new[] { 3, 3, 3 }|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0040", "[Network] [Input(2, 8)] [Conv1D(4, 3, [|Strides = new int[0]|])] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0041", "[Network] [Input(2, 10)] [Conv1D(4, 3, [|Causal = true|], Padding = 1)] [Flatten] [Dense(2)] public partial class Net { }")]
        [InlineData("CN0054", "[Network] [Input(4, 3)] [LSTM(5, [|Dropout = 0.3|])] [Dense(1)] public partial class Net { }")]
        public void ReportsDiagnosticAtTheOffendingPlace(string id, string markup)
        {
            (string source, TextSpan span) = GeneratorHarness.Markup("using Compiled;\n" + markup);
            (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
            Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
            Assert.Equal(span, diagnostic.Location.SourceSpan);
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
            bool isWarning = id is "CN0019" or "CN0022" or "CN0054" or "CN0061";
            Assert.Equal(isWarning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, diagnostic.Severity);
            if (!isWarning)
            {
                Assert.Empty(result.GeneratedSources);
            }
        }

        [Theory]
        [InlineData("[Network] [Input(2, 3, 8)] [MaxPool2D(4)] [Flatten] [Dense(3)] public partial class Net { }", "is 4 along dimension 0, larger than the padded input there (3: the input 3 plus padding 0 on both sides); the input is 2x3x8")]
        [InlineData("[Network] [Input(2, 6, 6)] [MaxPool2D(3, Padding = 2)] [Flatten] [Dense(3)] public partial class Net { }", "Padding of [MaxPool2D] at layer 0 is 2; it must be between 0 and half the window (at most 1 for a window of 3)")]
        [InlineData("[Network] [Input(36)] [MaxPool2D(2)] [Dense(3)] public partial class Net { }", "[MaxPool2D] at layer 0 receives a 36 input (rank 1); it needs (C, H, W)")]
        [InlineData("[Network] [Input(2, 5)] [MaxPool1D(3, Dilation = 3)] [Flatten] [Dense(3)] public partial class Net { }", "would give an output of size 0 along dimension 0 from the input 2x5: the dilated window spans 7 positions, more than the padded input 5")]
        [InlineData("[Network] [Input(12)] [GlobalMaxPool] [Dense(3)] public partial class Net { }", "[GlobalMaxPool] at layer 0 receives a vector of 12")]
        public void PoolingMessagesGiveTheComputedShapes(string declaration, string expected)
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run("using Compiled;\n" + declaration);
            Diagnostic diagnostic = Assert.Single(result.Diagnostics);
            Assert.Contains(expected, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        [Fact]
        public void LayersSplitAcrossPartialDeclarationsAreReported()
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run(
                "using Compiled;\n[Network] [Input(4)] [Dense(3)] public partial class Net { }",
                "using Compiled;\n[Dense(2)] public partial class Net { }");
            Diagnostic diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("CN0018", diagnostic.Id);
            Assert.Empty(result.GeneratedSources);
        }

        [Fact]
        public void InputAndLossOnAnotherPartialDeclarationAreFine()
        {
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(
                "using Compiled;\n[Network] [Input(4)] public partial class Net { }",
                "using Compiled;\n[Dense(3)] [Dense(2)] public partial class Net { }");
            Assert.Empty(result.Diagnostics);
            Assert.Single(result.GeneratedSources);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        }

        /// <summary>
        /// Sequence labelling: a per-step Softmax over a sequence is fine with cross-entropy (one label per step), with fixed
        /// and variable lengths and after an embedding; the generated code compiles without warnings.
        /// </summary>
        [Theory]
        [InlineData("[Network(Loss = Loss.CrossEntropy)] [Input(5, 3)] [GRU(8, ReturnSequences = true)] [Dense(4, Activation.Softmax)] public partial class Net { }")]
        [InlineData("[Network(Loss = Loss.CrossEntropy)] [Input(5, 3, VariableLength = true)] [LSTM(8, NumLayers = 2, ReturnSequences = true)] [Dense(4, Activation.Softmax)] public partial class Net { }")]
        [InlineData("[Network(Loss = Loss.CrossEntropy)] [Input(7)] [Embedding(20, 4)] [SimpleRNN(8, Bidirectional = true, ReturnSequences = true)] [Dense(20, Activation.Softmax)] public partial class Net { }")]
        public void PerStepSoftmaxWithCrossEntropyIsSequenceLabelling(string declaration)
        {
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run("using Compiled;\n" + declaration);
            Assert.Empty(result.Diagnostics);
            string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
            Assert.Contains("int global::Compiled.INetwork.LabelsPerSample => LabelsPerSample;", source);
            Assert.Contains("CheckStepLabels", source);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)); // documentation mode too (CS1573 on the lengths overloads)
        }

        [Fact]
        public void PerStepSoftmaxMessageNamesTheLoss()
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run("using Compiled;\n[Network(Loss = Loss.MeanSquaredError)] [Input(5, 3)] [GRU(8, ReturnSequences = true)] [Dense(4, Activation.Softmax)] public partial class Net { }");
            string message = Assert.Single(result.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("[Dense] at layer 1", message);
            Assert.Contains("Loss.MeanSquaredError", message);
            Assert.Contains("Loss.CrossEntropy", message);
        }

        [Fact]
        public void MessagesNameWhatIsWrong()
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run("using Compiled;\n[Network] [Input(1, 28, 28)] [Dense(10)] public partial class Net { }");
            string message = result.Diagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("1x28x28", message);
            Assert.Contains("[Flatten]", message);
            Assert.Contains("784", message);
        }

        [Fact]
        public void ConvolutionMessagesNameTheComputedShapes()
        {
            // Height: 6 + 2 zeros = 8 holds the dilated kernel's 7; width: 4 + 2 = 6 does not.
            (GeneratorRunResult result, _) = GeneratorHarness.Run("using Compiled;\n[Network] [Input(3, 6, 4)] [Conv2D(8, 3, Dilation = 3, Padding = 1)] [Flatten] [Dense(2)] public partial class Net { }");
            Diagnostic diagnostic = result.Diagnostics.Single();
            Assert.Equal("CN0034", diagnostic.Id);
            string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("3x6x4", message);
            Assert.Contains("along the width", message);
            Assert.Contains("spans 7", message);
            Assert.Contains("padded input is 6", message);

            (result, _) = GeneratorHarness.Run("using Compiled;\n[Network] [Input(3, 8, 8)] [Conv2D(4, 3, Groups = 2)] [Flatten] [Dense(2)] public partial class Net { }");
            message = result.Diagnostics.Single().GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("input channels of [Conv2D] at layer 0 are 3, not divisible by Groups = 2", message);
        }

        [Fact]
        public void EveryDescriptorIsTrackedInTheReleaseFiles()
        {
            string unshipped = System.IO.File.ReadAllText(System.IO.Path.Combine(SourceDirectory(), "..", "..", "src", "Generator", "AnalyzerReleases.Unshipped.md"));
            foreach (DiagnosticDescriptor descriptor in Compiled.Generator.Diagnostics.DiagnosticDescriptors.All)
            {
                Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped);
            }
        }

        /// <summary>The test project's source folder, recorded at build time (see tests/Directory.Build.props).</summary>
        internal static string SourceDirectory()
        {
            foreach (System.Reflection.AssemblyMetadataAttribute attribute in typeof(DiagnosticTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
            {
                if (attribute.Key == "Compiled.TestProjectDirectory" && attribute.Value is not null)
                {
                    return attribute.Value;
                }
            }

            throw new System.InvalidOperationException("The test assembly does not record its source folder (AssemblyMetadata Compiled.TestProjectDirectory).");
        }
    }
}
