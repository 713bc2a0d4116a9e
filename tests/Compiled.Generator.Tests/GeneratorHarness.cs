using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Compiled.Generator.Tests
{
    /// <summary>Runs the generator over in-memory sources the way the compiler does, with incremental step tracking on.</summary>
    public static class GeneratorHarness
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        {
            string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
            var paths = tpa.Split(Path.PathSeparator).Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll").ToList();
            paths.Add(typeof(NetworkAttribute).Assembly.Location);
            paths.Add(typeof(INetwork).Assembly.Location);
            return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
        });

        public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

        public static CSharpCompilation Compilation(params string[] sources) =>
            CSharpCompilation.Create(
                "Tests",
                sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
                s_references.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));

        public static GeneratorDriver Driver() =>
            CSharpGeneratorDriver.Create(
                new[] { new NetworkGenerator().AsSourceGenerator() },
                parseOptions: ParseOptions,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        /// <summary>Runs the generator once and returns its result and the compilation with the generated files added.</summary>
        public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources)
        {
            CSharpCompilation compilation = Compilation(sources);
            GeneratorDriver driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
            GeneratorRunResult result = driver.GetRunResult().Results.Single();
            Assert.Null(result.Exception);
            return (result, output);
        }

        /// <summary>
        /// Parses markup where <c>[|...|]</c> marks where the expected diagnostic must be reported; returns the plain source and the span.
        /// </summary>
        public static (string Source, TextSpan Span) Markup(string markup)
        {
            int start = markup.IndexOf("[|", StringComparison.Ordinal);
            int end = markup.IndexOf("|]", StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, "markup needs [| and |]");
            string source = markup.Remove(end, 2).Remove(start, 2);
            return (source, TextSpan.FromBounds(start, end - 2));
        }
    }
}
