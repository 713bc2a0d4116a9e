using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Emit.Layers;
using Compiled.Generator.Shapes;

namespace Compiled.Generator.Emit.Planning
{
    /// <summary>What a value in the network's data flow holds.</summary>
    internal enum ValueKind
    {
        /// <summary>The network's input sample.</summary>
        Input,

        /// <summary>A layer's output (after its activation).</summary>
        Output,

        /// <summary>A layer's pre-activation (or, when the loss fuses the activation, its logits), saved for backward.</summary>
        PreActivation,

        /// <summary>The gradient of the loss with respect to a layer's output (or pre-activation, for a fused loss).</summary>
        Gradient,

        /// <summary>A value of the layer's own saved for its backward pass (normalisation statistics, argmax indices); <see cref="ValueId.Slot"/> tells several apart.</summary>
        Own,
    }

    /// <summary>The identity of one value: its kind, the layer that produces it (-1 for the network input) and, for a layer's own values, which one.</summary>
    internal readonly record struct ValueId(ValueKind Kind, int Layer, int Slot = 0)
    {
        public static readonly ValueId NetworkInput = new(ValueKind.Input, -1);

        public override string ToString() => Layer < 0 ? "input" : Kind == ValueKind.Own ? $"layer {Layer} saved value {Slot}" : $"layer {Layer} {Kind.ToString().ToLowerInvariant()}";
    }

    /// <summary>
    /// The plan of a network's data flow, separate from emission: every value (the input, each layer's output and saved
    /// pre-activation, each gradient) gets an identity, the edges say which value each layer reads, and buffers are
    /// assigned by liveness. Training: forward values are all live until the backward pass reads them, so each has its
    /// own block of the workspace; a gradient is live from the backward step of the layer that consumes the value to the
    /// backward step of the layer that produces it, so gradient blocks are reused (a chain alternates two, A and B).
    /// Inference: hidden activations alternate between two blocks. A skip connection is one more edge, not a rewrite.
    /// </summary>
    internal sealed class NetworkLayout
    {
        /// <summary>Scratch kept on the stack is capped at this many floats (64 KiB); beyond, a per-thread buffer is used.</summary>
        public const int StackScratchLimit = 16 * 1024;

        /// <summary>The training workspace of one chunk is kept under this many floats (64 MiB) by shrinking the chunk.</summary>
        private const long WorkspaceLimit = 16L * 1024 * 1024;

        private readonly Dictionary<ValueId, int> _offsets = new();
        private readonly Dictionary<ValueId, int> _intOffsets = new();
        private readonly Dictionary<int, ValueId> _inputs = new();

        /// <summary>True when the training passes can start from a carried streaming state (<c>BackwardWindow</c>).</summary>
        public bool CarriesState { get; }

        public NetworkLayout(NetworkPlan plan)
        {
            Plan = plan;
            var emitters = plan.Layers.Select(l => LayerKinds.EmitterFor(l.Spec)).ToList();
            int lastComputing = emitters.FindLastIndex(e => !e.IsAlias);
            bool anyParametersBefore = false;
            ValueId current = ValueId.NetworkInput;
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                LayerPlan layer = plan.Layers[i];
                bool isLast = i == lastComputing;
                Activation? activation = layer.Spec.OutputActivation;
                bool fused = isLast && ((plan.Loss == Loss.CrossEntropy && activation == Activation.Softmax) || (plan.Loss == Loss.BinaryCrossEntropy && activation == Activation.Sigmoid));
                var context = new LayerContext(layer, plan, isLast, fused, anyParametersBefore);
                Layers.Add((context, emitters[i]));
                if (!emitters[i].IsAlias)
                {
                    // The edge: this layer reads the value the previous computing layer produced (aliases move no data).
                    Computing.Add((context, emitters[i]));

                    _inputs[layer.Index] = current;
                    current = new ValueId(ValueKind.Output, layer.Index);
                }

                anyParametersBefore |= layer.HasParameters;
            }

            PlanFolds();
            foreach ((LayerContext context, LayerEmitter emitter) in Computing)
            {
                if (!emitter.IsIdentityAtInference && context.FoldedInto is null)
                {
                    Inference.Add((context, emitter));
                }
            }

