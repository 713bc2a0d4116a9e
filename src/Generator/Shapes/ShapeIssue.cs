using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;

namespace Compiled.Generator.Shapes
{
    /// <summary>
    /// A mistake found by shape inference, pointing at a layer (and argument) by index rather than by source position,
    /// so that the plan stays position-free. The diagnostics step resolves it against <see cref="NetworkLocations"/>.
    /// </summary>
    /// <param name="Id">The diagnostic ID.</param>
    /// <param name="Layer">The layer index, or one of <see cref="ClassTarget"/>, <see cref="InputTarget"/>, <see cref="NetworkTarget"/>.</param>
    /// <param name="Argument">The argument name within that attribute, or null for the whole attribute.</param>
    /// <param name="MessageArgs">The message arguments.</param>
    internal sealed record ShapeIssue(string Id, int Layer, string? Argument, EquatableArray<string> MessageArgs)
    {
        public const int ClassTarget = -1;
        public const int InputTarget = -2;
        public const int NetworkTarget = -3;

        public LocationInfo? Resolve(NetworkLocations locations) => Layer switch
        {
            ClassTarget => locations.Class,
            InputTarget => locations.Input?.Of(Argument) ?? locations.Class,
            NetworkTarget => locations.Network?.Of(Argument) ?? locations.Class,
            _ when Layer >= 0 && Layer < locations.Layers.Count => locations.Layers[Layer].Of(Argument),
            _ => locations.Class,
        };

        public DiagnosticInfo ToDiagnostic(NetworkLocations locations) =>
            new(Id, Resolve(locations), MessageArgs);
    }
}
