using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[Flatten]</c>.</summary>
    internal sealed class FlattenParser : ILayerParser
    {
        public string AttributeMetadataName => "Compiled.FlattenAttribute";

        public LayerSpec? Parse(LayerParseContext context) => new FlattenSpec();
    }
}
