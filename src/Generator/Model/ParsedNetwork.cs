using Compiled.Generator.Diagnostics;

namespace Compiled.Generator.Model
{
    /// <summary>
    /// The output of the parse step: the model (null when parsing found an error that stops generation), where things
    /// were written, and the diagnostics found while parsing.
    /// </summary>
    internal sealed record ParsedNetwork(
        NetworkSpec? Spec,
        NetworkLocations Locations,
        EquatableArray<DiagnosticInfo> Diagnostics,
        string TypeName);
}
