using System;
using System.ComponentModel;

namespace Compiled
{
    /// <summary>
    /// Training on several threads with the first layer's units split between them: implemented by generated networks
    /// whose first layer is <c>[Dense]</c>, is not the last, and has at least 32 units and 16,384 weights. Each thread
    /// (a <em>part</em>) packs, computes and differentiates only its own units, and applies the optimizer to their
    /// parameters, so the weights a core touches stay in that core's cache; only the layer's activations (a few
    /// kilobytes per batch) cross between cores. The rest of the network runs on part 0's thread. The trainer uses it
    /// when <c>TrainerOptions.Threads</c> is 2; the results are bit for bit those of <see cref="INetwork.BackwardBatch(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/>.
    /// </summary>
    /// <remarks>
    /// The parts' methods may run at the same time on different threads, but the caller orders the phases of one step:
    /// <see cref="SplitPrepare"/> once on any thread; then per step <see cref="SplitPack"/> by every part (after the
    /// parameters last changed); then, for each chunk of at most <see cref="SplitChunk"/> samples, <see cref="SplitForward"/>
    /// by every part, then <c>SplitRest</c> by part 0, then <see cref="SplitBackward"/> by every part. Gradients are added
    /// (+=) as by <c>BackwardBatch</c>: part <c>p</c> writes only the gradients of its units' weight rows and biases,
    /// <c>SplitRest</c> only those of the later layers. Not meant to be called by user code.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface ISplitTraining : INetwork
    {
        /// <summary>The number of parts the first layer's units are split into.</summary>
        int SplitParts { get; }

        /// <summary>The most samples one call of <see cref="SplitForward"/>, <c>SplitRest</c> or <see cref="SplitBackward"/> takes.</summary>
        int SplitChunk { get; }

        /// <summary>The first unit of part <paramref name="part"/>; <c>SplitUnit(SplitParts)</c> is the layer's unit count.</summary>
        /// <param name="part">A part, from 0 to <see cref="SplitParts"/>.</param>
        /// <returns>The unit index.</returns>
        int SplitUnit(int part);

        /// <summary>Allocates the training workspace, if not done yet; call before the parts start.</summary>
        void SplitPrepare();

        /// <summary>Packs part <paramref name="part"/>'s units of the first layer (and, for part 0, every later layer) from the parameters.</summary>
        /// <param name="part">The part.</param>
        void SplitPack(int part);

        /// <summary>The training forward pass of the first layer's units of part <paramref name="part"/> over one chunk.</summary>
        /// <param name="part">The part.</param>
        /// <param name="inputs">At least <paramref name="count"/> samples.</param>
        /// <param name="count">The samples in the chunk, from 1 to <see cref="SplitChunk"/>.</param>
        void SplitForward(int part, ReadOnlySpan<float> inputs, int count);

        /// <summary>
        /// After every part's <see cref="SplitForward"/>: the later layers' forward pass, the loss (with labels), its
        /// gradient times <paramref name="scale"/>, and the later layers' backward pass. Returns the summed loss of the chunk.
        /// </summary>
        /// <param name="labels">The chunk's labels.</param>
        /// <param name="count">The samples in the chunk.</param>
        /// <param name="scale">The factor of the gradient (1 / batch size for a mean).</param>
        /// <param name="outputs">Empty, or <paramref name="count"/> x output size floats that receive the chunk's training outputs (see <see cref="INetwork.BackwardBatch(ReadOnlySpan{float}, ReadOnlySpan{int}, int, Span{float})"/>).</param>
        /// <returns>The sum of the chunk's losses.</returns>
        float SplitRest(ReadOnlySpan<int> labels, int count, float scale, Span<float> outputs);

        /// <summary>As <see cref="SplitRest(ReadOnlySpan{int}, int, float, Span{float})"/>, with target vectors.</summary>
        /// <param name="targets">The chunk's targets.</param>
        /// <param name="count">The samples in the chunk.</param>
        /// <param name="scale">The factor of the gradient.</param>
        /// <param name="outputs">Empty, or the chunk's training outputs.</param>
        /// <returns>The sum of the chunk's losses.</returns>
        float SplitRest(ReadOnlySpan<float> targets, int count, float scale, Span<float> outputs);

        /// <summary>After <c>SplitRest</c>: the first layer's backward pass for part <paramref name="part"/>'s units.</summary>
        /// <param name="part">The part.</param>
        /// <param name="inputs">The same samples as given to <see cref="SplitForward"/>.</param>
        /// <param name="count">The samples in the chunk.</param>
        void SplitBackward(int part, ReadOnlySpan<float> inputs, int count);
    }
}
