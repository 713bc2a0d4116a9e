using System;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes.Layers
{
    /// <summary>
    /// <c>[Embedding(vocabulary, dimension)]</c>: the first layer; an input of token ids of shape <c>(d...)</c> becomes
    /// <c>(d..., dimension)</c>; one tensor, <c>weight [vocabulary, dimension]</c>, as <c>nn.Embedding</c>: <c>N(0, 1)</c>
    /// by default, row <c>PaddingIndex</c> zero.
    /// </summary>
    internal sealed class EmbeddingShapeRule : IShapeRule
    {
        public LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context)
        {
            var embedding = (EmbeddingSpec)spec;
            if (context.LayerIndex != 0)
            {
                context.Report(DiagnosticDescriptors.EmbeddingNotFirst, null, context.LayerIndex, input.ToString());
                return null;
            }

            long weights = (long)embedding.Vocabulary * embedding.Dimension;
            long outputs = input.Size * embedding.Dimension;
            if (weights > ShapeInference.MaxParameters || outputs > int.MaxValue)
            {
                return null; // ShapeInference reports the total as too large.
            }

            // PyTorch's fans of a [vocabulary, dimension] tensor: fan_in = dimension, fan_out = vocabulary. Its default,
            // normal_(0, 1), is KaimingNormal with gain sqrt(fan_in): std = gain / sqrt(fan_in) = 1.
            (InitKind kind, double gain) = embedding.Init is Initializer.Default or Initializer.PyTorchDefault
                ? (InitKind.KaimingNormal, Math.Sqrt(embedding.Dimension))
                : Initialization.Of(embedding.Init, 1.0);
            var weight = new TensorPlan(
                $"{context.ModuleIndex}.weight",
                new Shape(EquatableArray.Create(embedding.Vocabulary, embedding.Dimension)),
                (int)context.ParameterOffset,
                kind,
                embedding.Dimension,
                embedding.Vocabulary,
                gain,
                embedding.Init != Initializer.Default)
            {
                ZeroRow = embedding.PaddingIndex,
            };
            Shape output = new(EquatableArray.Create(input.Dimensions.Concat(new[] { embedding.Dimension }).ToArray()));
            return new LayerShape(output, EquatableArray.Create(weight));
        }

        public string Describe(LayerSpec spec)
        {
            var embedding = (EmbeddingSpec)spec;
            string text = $"Embedding({embedding.Vocabulary.ToString(CultureInfo.InvariantCulture)}, {embedding.Dimension.ToString(CultureInfo.InvariantCulture)}";
            return embedding.PaddingIndex >= 0 ? $"{text}, padding {embedding.PaddingIndex.ToString(CultureInfo.InvariantCulture)})" : text + ")";
        }

        public int ModuleCount(LayerSpec spec) => 1;
    }
}
