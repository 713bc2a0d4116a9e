using System.Collections.Generic;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Parsing
{
    /// <summary>
    /// What a layer parser gets: the attribute's arguments by name, their locations, and a place to report diagnostics.
    /// </summary>
    internal sealed class LayerParseContext
    {
        private readonly AttributeData _attribute;
        private readonly List<DiagnosticInfo> _diagnostics;

        public LayerParseContext(AttributeData attribute, int layerIndex, AttributeLocation location, List<DiagnosticInfo> diagnostics)
        {
            _attribute = attribute;
            LayerIndex = layerIndex;
            Location = location;
            _diagnostics = diagnostics;
        }

        /// <summary>The layer's index among the network's layer attributes (0-based).</summary>
        public int LayerIndex { get; }

        /// <summary>Where the attribute and its arguments were written.</summary>
        public AttributeLocation Location { get; }

        /// <summary>Set when the parser found an error: the network is then not generated.</summary>
        public bool HasErrors { get; private set; }

        /// <summary>Reads a constructor argument by parameter name, or null when it is missing or does not compile.</summary>
        public object? ConstructorArgument(string parameterName)
        {
            IMethodSymbol? constructor = _attribute.AttributeConstructor;
            if (constructor is null)
            {
                return null;
            }

            for (int i = 0; i < constructor.Parameters.Length && i < _attribute.ConstructorArguments.Length; i++)
            {
                if (constructor.Parameters[i].Name == parameterName)
                {
                    TypedConstant value = _attribute.ConstructorArguments[i];
                    return value.Kind == TypedConstantKind.Error || value.Kind == TypedConstantKind.Array ? null : value.Value;
                }
            }

            return null;
        }

        /// <summary>Reads a named (property) argument, or returns <paramref name="fallback"/> when it was not written.</summary>
        public T NamedArgument<T>(string propertyName, T fallback, out bool written)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
            {
                if (named.Key == propertyName && named.Value.Kind != TypedConstantKind.Error && named.Value.Value is T value)
                {
                    written = true;
                    return value;
                }
            }

            written = false;
            return fallback;
        }

        /// <summary>Reads a named (property) argument of type <c>int[]</c>, or null when it was not written (or is null).</summary>
        public int[]? NamedIntArrayArgument(string propertyName)
        {
            foreach (KeyValuePair<string, TypedConstant> named in _attribute.NamedArguments)
            {
                if (named.Key == propertyName && named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                {
                    var values = new int[named.Value.Values.Length];
                    for (int i = 0; i < values.Length; i++)
                    {
                        if (named.Value.Values[i].Value is not int value)
                        {
                            return null;
                        }

                        values[i] = value;
                    }

                    return values;
                }
            }

            return null;
        }

        /// <summary>Reports a diagnostic on an argument (or on the attribute when <paramref name="argument"/> is null).</summary>
        public void Report(DiagnosticDescriptor descriptor, string? argument, params object[] messageArgs)
        {
            if (descriptor.DefaultSeverity == DiagnosticSeverity.Error)
            {
                HasErrors = true;
            }

            _diagnostics.Add(DiagnosticInfo.Create(descriptor, Location.Of(argument), messageArgs));
        }

        /// <summary>Marks the layer as not generatable without reporting (the compiler already reports the cause).</summary>
        public void MarkInvalid() => HasErrors = true;
    }
}
