using System.Collections.Immutable;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Emit;
using Compiled.Generator.Model;
using Compiled.Generator.Parsing;
using Compiled.Generator.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator
{
    /// <summary>
    /// Compiles every <c>[Network]</c> partial class into specialised C#: parse (attributes to an equatable model), infer
    /// shapes (layers, parameter layout, validation), emit (one file per network). Diagnostics travel on a separate branch
    /// so that only they depend on source positions.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetworkGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline's steps (the incremental-caching tests read them).</summary>
        public static class Steps
        {
            /// <summary>Attributes read into a model plus locations and parse diagnostics.</summary>
            public const string Parse = "Parse";

            /// <summary>The position-free model.</summary>
            public const string Spec = "Spec";

            /// <summary>Shape inference.</summary>
            public const string Plan = "Plan";

            /// <summary>The generated source.</summary>
            public const string Source = "Source";

            /// <summary>Every diagnostic with its location.</summary>
            public const string Diagnostics = "Diagnostics";
        }

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ParsedNetwork> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    NetworkParser.NetworkAttributeName,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (syntaxContext, cancellationToken) => NetworkParser.Parse(syntaxContext, cancellationToken))
                .WithTrackingName(Steps.Parse);

            IncrementalValuesProvider<NetworkSpec?> specs = parsed
                .Select(static (network, _) => network.Spec)
                .WithTrackingName(Steps.Spec);

            IncrementalValuesProvider<GeneratedFile?> sources = specs
                .Select(static (spec, _) => ShapeInference.Infer(spec).Plan)
                .WithTrackingName(Steps.Plan)
                .Select(static (plan, _) => plan is null ? null : new GeneratedFile(NetworkEmitter.HintName(plan).Replace("@", string.Empty), NetworkEmitter.Emit(plan)))
                .WithTrackingName(Steps.Source);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
                .Select(static (network, _) => CollectDiagnostics(network))
                .WithTrackingName(Steps.Diagnostics);

            context.RegisterSourceOutput(sources, static (production, file) =>
            {
                if (file is not null)
                {
                    production.AddSource(file.HintName, file.Text);
                }
            });

            context.RegisterSourceOutput(diagnostics, static (production, list) =>
            {
                foreach (DiagnosticInfo diagnostic in list)
                {
                    production.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });
        }

        private static EquatableArray<DiagnosticInfo> CollectDiagnostics(ParsedNetwork network)
        {
            if (network.Spec is null)
            {
                return network.Diagnostics;
            }

            EquatableArray<ShapeIssue> issues = ShapeInference.Infer(network.Spec).Issues;
            if (issues.Count == 0)
            {
                return network.Diagnostics;
            }

            return network.Diagnostics.Concat(issues.Select(issue => issue.ToDiagnostic(network.Locations))).ToEquatableArray();
        }

        /// <summary>One generated file: its hint name (without the '@' of escaped keywords, which hint names cannot hold) and text.</summary>
        private sealed record GeneratedFile(string HintName, string Text);
    }
}
