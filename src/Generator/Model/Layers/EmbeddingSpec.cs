namespace Compiled.Generator.Model.Layers
{
    /// <summary>A token embedding: <c>[Embedding(vocabulary, dimension)]</c>.</summary>
    /// <param name="Vocabulary">The number of token ids.</param>
    /// <param name="Dimension">The length of each token's vector.</param>
    /// <param name="PaddingIndex">The id whose row is zero and not trained, or -1.</param>
    /// <param name="Init">The weight's initialiser.</param>
    internal sealed record EmbeddingSpec(int Vocabulary, int Dimension, int PaddingIndex, Initializer Init) : LayerSpec
    {
        public override string KindName => "Embedding";
    }
}
