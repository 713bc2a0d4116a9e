using System;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// One layer kind of the double-precision reference: PyTorch's definition written the obvious way, sharing no code
    /// with the generator. A new layer kind adds one class and one entry in <see cref="ReferenceLayers.Parsers"/>.
    /// </summary>
    public interface IReferenceLayer
    {
        /// <summary>Floats per sample this layer reads.</summary>
        int InputSize { get; }

        /// <summary>Floats per sample this layer writes.</summary>
        int OutputSize { get; }

        /// <summary>The shape of one output sample (outermost first).</summary>
        int[] OutputShape { get; }

        /// <summary>Trainable parameters of the layer, in the network's flat parameter order.</summary>
        int ParameterCount { get; }

        /// <summary>
        /// One sample: <paramref name="parameters"/> starts at this layer's first parameter; <paramref name="training"/> is
        /// null at inference, else the training context of this very sample (its <c>FirstSample</c> is the sample's index
        /// within the call). Returns the output and the value before the layer's fused activation (the output itself when
        /// it has none), which the fused losses read.
        /// </summary>
        double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation);

        /// <summary>
        /// False for a parameter (index within the layer) that the forward pass reads but training never changes by
        /// definition, so its gradient is zero whatever finite differences say (an embedding's <c>padding_idx</c> row).
        /// </summary>
        bool IsTrained(int parameter) => true;
    }

    /// <summary>
    /// A reference layer whose training pass couples the samples of a batch and that has non-trainable buffers (batch
    /// normalisation): the reference network runs it on the whole batch at once, and never through
    /// <see cref="IReferenceLayer.Forward"/>.
    /// </summary>
    public interface IReferenceBatchLayer : IReferenceLayer
    {
        /// <summary>Buffer floats of the layer, in the network's flat buffer order.</summary>
        int BufferCount { get; }

        /// <summary>
        /// The whole batch: in training mode (<paramref name="training"/>) with the batch's statistics, else with the
        /// running statistics in <paramref name="buffers"/> (which starts at this layer's first buffer).
        /// </summary>
        double[][] ForwardBatch(ReadOnlySpan<double> parameters, ReadOnlySpan<double> buffers, double[][] inputs, bool training, out double[][] preActivations);
    }

    /// <summary>The registry of reference layer kinds, keyed by how each reads in an architecture signature.</summary>
    public static class ReferenceLayers
    {
        /// <summary>
        /// Each entry tries to read one part of an architecture signature (<c>"Dense(10, ReLU)"</c>) given the shape
        /// of its input and the layer's index, and returns null when the part is not its kind.
        /// </summary>
        public static readonly Func<string, int[], int, IReferenceLayer?>[] Parsers =
        {
            ReferenceFlatten.TryParse,
            ReferenceDense.TryParse,
            ReferenceDropout.TryParse,
            ReferenceLayerNorm.TryParse,
            ReferenceBatchNorm.TryParse,
            ReferenceEmbedding.TryParse,
            ReferencePool.TryParse,
            ReferenceGlobalPool.TryParse,
            ReferenceConv.TryParse,
            ReferenceRecurrent.TryParse,
            ReferenceActivation.TryParse,
        };

        /// <summary>Reads one part of an architecture signature, or fails the test naming it.</summary>
        public static IReferenceLayer Parse(string part, int[] inputShape, int index)
        {
            foreach (Func<string, int[], int, IReferenceLayer?> parser in Parsers)
            {
                if (parser(part, inputShape, index) is { } layer)
                {
                    return layer;
                }
            }

            throw new Xunit.Sdk.XunitException($"the reference has no layer kind for '{part}'");
        }
    }
}
