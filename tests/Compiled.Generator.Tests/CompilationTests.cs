using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Tests
{
    /// <summary>The generated code compiles cleanly: no warning at the highest level, documented, across language versions.</summary>
    public class CompilationTests
    {
        public static TheoryData<string, string> Networks => SnapshotTests.Networks;

        [Theory]
        [MemberData(nameof(Networks))]
        public void GeneratedCodeCompilesWithoutWarnings(string name, string declaration)
        {
            string source = $"using Compiled;\nnamespace Demo\n{{\n    {declaration}\n}}\n";
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
            Assert.Single(result.GeneratedSources);
            // The test's own declarations are undocumented on purpose; everything else must be clean.
            var problems = output.GetDiagnostics()
                .Where(d => d.Severity >= DiagnosticSeverity.Warning && !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.StartsWith("Source", System.StringComparison.Ordinal) == true))
                .ToList();
            Assert.True(problems.Count == 0, name + ":\n" + string.Join("\n", problems.Select(d => d.ToString())));
        }

        [Theory]
        [InlineData(LanguageVersion.CSharp10)]
        [InlineData(LanguageVersion.CSharp12)]
        [InlineData(LanguageVersion.Latest)]
        public void GeneratedCodeCompilesWithCSharp10AndLater(LanguageVersion version)
        {
            var options = new CSharpParseOptions(version, DocumentationMode.Diagnose);
            CSharpCompilation compilation = GeneratorHarness.Compilation()
                .AddSyntaxTrees(CSharpSyntaxTree.ParseText(
                    "using Compiled;\nnamespace Demo { [Network(Loss = Loss.CrossEntropy)] [Input(2, 5)] [Flatten] [Dense(7, Activation.SiLU)] [Dense(3, Activation.Softmax)] public partial class Net { } }",
                    options));
            CSharpGeneratorDriver.Create(new[] { new NetworkGenerator().AsSourceGenerator() }, parseOptions: options)
                .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out var generatorDiagnostics);
            Assert.Empty(generatorDiagnostics);
            var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems.Select(d => d.ToString())));
        }

        [Fact]
        public void NetworkWithoutNamespaceCompiles()
        {
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run("using Compiled;\n[Network] [Input(5)] [Dense(3, Activation.Tanh)] public partial class Global { }");
            Assert.Equal("Global.g.cs", Assert.Single(result.GeneratedSources).HintName);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        }
    }
}
