using System.Collections.Generic;
using System.Threading;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator.Parsing
{
    /// <summary>Finds where an attribute and each of its arguments were written, so diagnostics point at the argument.</summary>
    internal static class AttributeLocations
    {
        public static AttributeLocation Of(AttributeData attribute, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
            {
                return new AttributeLocation(null, EquatableArray<NamedLocation>.Empty);
            }

            var arguments = new List<NamedLocation>();
            IMethodSymbol? constructor = attribute.AttributeConstructor;
            if (syntax.ArgumentList is { } list && constructor is not null)
            {
                int positional = 0;
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    // A property assignment is shown whole (NegativeSlope = 0.2f); otherwise the value itself.
                    LocationInfo? location = LocationInfo.From(argument.NameEquals is null ? argument.Expression : argument);
                    if (argument.NameEquals is { } nameEquals)
                    {
                        arguments.Add(new NamedLocation(nameEquals.Name.Identifier.ValueText, location));
                    }
                    else if (argument.NameColon is { } nameColon)
                    {
                        arguments.Add(new NamedLocation(nameColon.Name.Identifier.ValueText, location));
                    }
                    else
                    {
                        int parameterCount = constructor.Parameters.Length;
                        if (parameterCount > 0 && positional >= parameterCount - 1 && constructor.Parameters[parameterCount - 1].IsParams)
                        {
                            IParameterSymbol parameter = constructor.Parameters[parameterCount - 1];
                            arguments.Add(new NamedLocation($"{parameter.Name}[{positional - (parameterCount - 1)}]", location));
                        }
                        else if (positional < parameterCount)
                        {
                            arguments.Add(new NamedLocation(constructor.Parameters[positional].Name, location));
                        }

                        positional++;
                    }
                }
            }

            return new AttributeLocation(LocationInfo.From(syntax), arguments.ToEquatableArray());
        }
    }
}
