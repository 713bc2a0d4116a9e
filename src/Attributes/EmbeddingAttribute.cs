using System;

namespace Compiled
{
    /// <summary>
    /// A lookup table of learned vectors, exactly <c>torch.nn.Embedding(vocabulary, dimension, padding_idx)</c>: each input
    /// value is a token id in [0, <see cref="Vocabulary"/>) and becomes row <c>id</c> of <c>weight [vocabulary, dimension]</c>,
    /// so an input of shape <c>(steps)</c> becomes <c>(steps, dimension)</c>. It must be the network's first layer.
    /// </summary>
    /// <remarks>
    /// <para>Token ids travel through the same float spans as features (<c>INetwork.InputKind</c> is <c>TokenIds</c>): floats
    /// holding exact integers, so the trainer, the data sets and the data readers need no second code path; the generated
    /// class also has <c>Forward(ReadOnlySpan&lt;int&gt;, Span&lt;float&gt;)</c>. Every call checks every id first: one that is
    /// not an integer in [0, <see cref="Vocabulary"/>) throws an <see cref="ArgumentOutOfRangeException"/> naming the id and
    /// its position (sample and token).</para>
    /// <para>The weight is initialised <c>N(0, 1)</c> as PyTorch's (row <see cref="PaddingIndex"/> zero). The backward pass
    /// adds each token's output gradient into its row only (the rows used), PyTorch's dense-gradient mode
    /// (<c>sparse=False</c>); ids are not differentiable, so the gradient with respect to the input is zero.</para>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class EmbeddingAttribute : LayerAttribute
    {
        /// <summary>Declares an embedding.</summary>
        /// <param name="vocabulary">The number of token ids (PyTorch's <c>num_embeddings</c>); at most 2^24, so every id is an exact float.</param>
        /// <param name="dimension">The length of each token's vector (PyTorch's <c>embedding_dim</c>).</param>
        public EmbeddingAttribute(int vocabulary, int dimension)
        {
            Vocabulary = vocabulary;
            Dimension = dimension;
        }

        /// <summary>The number of token ids.</summary>
        public int Vocabulary { get; }

        /// <summary>The length of each token's vector.</summary>
        public int Dimension { get; }

        /// <summary>
        /// A token id whose row is initialised to zeros and never trained (its gradient is not accumulated), as PyTorch's
        /// <c>padding_idx</c>; -1 (the default) for none. PyTorch's negative form <c>padding_idx = -k</c> is
        /// <c>Vocabulary - k</c> here.
        /// </summary>
        public int PaddingIndex { get; set; } = -1;

        /// <summary>How the weight is initialised; <see cref="Initializer.Default"/> is PyTorch's <c>N(0, 1)</c>.</summary>
        public Initializer Init { get; set; }
    }
}
