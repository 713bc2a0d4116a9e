namespace Compiled
{
    /// <summary>
    /// The training loss of a network, defined as PyTorch defines it with reduction <c>"mean"</c>.
    /// </summary>
#if COMPILED_GENERATOR
    // Compiled into the generator as its own vocabulary; internal there so that it never clashes with the public type.
    internal enum Loss
#else
    public enum Loss
#endif
    {
        /// <summary>
        /// <c>torch.nn.MSELoss</c>: for one sample, the mean over the output elements of <c>(y - t)^2</c>;
        /// a batch's loss is the mean over its samples.
        /// </summary>
        MeanSquaredError = 0,

        /// <summary>
        /// <c>torch.nn.CrossEntropyLoss</c> applied to the pre-softmax logits: for one sample <c>-log p[label]</c>
        /// (or <c>-sum_j t_j log p_j</c> for a target distribution). Requires a <see cref="Activation.Softmax"/> output layer;
        /// the gradient is the fused, numerically stable <c>p - t</c>.
        /// </summary>
        CrossEntropy = 1,

        /// <summary>
        /// <c>torch.nn.BCELoss</c>: for one sample, the mean over outputs of <c>-(t log p + (1 - t) log(1 - p))</c>.
        /// Requires a <see cref="Activation.Sigmoid"/> output layer; the gradient is the fused, numerically stable <c>(p - t) / n</c>.
        /// </summary>
        BinaryCrossEntropy = 2,
    }
}
