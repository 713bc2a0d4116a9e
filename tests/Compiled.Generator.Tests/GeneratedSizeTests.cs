using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Compiled.Generator.Shapes;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// What the generated code's size depends on: not the layers' widths (wide layers call the runtime's shared kernels),
    /// only the number of layers, which CN0027 bounds. Prints the generator's in-process time for a 20-layer MLP.
    /// </summary>
    public class GeneratedSizeTests
    {
        private readonly ITestOutputHelper _output;

        public GeneratedSizeTests(ITestOutputHelper output) => _output = output;

        private static string Network(string layers, string name = "Net") =>
            $"using Compiled;\nnamespace Size {{ [Network] [Input(784)] {layers} public partial class {name} {{ }} }}";

        private static string Mlp(int hidden, int width) =>
            string.Concat(Enumerable.Repeat($"[Dense({width}, Activation.ReLU)] ", hidden)) + "[Dense(10)]";

        private static int Lines(GeneratorRunResult result) =>
            result.GeneratedSources.Sum(s => s.SourceText.Lines.Count);

        [Fact]
        public void VeryWideLayersGenerateAboutAsMuchCodeAsNarrowOnes()
        {
            // Issue 11 measured 124 MB of C# for [Dense(65536)] and 497 MB for [Dense(262144)] before the shared kernels.
            var lines = new Dictionary<int, int>();
            foreach (int width in new[] { 128, 65536, 262144 })
            {
                (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(Network($"[Dense({width})] [Dense(10)]"));
                Assert.Empty(result.Diagnostics);
                lines[width] = Lines(result);
                int characters = result.GeneratedSources.Sum(s => s.SourceText.Length);
                _output.WriteLine($"[Input(784)] [Dense({width})] [Dense(10)]: {lines[width]:N0} generated lines, {characters:N0} characters");
                Assert.True(lines[width] < 2000, $"[Dense({width})] generates {lines[width]} lines");
                Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            }

            // Wider layers switch single-sample kernels from inline code to calls; they never add more than a few lines.
            Assert.True(Math.Abs(lines[262144] - lines[65536]) <= 50, $"{lines[65536]} vs {lines[262144]} lines");
        }

        [Fact]
        public void GeneratedSizeGrowsWithTheLayerCountWhichIsBounded()
        {
            // Every layer costs a few tens of lines, whatever its width: wide layers call the shared kernels, and small
            // ones are written inline only within a per-network budget of weights, the rest calling the one-sample kernel.
            double wide = LinesPerLayer("[Dense(65, Activation.ReLU)] [Dense(64, Activation.ReLU)]", "[Dense(4000, Activation.ReLU)] [Dense(3000, Activation.ReLU)]", out int wideLines);
            double small = LinesPerLayer("[Dense(64, Activation.ReLU)] [Dense(64, Activation.ReLU)]", null, out _);
            double narrow = LinesPerLayer("[Dense(2, Activation.ReLU)] [Dense(2048, Activation.ReLU)]", null, out _);
            _output.WriteLine($"lines per extra layer: {wide:F1} for 65 <-> 64 units (4000 <-> 3000 units: {wideLines:N0} lines in all for 52 layers), {small:F1} for 64 <-> 64, {narrow:F1} for 2 <-> 2048");
            foreach (double perLayer in new[] { wide, small, narrow })
            {
                Assert.True(perLayer < 100, $"{perLayer} lines per layer");
            }

            // At the limit the network still generates (no diagnostic); one layer more is CN0027 at [Network].
            string atLimitLayers = string.Concat(Enumerable.Range(0, ShapeInference.MaxLayers - 1).Select(i => i % 2 == 0 ? "[Dense(65, Activation.ReLU)] " : "[Dense(64, Activation.ReLU)] ")) + "[Dense(10)]";
            (GeneratorRunResult atLimit, _) = GeneratorHarness.Run(Network(atLimitLayers));
            Assert.Empty(atLimit.Diagnostics);
            Assert.Single(atLimit.GeneratedSources);
            _output.WriteLine($"{ShapeInference.MaxLayers} layers (the limit) of 65 <-> 64 units: {Lines(atLimit):N0} lines");
            Assert.True(Lines(atLimit) < 100_000, $"{Lines(atLimit)} lines at the limit");

            string markup = Network(Mlp(ShapeInference.MaxLayers, 8)).Replace("[Network]", "[[|Network|]]", StringComparison.Ordinal);
            (string plain, Microsoft.CodeAnalysis.Text.TextSpan span) = GeneratorHarness.Markup(markup);
            (GeneratorRunResult over, _) = GeneratorHarness.Run(plain);
            Diagnostic diagnostic = Assert.Single(over.Diagnostics);
            Assert.Equal("CN0027", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal(span, diagnostic.Location.SourceSpan);
            string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("1001 layers", message);
            Assert.Contains("1000", message);
            Assert.Empty(over.GeneratedSources);
        }

        /// <summary>Lines per extra layer between 2 and 50 repetitions of <paramref name="pair"/>; optionally the total for <paramref name="other"/>.</summary>
        private static double LinesPerLayer(string pair, string? other, out int otherLines)
        {
            string Layers(string twoLayers, int pairs) => string.Concat(Enumerable.Repeat(twoLayers + " ", pairs)) + "[Dense(10)]";
            (GeneratorRunResult few, _) = GeneratorHarness.Run(Network(Layers(pair, 1)));
            (GeneratorRunResult many, _) = GeneratorHarness.Run(Network(Layers(pair, 26)));
            otherLines = 0;
            if (other is not null)
            {
                (GeneratorRunResult result, _) = GeneratorHarness.Run(Network(Layers(other, 26)));
                otherLines = Lines(result);
                Assert.True(Math.Abs(otherLines - Lines(many)) < Lines(many) / 4, $"{otherLines} vs {Lines(many)} lines"); // the last layer may be inlined in one and not the other
            }

            return (Lines(many) - Lines(few)) / 50.0;
        }

        [Theory]
        [InlineData(256)]
        [InlineData(64)]
        public void PrintsTheGenerationTimeOfATwentyLayerMlp(int width)
        {
            // Not an assertion (timings depend on the machine and its load): the median of several in-process runs of the
            // generator alone, each on a fresh driver (no incremental cache), after two warm-up runs. 256-unit layers call
            // the shared kernels; 64-unit layers (4,096 weights) are small enough to be written inline, within the budget.
            string source = Network(Mlp(19, width), "Mlp20");
            var times = new List<double>();
            int lines = 0;
            for (int run = 0; run < 17; run++)
            {
                Compilation input = GeneratorHarness.Compilation(source);
                GeneratorDriver driver = GeneratorHarness.Driver();
                long start = Stopwatch.GetTimestamp();
                driver = driver.RunGenerators(input);
                double milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                GeneratorRunResult result = driver.GetRunResult().Results.Single();
                Assert.Null(result.Exception);
                lines = Lines(result);
                if (run >= 2)
                {
                    times.Add(milliseconds);
                }
            }

            times.Sort();
            _output.WriteLine(
                $"20-layer MLP (784 -> 19 x Dense({width}, ReLU) -> Dense(10)), {lines:N0} generated lines: generator median " +
                $"{times[times.Count / 2]:F1} ms (min {times[0]:F1}, max {times[^1]:F1}) over {times.Count} runs");
        }
    }
}
