using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator.Parsing
{
    /// <summary>
    /// The parse step: reads a <c>[Network]</c> class's symbol and attributes into a <see cref="ParsedNetwork"/>
    /// (equatable data only), reporting every mistake it can see in the attributes themselves.
    /// </summary>
    internal static class NetworkParser
    {
        public const string NetworkAttributeName = "Compiled.NetworkAttribute";
        public const string InputAttributeName = "Compiled.InputAttribute";

        public static ParsedNetwork Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            LocationInfo? classLocation = LocationInfo.From(declaration.Identifier.GetLocation());
            bool fatal = false;

            // The class itself: partial, not generic, not static, with partial containing types.
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, classLocation, type.Name));
                fatal = true;
            }

            if (type.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Static, classLocation, type.Name));
                fatal = true;
            }
            else if (type.IsAbstract)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Abstract, classLocation, type.Name));
                fatal = true;
            }

            // 'file' (C# 11) is compared by text: the generator builds against Roslyn 4.3, which predates the keyword.
            if (declaration.Modifiers.Any(m => m.Text == "file"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocal, classLocation, type.Name));
                fatal = true;
            }

            if (GeneratedMemberNames.Contains(type.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameCollidesWithMember, classLocation, type.Name));
                fatal = true;
            }

            // The generated code names everything 'global::System.…' and 'global::Compiled.…'; a type of that name in the
            // global namespace is what 'global::System' would then mean.
            if (type.ContainingType is null && type.ContainingNamespace.IsGlobalNamespace && (type.Name == "System" || type.Name == "Compiled"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HidesNamespace, classLocation, type.Name));
                fatal = true;
            }

            var containing = new List<ContainingTypeSpec>();
            bool generic = type.Arity > 0;
            SyntaxNode? enclosing = declaration.Parent;
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                generic |= outer.Arity > 0;
                while (enclosing is not null && enclosing is not TypeDeclarationSyntax)
                {
                    enclosing = enclosing.Parent;
                }

                var outerDeclaration = enclosing as TypeDeclarationSyntax;
                enclosing = enclosing?.Parent;
                if (outerDeclaration is null || !outerDeclaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.ContainingTypeNotPartial,
                        LocationInfo.From(outerDeclaration?.Identifier.GetLocation()) ?? classLocation,
                        type.Name,
                        outer.Name));
                    fatal = true;
                }

                containing.Insert(0, new ContainingTypeSpec(KeywordOf(outerDeclaration, outer), Identifier(outer.Name)));
            }

            if (generic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Generic, classLocation, type.Name));
                fatal = true;
            }

            foreach (IMethodSymbol constructor in type.InstanceConstructors)
            {
                if (constructor.IsImplicitlyDeclared)
                {
                    continue;
                }

                if (constructor.Parameters.Length == 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.ParameterlessConstructor,
                        LocationInfo.From(constructor.Locations.FirstOrDefault()) ?? classLocation,
                        type.Name));
                    fatal = true;
                    continue;
                }

                // Every other constructor must run the generated one, which allocates the buffers.
                foreach (SyntaxReference reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is ConstructorDeclarationSyntax { Initializer: var initializer } syntax
                        && (initializer is null || !initializer.ThisOrBaseKeyword.IsKind(SyntaxKind.ThisKeyword)))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConstructorDoesNotChain, LocationInfo.From(syntax.Identifier.GetLocation()), type.Name));
                        fatal = true;
                    }
                }
            }

            cancellationToken.ThrowIfCancellationRequested();

            // [Network(Loss = ...)]
            AttributeData networkAttribute = context.Attributes[0];
            AttributeLocation networkLocation = AttributeLocations.Of(networkAttribute, cancellationToken);
            var loss = Loss.MeanSquaredError;
            foreach (KeyValuePair<string, TypedConstant> named in networkAttribute.NamedArguments)
            {
                if (named.Key == "Loss" && named.Value.Value is int lossValue)
                {
                    loss = (Loss)lossValue;
                    if (!Enum.IsDefined(typeof(Loss), loss))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLoss, networkLocation.Of("Loss"), $"(Loss){lossValue}"));
                        fatal = true;
                    }
                }
            }

            // [Input] and the layers, in source order.
            var inputs = new List<AttributeData>();
            var layers = new List<(AttributeData Attribute, ILayerParser Parser)>();
            foreach (AttributeData attribute in type.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString();
                if (name == InputAttributeName)
                {
                    inputs.Add(attribute);
                }
                else if (name is not null && LayerKinds.FindParser(name) is { } parser)
                {
                    layers.Add((attribute, parser));
                }
            }

            inputs = SortBySource(inputs, a => a);
            layers = SortBySource(layers, l => l.Attribute);

            AttributeLocation? inputLocation = null;
            var inputShape = ImmutableArray<int>.Empty;
            bool variableLength = false;
            if (inputs.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, classLocation, type.Name));
                fatal = true;
            }
            else
            {
                inputLocation = AttributeLocations.Of(inputs[0], cancellationToken);
                for (int i = 1; i < inputs.Count; i++)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MultipleInputs,
                        AttributeLocations.Of(inputs[i], cancellationToken).Attribute,
                        type.Name));
                    fatal = true;
                }

                if (!TryReadInputShape(inputs[0], inputLocation, diagnostics, out inputShape))
                {
                    fatal = true;
                }

                foreach (KeyValuePair<string, TypedConstant> named in inputs[0].NamedArguments)
                {
                    if (named.Key == "VariableLength" && named.Value.Value is bool variable)
                    {
                        variableLength = variable;
                    }
                }
            }

            // Layers must all be written on one declaration, otherwise their order is not defined.
            var layerTrees = new HashSet<SyntaxReference?>(layers.Select(l => DeclarationOf(l.Attribute, cancellationToken)), SyntaxReferenceComparer.Instance);
            if (layerTrees.Count > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersSplitAcrossParts, classLocation, type.Name));
                fatal = true;
            }

            var layerSpecs = new List<LayerSpec>();
            var layerLocations = new List<AttributeLocation>();
            for (int i = 0; i < layers.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                AttributeLocation location = AttributeLocations.Of(layers[i].Attribute, cancellationToken);
                var layerContext = new LayerParseContext(layers[i].Attribute, i, location, diagnostics);
                LayerSpec? spec = layers[i].Parser.Parse(layerContext);
                layerLocations.Add(location);
                if (spec is null || layerContext.HasErrors)
                {
                    fatal = true;
                }
                else
                {
                    layerSpecs.Add(spec);
                }
            }

            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, type.Name));
                fatal = true;
            }

            var typeSpec = new TypeSpec(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
                Identifier(type.Name),
                KeywordOf(declaration, type),
                containing.ToEquatableArray());
            var locations = new NetworkLocations(classLocation, networkLocation, inputLocation, layerLocations.ToEquatableArray());
            NetworkSpec? networkSpec = fatal
                ? null
                : new NetworkSpec(typeSpec, loss, new EquatableArray<int>(inputShape), layerSpecs.ToEquatableArray()) { VariableLength = variableLength };
            return new ParsedNetwork(networkSpec, locations, diagnostics.ToEquatableArray(), type.Name);
        }

        private static bool TryReadInputShape(AttributeData input, AttributeLocation location, List<DiagnosticInfo> diagnostics, out ImmutableArray<int> shape)
        {
            shape = ImmutableArray<int>.Empty;
            if (input.ConstructorArguments.Length != 1)
            {
                return false;
            }

            TypedConstant argument = input.ConstructorArguments[0];
            if (argument.Kind == TypedConstantKind.Error)
            {
                return false;
            }

            if (argument.IsNull || argument.Kind != TypedConstantKind.Array || argument.Values.Length == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyInputShape, location.Attribute));
                return false;
            }

            var builder = ImmutableArray.CreateBuilder<int>(argument.Values.Length);
            bool ok = true;
            for (int i = 0; i < argument.Values.Length; i++)
            {
                if (argument.Values[i].Value is not int dimension)
                {
                    return false;
                }

                if (dimension <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NonPositiveSize,
                        location.Of($"shape[{i}]"),
                        $"Dimension {i} of [Input]",
                        dimension));
                    ok = false;
                }

                builder.Add(dimension);
            }

            shape = builder.MoveToImmutable();
            return ok;
        }

        /// <summary>The name as the generated code must write it: <c>@class</c> for a class declared as <c>@class</c>.</summary>
        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        private static string KeywordOf(TypeDeclarationSyntax? declaration, INamedTypeSymbol symbol)
        {
            if (declaration is RecordDeclarationSyntax record)
            {
                return record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record";
            }

            return symbol.TypeKind switch
            {
                TypeKind.Struct => "struct",
                TypeKind.Interface => "interface",
                _ => "class",
            };
        }

        private static List<T> SortBySource<T>(List<T> items, Func<T, AttributeData> attribute) =>
            items
                .Select((item, index) => (item, index, reference: attribute(item).ApplicationSyntaxReference))
                .OrderBy(x => x.reference?.SyntaxTree.FilePath ?? string.Empty, StringComparer.Ordinal)
                .ThenBy(x => x.reference?.Span.Start ?? 0)
                .ThenBy(x => x.index)
                .Select(x => x.item)
                .ToList();

        private static SyntaxReference? DeclarationOf(AttributeData attribute, CancellationToken cancellationToken)
        {
            SyntaxNode? node = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
            TypeDeclarationSyntax? declaration = node?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            return declaration?.GetReference();
        }

        private sealed class SyntaxReferenceComparer : IEqualityComparer<SyntaxReference?>
        {
            public static readonly SyntaxReferenceComparer Instance = new();

            public bool Equals(SyntaxReference? x, SyntaxReference? y) =>
                ReferenceEquals(x, y) || (x is not null && y is not null && x.SyntaxTree == y.SyntaxTree && x.Span == y.Span);

            public int GetHashCode(SyntaxReference? obj) => obj is null ? 0 : obj.Span.GetHashCode();
        }
    }
}
