using System.Collections.Generic;
using Compiled.Generator.Shapes;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// The contract a layer kind implements to be emitted (see docs/adding-a-layer.md). A layer declares what it needs
    /// (its packed form, the values it saves for backward, its recurrent state) and writes its inference, training-forward
    /// and backward code for its constant sizes; the network emitter and the planner do the rest. Its trainable tensors
    /// (PyTorch names, shapes, initialisation) and non-trainable buffers come from its shape rule. Optional capabilities
    /// are interfaces a layer emitter may also implement: <see cref="IRegisterHandoff"/> (one-sample activations passed in
    /// vector locals) and <see cref="ISplitUnits"/> (its units split between training threads).
    /// </summary>
    internal abstract class LayerEmitter
    {
        /// <summary>
        /// True for layers that move no data (Flatten): their output is their input in memory, their input gradient is
        /// their output gradient, and the network emitter emits no call for them.
        /// </summary>
        public virtual bool IsAlias => false;

        /// <summary>
        /// True for layers that are the identity at inference but compute in training (dropout): the inference passes skip
        /// them (they cost nothing there) and the training passes call them.
        /// </summary>
        public virtual bool IsIdentityAtInference => IsAlias;

        /// <summary>
        /// True for stochastic layers, which read the network's <c>TrainingContext</c> and the index of each chunk's first
        /// sample (<see cref="TrainingRefs.First"/>); a network with any advances its context's step after each training call.
        /// </summary>
        public virtual bool UsesTrainingContext => false;

        /// <summary>
        /// <see cref="UsesTrainingContext"/> for one layer of the kind, for kinds whose settings decide it (a recurrent layer
        /// with dropout); by default the kind's.
        /// </summary>
        public virtual bool UsesTrainingContextAt(LayerContext layer) => UsesTrainingContext;

        /// <summary>
        /// True for layers whose training pass couples the samples of a batch (batch normalisation: each sample is normalised
        /// with the statistics of the whole batch). A network with any trains each call's batch as one chunk: its training
        /// workspace is sized for the largest batch seen (the planner's offsets are per sample, times the capacity), and it
        /// tells the runtime (<c>INetwork.RequiresWholeBatch</c>) not to split a batch between threads.
        /// </summary>
        public virtual bool NeedsWholeBatch => false;

        /// <summary>
        /// True for layers whose inference couples the samples of a call (batch normalisation without running statistics):
        /// a network with any runs <c>ForwardBatch</c> on the whole batch at once, its hidden activations in a per-thread
        /// buffer sized for the largest batch so far, instead of in chunks on the stack.
        /// </summary>
        public virtual bool NeedsWholeBatchAtInference(LayerContext layer) => false;

        /// <summary>
        /// True for layers that read token ids (embeddings; always the first layer): the network's <c>InputKind</c> is
        /// <c>TokenIds</c>, it gets <c>int</c> overloads of <c>Forward</c>, and every call that takes inputs runs
        /// <see cref="EmitInputCheck"/> first.
        /// </summary>
        public virtual bool ReadsTokenIds => false;

        /// <summary>
        /// Writes the check of the network's input values, at the start of every call that takes inputs, before anything is
        /// computed (token ids in range), throwing for <paramref name="parameter"/> (a string expression).
        /// <paramref name="inputs"/> is the <c>ReadOnlySpan&lt;float&gt;</c> of the call's samples. Only the first layer's runs.
        /// </summary>
        public virtual void EmitInputCheck(SourceWriter writer, LayerContext layer, string inputs, string parameter)
        {
        }

        /// <summary>
        /// Writes the check, at the start of every training call, that <paramref name="batchSize"/> (an <c>int</c> expression)
        /// samples are enough for this layer to train (batch normalisation of one value per channel cannot), throwing an
        /// <c>ArgumentException</c> for <paramref name="parameter"/> (a string expression) otherwise. Most layers write nothing.
        /// </summary>
        public virtual void EmitTrainingBatchCheck(SourceWriter writer, LayerContext layer, string batchSize, string parameter)
        {
        }

        /// <summary>
        /// How many floats of the packed weight copy this layer uses (0 for none). The packed copy is rebuilt from the
        /// parameters whenever they may have changed; forward kernels read it through <c>ref float k</c>.
        /// </summary>
        public virtual int PackedLength(LayerContext layer) => 0;

        /// <summary>
        /// How many floats of the panelled copy this layer uses (0 for none): a second copy of a large layer's packed weight,
        /// cut into column panels, which only the one-sample forward pass reads (built lazily from the packed copy through
        /// <c>ref float q</c>).
        /// </summary>
        public virtual int PanelLength(LayerContext layer) => 0;

        /// <summary>Writes the statements that fill this layer's part of the panelled copy (<c>q</c>) from the packed copy (<c>k</c>).</summary>
        public virtual void EmitPanelPack(SourceWriter writer, LayerContext layer)
        {
        }

        /// <summary>
        /// Writes the statements that fill this layer's part of the packed copy (<c>k</c>) from the parameters (<c>p</c>) and,
        /// in networks that have any, the non-trainable buffers (<c>b</c>; an edit of either makes the packed copy stale).
        /// </summary>
        public virtual void EmitPack(SourceWriter writer, LayerContext layer)
        {
        }

        /// <summary>
        /// The values the training forward pass stores for the backward pass (per sample of a chunk): the layer's output,
        /// its pre-activation, or values of its own such as argmax indices (<see cref="ElementType.Int"/>). The planner
        /// gives each a block of the training workspace (float or int) and hands their locations in <see cref="TrainingRefs"/>.
        /// </summary>
        public abstract IReadOnlyList<SavedValue> SavedValues(LayerContext layer);

        /// <summary>
        /// The floats of state one sample carries from one call to the next (recurrent layers, causal convolutions); 0 for
        /// stateless layers. A network with state gets a generated state type sized from the sum of its layers'.
        /// </summary>
        public virtual int StatePerSample(LayerContext layer) => 0;

        /// <summary>
        /// Writes private static kernels this layer kind specialises for its own sizes, if any (most layers call the
        /// runtime's shared kernels and the shared kernel writers of <c>Emit/Kernels</c> instead, and write none).
        /// </summary>
        public virtual void EmitKernels(SourceWriter writer, LayerContext layer)
        {
        }

        /// <summary>
        /// Writes the code that runs the layer on one sample, from <paramref name="input"/> to <paramref name="output"/>
        /// (each a <c>ref float</c> buffer or, between small layers, vector locals).
        /// </summary>
        public abstract void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output);

        /// <summary>Writes the call that runs the layer on <paramref name="count"/> samples (inference).</summary>
        public abstract void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count);

        /// <summary>
        /// Writes the training forward pass over <paramref name="count"/> samples: fills the values <see cref="SavedValues"/>
        /// declared. Separate from inference (a layer may be the identity at inference, like dropout); stochastic layers draw
        /// from the network's <c>TrainingContext</c>.
        /// </summary>
        public abstract void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count);

        /// <summary>
        /// Writes the calls of the backward pass: from the gradient in <see cref="TrainingRefs.Gradient"/> (with respect to
        /// the layer's output, or to its pre-activation when <see cref="LayerContext.FusedLoss"/>), add the parameter
        /// gradients and, when <see cref="LayerContext.NeedsInputGradient"/>, write the input gradient to
        /// <see cref="TrainingRefs.InputGradient"/>. The gradient buffer may be overwritten.
        /// </summary>
        public abstract void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count);

        /// <summary>
        /// Writes only the gradient with respect to the layer's input, for <c>Backpropagate</c>'s input gradients: called for
        /// the first layer with parameters after its <see cref="EmitBackward"/> ran without one (<see cref="TrainingRefs.Gradient"/>
        /// holds what that left there, for Dense the gradient with respect to its pre-activation), then for each
        /// parameterless layer before it, in place (<see cref="TrainingRefs.Gradient"/> and <see cref="TrainingRefs.InputGradient"/>
        /// are the same buffer of the network input's size).
        /// </summary>
        public abstract void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count);
    }

    /// <summary>
    /// Optional capability: the layer, as the network's first computing layer, can have its units split between training
    /// threads (<c>ISplitTraining</c> in the runtime): each thread packs, computes and differentiates only its own units,
    /// so the weights each core touches stay in its own cache.
    /// </summary>
    internal interface ISplitUnits
    {
        /// <summary>
        /// True when this layer, as the network's first computing layer, can have its outputs (units) split between
        /// training threads: each thread packs, computes and differentiates only its own units, so the weights each core
        /// touches stay in its own cache (see <c>ISplitTraining</c> in the runtime).
        /// </summary>
        bool CanSplitUnits(LayerContext layer);

        /// <summary>Writes the statements that pack units <c>[begin, end)</c> of this layer into the packed copy (<c>k</c>) from <c>p</c>.</summary>
        void EmitSplitPack(SourceWriter writer, LayerContext layer, int begin, int end);

        /// <summary>Writes the training forward pass of one part (its units only) into the part's own blocks.</summary>
        void EmitSplitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks);

        /// <summary>Writes the copy of one part's outputs from its block into the layer's output buffer (<see cref="TrainingRefs.Output"/>), for the later layers.</summary>
        void EmitSplitJoin(SourceWriter writer, LayerContext layer, TrainingRefs refs, string count, int begin, int end, SplitBlocks blocks);

        /// <summary>
        /// Writes the backward pass of one part: from the gradient with respect to the layer's output (units
        /// <c>[begin, end)</c> of <see cref="TrainingRefs.Gradient"/>), adds the gradients of that part's parameters.
        /// <paramref name="blocks"/> are the part's own blocks. The parts run on two cores at once over adjacent rows of
        /// the parameters: a strided walk should move away from the neighbouring part (the lower part downwards), or the
        /// core's prefetcher pulls the other part's rows into its cache (see <c>DenseKernels.BackwardRowsDescending</c>).
        /// </summary>
        void EmitSplitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count, int part, int begin, int end, SplitBlocks blocks);

        /// <summary>The floats per sample of a part's scratch block (see <see cref="EmitSplitBackward"/>).</summary>
        int SplitBlockWidth(LayerContext layer, int begin, int end);
    }

    /// <summary>
    /// Optional capability: the layer's one-sample code can leave its output in, or read its input from, vector locals,
    /// so small layers hand activations to each other in registers.
    /// </summary>
    internal interface IRegisterHandoff
    {
        /// <summary>The width of the vector locals this layer can leave its one-sample output in, or null when it writes memory only.</summary>
        Vec? RegisterOutputWidth(LayerContext layer, Vec isa);

        /// <summary>True when this layer's one-sample code can read its input from vector locals.</summary>
        bool AcceptsRegisterInput(LayerContext layer);
    }

    /// <summary>
    /// Where activations pass between layers in the single-sample forward pass: a <c>ref float</c> buffer, or vector locals
    /// of a given width (element <c>i</c> is lane <c>i % lanes</c> of local <c>i / lanes</c>).
    /// </summary>
    internal sealed class Handoff
    {
        private Handoff(string? memory, Vec? width, string[]? vectors)
        {
            Memory = memory;
            Width = width;
            Vectors = vectors;
        }

        public string? Memory { get; }

        public Vec? Width { get; }

        public string[]? Vectors { get; }

        public bool IsRegisters => Vectors is not null;

        public static Handoff InMemory(string name) => new(name, null, null);

        public static Handoff InRegisters(Vec width, string[] names) => new(null, width, names);
    }

    /// <summary>
    /// Optional capability: the layer's inference can absorb a batch normalisation that directly follows it (when it has no
    /// activation of its own): <c>y = ((W x + b) - mean) * weight / sqrt(var + eps) + bias</c> is the product with
    /// <c>W * scale</c> and bias <c>b * scale + shift</c> per output channel, the scale and shift being what the
    /// normalisation packs from its running statistics. The layer then packs a second, folded copy for inference.
    /// </summary>
    internal interface IFoldsNormalization
    {
        /// <summary>True when a batch normalisation right after this layer can be folded into its inference weights.</summary>
        bool CanFoldNormalization(LayerContext layer);

        /// <summary>
        /// Writes the statements that fill the folded copy from this layer's packed copy and the normalisation's packed
        /// <c>[scale C][shift C]</c> at <paramref name="scaleShift"/> (a <c>ref float</c> expression). Runs in the
        /// normalisation's packing step, after both packed copies are up to date.
        /// </summary>
        void EmitFoldedPack(SourceWriter writer, LayerContext layer, string scaleShift);
    }

    /// <summary>
    /// A batch normalisation (and, optionally, the activation right after it) folded at inference into the Dense or
    /// convolution before it, which has no activation: exact, because in eval mode the normalisation is an affine map
    /// per channel. Training is unchanged (batch statistics, every layer on its own).
    /// </summary>
    /// <param name="Normalization">The folded batch normalisation.</param>
    /// <param name="Activation">The activation layer fused into the product after the fold, or null.</param>
    internal sealed record InferenceFold(LayerContext Normalization, LayerContext? Activation)
    {
        /// <summary>The fused activation, Identity without one.</summary>
        public Activation FusedActivation => (Activation?.Plan.Spec as Model.Layers.ActivationSpec)?.Activation ?? Compiled.Activation.Identity;

        public float NegativeSlope => (Activation?.Plan.Spec as Model.Layers.ActivationSpec)?.NegativeSlope ?? 0.01f;

        public float Alpha => (Activation?.Plan.Spec as Model.Layers.ActivationSpec)?.Alpha ?? 1f;

        /// <summary>How comments name the fold.</summary>
        public string Describe => $"BatchNorm of layer {Normalization.Index} folded into the packed weights" +
            (Activation is null ? string.Empty : $", {ActivationCode.Describe(FusedActivation, NegativeSlope, Alpha)} of layer {Activation.Index} fused");
    }

    /// <summary>The element type of a saved value.</summary>
    internal enum ElementType
    {
        Float,
        Int,
    }

    /// <summary>One value a layer's training forward pass stores for its backward pass.</summary>
    /// <param name="Kind">What it is: the layer's output, its pre-activation (or logits), or a value of its own.</param>
    /// <param name="PerSample">Its elements per sample.</param>
    /// <param name="Element">Float, or int (indices such as max-pooling's argmax).</param>
    internal readonly record struct SavedValue(Planning.ValueKind Kind, int PerSample, ElementType Element = ElementType.Float);

    /// <summary>
    /// Expressions (of type <c>ref float</c>) naming one split-training part's own blocks, each <c>count x SplitBlockWidth</c>
    /// floats: its outputs, pre-activations and output gradient. Each part's thread writes only its own blocks.
    /// </summary>
    internal sealed record SplitBlocks(string Output, string PreActivation, string Gradient);

    /// <summary>
    /// Expressions (of type <c>ref float</c>) naming the training buffers a layer reads and writes, and <see cref="First"/>:
    /// an <c>int</c> expression, the index within the training call of the chunk's first sample (stochastic layers add it
    /// to <c>TrainingContext.FirstSample</c>).
    /// </summary>
    internal sealed record TrainingRefs(string Input, string? Output, string? PreActivation, string Gradient, string? InputGradient, string First = "0")
    {
        /// <summary>
        /// Expressions naming the layer's own saved values (<c>ValueKind.Own</c>), in the order its <c>SavedValues</c> lists
        /// them: <c>ref float</c> into the workspace, or <c>ref int</c> into the int workspace.
        /// </summary>
        public IReadOnlyList<string> Own { get; init; } = System.Array.Empty<string>();
    }

    /// <summary>A layer with what the network emitter decided about it.</summary>
    internal sealed class LayerContext
    {
        public LayerContext(LayerPlan plan, NetworkPlan network, bool isLast, bool fusedLoss, bool needsInputGradient)
        {
            Plan = plan;
            Network = network;
            IsLast = isLast;
            FusedLoss = fusedLoss;
            NeedsInputGradient = needsInputGradient;
        }

        public LayerPlan Plan { get; }

        public NetworkPlan Network { get; }

        /// <summary>True for the last layer that computes something (later layers, if any, are aliases).</summary>
        public bool IsLast { get; }

        /// <summary>True when the loss gradient arrives with respect to this layer's pre-activation (CrossEntropy/Softmax, BCE/Sigmoid).</summary>
        public bool FusedLoss { get; }

        /// <summary>True when an earlier layer has parameters, so the gradient must flow to this layer's input.</summary>
        public bool NeedsInputGradient { get; }

        public int Index => Plan.Index;

        /// <summary>Where this layer's part of the packed weight copy starts.</summary>
        public int PackedOffset { get; set; }

        /// <summary>Where this layer's part of the panelled copy starts (when it has one).</summary>
        public int PanelOffset { get; set; }

        /// <summary>
        /// In a network whose training passes can start from a carried state (truncated backpropagation through time), where
        /// this layer's part of a sample's streaming state starts; -1 otherwise. The training passes then have a <c>ref float</c>
        /// parameter <c>initial</c>: the chunk's first sample's state, or a null reference (a zero state).
        /// </summary>
        public int StateOffset { get; set; } = -1;

        /// <summary>The floats of a sample's streaming state (with <see cref="StateOffset"/>).</summary>
        public int StateSize { get; set; }

        /// <summary>
        /// On a Dense or convolution layer without an activation that a batch normalisation directly follows: the fold
        /// (see <see cref="InferenceFold"/>); its inference passes read a folded copy of the packed weights and apply the
        /// fused activation, and the folded layers are skipped. Null for every other layer.
        /// </summary>
        public InferenceFold? Fold { get; set; }

        /// <summary>On a batch normalisation or activation layer folded into an earlier layer at inference: that layer's context.</summary>
        public LayerContext? FoldedInto { get; set; }

        /// <summary>The distinct dot-product widths this layer uses on the 512-, 256- and 128-bit paths.</summary>
        public IEnumerable<Vec> Widths
        {
            get
            {
                var seen = new HashSet<int>();
                foreach (int isa in new[] { 16, 8, 4 })
                {
                    Vec v = Vec.For(Plan.InputSize, isa);
                    if (seen.Add(v.Lanes))
                    {
                        yield return v;
                    }
                }
            }
        }
    }
}