            foreach ((LayerContext context, LayerEmitter emitter) in Computing)
            {
                context.PackedOffset = PackedLength;
                PackedLength += emitter.PackedLength(context);
                context.PanelOffset = PanelLength;
                PanelLength += emitter.PanelLength(context);
            }

            // Truncated backpropagation through time (BackwardWindow): training from a streaming state carried between
            // windows, when the network streams and its only state is its recurrent layers' (not for variable lengths).
            CarriesState = !plan.VariableLength && StatePerSample > 0
                && Inference.All(c => c.Emitter is IStreamingLayer s && s.CanStep(c.Context))
                && Computing.All(c => c.Emitter.StatePerSample(c.Context) == 0 || c.Emitter is RecurrentEmitter);
            if (CarriesState)
            {
                int stateOffset = 0;
                foreach ((LayerContext context, LayerEmitter emitter) in Computing)
                {
                    context.StateOffset = stateOffset;
                    context.StateSize = StatePerSample;
                    stateOffset += emitter.StatePerSample(context);
                }
            }

            var hidden = Inference.Take(Inference.Count - 1).Select(c => c.Context.Plan.OutputSize).ToList(); // all but the last, which writes the output
            MaxHidden = hidden.Count == 0 ? 0 : hidden.Max();
            HiddenBuffers = Math.Min(hidden.Count, 2);
            ForwardChunk = 64;
            while (ForwardChunk > 4 && (long)ForwardChunk * MaxHidden * HiddenBuffers > StackScratchLimit)
            {
                ForwardChunk /= 2;
            }

            GradientWidth = Math.Max(plan.OutputSize, Computing.Count == 0 ? 0 : Computing.Max(c => c.Context.Plan.OutputSize));
            if (WholeBatch)
            {
                // The whole batch is one chunk: offsets and lengths per sample, multiplied by the batch capacity at run time.
                TrainChunk = 1;
                AssignWorkspace(1);
                return;
            }

            TrainChunk = 64;
            while (TrainChunk > 4 && AssignWorkspace(TrainChunk) > WorkspaceLimit)
            {
                TrainChunk /= 2;
            }

            AssignWorkspace(TrainChunk);
        }

        public NetworkPlan Plan { get; }

        /// <summary>Every layer, aliases included, in declaration order.</summary>
        public List<(LayerContext Context, LayerEmitter Emitter)> Layers { get; } = new();

        /// <summary>The layers that compute something (not aliases such as Flatten).</summary>
        public List<(LayerContext Context, LayerEmitter Emitter)> Computing { get; } = new();

        /// <summary>The layers the inference passes run: the computing layers without those that are the identity at inference (dropout).</summary>
        public List<(LayerContext Context, LayerEmitter Emitter)> Inference { get; } = new();

        /// <summary>True when some layer is stochastic in training (reads the <c>TrainingContext</c>).</summary>
        public bool UsesTrainingContext => Computing.Any(c => c.Emitter.UsesTrainingContextAt(c.Context));

        /// <summary>
        /// True when some layer couples the samples of a batch in training (batch normalisation): the training passes take
        /// the whole batch as one chunk, and <see cref="TrainChunk"/> is 1, so every workspace offset and length is per
        /// sample, multiplied at run time by the batch capacity the workspace was allocated for.
        /// </summary>
        public bool WholeBatch => Computing.Any(c => c.Emitter.NeedsWholeBatch);

        /// <summary>The floats of the non-trainable buffers (running statistics); 0 for most networks.</summary>
        public int BufferCount => Plan.BufferCount;

        /// <summary>The floats of the packed weight copy (every layer's packed form, one after another).</summary>
        public int PackedLength { get; }

        /// <summary>The floats of the panelled copy the one-sample forward pass reads (large layers only; often 0).</summary>
        public int PanelLength { get; }

        /// <summary>The widest hidden activation, and how many hidden blocks inference alternates between (0, 1 or 2).</summary>
        public int MaxHidden { get; }

        public int HiddenBuffers { get; }

