using System;

namespace Compiled
{
    /// <summary>
    /// Batch normalisation, exactly <c>torch.nn.BatchNorm1d(C, eps, momentum, affine)</c> for a vector input of <c>C</c>
    /// features (after a <c>[Dense]</c>) and <c>BatchNorm1d</c>/<c>BatchNorm2d</c>/<c>BatchNorm3d</c> for an input
    /// <c>(C, ...)</c>: per channel (the first dimension), over the batch and every other position. In training
    /// (the <c>Backward</c> and <c>Backpropagate</c> methods) it normalises with the statistics of the whole batch (biased
    /// variance) and updates the running statistics once per call; at inference (<c>Forward</c>, <c>ForwardBatch</c>) it
    /// uses the running statistics. Buffers <c>running_mean</c> (zeros), <c>running_var</c> (ones) and
    /// <c>num_batches_tracked</c>; parameters <c>weight</c> (ones) and <c>bias</c> (zeros) when <see cref="Affine"/>.
    /// </summary>
    /// <remarks>
    /// A network with a batch normalisation layer trains every batch as one piece (its statistics are the whole batch's),
    /// so the trainer runs it on one thread; a training batch must have more than one value per channel (more than one
    /// sample for a vector input), as PyTorch requires.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class BatchNormAttribute : LayerAttribute
    {
        /// <summary>Added to the variance for numerical stability (PyTorch's <c>eps</c>). Default 1e-5.</summary>
        public double Eps { get; set; } = 1e-5;

        /// <summary>
        /// The weight of the new batch's statistics in the running statistics, in [0, 1] (PyTorch's <c>momentum</c>):
        /// <c>running = (1 - momentum) * running + momentum * batch</c>, the batch variance unbiased. Default 0.1.
        /// </summary>
        public double Momentum { get; set; } = 0.1;

        /// <summary>Whether the layer has a learnable per-channel <c>weight</c> and <c>bias</c> (PyTorch's <c>affine</c>). Default true.</summary>
        public bool Affine { get; set; } = true;

        /// <summary>
        /// Whether the layer keeps running statistics (PyTorch's <c>track_running_stats</c>). Default true. With false, it has
        /// no buffers (its state_dict is only <c>weight</c> and <c>bias</c>, as PyTorch's) and normalises with the statistics of
        /// the samples it is given at inference too: <c>ForwardBatch</c> normalises over its whole batch (a vector input
        /// needs at least 2 samples, so single-sample <c>Forward</c> throws for it), and the layer is never folded.
        /// </summary>
        public bool TrackRunningStats { get; set; } = true;

        /// <summary>
        /// Whether the running statistics are a cumulative moving average of every batch's (PyTorch's <c>momentum=None</c>):
        /// the weight of batch <c>t</c> is <c>1 / t</c>, <c>t</c> being <c>num_batches_tracked</c> after counting it, so the
        /// running statistics are the plain average of all batches so far. Default false (exponential, <see cref="Momentum"/>).
        /// <see cref="Momentum"/> has no effect with it.
        /// </summary>
        public bool CumulativeAverage { get; set; }
    }
}
