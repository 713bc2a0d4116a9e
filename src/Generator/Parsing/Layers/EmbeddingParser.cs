using System.Globalization;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Parsing.Layers
{
    /// <summary>Parses <c>[Embedding(vocabulary, dimension) { PaddingIndex = ..., Init = ... }]</c>.</summary>
    internal sealed class EmbeddingParser : ILayerParser
    {
        /// <summary>The largest vocabulary: token ids travel as floats, which hold every integer up to 2^24 exactly.</summary>
        public const int MaxVocabulary = 1 << 24;

        public string AttributeMetadataName => "Compiled.EmbeddingAttribute";

        public LayerSpec? Parse(LayerParseContext context)
        {
            if (context.ConstructorArgument("vocabulary") is not int vocabulary || context.ConstructorArgument("dimension") is not int dimension)
            {
                context.MarkInvalid();
                return null;
            }

            bool valid = true;
            if (vocabulary <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, "vocabulary", $"The vocabulary of [Embedding] at layer {context.LayerIndex}", vocabulary);
                valid = false;
            }
            else if (vocabulary > MaxVocabulary)
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "vocabulary", "The vocabulary", "Embedding", context.LayerIndex, vocabulary.ToString(CultureInfo.InvariantCulture), "at most 16777216 (2^24): token ids travel as floats, exact integers only up to 2^24");
                valid = false;
            }

            if (dimension <= 0)
            {
                context.Report(DiagnosticDescriptors.NonPositiveSize, "dimension", $"The dimension of [Embedding] at layer {context.LayerIndex}", dimension);
                valid = false;
            }

            int padding = context.NamedArgument("PaddingIndex", -1, out _);
            if (padding < -1 || (valid && padding >= vocabulary))
            {
                context.Report(DiagnosticDescriptors.SettingOutOfRange, "PaddingIndex", "PaddingIndex", "Embedding", context.LayerIndex, padding.ToString(CultureInfo.InvariantCulture), $"-1 (none) or a token id in [0, {vocabulary.ToString(CultureInfo.InvariantCulture)}) (PyTorch's padding_idx = -k is vocabulary - k)");
                valid = false;
            }

            Initializer init = InitializerArgument.Read(context, "Init");
            return valid ? new EmbeddingSpec(vocabulary, dimension, padding, init) : null;
        }
    }
}
