using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// The pipeline is incremental: an unchanged or unrelated edit reuses every step, a cosmetic edit in the network's own
    /// file reuses everything downstream of the model, and no step holds a symbol, syntax node or compilation.
    /// </summary>
    public class IncrementalTests
    {
        private const string Network = "using Compiled;\nnamespace Demo\n{\n    [Network(Loss = Loss.CrossEntropy)]\n    [Input(1, 8, 8)]\n    [Flatten]\n    [Dense(32, Activation.ReLU)]\n    [Dense(10, Activation.Softmax)]\n    public partial class Net { }\n}\n";

        private static readonly string[] s_modelSteps = { NetworkGenerator.Steps.Spec, NetworkGenerator.Steps.Plan, NetworkGenerator.Steps.Source };

        private static readonly string[] s_allSteps = { NetworkGenerator.Steps.Parse, NetworkGenerator.Steps.Spec, NetworkGenerator.Steps.Plan, NetworkGenerator.Steps.Source, NetworkGenerator.Steps.Diagnostics };

        [Fact]
        public void RerunOnTheSameCompilationIsFullyCached()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Network);
            GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
            GeneratorRunResult second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
            AssertSteps(second, s_allSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        [Fact]
        public void EditingAnotherFileReusesEveryStep()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Network, "namespace Demo { public class Other { } }");
            GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
            SyntaxTree other = compilation.SyntaxTrees.Last();
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("namespace Demo { public class Other { public int X; } }", GeneratorHarness.ParseOptions, path: other.FilePath));
            GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();
            AssertSteps(second, s_allSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        [Fact]
        public void CosmeticEditInTheNetworkFileReusesTheModelAndTheSource()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Network);
            GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
            string edited = "// a comment that moves every position in the file\n\n" + Network.Replace("[Flatten]", "[Flatten]    // flatten the image");
            CSharpCompilation next = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(), CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, path: "Source0.cs"));
            GeneratorRunResult second = driver.RunGenerators(next).GetRunResult().Results.Single();

            // Parse and Diagnostics carry source positions, so they run again; everything that feeds the emitter is reused.
            AssertSteps(second, s_modelSteps, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        [Fact]
        public void ChangingALayerRegeneratesTheSource()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Network);
            GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
            CSharpCompilation next = compilation.ReplaceSyntaxTree(
                compilation.SyntaxTrees.Single(),
                CSharpSyntaxTree.ParseText(Network.Replace("Dense(32", "Dense(48"), GeneratorHarness.ParseOptions, path: "Source0.cs"));
            GeneratorRunResult second = driver.RunGenerators(next).GetRunResult().Results.Single();
            Assert.Contains(second.TrackedSteps[NetworkGenerator.Steps.Source].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.Contains("Dense(48, ReLU)", second.GeneratedSources.Single().SourceText.ToString());
        }

        [Fact]
        public void NoStepHoldsSymbolsSyntaxOrCompilations()
        {
            CSharpCompilation compilation = GeneratorHarness.Compilation(Network, "using Compiled;\n[Network] [Input(4)] [Dense(0)] public partial class Broken { }");
            GeneratorRunResult result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult().Results.Single();
            foreach (string step in s_allSteps)
            {
                foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
                {
                    foreach ((object value, _) in run.Outputs)
                    {
                        AssertNoRoslynObjects(value, $"{step}", new HashSet<object>(ReferenceEqualityComparer.Instance));
                    }
                }
            }
        }

        private static void AssertSteps(GeneratorRunResult result, IEnumerable<string> steps, params IncrementalStepRunReason[] allowed)
        {
            foreach (string step in steps)
            {
                Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
                foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
                {
                    foreach ((object _, IncrementalStepRunReason reason) in run.Outputs)
                    {
                        Assert.True(allowed.Contains(reason), $"step {step} reported {reason}");
                    }
                }
            }
        }

        private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> seen)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
            {
                return;
            }

            Assert.False(value is ISymbol || value is SyntaxNode || value is SyntaxTree || value is Compilation || value is SemanticModel || value is Location { SourceTree: not null },
                $"{path} holds a {value.GetType().Name}");
            if (value is IEnumerable enumerable)
            {
                int i = 0;
                foreach (object? item in enumerable)
                {
                    AssertNoRoslynObjects(item, $"{path}[{i++}]", seen);
                }
            }

            foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (field.FieldType.IsPointer)
                {
                    continue;
                }

                AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
    }
}
