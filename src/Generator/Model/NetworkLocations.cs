using Compiled.Generator.Diagnostics;

namespace Compiled.Generator.Model
{
    /// <summary>
    /// Where each part of a network was written, kept apart from <see cref="NetworkSpec"/> so that only the diagnostics
    /// step depends on source positions.
    /// </summary>
    /// <param name="Class">The class identifier.</param>
    /// <param name="Network">The <c>[Network]</c> attribute.</param>
    /// <param name="Input">The (first) <c>[Input]</c> attribute.</param>
    /// <param name="Layers">Each layer attribute and its arguments, in layer order.</param>
    internal sealed record NetworkLocations(
        LocationInfo? Class,
        AttributeLocation? Network,
        AttributeLocation? Input,
        EquatableArray<AttributeLocation> Layers);

    /// <summary>An attribute's location and the locations of its arguments by parameter or property name.</summary>
    /// <param name="Attribute">The whole attribute.</param>
    /// <param name="Arguments">Each argument, named by constructor parameter or property name; <c>params</c> elements are named <c>shape[0]</c>, <c>shape[1]</c>, ...</param>
    internal sealed record AttributeLocation(LocationInfo? Attribute, EquatableArray<NamedLocation> Arguments)
    {
        /// <summary>The location of the named argument, or of the whole attribute when that argument was not written.</summary>
        public LocationInfo? Of(string? argument)
        {
            if (argument is not null)
            {
                foreach (NamedLocation named in Arguments)
                {
                    if (named.Name == argument)
                    {
                        return named.Location ?? Attribute;
                    }
                }
            }

            return Attribute;
        }
    }

    /// <summary>A named location.</summary>
    internal sealed record NamedLocation(string Name, LocationInfo? Location);
}