        /// <summary>Samples per chunk of <c>ForwardBatch</c>, so its hidden blocks fit the stack.</summary>
        public int ForwardChunk { get; }

        /// <summary>Samples per chunk of the training passes, so the workspace stays under 64 MiB (1 with <see cref="WholeBatch"/>: per sample).</summary>
        public int TrainChunk { get; }

        /// <summary>The floats per sample of a gradient block (the widest layer output).</summary>
        public int GradientWidth { get; }

        public int WorkspaceLength { get; private set; }

        /// <summary>The ints of the training workspace for saved int values (indices), per chunk; 0 when no layer saves any.</summary>
        public int IntWorkspaceLength { get; private set; }

        /// <summary>The floats of recurrent state one sample carries between calls (the sum of the layers' state).</summary>
        public int StatePerSample => Computing.Sum(c => c.Emitter.StatePerSample(c.Context));

        /// <summary>The two gradient blocks a chain alternates between.</summary>
        public int GradientA { get; private set; }

        public int GradientB { get; private set; }

        public bool ForwardOnStack => (long)MaxHidden * HiddenBuffers <= StackScratchLimit;

        public bool ForwardBatchOnStack => !WholeBatchInference && (long)ForwardChunk * MaxHidden * HiddenBuffers <= StackScratchLimit;

        /// <summary>True when some inference layer couples the samples of a call (<see cref="LayerEmitter.NeedsWholeBatchAtInference"/>): ForwardBatch runs the whole batch as one chunk.</summary>
        public bool WholeBatchInference => Inference.Any(c => c.Emitter.NeedsWholeBatchAtInference(c.Context));

        /// <summary>The value a computing layer reads.</summary>
        public ValueId InputOf(int layer) => _inputs[layer];

        /// <summary>Where a value lives in the training workspace, or -1 when it is not stored there (the network input).</summary>
        public int Offset(ValueId value) => _offsets.TryGetValue(value, out int offset) ? offset : -1;

        /// <summary>The training workspace blocks of a layer's saved output and pre-activation (-1 where not saved).</summary>
        public (int Output, int PreActivation) Saved(int layer) =>
            (Offset(new ValueId(ValueKind.Output, layer)), Offset(new ValueId(ValueKind.PreActivation, layer)));

        /// <summary>
        /// The workspace offsets of a layer's own saved values (<see cref="ValueKind.Own"/>), in the order its
        /// <see cref="LayerEmitter.SavedValues"/> lists them; float values in the float workspace, int values in the int one.
        /// </summary>
        public IReadOnlyList<(int Offset, ElementType Element, int PerSample)> OwnValues(LayerContext context, LayerEmitter emitter)
        {
            var result = new List<(int, ElementType, int)>();
            int slot = 0;
            foreach (SavedValue value in emitter.SavedValues(context))
            {
                if (value.Kind == ValueKind.Own)
                {
                    var id = new ValueId(ValueKind.Own, context.Index, slot++);
                    result.Add((value.Element == ElementType.Int ? IntOffset(id) : Offset(id), value.Element, value.PerSample));
                }
            }

            return result;
        }

        /// <summary>Where a saved int value lives in the int workspace, or -1.</summary>
        public int IntOffset(ValueId value) => _intOffsets.TryGetValue(value, out int offset) ? offset : -1;

        /// <summary>Where the gradient with respect to a layer's output arrives in the backward pass.</summary>
        public int GradientOf(int layer) => Offset(new ValueId(ValueKind.Gradient, layer));

        /// <summary>The values in the order they are laid out, for the generated layout comment.</summary>
        public IEnumerable<(ValueId Value, int Offset)> Values => _offsets.OrderBy(p => p.Value).Select(p => (p.Key, p.Value));

