using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Model;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Shapes;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>Training: the <c>Backward</c> methods, <c>Backpropagate</c> for any loss, and the training forward, loss and backward passes over a chunk.</summary>
    internal sealed partial class NetworkEmitter
    {
        // ------------------------------------------------------------------ backward (public)

        private void WriteBackward()
        {
            bool labels = _plan.Loss == Loss.CrossEntropy;
            string lossDefinition = _plan.Loss switch
            {
                Loss.CrossEntropy => "cross-entropy (<c>-sum_j t_j log p_j</c>)",
                Loss.BinaryCrossEntropy => "binary cross-entropy (the mean over outputs)",
                _ => "mean squared error (the mean over outputs)",
            };

            _w.Line();
            _w.Summary(
                $"Runs the network on one sample in training mode, returns its {lossDefinition} and adds (+=) its gradient with respect to\n" +
                "every parameter into <see cref=\"Gradients\"/>. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"target\">The target output, <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <returns>The loss of this sample.</returns>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            OpenPass("float", "Backward", new[] { (ReadOnlySpan, "input"), (ReadOnlySpan, "target") }, batch: false);
            _w.Line($"if (input.Length != InputSize) {Support}.ThrowLength(nameof(input), InputSize, input.Length);");
            _w.Line($"if (target.Length != OutputSize) {Support}.ThrowLength(nameof(target), OutputSize, target.Length);");
            WriteInputChecks("input");
            WriteTrainingBatchChecks("1", "nameof(input)");
            _w.Line($"ref float x = ref {Marshal}.GetReference(input);");
            _w.Line(TrainCall("TrainForward", "1", "0"));
            if (MaskedLoss)
            {
                _w.Line($"int real = ({Vec.Unsafe}.IsNullRef(ref lengths) ? MaxSteps : lengths) * {MaskUnits}; // the {(StepClasses ? "real steps" : "outputs of the real steps")}");
                _w.Line($"float loss = TargetLoss(ref {Marshal}.GetReference(target), 1, 1f / real, ref {Vec.Unsafe}.NullRef<float>(), ref lengths) / real;");
            }
            else
            {
                _w.Line(StepClasses
                    ? $"float loss = TargetLoss(ref {Marshal}.GetReference(target), 1, 1f / {LabelsPerSample}, ref {Vec.Unsafe}.NullRef<float>()) / {LabelsPerSample}; // the mean over the steps"
                    : $"float loss = TargetLoss(ref {Marshal}.GetReference(target), 1, 1f, ref {Vec.Unsafe}.NullRef<float>());");
            }

            _w.Line(TrainCall("TrainBackward", "1", "0"));
            AdvanceContext();
            _w.Line("return loss;");
            _w.Close();

            _w.Line();
            _w.Summary(
                $"Training step over <paramref name=\"batchSize\"/> samples: returns the mean {lossDefinition} and adds the gradient of the " +
                "mean loss (PyTorch's reduction \"mean\") into <see cref=\"Gradients\"/>. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"targets\"><paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <returns>The mean loss over the batch.</returns>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive.</exception>");
            OpenOutputsPass(targets: true);
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            _w.Line($"if (targets.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(targets), batchSize, OutputSize, targets.Length);");
            WriteOutputsCheck();
            WriteInputChecks("inputs");
            WriteTrainingBatchChecks("batchSize", "nameof(batchSize)");
            WriteMeanLossChunks(
                () => $"long real = {Support}.RealSteps(ref allLengths, batchSize, MaxSteps) * {MaskUnits}; // the {(StepClasses ? "real steps" : "outputs of the real steps")}: the loss is their mean",
                string.Empty,
                $"TargetLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(targets), (nint)start * OutputSize), count, scale, {OutputsAt}){(MaskedLoss ? ", ref lengths" : string.Empty)})");

            if (labels && StepClasses)
            {
                WriteStepLabelsBackward();
            }
            else if (labels)
            {
                _w.Line();
                _w.Summary(
                    "Runs the network on one sample in training mode, returns its cross-entropy <c>-log p[label]</c> and adds its gradient\n" +
                    "into <see cref=\"Gradients\"/>. Allocates nothing after the first training call.");
                _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
                _w.Line("/// <param name=\"label\">The class, in [0, <see cref=\"OutputSize\"/>).</param>");
                _w.Line("/// <returns>The loss of this sample.</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">The input has the wrong length.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The label is out of range.</exception>");
                OpenPass("float", "Backward", new[] { (ReadOnlySpan, "input"), ("int", "label") }, batch: false);
                _w.Line($"if (input.Length != InputSize) {Support}.ThrowLength(nameof(input), InputSize, input.Length);");
                _w.Line($"if ((uint)label >= OutputSize) {Support}.ThrowLabel(nameof(label), 0, label, OutputSize);");
                WriteInputChecks("input");
                WriteTrainingBatchChecks("1", "nameof(input)");
                _w.Line($"ref float x = ref {Marshal}.GetReference(input);");
                _w.Line(TrainCall("TrainForward", "1", "0"));
                _w.Line($"float loss = LabelLoss(ref label, 1, 1f, ref {Vec.Unsafe}.NullRef<float>());");
                _w.Line(TrainCall("TrainBackward", "1", "0"));
                AdvanceContext();
            _w.Line("return loss;");
                _w.Close();

                _w.Line();
                _w.Summary(
                    "Training step over <paramref name=\"batchSize\"/> labelled samples: returns the mean cross-entropy and adds the gradient of\n" +
                    "the mean loss into <see cref=\"Gradients\"/>. Every label is checked before anything is computed. Allocates nothing after\n" +
                    "the first training call.");
                _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
                _w.Line("/// <param name=\"labels\"><paramref name=\"batchSize\"/> classes, each in [0, <see cref=\"OutputSize\"/>).</param>");
                _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
                _w.Line("/// <returns>The mean loss over the batch.</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive or a label is out of range.</exception>");
                OpenOutputsPass(targets: false);
                _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
                _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
                _w.Line($"if (labels.Length != batchSize) {Support}.ThrowLength(nameof(labels), batchSize, labels.Length);");
                WriteOutputsCheck();
                _w.Line($"for (int i = 0; i < labels.Length; i++) if ((uint)labels[i] >= OutputSize) {Support}.ThrowLabel(nameof(labels), i, labels[i], OutputSize);");
                WriteInputChecks("inputs");
                WriteTrainingBatchChecks("batchSize", "nameof(batchSize)");
                _w.Line("float scale = 1f / batchSize;");
                _w.Line("double total = 0;");
                OpenChunks();
                _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
                _w.Line(TrainCall("TrainForward", "count", "start"));
                _w.Line($"total += LabelLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(labels), start), count, scale, {OutputsAt}));");
                _w.Line(TrainCall("TrainBackward", "count", "start"));
                _w.Close();
                AdvanceContext();
            _w.Line("return (float)(total / batchSize);");
                _w.Close();
            }
        }

        // ------------------------------------------------------------------ backward from any loss

        /// <summary>
        /// <c>Backpropagate</c> and <c>BackpropagateBatch</c>: the training forward pass, the caller's gradient with respect
        /// to the outputs brought to the last layer's backward input (through the activation a fused loss would have
        /// skipped), the usual backward pass, then, when asked, the gradient with respect to the network's input.
        /// </summary>
        private void WriteBackpropagate()
        {
            LayerContext last = _layout.Computing[_layout.Computing.Count - 1].Context;
            int n = _plan.OutputSize;

            _w.Line();
            _w.Summary(
                "The backward pass for any loss over <paramref name=\"batchSize\"/> samples: given dL/d(output) for each sample, adds the sum over\n" +
                "the samples of dL/d(parameters) into <see cref=\"Gradients\"/> and, unless <paramref name=\"inputGradients\"/> is empty, writes\n" +
                "dL/d(input) for each sample. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputGradients\"><paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats: the gradient with respect to the outputs.</param>");
            _w.Line("/// <param name=\"inputGradients\">Empty, or <paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats that receive the gradient with respect to the inputs.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive.</exception>");
            OpenPass("void", "BackpropagateBatch", new[] { (ReadOnlySpan, "inputs"), (ReadOnlySpan, "outputGradients"), (Span, "inputGradients"), ("int", "batchSize") }, batch: true);
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            _w.Line($"if (outputGradients.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(outputGradients), batchSize, OutputSize, outputGradients.Length);");
            _w.Line($"if (!inputGradients.IsEmpty && inputGradients.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputGradients), batchSize, InputSize, inputGradients.Length);");
            WriteInputChecks("inputs");
            WriteTrainingBatchChecks("batchSize", "nameof(batchSize)");
            OpenChunks();
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
            _w.Line(TrainCall("TrainForward", "count", "start"));
            _w.Line("ref float ws = ref Workspace();");
            WriteIntWorkspaceLocal();
            _w.Line($"ref float dy = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(outputGradients), (nint)start * OutputSize);");
            (int lastOutput, int lastPre) = _layout.Saved(last.Index);
            Activation? lastActivation = last.Plan.Spec.OutputActivation;
            if (!last.FusedLoss)
            {
                _w.Line($"{Support}.PackCopy(ref dy, {WorkspaceRef(_layout.GradientA)}, count * {n}); // dL/dy, where the loss gradient would be");
            }
            else if (lastActivation == Activation.Softmax)
            {
                int row = LossRow;
                string rows = StepClasses ? $"count * {LabelsPerSample}" : "count";
                _w.Line($"for (int s = 0; s < {rows}; s++) {Support}.SoftmaxOutputGradient(ref {Vec.Unsafe}.Add({WorkspaceRef(lastPre)}, s * {row}), ref {Vec.Unsafe}.Add(ref dy, s * {row}), ref {Vec.Unsafe}.Add({WorkspaceRef(_layout.GradientA)}, s * {row}), {row}); // dL/dz through the softmax the loss would have fused{(StepClasses ? ", per step" : string.Empty)}");
            }
            else
            {
                _w.Line($"{Support}.SigmoidOutputGradient({WorkspaceRef(lastPre)}, ref dy, {WorkspaceRef(_layout.GradientA)}, count * {n}); // dL/dz through the sigmoid the loss would have fused");
            }

            _w.Line(TrainCall("TrainBackward", "count", "start"));
            WriteNetworkInputGradient();
            _w.Close();
            AdvanceContext();
            _w.Close();

            _w.Line();
            _w.Summary($"The backward pass for any loss on one sample; see <see cref=\"{(Variable ? "BackpropagateBatch(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float}, int)" : "BackpropagateBatch")}\"/>.");
            _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputGradient\"><see cref=\"OutputSize\"/> floats: the gradient with respect to the output.</param>");
            _w.Line("/// <param name=\"inputGradient\">Empty, or <see cref=\"InputSize\"/> floats that receive the gradient with respect to the input.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line($"public void Backpropagate({ReadOnlySpan} input, {ReadOnlySpan} outputGradient, {Span} inputGradient) => BackpropagateBatch(input, outputGradient, inputGradient, 1);");
        }

        /// <summary>
        /// Backpropagate's dL/d(input), when asked for: the first layer with parameters writes its input gradient into
        /// <c>dx</c> from what its backward step left (the training backward stops there), then each parameterless layer
        /// before it (dropout) applies its own in place; with no parameters anywhere, the output gradient is copied into
        /// <c>dx</c> and every layer applies its own in place.
        /// </summary>
        private void WriteNetworkInputGradient()
        {
            int firstWithParameters = _layout.Computing.FindIndex(c => c.Context.Plan.HasParameters);
            string first = _layout.UsesTrainingContext ? "start" : "0";
            _w.Open("if (!inputGradients.IsEmpty)");
            string parameters = firstWithParameters >= 0 ? $", p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount))" : string.Empty;
            _w.Line($"ref float dx = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputGradients), (nint)start * InputSize){parameters};");

            // A layer below the first with parameters whose output is larger than the network's input (a pooling layer with
            // padding can widen) cannot work in place in dx, which holds InputSize floats per sample: then every step but the
            // last alternates between the workspace's gradient blocks A and B (each as wide as any layer's output).
            int chainTop = firstWithParameters >= 0 ? firstWithParameters : _layout.Computing.Count;
            if (_layout.Computing.Take(chainTop).Any(c => c.Context.Plan.OutputSize > _plan.InputSize))
            {
                WriteNetworkInputGradientThroughBlocks(firstWithParameters, first);
                _w.Close();
                return;
            }

            Dispatch(isa =>
            {
                int below = firstWithParameters;
                if (firstWithParameters >= 0)
                {
                    (LayerContext context, LayerEmitter emitter) = _layout.Computing[firstWithParameters];
                    emitter.EmitInputGradient(_w, context, isa, new TrainingRefs(InputRefOf(context), null, null, WorkspaceRef(_layout.GradientOf(context.Index)), "ref dx", first) { Own = OwnRefs(context, emitter) }, "count");
                }
                else
                {
                    LayerContext last = _layout.Computing[_layout.Computing.Count - 1].Context;
                    _w.Line($"{Support}.PackCopy({WorkspaceRef(_layout.GradientOf(last.Index))}, ref dx, count * InputSize); // no layer has parameters: dL/dy, then each layer in place");
                    below = _layout.Computing.Count;
                }

                for (int i = below - 1; i >= 0; i--)
                {
                    (LayerContext context, LayerEmitter emitter) = _layout.Computing[i];
                    emitter.EmitInputGradient(_w, context, isa, new TrainingRefs(InputRefOf(context), null, null, "ref dx", "ref dx", first) { Own = OwnRefs(context, emitter) }, "count");
                }
            });
            _w.Close();
        }

        /// <summary>
        /// <see cref="WriteNetworkInputGradient"/> for a chain below the first layer with parameters that widens the data:
        /// each step reads the gradient block the step above wrote and writes the other one (A and B alternate), the last
        /// step (the network's first computing layer) writes <c>dx</c>.
        /// </summary>
        private void WriteNetworkInputGradientThroughBlocks(int firstWithParameters, string first)
        {
            Dispatch(isa =>
            {
                int top = firstWithParameters >= 0 ? firstWithParameters : _layout.Computing.Count - 1;
                int current = _layout.GradientOf(_layout.Computing[top].Context.Index);
                int Other(int block) => block == _layout.GradientA ? _layout.GradientB : _layout.GradientA;
                for (int i = top; i >= 0; i--)
                {
                    (LayerContext context, LayerEmitter emitter) = _layout.Computing[i];
                    string target = i == 0 ? "ref dx" : WorkspaceRef(Other(current));
                    emitter.EmitInputGradient(_w, context, isa, new TrainingRefs(InputRefOf(context), null, null, WorkspaceRef(current), target, first) { Own = OwnRefs(context, emitter) }, "count");
                    current = Other(current);
                }
            });
        }

        // ------------------------------------------------------------------ training core

        /// <summary>The <c>, int first</c> parameter of the training passes when a layer is stochastic (the chunk's first sample within the call).</summary>
        private string FirstParameter => _layout.UsesTrainingContext ? ", int first" : string.Empty;

        /// <summary>The <c>ref float</c> argument of a loss method: the chunk's place in the caller's outputs, or a null ref.</summary>
        private static string OutputsAt =>
            $"ref outputs.IsEmpty ? ref {Vec.Unsafe}.NullRef<float>() : ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(outputs), (nint)start * OutputSize";

        /// <summary>
        /// Opens the <c>BackwardBatch</c> overload with <c>outputs</c>, which implements <c>INetwork</c>'s (whose documentation
        /// says it all). A variable-length network keeps the lengths overloads' shape instead: its passes take no outputs (the
        /// interface's default runs a forward pass for them), so <c>outputs</c> is an empty local there.
        /// </summary>
        private void OpenOutputsPass(bool targets)
        {
            string supervision = targets ? $"{ReadOnlySpan} targets" : "global::System.ReadOnlySpan<int> labels";
            if (Variable)
            {
                OpenPass("float", "BackwardBatch", new[] { (ReadOnlySpan, "inputs"), (supervision.Substring(0, supervision.LastIndexOf(' ')), targets ? "targets" : "labels"), ("int", "batchSize") }, batch: true);
                _w.Line("global::System.Span<float> outputs = default; // the training outputs: not handed back with lengths");
                return;
            }

            string name = targets ? "targets" : "labels";
            _w.Line($"public float BackwardBatch({ReadOnlySpan} inputs, {supervision}, int batchSize) => BackwardBatch(inputs, {name}, batchSize, global::System.Span<float>.Empty);");
            _w.Line("/// <inheritdoc/>");
            _w.Line(Optimize);
            _w.Open($"public float BackwardBatch({ReadOnlySpan} inputs, {supervision}, int batchSize, global::System.Span<float> outputs)");
        }

        /// <summary>The length check of <c>outputs</c>, after the other arguments' (none in a variable-length pass, whose outputs are an empty local).</summary>
        private void WriteOutputsCheck()
        {
            if (!Variable)
            {
                _w.Line($"if (!outputs.IsEmpty && outputs.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(outputs), batchSize, OutputSize, outputs.Length);");
            }
        }

        /// <summary>A call of a training pass over <paramref name="count"/> samples starting at sample <paramref name="start"/> of the call.</summary>
        private string TrainCall(string method, string count, string start, string initial = "") =>
            _layout.UsesTrainingContext ? $"{method}(ref x, {count}, {start}{LengthsArgument}{InitialArgument(initial)});" : $"{method}(ref x, {count}{LengthsArgument}{InitialArgument(initial)});";

        /// <summary>With stochastic layers, a training call ends by moving the context to the next step, so the next call draws fresh masks.</summary>
        private void AdvanceContext()
        {
            if (_layout.UsesTrainingContext)
            {
                _w.Line("TrainingContext = TrainingContext with { Step = TrainingContext.Step + 1 }; // the next call draws fresh dropout masks");
            }
        }

        private string WorkspaceRef(int offset) =>
            offset == 0 ? "ref ws"
            : _layout.WholeBatch ? $"ref {Vec.Unsafe}.Add(ref ws, (nint){offset} * _compiledCapacity)"
            : $"ref {Vec.Unsafe}.Add(ref ws, {offset})";

        /// <summary>
        /// Opens the loop over the chunks of a training call (<c>start</c>, <c>count</c>); with <see cref="NetworkLayout.WholeBatch"/>,
        /// one chunk of the whole batch, the workspace first grown to hold it (allocating only when the batch is larger than any before).
        /// </summary>
        private void OpenChunks()
        {
            if (_layout.WholeBatch)
            {
                _w.Line("EnsureWorkspace(batchSize);");
                _w.Line("// One chunk, the whole batch: batch normalisation normalises every sample with the batch's statistics.");
                _w.Scope();
                _w.Line("const int start = 0;");
                _w.Line("int count = batchSize;");
                WriteChunkLengths();
                return;
            }

            _w.Open("for (int start = 0; start < batchSize; start += TrainChunk)");
            _w.Line("int count = global::System.Math.Min(TrainChunk, batchSize - start);");
            WriteChunkLengths();
        }

        /// <summary>The first layer's check of the values of the input span named <paramref name="span"/> (embeddings: token ids in range).</summary>
        private void WriteInputChecks(string span)
        {
            if (_layout.Computing.Count > 0)
            {
                (LayerContext context, LayerEmitter emitter) = _layout.Computing[0];
                emitter.EmitInputCheck(_w, context, span, $"nameof({span})");
            }
        }

        /// <summary>
        /// The layers' checks that a training call of <paramref name="batchSize"/> samples can train them (batch normalisation
        /// needs more than one value per channel); with <see cref="NetworkLayout.WholeBatch"/>, for a single sample
        /// (<paramref name="batchSize"/> <c>"1"</c>), also the workspace for it.
        /// </summary>
        private void WriteTrainingBatchChecks(string batchSize, string parameter)
        {
            foreach ((LayerContext context, LayerEmitter emitter) in _layout.Computing)
            {
                emitter.EmitTrainingBatchCheck(_w, context, batchSize, parameter);
            }

            if (_layout.WholeBatch && batchSize == "1")
            {
                _w.Line("EnsureWorkspace(1);");
            }
        }

        /// <summary>
        /// The layer's own saved values: <c>ref float</c> into the workspace (<c>ws</c>) for float values, <c>ref int</c> into
        /// the int workspace (<c>iws</c>) for int values (max-pooling's argmax indices).
        /// </summary>
        private IReadOnlyList<string> OwnRefs(LayerContext context, LayerEmitter emitter) =>
            _layout.OwnValues(context, emitter).Select(v => v.Element == ElementType.Int ? IntWorkspaceRef(v.Offset) : WorkspaceRef(v.Offset)).ToList();

        /// <summary>A <c>ref int</c> into the int workspace, like <see cref="WorkspaceRef"/> (per sample times the capacity with <see cref="NetworkLayout.WholeBatch"/>).</summary>
        private string IntWorkspaceRef(int offset) =>
            offset == 0 ? "ref iws"
            : _layout.WholeBatch ? $"ref {Vec.Unsafe}.Add(ref iws, (nint){offset} * _compiledCapacity)"
            : $"ref {Vec.Unsafe}.Add(ref iws, {offset})";

        /// <summary>In a network whose layers save int values, the local <c>iws</c>: the int workspace, beside <c>ws</c>.</summary>
        private void WriteIntWorkspaceLocal()
        {
            if (_layout.IntWorkspaceLength > 0)
            {
                _w.Line("ref int iws = ref IntWorkspace(); // saved indices (max-pooling's argmax)");
            }
        }

        /// <summary>The training buffer a layer reads: the value its input edge names (the network input is <c>x</c>).</summary>
        private string InputRefOf(LayerContext layer)
        {
            ValueId input = _layout.InputOf(layer.Index);
            return input.Kind == ValueKind.Input ? "ref x" : WorkspaceRef(_layout.Offset(input));
        }

        private void WriteTrainingCore()
        {
            _w.Line();
            _w.Summary("Training forward pass over one chunk of <paramref name=\"count\"/> samples: fills the workspace with what the backward pass reads.");
            _w.Line(Optimize);
            _w.Open($"private void TrainForward(ref float x, int count{FirstParameter}{LengthsParameter}{InitialParameter})");
            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            _w.Line("ref float ws = ref Workspace();");
            WriteIntWorkspaceLocal();
            if (_layout.BufferCount > 0)
            {
                _w.Line("using global::Compiled.ParameterEdit bufferEdit = _compiledStorage.EditBuffers(); // the running statistics move once per training call; the edit makes the packed copy stale");
                _w.Line($"ref float b = ref {Marshal}.GetReference(bufferEdit.Values);");
            }

            TrainForwardLayers(first: 0, firstSample: _layout.UsesTrainingContext ? "first" : "0");
            _w.Close();

            WriteLossMethod(labels: false);
            if (_plan.Loss == Loss.CrossEntropy)
            {
                WriteLossMethod(labels: true);
            }

            _w.Line();
            _w.Summary("Training backward pass over one chunk: from the loss gradient in gradients A, adds every parameter gradient into <see cref=\"Gradients\"/>.");
            _w.Line(Optimize);
            _w.Open($"private void TrainBackward(ref float x, int count{FirstParameter}{LengthsParameter}{InitialParameter})");
            _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
            _w.Line($"ref float g = ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledGradients), _compiledGradientsOffset);");
            _w.Line("ref float ws = ref Workspace();");
            WriteIntWorkspaceLocal();
            if (_layout.Computing.All(c => !c.Context.Plan.HasParameters))
            {
                _w.Line("_ = count; // no layer has parameters");
            }
            else
            {
                TrainBackwardLayers(lowest: 0, firstSample: _layout.UsesTrainingContext ? "first" : "0");
            }

            _w.Close();
        }

        /// <summary>Writes the training forward calls of the computing layers from index <paramref name="first"/> on, on every SIMD path.</summary>
        private void TrainForwardLayers(int first, string firstSample)
        {
            Dispatch(isa =>
            {
                foreach ((LayerContext context, LayerEmitter emitter) in _layout.Computing.Skip(first))
                {
                    (int output, int pre) = _layout.Saved(context.Index);
                    var refs = new TrainingRefs(
                        InputRefOf(context),
                        output >= 0 ? WorkspaceRef(output) : null,
                        pre >= 0 ? WorkspaceRef(pre) : null,
                        WorkspaceRef(_layout.GradientA),
                        null,
                        firstSample) { Own = OwnRefs(context, emitter) };
                    emitter.EmitTrainForward(_w, context, isa, refs, "count");
                }
            });
        }

        /// <summary>
        /// Writes the backward calls from the last computing layer down to index <paramref name="lowest"/> (or to the first
        /// that needs no input gradient), each gradient in the block the layout assigned it by liveness, on every SIMD path.
        /// </summary>
        private void TrainBackwardLayers(int lowest, string firstSample)
        {
            Dispatch(isa =>
            {
                for (int i = _layout.Computing.Count - 1; i >= lowest; i--)
                {
                    (LayerContext context, LayerEmitter emitter) = _layout.Computing[i];
                    (int output, int pre) = _layout.Saved(context.Index);
                    var refs = new TrainingRefs(
                        InputRefOf(context),
                        output >= 0 ? WorkspaceRef(output) : null,
                        pre >= 0 ? WorkspaceRef(pre) : null,
                        WorkspaceRef(_layout.GradientOf(context.Index)),
                        context.NeedsInputGradient ? WorkspaceRef(_layout.GradientOf(_layout.InputOf(context.Index).Layer)) : null,
                        firstSample) { Own = OwnRefs(context, emitter) };
                    emitter.EmitBackward(_w, context, isa, refs, "count");
                    if (!context.NeedsInputGradient)
                    {
                        break;
                    }
                }
            });
        }

        private void WriteLossMethod(bool labels)
        {
            LayerContext last = _layout.Computing[_layout.Computing.Count - 1].Context;
            int n = LossRow; // one row: a sample's outputs, or one step's classes
            int rowsPerSample = LabelsPerSample;
            (int lastOutput, int lastPre) = _layout.Saved(last.Index);
            string source = WorkspaceRef(last.FusedLoss ? lastPre : lastOutput);

            _w.Line();
            _w.Summary(labels
                ? "The summed cross-entropy of one chunk given labels; writes (p - onehot) * scale, the gradient with respect to the logits, to gradients A, and the outputs unless that ref is null."
                : $"The summed loss of one chunk given targets; writes scale times its gradient with respect to the {(last.FusedLoss ? "logits" : "outputs")} to gradients A, and the outputs unless that ref is null.");
            string targetParameter = labels ? "ref int labels" : "ref float targets";
            bool masked = MaskedLoss;
            if (StepClasses)
            {
                _w.Line("/// <remarks>");
                _w.Line($"/// Sequence labelling: each sample is {rowsPerSample} rows (steps) of {n} classes, each row with its own {(labels ? "label" : "target distribution")};");
                _w.Line(masked
                    ? "/// only the real steps count (sample <c>s</c>'s first <c>lengths[s]</c>), the padding steps' logits and labels are not read and their gradient is zero."
                    : "/// the sum is over every row.");
                _w.Line("/// </remarks>");
            }
            else if (masked)
            {
                _w.Line("/// <remarks>");
                _w.Line("/// Variable length: only the real steps' outputs count (sample <c>s</c>'s first <c>lengths[s]</c> steps); returns the");
                _w.Line("/// sum of their losses, the gradient is scale times its gradient, zero on the padding steps.");
                _w.Line("/// </remarks>");
            }

            _w.Line(Optimize);
            _w.Open($"private float {(labels ? "LabelLoss" : "TargetLoss")}({targetParameter}, int count, float scale, ref float outputs{(masked ? ", ref int lengths" : string.Empty)})");
            _w.Line("ref float ws = ref Workspace();");
            _w.Line(StepClasses ? "double sum = 0; // many rows (every step of the chunk): summed in double" : "float sum = 0f;");
            string sumResult = StepClasses ? "return (float)sum;" : "return sum;";
            string at(string reference, string row) => $"ref {Vec.Unsafe}.Add({reference}, {row} * {n})";
            if (masked && StepClasses)
            {
                int steps = rowsPerSample;
                _w.Open("for (int s = 0; s < count; s++)");
                _w.Line($"int real = {Vec.Unsafe}.IsNullRef(ref lengths) ? MaxSteps : {Vec.Unsafe}.Add(ref lengths, s); // the real steps");
                _w.Open("for (int t = 0; t < real; t++)");
                _w.Line($"int r = (s * {steps}) + t; // the row of step t");
                string supervision = labels ? $"{Vec.Unsafe}.Add(ref labels, r)" : at("ref targets", "r");
                _w.Line($"sum += {Support}.SoftmaxCrossEntropy({at(source, "r")}, {n}, {supervision}, {at(WorkspaceRef(_layout.GradientA), "r")}, scale);");
                _w.Close();
                _w.Line($"{Marshal}.CreateSpan(ref {Vec.Unsafe}.Add({WorkspaceRef(_layout.GradientA)}, ((s * {steps}) + real) * {n}), ({steps} - real) * {n}).Clear(); // the padding steps add nothing");
                _w.Close();
                _w.Line(sumResult);
                _w.Close();
                return;
            }

            _w.Open(StepClasses ? $"for (int s = 0; s < count * {rowsPerSample}; s++) // s: a row, one step of a sample" : "for (int s = 0; s < count; s++)");
            string gradient = at(WorkspaceRef(_layout.GradientA), "s");
            string output = at(source, "s");
            if (masked)
            {
                _w.Line($"int real = ({Vec.Unsafe}.IsNullRef(ref lengths) ? MaxSteps : {Vec.Unsafe}.Add(ref lengths, s)) * {OutputPerStep}; // the outputs of the real steps");
                string maskedCall = _plan.Loss == Loss.BinaryCrossEntropy
                    ? $"{Support}.SigmoidBinaryCrossEntropy({output}, real, {at("ref targets", "s")}, {gradient}, scale * real)"
                    : $"{Support}.MeanSquaredError({output}, real, {at("ref targets", "s")}, {gradient}, scale * real)";
                _w.Line($"sum += {maskedCall} * real;");
                _w.Line($"{Marshal}.CreateSpan(ref {Vec.Unsafe}.Add({gradient}, real), {n} - real).Clear(); // the padding steps add nothing");
                _w.Close();
                _w.Line("return sum;");
                _w.Close();
                return;
            }

            string call = _plan.Loss switch
            {
                Loss.CrossEntropy when labels => $"{Support}.SoftmaxCrossEntropy({output}, {n}, {Vec.Unsafe}.Add(ref labels, s), {gradient}, scale)",
                Loss.CrossEntropy => $"{Support}.SoftmaxCrossEntropy({output}, {n}, {at("ref targets", "s")}, {gradient}, scale)",
                Loss.BinaryCrossEntropy => $"{Support}.SigmoidBinaryCrossEntropy({output}, {n}, {at("ref targets", "s")}, {gradient}, scale)",
                _ => $"{Support}.MeanSquaredError({output}, {n}, {at("ref targets", "s")}, {gradient}, scale)",
            };
            _w.Line($"sum += {call};");
            string copy = !last.FusedLoss ? "CopyOutputs" : _plan.Loss == Loss.CrossEntropy ? "CopySoftmax" : "CopySigmoid";
            _w.Line($"if (!{Vec.Unsafe}.IsNullRef(ref outputs)) {Support}.{copy}({output}, {at("ref outputs", "s")}, {n});");
            _w.Close();
            _w.Line(sumResult);
            _w.Close();
        }

        /// <summary>
        /// The label passes of a per-step classifier (<see cref="StepClasses"/>): the single-label <c>Backward</c> throws (a
        /// sample takes one label per step); <c>BackwardBatch</c> takes <c>batchSize</c> x <see cref="LabelsPerSample"/> labels,
        /// checked first (real steps only with lengths), and returns the mean cross-entropy over the (real) steps.
        /// </summary>
        private void WriteStepLabelsBackward()
        {
            int steps = LabelsPerSample;
            _w.Line();
            _w.Summary($"Not for this network: each sample takes {steps} labels, one per step; use <c>BackwardBatch</c> with <see cref=\"LabelsPerSample\"/> labels per sample.");
            _w.Line("/// <param name=\"input\">One sample.</param>");
            _w.Line("/// <param name=\"label\">A single label.</param>");
            _w.Line("/// <returns>Never returns.</returns>");
            _w.Line("/// <exception cref=\"global::System.NotSupportedException\">Always.</exception>");
            _w.Line($"public float Backward({ReadOnlySpan} input, int label) => {Support}.ThrowSingleLabel(nameof({Name}), LabelsPerSample);");

            _w.Line();
            _w.Summary(
                $"Training step over <paramref name=\"batchSize\"/> labelled sequences, one label per step: returns the mean cross-entropy over\n" +
                "the steps (PyTorch's <c>F.cross_entropy(logits.reshape(-1, C), labels.reshape(-1))</c>) and adds its gradient into\n" +
                "<see cref=\"Gradients\"/>. Every label is checked before anything is computed. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line($"/// <param name=\"labels\"><paramref name=\"batchSize\"/> x {steps} classes, sample after sample, each in [0, {LossRow}).</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <returns>The mean loss over the steps.</returns>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive or a label is out of range.</exception>");
            OpenOutputsPass(targets: false);
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            string lengthsRef = MaskedLoss ? "ref allLengths" : $"ref {Vec.Unsafe}.NullRef<int>()";
            _w.Line($"{Support}.CheckStepLabels(labels, batchSize, LabelsPerSample, {LossRow}, {lengthsRef}, nameof(labels)); // {(MaskedLoss ? "the real steps' labels; padding steps' are never read" : "every step's label")}");
            WriteOutputsCheck();
            WriteInputChecks("inputs");
            WriteTrainingBatchChecks("batchSize", "nameof(batchSize)");
            WriteMeanLossChunks(
                () => $"long real = {Support}.RealSteps(ref allLengths, batchSize, MaxSteps); // the real steps: the loss is the mean over them",
                " // the mean over every step of every sample",
                $"LabelLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(labels), (nint)start * LabelsPerSample), count, scale, {OutputsAt}){(MaskedLoss ? ", ref lengths" : string.Empty)})");
        }

        /// <summary>
        /// The rest of a batched pass whose loss is a mean: the scale (over the real steps, the line
        /// <paramref name="realLine"/> makes, asked only for a masked loss, or over every row), then per chunk the training forward, <paramref name="lossCall"/> added to the total and the
        /// backward, then the mean returned; closes the method.
        /// </summary>
        private void WriteMeanLossChunks(System.Func<string> realLine, string everyRowComment, string lossCall)
        {
            if (MaskedLoss)
            {
                _w.Line(realLine());
                _w.Line("float scale = 1f / real;");
            }
            else
            {
                _w.Line($"float scale = 1f / {BatchRows};{everyRowComment}");
            }

            _w.Line("double total = 0;");
            OpenChunks();
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
            _w.Line(TrainCall("TrainForward", "count", "start"));
            _w.Line($"total += {lossCall};");
            _w.Line(TrainCall("TrainBackward", "count", "start"));
            _w.Close();
            AdvanceContext();
            _w.Line(MaskedLoss ? "return (float)(total / real);" : $"return (float)(total / {BatchRows});");
            _w.Close();
        }
    }
}
