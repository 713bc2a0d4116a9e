using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// Golden files of the generated source for representative networks, in <c>Baselines/</c>. After an intended change
    /// to the emitted code, run the tests with <c>COMPILED_ACCEPT_BASELINES=1</c> to rewrite the files, and review the diff.
    /// </summary>
    public class SnapshotTests
    {
        public static TheoryData<string, string> Networks => new()
        {
            { "Xor", "[Network] [Input(2)] [Dense(4, Activation.Sigmoid)] [Dense(1, Activation.Sigmoid)] public partial class Xor { }" },
            { "FashionMlp", "[Network(Loss = Loss.CrossEntropy)] [Input(784)] [Dense(128, Activation.ReLU)] [Dense(10, Activation.Softmax)] public partial class FashionMlp { }" },
            { "Game", "[Network] [Input(16)] [Dense(32, Activation.Tanh)] [Dense(32, Activation.Tanh)] [Dense(4)] public partial class Game { }" },
            { "ImageClassifier", "[Network(Loss = Loss.CrossEntropy)] [Input(1, 6, 6)] [Flatten] [Dense(20, Activation.LeakyReLU, NegativeSlope = 0.1f)] [Dense(3, Activation.Softmax)] public partial class ImageClassifier { }" },
            { "MultiLabel", "[Network(Loss = Loss.BinaryCrossEntropy)] [Input(10)] [Dense(9, Activation.GELU)] [Dense(5, Activation.Sigmoid)] public partial class MultiLabel { }" },
            { "Dropouts", "[Network(Loss = Loss.CrossEntropy)] [Input(20)] [Dropout(0.2)] [Dense(16, Activation.ReLU)] [Dropout] [Dense(3, Activation.Softmax)] public partial class Dropouts { }" },
            { "LayerNorms", "[Network] [Input(2, 5)] [LayerNorm(NormalizedDimensions = 1)] [Flatten] [Dense(6, Activation.ReLU)] [LayerNorm(ElementwiseAffine = false)] [Dense(1)] public partial class LayerNorms { }" },
            { "BatchNorms", "[Network(Loss = Loss.CrossEntropy)] [Input(3, 4)] [BatchNorm] [Flatten] [Dense(6)] [BatchNorm(Affine = false, Momentum = 0.3)] [Dense(2, Activation.Softmax)] public partial class BatchNorms { }" },
            { "Tokens", "[Network(Loss = Loss.CrossEntropy)] [Input(8)] [Embedding(100, 4, PaddingIndex = 0)] [Flatten] [Dense(3, Activation.Softmax)] public partial class Tokens { }" },
            { "Pooling", "[Network(Loss = Loss.CrossEntropy)] [Input(2, 7, 9)] [MaxPool2D(3, Stride = 2, Padding = 1)] [AvgPool2D(2, CeilMode = true)] [Flatten] [Dense(4, Activation.Softmax)] public partial class Pooling { }" },
            { "PoolNorm", "[Network] [Input(3, 6, 6)] [BatchNorm] [MaxPool2D(KernelShape = new[] { 2, 3 })] [GlobalAvgPool] [Dense(2)] public partial class PoolNorm { }" },
            { "ConvNet", "[Network(Loss = Loss.CrossEntropy)] [Input(3, 8, 7)] [Conv2D(6, 3, Activation.ReLU, Padding = Padding.Same)] [Conv2D(6, 3, Groups = 6, Stride = 2, Bias = false)] [Conv2D(4, 1, Activation.LeakyReLU, NegativeSlope = 0.1f)] [Flatten] [Dense(3, Activation.Softmax)] public partial class ConvNet { }" },
            { "GruSequence", "[Network] [Input(12, 3)] [GRU(16, NumLayers = 2, ReturnSequences = true)] [Dense(2)] public partial class GruSequence { }" },
            { "Nested", "public partial class Outer { internal partial record Inner { [Network] [Input(3)] [Dense(2, Activation.ELU, Alpha = 0.5f)] private partial class Policy { } } }" },
        };

        [Theory]
        [MemberData(nameof(Networks))]
        public void GeneratedSourceMatchesBaseline(string name, string declaration)
        {
            string source = $"using Compiled;\nnamespace Demo\n{{\n    {declaration}\n}}\n";
            (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
            Assert.Empty(result.Diagnostics);
            GeneratedSourceResult generated = Assert.Single(result.GeneratedSources);
            string text = generated.SourceText.ToString().Replace("\r\n", "\n");
            string baseline = Path.Combine(DiagnosticTests.SourceDirectory(), "Baselines", name + ".g.cs");
            if (Environment.GetEnvironmentVariable("COMPILED_ACCEPT_BASELINES") == "1")
            {
                File.WriteAllText(baseline, text);
                return;
            }

            Assert.True(File.Exists(baseline), $"No baseline {baseline}; run the tests with COMPILED_ACCEPT_BASELINES=1 to create it.");
            string expected = File.ReadAllText(baseline).Replace("\r\n", "\n");
            if (expected != text)
            {
                string received = Path.ChangeExtension(baseline, ".received.cs");
                File.WriteAllText(received, text);
                int line = expected.Split('\n').Zip(text.Split('\n')).TakeWhile(p => p.First == p.Second).Count() + 1;
                Assert.Fail($"Generated source for {name} differs from {baseline} at line {line}; the new text is in {received}. If the change is intended, rerun with COMPILED_ACCEPT_BASELINES=1.");
            }
        }

        [Fact]
        public void HintNameIsNamespaceAndType()
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run("using Compiled;\nnamespace A.B { [Network] [Input(2)] [Dense(1)] public partial class Net { } }");
            Assert.Equal("A.B.Net.g.cs", Assert.Single(result.GeneratedSources).HintName);
        }
    }
}
