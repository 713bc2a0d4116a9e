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
        [InlineData("CN0008", "[Network] [Input(4, 3)] [GRU([|0|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 3)] [LSTM(5, [|NumLayers = 0|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0033", "[Network] [Input(4, 3)] [SimpleRNN(5, [|Nonlinearity = (RecurrentNonlinearity)3|])] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0048", "[Network] [Input(12)] [[|GRU(8)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0048", "[Network] [Input(2, 4, 3)] [[|LSTM(8)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0048", "[Network] [Input(4, 3)] [Flatten] [[|SimpleRNN(8)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0049", "[Network] [Input(6, 3)] [LSTM(8)] [[|LSTM(4)|]] [Dense(1)] public partial class Net { }")]
        [InlineData("CN0049", "[Network] [Input(6, 3)] [GRU(8, NumLayers = 2)] [[|SimpleRNN(4)|]] public partial class Net { }")]
        [InlineData("CN0050", "[Network(Loss = Loss.CrossEntropy)] [Input(5, 3)] [GRU(8, ReturnSequences = true)] [Dense(4, [|Activation.Softmax|])] public partial class Net { }")]
        [InlineData("CN0010", "[Network] [Input(5, 3)] [[|Dense(4)|]] [GRU(8)] public partial class Net { }")]
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
        public void ReportsDiagnosticAtTheOffendingPlace(string id, string markup)
        {
            (string source, TextSpan span) = GeneratorHarness.Markup("using Compiled;\n" + markup);
            (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
            Diagnostic diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
            Assert.Equal(span, diagnostic.Location.SourceSpan);
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
            bool isWarning = id is "CN0019" or "CN0022";
            Assert.Equal(isWarning ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, diagnostic.Severity);
            if (!isWarning)
            {
                Assert.Empty(result.GeneratedSources);
            }
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