        /// <summary>
        /// Finds the batch normalisations folded at inference: one after a layer that can absorb it
        /// (<see cref="IFoldsNormalization"/>: a Dense or convolution without an activation) with nothing between but
        /// dropouts (the identity at inference; an alias such as Flatten stops it), with the element-wise activation layer
        /// after it (dropouts between again allowed), if any (not Softmax), fused too.
        /// </summary>
        private void PlanFolds()
        {
            for (int i = 0; i + 1 < Layers.Count; i++)
            {
                (LayerContext target, LayerEmitter emitter) = Layers[i];
                int n = NextAtInference(i + 1);
                if (n >= Layers.Count || emitter is not IFoldsNormalization folds || !folds.CanFoldNormalization(target) || Layers[n].Context.Plan.Spec is not Model.Layers.BatchNormSpec { TrackRunningStats: true })
                {
                    continue;
                }

                // A dropout between (the identity at inference) does not stop the fold: inference is the layer, the
                // normalisation and the activation back to back.
                LayerContext norm = Layers[n].Context;
                int a = NextAtInference(n + 1);
                LayerContext? activation = a < Layers.Count && Layers[a].Context.Plan.Spec is Model.Layers.ActivationSpec { Activation: not Activation.Softmax }
                    ? Layers[a].Context
                    : null;
                target.Fold = new InferenceFold(norm, activation);
                norm.FoldedInto = target;
                if (activation is not null)
                {
                    activation.FoldedInto = target;
                }
            }
        }

        /// <summary>The first layer from <paramref name="index"/> on that does something at inference (skipping dropouts).</summary>
        private int NextAtInference(int index)
        {
            while (index < Layers.Count && Layers[index].Emitter.IsIdentityAtInference && !Layers[index].Emitter.IsAlias)
            {
                index++;
            }

            return index;
        }

        private long AssignWorkspace(int chunk)
        {
            _offsets.Clear();
            long offset = 0;

            // Forward values: each saved value its own block (all live until the backward pass); int values (indices)
            // in a workspace of their own.
            long intOffset = 0;
            foreach ((LayerContext context, LayerEmitter emitter) in Computing)
            {
                int slot = 0;
                foreach (SavedValue value in emitter.SavedValues(context))
                {
                    var id = new ValueId(value.Kind, context.Index, value.Kind == ValueKind.Own ? slot++ : 0);
                    long size = (long)chunk * value.PerSample;
                    if (value.Element == ElementType.Int)
                    {
                        _intOffsets[id] = Clamp(intOffset);
                        intOffset += size;
                    }
                    else
                    {
                        _offsets[id] = Clamp(offset);
                        offset += size;
                    }
                }
            }

            IntWorkspaceLength = Clamp(intOffset);

            // Gradients, by liveness in backward order: a gradient block is taken when the consumer's backward step writes
            // it and given back once the producer's backward step has read it. A chain needs two (A and B).
            var free = new Stack<int>();
            int blocks = 0;
            int Take()
            {
                if (free.Count > 0)
                {
                    return free.Pop();
                }

                return blocks++;
            }

            var gradientBlocks = new Dictionary<int, int>();
            for (int i = Computing.Count - 1; i >= 0; i--)
            {
                LayerContext context = Computing[i].Context;
                if (i == Computing.Count - 1)
                {
                    gradientBlocks[context.Index] = Take(); // the loss writes the last layer's gradient
                }

                if (!gradientBlocks.TryGetValue(context.Index, out int own))
                {
                    continue; // no gradient reaches this layer: nothing after it needs one (parameterless layers first, such as input dropout)
                }

                ValueId input = _inputs[context.Index];
                if (context.NeedsInputGradient && input.Kind == ValueKind.Output)
                {
                    gradientBlocks[input.Layer] = Take();
                }

                free.Push(own);
            }

            int first = Clamp(offset);
            foreach (KeyValuePair<int, int> block in gradientBlocks)
            {
                _offsets[new ValueId(ValueKind.Gradient, block.Key)] = Clamp(first + ((long)block.Value * chunk * GradientWidth));
            }

            // Two blocks at least, so the layout (and Backpropagate's landing block) does not depend on the depth.
            blocks = Math.Max(blocks, 2);
            GradientA = first;
            GradientB = Clamp(first + ((long)chunk * GradientWidth));
            offset += (long)blocks * chunk * GradientWidth;
            WorkspaceLength = Clamp(offset);
            return offset;
        }

        private static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);
    }
}
