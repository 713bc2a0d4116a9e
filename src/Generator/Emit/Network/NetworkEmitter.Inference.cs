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
    /// <summary>Inference: <c>Forward</c> (one sample, small layers inline with activations in registers) and <c>ForwardBatch</c>.</summary>
    internal sealed partial class NetworkEmitter
    {
        // ------------------------------------------------------------------ forward

        private void WriteForward()
        {
            _w.Line();
            _w.Summary("Runs the network on one sample. Allocates nothing; safe to call from several threads at once.");
            _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"output\">Receives <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            OpenPass("void", "Forward", new[] { (ReadOnlySpan, "input"), (Span, "output") }, batch: false);
            _w.Line($"if (input.Length != InputSize) {Support}.ThrowLength(nameof(input), InputSize, input.Length);");
            _w.Line($"if (output.Length != OutputSize) {Support}.ThrowLength(nameof(output), OutputSize, output.Length);");
            WriteInputChecks("input");
            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            if (_layout.PanelLength > 0)
            {
                _w.Line("if (_compiledStorage.ArePanelsStale) PackPanels();");
            }

            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            if (_layout.PanelLength > 0)
            {
                _w.Line("ref float q = ref _compiledStorage.PanelStart;");
            }

            _w.Line($"ref float x = ref {Marshal}.GetReference(input);");
            _w.Line($"ref float y = ref {Marshal}.GetReference(output);");
            if (_layout.HiddenBuffers > 0 && ForwardNeedsScratch)
            {
                int scratch = _layout.MaxHidden * _layout.HiddenBuffers;
                if (_layout.ForwardOnStack)
                {
                    // A fixed-size struct rather than stackalloc: no stack cookie, and the span arguments stay in registers.
                    _w.Line($"ForwardScratch scratch = default; // hidden activations: {_layout.HiddenBuffers} buffer(s) of {_layout.MaxHidden}");
                    _w.Line($"ref float h0 = ref {Vec.Unsafe}.As<ForwardScratch, float>(ref scratch);");
                }
                else
                {
                    _w.Line($"ref float h0 = ref {Marshal}.GetArrayDataReference(t_compiledScratch ??= new float[{scratch}]); // hidden activations, too wide for the stack: one buffer per thread");
                }

                if (_layout.HiddenBuffers > 1)
                {
                    _w.Line($"ref float h1 = ref {Vec.Unsafe}.Add(ref h0, {_layout.MaxHidden});");
                }
            }

            Dispatch(isa =>
            {
                // Small consecutive layers hand their outputs over in vector locals; the others through the scratch buffers.
                Handoff current = Handoff.InMemory("x");
                int hiddenIndex = 0;
                for (int i = 0; i < _layout.Inference.Count; i++)
                {
                    (LayerContext context, LayerEmitter emitter) = _layout.Inference[i];
                    Handoff next;
                    bool last = i == _layout.Inference.Count - 1; // the last layer inference runs (a fold may skip the network's last layers)
                    Vec? width = last || emitter is not IRegisterHandoff handoff ? null : handoff.RegisterOutputWidth(context, isa);
                    if (last)
                    {
                        next = Handoff.InMemory("y");
                    }
                    else if (width is not null && HandsOverInRegisters(i, isa))
                    {
                        string[] names = KernelWriter.Names($"h{context.Index}v", (context.Plan.OutputSize + width.Lanes - 1) / width.Lanes);
                        _w.Line($"{width.T} {string.Join(", ", names)};");
                        next = Handoff.InRegisters(width, names);
                    }
                    else
                    {
                        next = Handoff.InMemory($"h{hiddenIndex++ % 2}");
                    }

                    emitter.EmitForward(_w, context, isa, current, next);
                    current = next;
                }
            });

            _w.Close();
        }

        private void WriteForwardBatch()
        {
            _w.Line();
            _w.Summary(
                "Runs the network on <paramref name=\"batchSize\"/> samples stored one after another. Allocates nothing; safe to call from\n" +
                "several threads at once.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputs\">Receives <paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive.</exception>");
            OpenPass("void", "ForwardBatch", new[] { (ReadOnlySpan, "inputs"), (Span, "outputs"), ("int", "batchSize") }, batch: true);
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            _w.Line($"if (outputs.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(outputs), batchSize, OutputSize, outputs.Length);");
            WriteInputChecks("inputs");
            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            _w.Line($"ref float x0 = ref {Marshal}.GetReference(inputs);");
            _w.Line($"ref float y0 = ref {Marshal}.GetReference(outputs);");
            if (_layout.HiddenBuffers > 0)
            {
                long scratch = (long)_layout.ForwardChunk * _layout.MaxHidden * _layout.HiddenBuffers;
                if (_layout.WholeBatchInference)
                {
                    // A batch normalisation without running statistics normalises over the whole batch: one chunk, its hidden
                    // activations in a per-thread buffer grown to the largest batch so far.
                    _w.Line($"long scratchLength = (long)batchSize * {(long)_layout.MaxHidden * _layout.HiddenBuffers};");
                    _w.Line("float[] scratchArray = t_compiledScratch is { } current && current.Length >= scratchLength ? current : (t_compiledScratch = new float[scratchLength]); // the whole batch at once (batch statistics at inference): one buffer per thread");
                    _w.Line($"ref float h0 = ref {Marshal}.GetArrayDataReference(scratchArray);");
                }
                else if (_layout.ForwardBatchOnStack)
                {
                    _w.Line($"{Span} scratch = stackalloc float[{scratch}]; // hidden activations of {_layout.ForwardChunk} samples: {_layout.HiddenBuffers} buffer(s) of [{_layout.ForwardChunk}, {_layout.MaxHidden}]");
                    _w.Line($"ref float h0 = ref {Marshal}.GetReference(scratch);");
                }
                else
                {
                    long perThread = Math.Max(scratch, (long)_layout.MaxHidden * _layout.HiddenBuffers);
                    _w.Line($"float[] scratchArray = t_compiledScratch is {{ Length: >= {perThread} }} current ? current : (t_compiledScratch = new float[{perThread}]); // too wide for the stack: one buffer per thread");
                    _w.Line($"ref float h0 = ref {Marshal}.GetArrayDataReference(scratchArray);");
                }

                if (_layout.HiddenBuffers > 1)
                {
                    _w.Line(_layout.WholeBatchInference
                        ? $"ref float h1 = ref {Vec.Unsafe}.Add(ref h0, (nint)batchSize * {_layout.MaxHidden});"
                        : $"ref float h1 = ref {Vec.Unsafe}.Add(ref h0, {(long)_layout.ForwardChunk * _layout.MaxHidden});");
                }
            }

            string chunk = _layout.HiddenBuffers > 0 && !_layout.WholeBatchInference ? "ForwardChunk" : "batchSize";
            _w.Open($"for (int start = 0; start < batchSize; start += {chunk})");
            _w.Line($"int count = global::System.Math.Min({chunk}, batchSize - start);");
            WriteChunkLengths();
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref x0, (nint)start * InputSize);");
            _w.Line($"ref float y = ref {Vec.Unsafe}.Add(ref y0, (nint)start * OutputSize);");
            Dispatch(isa =>
            {
                string current = "ref x";
                int hiddenIndex = 0;
                foreach ((LayerContext context, LayerEmitter emitter) in _layout.Inference)
                {
                    string next = context == _layout.Inference[_layout.Inference.Count - 1].Context ? "ref y" : $"ref h{hiddenIndex++ % 2}";
                    emitter.EmitForwardBatch(_w, context, isa, current, next, "count");
                    current = next;
                }
            });
            _w.Close();
            _w.Close();
        }

        /// <summary>How doc comments name the float <c>Forward</c>: with its parameters when int overloads exist too.</summary>
        private string ForwardCref => ReadsTokenIds || Variable ? "Forward(global::System.ReadOnlySpan{float}, global::System.Span{float})" : "Forward";

        /// <summary>How doc comments name the float <c>ForwardBatch</c>.</summary>
        private string ForwardBatchCref => ReadsTokenIds || Variable ? "ForwardBatch(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)" : "ForwardBatch";

        /// <summary>True when the first layer reads token ids (an embedding).</summary>
        private bool ReadsTokenIds => _layout.Computing.Count > 0 && _layout.Computing[0].Emitter.ReadsTokenIds;

        /// <summary>
        /// For networks that read token ids: <c>Forward</c> and <c>ForwardBatch</c> over <c>int</c> ids, which check the ids,
        /// convert them to the floats the passes take (on the stack, a few thousand at a time) and call the float forms.
        /// </summary>
        private void WriteTokenForwards()
        {
            if (!ReadsTokenIds)
            {
                return;
            }

            WriteTokenForwardPair(lengths: false);
            if (Variable)
            {
                WriteTokenForwardPair(lengths: true);
            }
        }

        /// <summary>The one-sample and batched token-id forms, without lengths or (a variable-length network) with them.</summary>
        private void WriteTokenForwardPair(bool lengths)
        {
            const int StackFloats = 4096;
            int chunk = Math.Max(1, StackFloats / _plan.InputSize);
            string buffer = $"{Span} ids = {chunk} * InputSize <= {StackFloats} ? stackalloc float[{chunk} * InputSize] : new float[{chunk} * InputSize]; // ids as floats: on the stack unless a sample has more than {StackFloats}";
            _w.Line();
            _w.Summary(lengths
                ? "Runs the network on one sample of token ids of its own length; see <see cref=\"Forward(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)\"/>."
                : "Runs the network on one sample of token ids; see <see cref=\"Forward(global::System.ReadOnlySpan{float}, global::System.Span{float})\"/>.");
            _w.Line(lengths
                ? "/// <param name=\"tokens\">One sample, <see cref=\"InputSize\"/> token ids (padded: the ids beyond <paramref name=\"length\"/> are not read, but must be in the vocabulary).</param>"
                : "/// <param name=\"tokens\">One sample, <see cref=\"InputSize\"/> token ids.</param>");
            _w.Line("/// <param name=\"output\">Receives <see cref=\"OutputSize\"/> floats.</param>");
            if (lengths)
            {
                _w.Line("/// <param name=\"length\">The sample's real steps, in [1, <see cref=\"MaxSteps\"/>].</param>");
            }

            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line(lengths
                ? "/// <exception cref=\"global::System.ArgumentOutOfRangeException\">An id is outside the vocabulary or the length is out of range.</exception>"
                : "/// <exception cref=\"global::System.ArgumentOutOfRangeException\">An id is outside the vocabulary.</exception>");
            _w.Open($"public void Forward(global::System.ReadOnlySpan<int> tokens, {Span} output{(lengths ? ", int length" : string.Empty)})");
            _w.Line($"if (tokens.Length != InputSize) {Support}.ThrowLength(nameof(tokens), InputSize, tokens.Length);");
            WriteInputChecks("tokens");
            _w.Line(buffer.Replace($"{chunk} * InputSize", "InputSize"));
            _w.Line("for (int i = 0; i < InputSize; i++) ids[i] = tokens[i];");
            _w.Line($"Forward(ids.Slice(0, InputSize), output{(lengths ? ", length" : string.Empty)});");
            _w.Close();
            _w.Line();
            _w.Summary(lengths
                ? "Runs the network on <paramref name=\"batchSize\"/> samples of token ids of their own lengths; see <see cref=\"ForwardBatch(global::System.ReadOnlySpan{float}, global::System.Span{float}, int, global::System.ReadOnlySpan{int})\"/>."
                : "Runs the network on <paramref name=\"batchSize\"/> samples of token ids stored one after another; see <see cref=\"ForwardBatch(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)\"/>.");
            _w.Line(lengths
                ? "/// <param name=\"tokens\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> token ids, each sample padded to <see cref=\"MaxSteps\"/>.</param>"
                : "/// <param name=\"tokens\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> token ids.</param>");
            _w.Line("/// <param name=\"outputs\">Receives <paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            if (lengths)
            {
                _w.Line("/// <param name=\"lengths\"><paramref name=\"batchSize\"/> lengths, each in [1, <see cref=\"MaxSteps\"/>].</param>");
            }

            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line(lengths
                ? "/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive, an id is outside the vocabulary or a length is out of range.</exception>"
                : "/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive or an id is outside the vocabulary.</exception>");
            _w.Open($"public void ForwardBatch(global::System.ReadOnlySpan<int> tokens, {Span} outputs, int batchSize{(lengths ? ", global::System.ReadOnlySpan<int> lengths" : string.Empty)})");
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (tokens.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(tokens), batchSize, InputSize, tokens.Length);");
            _w.Line($"if (outputs.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(outputs), batchSize, OutputSize, outputs.Length);");
            if (lengths)
            {
                _w.Line($"{Support}.CheckLengths(lengths, batchSize, MaxSteps, nameof(lengths));");
            }

            WriteInputChecks("tokens");
            _w.Line(buffer);
            _w.Open($"for (int start = 0; start < batchSize; start += {chunk})");
            _w.Line($"int count = global::System.Math.Min({chunk}, batchSize - start);");
            _w.Line("global::System.ReadOnlySpan<int> part = tokens.Slice(start * InputSize, count * InputSize);");
            _w.Line("for (int i = 0; i < part.Length; i++) ids[i] = part[i];");
            _w.Line($"ForwardBatch(ids.Slice(0, part.Length), outputs.Slice(start * OutputSize, count * OutputSize), count{(lengths ? ", lengths.Slice(start, count)" : string.Empty)});");
            _w.Close();
            _w.Close();
        }
    }
}
