using Compiled.Generator.Model;

namespace Compiled.Generator.Parsing
{
    /// <summary>Turns one layer attribute into its <see cref="LayerSpec"/>, reporting mistakes in its arguments.</summary>
    internal interface ILayerParser
    {
        /// <summary>The attribute's metadata name, e.g. <c>Compiled.DenseAttribute</c>.</summary>
        string AttributeMetadataName { get; }

        /// <summary>Parses the attribute; returns null when it cannot be used (after reporting why, or when the compiler reports it).</summary>
        LayerSpec? Parse(LayerParseContext context);
    }
}
