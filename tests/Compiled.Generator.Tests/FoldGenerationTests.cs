using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// The inference fold of a batch normalisation into the Dense or convolution before it, as the generated code shows it:
    /// the packing step writes the folded copy and says so, inference calls the layer once with the fused activation and
    /// never the normalisation or the activation layer, and training still calls all three.
    /// </summary>
    public class FoldGenerationTests
    {
        [Theory]
        [InlineData("[Input(12)] [Dense(16)] [BatchNorm] [Activation(Activation.ReLU)] [Dense(4)]", "ReLU", 1, 2)]
        [InlineData("[Input(2, 6, 6)] [Conv2D(4, 3)] [BatchNorm] [Activation(Activation.LeakyReLU, NegativeSlope = 0.2f)] [Flatten] [Dense(4)]", "LeakyReLU(0.2f)", 1, 2)]
        [InlineData("[Input(12)] [Dense(16)] [Dropout(0.2)] [BatchNorm] [Dropout(0.1)] [Activation(Activation.ReLU)] [Dense(4)]", "ReLU", 2, 4)] // dropouts are the identity at inference
        public void TheNormalizationAndActivationFoldIntoTheLayerAtInference(string layers, string activation, int normalization, int fused)
        {
            string source = Generate(layers);
            Assert.Contains("BatchNormKernels.Fold(", source);
            Assert.Contains($"BatchNorm of layer {normalization} folded into the packed weights", source);
            Assert.Contains($"of layer {fused} fused", source);
            string forwardBatch = Method(source, "public void ForwardBatch(");
            Assert.DoesNotContain("BatchNormKernels.Inference", forwardBatch);
            Assert.DoesNotContain("ActivationKernels.Forward", forwardBatch);
            Assert.Contains(activation.Contains('(') ? "new global::Compiled.Kernels.LeakyReLU(0.2f)" : "default(global::Compiled.Kernels.ReLU)", forwardBatch);
            string training = Method(source, "private void TrainForward(");
            Assert.Contains("BatchNormKernels.TrainForward", training);
            Assert.Contains("ActivationKernels.Forward", training);
        }

        [Theory]
        [InlineData("[Input(12)] [Dense(16, Activation.ReLU)] [BatchNorm] [Dense(4)]")] // the Dense has an activation: BN(ReLU(z)) is not affine in z
        [InlineData("[Input(12)] [Dense(16)] [Activation(Activation.Identity)] [BatchNorm] [Dense(4)]")] // a layer that computes between
        [InlineData("[Input(3, 5, 5)] [Conv2D(4, 3)] [Flatten] [BatchNorm] [Dense(4)]")] // per feature, not per channel
        public void NothingFoldsWhereTheFoldWouldNotBeExact(string layers)
        {
            string source = Generate(layers);
            Assert.DoesNotContain("BatchNormKernels.Fold(", source);
            Assert.Contains("BatchNormKernels.Inference", Method(source, "public void ForwardBatch("));
        }

        private static string Generate(string layers)
        {
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run($"using Compiled;\nnamespace Fold {{ [Network] {layers} public partial class Net {{ }} }}");
            Assert.Empty(result.Diagnostics);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
            return string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
        }

        /// <summary>The text of the method whose signature starts with <paramref name="signature"/>, up to the next member at its indentation.</summary>
        private static string Method(string source, string signature)
        {
            int start = source.IndexOf(signature, System.StringComparison.Ordinal);
            Assert.True(start >= 0, $"no {signature}");
            int end = source.IndexOf("\n        }", start, System.StringComparison.Ordinal);
            return source.Substring(start, end - start);
        }
    }
}
