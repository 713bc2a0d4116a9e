using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit.Abstractions;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// Random class declarations (names, modifiers, kinds, nesting) around valid and invalid attribute lists: the
    /// generator answers each with a diagnostic or with code that compiles (issue 11).
    /// </summary>
    public class DeclarationFuzzTests
    {
        private readonly ITestOutputHelper _output;

        public DeclarationFuzzTests(ITestOutputHelper output) => _output = output;

        /// <summary>Every member name of every generated network class in the golden files (explicit interface implementations aside).</summary>
        public static IReadOnlyList<string> GeneratedMemberNames()
        {
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string file in Directory.GetFiles(Path.Combine(DiagnosticTests.SourceDirectory(), "Baselines"), "*.g.cs"))
            {
                SyntaxNode root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
                foreach (TypeDeclarationSyntax network in root.DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.BaseList?.ToString().Contains("INetwork", StringComparison.Ordinal) == true))
                {
                    foreach (MemberDeclarationSyntax member in network.Members)
                    {
                        IEnumerable<string> declared = member switch
                        {
                            BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
                            MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method => new[] { method.Identifier.ValueText },
                            PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => new[] { property.Identifier.ValueText },
                            BaseTypeDeclarationSyntax type => new[] { type.Identifier.ValueText },
                            DelegateDeclarationSyntax type => new[] { type.Identifier.ValueText },
                            _ => Array.Empty<string>(),
                        };
                        names.UnionWith(declared);
                    }
                }
            }

            return names.ToList();
        }

        [Fact]
        public void EveryGeneratedMemberNameAsTheClassNameIsADiagnostic()
        {
            IReadOnlyList<string> names = GeneratedMemberNames();
            Assert.Contains("Forward", names);
            Assert.Contains("_compiledStorage", names);
            Assert.Contains("ForwardScratch", names);
            Assert.True(names.Count > 40, $"{names.Count} names");
            foreach (string name in names)
            {
                (GeneratorRunResult result, _) = GeneratorHarness.Run($"using Compiled;\nnamespace Demo {{ [Network(Loss = Loss.CrossEntropy)] [Input(2, 5)] [Flatten] [Dense(40, Activation.ReLU)] [Dense(3, Activation.Softmax)] public partial class {name} {{ }} }}");
                Diagnostic diagnostic = Assert.Single(result.Diagnostics);
                Assert.True(diagnostic.Id == "CN0025", $"{name}: {diagnostic}");
                Assert.Empty(result.GeneratedSources);
            }
        }

        private static readonly string[] s_names =
        {
            "Net", "Layer1Net", "LayerNet", "Layers", "Layer0Foo", "LayerForward", "Forwarder", "Lossy", "loss", "forward", "Réseau",
            "_net", "@Net", "Layer0Forward512", "ParametersChanged", "Compiled", "System", "INetwork", "Fuzz", "Span", "Vector512", "Unsafe", "GeneratedCodeSupport", "@class",
            "Loss",
        };

        private static readonly string[] s_reserved =
        {
            "Loss", "Backward", "Forward", "Parameters", "Architecture", "DefaultSeed", "ParameterCount", "InputSize", "Gradients",
            "CreateWorker", "ForwardBatch", "EditParameters", "BackpropagateBatch", "TrainChunk", "_compiledStorage", "s_tensors",
            "ForwardScratch", "\\u0046orward", "@Loss",
        };

        // Small networks (compiling what the generator emits is the slow part), valid and invalid.
        private static readonly string[] s_stacks =
        {
            "[Input(2)] [Dense(1)]",
            "[Input(4)] [Dense(3, Activation.Tanh)] [Dense(2, Activation.Sigmoid)]",
            "[Input(1, 2, 3)] [Flatten] [Dense(5, Activation.ReLU)] [Dense(3, Activation.Softmax)]",
            "[Input(3)] [Dense(4, Activation.LeakyReLU, NegativeSlope = 0.1f)] [Dense(2, Activation.Softmax)]",
            "[Input(16)] [Dense(0)]",
            "[Dense(3)]",
            "[Input(6)] [Dropout(0.3)] [Dense(4, Activation.ReLU)] [Dropout] [Dense(2, Activation.Softmax)]",
            "[Input(2, 3)] [Dropout(0.1)] [Flatten] [Dense(3, Activation.Sigmoid)]",
            "[Input(5)] [Dense(3)] [Dropout(0.5)]",
            "[Input(5)] [Dropout(2)] [Dense(3)]",
            "[Input(2, 4)] [LayerNorm(NormalizedDimensions = 1)] [Flatten] [Dense(3, Activation.ReLU)] [LayerNorm] [Dense(2)]",
            "[Input(4)] [LayerNorm(Eps = -1)] [Dense(2)]",
            "[Input(2, 3)] [BatchNorm] [Flatten] [Dense(4, Activation.ReLU)] [BatchNorm(Affine = false)] [Dense(2)]",
            "[Input(4)] [BatchNorm(Momentum = 2)] [Dense(2)]",
            "[Input(5)] [Dense(3)] [BatchNorm]",
            "[Input(2, 6, 5)] [Conv2D(3, 3, Activation.ReLU, Padding = Padding.Same)] [Conv2D(3, 2, Groups = 3, Stride = 2, Bias = false)] [Flatten] [Dense(2, Activation.Softmax)]",
            "[Input(2, 9)] [Conv1D(4, 3, Activation.GELU, Causal = true, Dilation = 2)] [Flatten] [Dense(1)]",
            "[Input(1, 3, 4, 4)] [Conv3D(2, 5)] [Flatten] [Dense(1)]",
        };

        [Fact]
        public void RandomDeclarationsGetADiagnosticOrCodeThatCompiles()
        {
            // 100 declarations from a fixed seed: a name (ordinary, or a generated member's), modifiers (abstract, sealed,
            // static, accessibility, partial or not), class or record, top level or nested, in a block or file-scoped
            // namespace or none, with a valid or an invalid layer stack. Whenever the generator emits code, it compiles.
            var random = new Random(1110);
            int compiled = 0, refused = 0;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (int round = 0; round < 100; round++)
            {
                string name = random.Next(4) == 0 ? s_reserved[random.Next(s_reserved.Length)] : s_names[random.Next(s_names.Length)];
                var modifiers = new List<string>();
                if (random.Next(3) == 0)
                {
                    modifiers.Add(random.Next(2) == 0 ? "public" : "internal");
                }

                int special = random.Next(10);
                modifiers.Add(special switch { 0 => "abstract", 1 => "sealed", 2 => "static", 3 => "file", _ => string.Empty });
                if (random.Next(12) != 0)
                {
                    modifiers.Add("partial");
                }

                string kind = random.Next(6) == 0 ? "record" : "class";
                string layers = s_stacks[random.Next(s_stacks.Length)];
                string loss = layers.EndsWith("Softmax)]", StringComparison.Ordinal) ? "(Loss = Loss.CrossEntropy)" : string.Empty;
                string declaration = $"[Network{loss}] {layers} {string.Join(" ", modifiers.Where(m => m.Length > 0))} {kind} {name} {{ }}";
                if (random.Next(3) == 0)
                {
                    declaration = $"public {(random.Next(4) == 0 ? string.Empty : "partial ")}{(random.Next(3) == 0 ? "record" : "class")} {(random.Next(3) == 0 ? "@event" : "Outer")} {{ {declaration} }}";
                }

                string source = random.Next(3) switch
                {
                    0 => $"using Compiled;\nnamespace {(random.Next(2) == 0 ? "Fuzz" : "@namespace.@in")} {{\n{declaration}\n}}\n",
                    1 => $"using Compiled;\nnamespace Fuzz;\n{declaration}\n",
                    _ => $"using Compiled;\n{declaration}\n",
                };

                (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
                string ids = string.Join(", ", result.Diagnostics.Select(d => d.Id));
                bool partial = modifiers.Contains("partial");
                var expected = new List<string>();
                if (partial && special == 0)
                {
                    expected.Add("CN0024");
                }

                if (partial && special == 3)
                {
                    expected.Add("CN0026");
                }

                if (partial && s_reserved.Contains(name))
                {
                    expected.Add("CN0025");
                }

                foreach (string id in expected)
                {
                    // The attribute binds unless the declaration hides it; then the compilation has errors of its own.
                    Assert.True(result.Diagnostics.Any(d => d.Id == id) || output.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath == "Source0.cs"), $"{id} expected for:\n{source}\n{ids}");
                }

                if (result.GeneratedSources.Length == 0)
                {
                    // Either the generator said why, or the declaration itself does not compile (for example a class
                    // named Compiled in the global namespace hides the attributes' namespace, so [Network] never binds).
                    Assert.True(
                        result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || output.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error),
                        $"no code and no error for:\n{source}");
                    refused++;
                    continue;
                }

                Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
                var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
                Assert.True(errors.Count == 0, $"{source}\n{ids}\n{string.Join("\n", errors.Take(5))}");
                compiled++;
            }

            _output.WriteLine($"{compiled} declarations compiled, {refused} refused with a diagnostic, in {watch.ElapsedMilliseconds} ms");
            Assert.True(compiled > 20 && refused > 20, $"{compiled} compiled, {refused} refused");
        }
    }
}
