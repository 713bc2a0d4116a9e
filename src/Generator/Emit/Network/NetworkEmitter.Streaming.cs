using System.Linq;
using Compiled.Generator.Emit.Layers;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// Streaming inference for networks with recurrent layers: a <c>State</c> struct sized at compile time that the caller
    /// owns (one per stream: an agent, a voice), <c>Step</c> (one step of the sequence in, one step's output out, the state
    /// carried), <c>ForwardSequence</c> (several steps, the state carried across calls). Written when the network has
    /// state and every layer its inference runs can step (<see cref="IStreamingLayer"/>).
    /// </summary>
    internal sealed partial class NetworkEmitter
    {
        /// <summary>True when the network gets the streaming API.</summary>
        private bool Streams =>
            _layout.StatePerSample > 0 && _layout.Inference.All(c => c.Emitter is IStreamingLayer s && s.CanStep(c.Context)) && StepLayoutsAgree();

        /// <summary>
        /// True when every layer's step reads what the layer before it writes per step. Two layouts carry a time axis:
        /// time-major (<c>[steps, features]</c>: the network's input when a recurrent, dense or embedding layer reads it, and
        /// a recurrent layer's sequence), where a step is a row; and channel-major (<c>[C, L]</c>, PyTorch's <c>Conv1d</c>
        /// layout: the input of a first causal <c>[Conv1D]</c> and that layer's output), where a step is a column. A causal
        /// convolution steps only on channel-major input (first, or after another); a layer that works on the last
        /// dimension (recurrent, Dense, LayerNorm) only on time-major input, since on <c>[C, L]</c> the last dimension is
        /// time; BatchNorm (per channel, the first dimension) only on a vector or channel-major input, since on
        /// <c>[steps, features]</c> its channels would be the steps; an element-wise <c>[Activation]</c> in either.
        /// </summary>
        private bool StepLayoutsAgree()
        {
            bool channelMajor = false;
            for (int i = 0; i < _layout.Inference.Count; i++)
            {
                (LayerContext context, LayerEmitter emitter) = _layout.Inference[i];
                if (emitter is ConvEmitter)
                {
                    if (i > 0 && !channelMajor)
                    {
                        return false;
                    }

                    channelMajor = true;
                }
                else if (emitter is BatchNormEmitter)
                {
                    if (context.Plan.Input.Rank > 1 && !channelMajor)
                    {
                        return false;
                    }
                }
                else if (emitter is ActivationEmitter)
                {
                    // Element-wise: steps in either layout and keeps it.
                }
                else if (channelMajor)
                {
                    return false;
                }
            }

            return true;
        }

        private void WriteStreaming()
        {
            if (!Streams)
            {
                return;
            }

            int stateSize = _layout.StatePerSample;
            var first = _layout.Inference[0];
            int stepInput = first.Emitter is IStreamingInput input
                ? input.StepInputSize(first.Context)
                : _plan.InputShape.Dimensions[_plan.InputShape.Rank - 1];
            var last = _layout.Inference[_layout.Inference.Count - 1];
            int stepOutput = ((IStreamingLayer)last.Emitter).StepOutputSize(last.Context);
            var hidden = _layout.Inference.Take(_layout.Inference.Count - 1).Where(c => c.Emitter is not IStepOutputInState).Select(c => ((IStreamingLayer)c.Emitter).StepOutputSize(c.Context)).ToList();
            int width = hidden.Count == 0 ? 0 : hidden.Max();

            _w.Line();
            _w.Comment("------------------------------------------------------------------ streaming (one step at a time)");
            _w.Line();
            _w.Summary(_layout.Inference.Any(c => c.Emitter is ConvEmitter)
                ? "The floats of one stream's state (every recurrent layer's hidden and cell states, every causal convolution's last inputs)."
                : "The floats of one stream's recurrent state (every recurrent layer's hidden and cell states).");
            _w.Line($"public const int StateSize = {stateSize};");
            _w.Line();
            _w.Summary("The floats of one stream's state, through <see cref=\"global::Compiled.INetwork\"/>.");
            _w.Line("int global::Compiled.INetwork.StateSize => StateSize;");
            _w.Line();
            _w.Summary(first.Emitter is IStreamingInput
                ? "The floats of one step's input for <see cref=\"Step\"/>: one time position, a value per input channel (a column of the channel-major input)."
                : "The floats of one step's input for <see cref=\"Step\"/>: the features of one step of the input sequence.");
            _w.Line($"public const int StepInputSize = {stepInput};");
            _w.Line();
            _w.Summary("The floats of one step's output of <see cref=\"Step\"/>.");
            _w.Line($"public const int StepOutputSize = {stepOutput};");
            _w.Line();
            _w.Summary(
                "The recurrent state of one stream (an agent, a voice), sized at compile time and owned by the caller: a struct of\n" +
                $"{stateSize} floats, zero (PyTorch's initial state) when default or after <see cref=\"Reset\"/>. One network (read-only in\n" +
                "<see cref=\"Step\"/>) serves any number of states, on any threads.");
            _w.Open("public struct State");
            _w.Line("internal StateValues Values;");
            _w.Line();
            _w.Summary("Sets the state back to zero, the initial state of a new sequence.");
            _w.Line("public void Reset() => this = default;");
            _w.Close();
            _w.Line();
            _w.Summary("The storage of a <see cref=\"State\"/>.");
            _w.Line($"[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Sequential, Size = {stateSize * 4})]");
            _w.Open("internal struct StateValues");
            _w.Line("#pragma warning disable CS0169 // the field marks where the buffer starts; the layout's Size gives its length");
            _w.Line("private float _first;");
            _w.Line("#pragma warning restore CS0169");
            _w.Close();

            _w.Line();
            _w.Summary(
                "Runs one step of a sequence: from this step's input and <paramref name=\"state\"/> (the state after the previous steps),\n" +
                $"writes this step's output and moves the state on. 20 calls give what <see cref=\"{ForwardCref}\"/> gives for the 20-step\n" +
                "sequence (its last step's output, or every step's). Allocates nothing; only reads the network.");
            _w.Line("/// <param name=\"stepInput\"><see cref=\"StepInputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"stepOutput\">Receives <see cref=\"StepOutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"state\">The stream's state; updated.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line(Optimize);
            _w.Open($"public void Step({ReadOnlySpan} stepInput, {Span} stepOutput, ref State state)");
            _w.Line($"if (stepInput.Length != StepInputSize) {Support}.ThrowLength(nameof(stepInput), StepInputSize, stepInput.Length);");
            _w.Line($"if (stepOutput.Length != StepOutputSize) {Support}.ThrowLength(nameof(stepOutput), StepOutputSize, stepOutput.Length);");
            if (first.Emitter.ReadsTokenIds)
            {
                first.Emitter.EmitInputCheck(_w, first.Context, "stepInput", "nameof(stepInput)");
            }

            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            _w.Line($"ref float x = ref {Marshal}.GetReference(stepInput);");
            _w.Line($"ref float y = ref {Marshal}.GetReference(stepOutput);");
            _w.Line($"ref float st = ref {Vec.Unsafe}.As<StateValues, float>(ref state.Values);");
            if (width > 0)
            {
                _w.Line($"{Span} scratch = stackalloc float[{2 * width}]; // one step's activations between layers: 2 x {width}");
                _w.Line($"ref float h0 = ref {Marshal}.GetReference(scratch);");
                _w.Line($"ref float h1 = ref {Vec.Unsafe}.Add(ref h0, {width});");
            }

            string current = "ref x";
            long stateOffset = 0;
            for (int i = 0; i < _layout.Inference.Count; i++)
            {
                (LayerContext context, LayerEmitter emitter) = _layout.Inference[i];
                string state = stateOffset == 0 ? "ref st" : $"ref {Vec.Unsafe}.Add(ref st, {stateOffset})";
                string next = i == _layout.Inference.Count - 1 ? "ref y"
                    : emitter is IStepOutputInState inState ? Offset(state, inState.StepOutputOffset(context)) // read where the step leaves it
                    : $"ref h{i % 2}";
                ((IStreamingLayer)emitter).EmitStep(_w, context, current, next, state);
                stateOffset += emitter.StatePerSample(context);
                current = next;
            }

            _w.Close();

            _w.Line();
            _w.Summary(
                "Runs <paramref name=\"steps\"/> steps of a sequence with <see cref=\"Step\"/>, the state carried from the previous call\n" +
                "(so a long sequence may arrive in pieces). Allocates nothing; only reads the network.");
            _w.Line(first.Emitter is IStreamingInput
                ? "/// <param name=\"inputs\"><paramref name=\"steps\"/> x <see cref=\"StepInputSize\"/> floats, time-major: step t's channels at t x <see cref=\"StepInputSize\"/> (the transpose of <see cref=\"Forward\"/>'s channel-major input).</param>"
                : "/// <param name=\"inputs\"><paramref name=\"steps\"/> x <see cref=\"StepInputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputs\">Receives <paramref name=\"steps\"/> x <see cref=\"StepOutputSize\"/> floats: each step's output.</param>");
            _w.Line("/// <param name=\"steps\">The number of steps; must be positive.</param>");
            _w.Line("/// <param name=\"state\">The stream's state; updated.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"steps\"/> is not positive.</exception>");
            _w.Open($"public void ForwardSequence({ReadOnlySpan} inputs, {Span} outputs, int steps, ref State state)");
            _w.Line($"if (steps <= 0) {Support}.ThrowBatchSize(steps);");
            _w.Line($"if (inputs.Length != (long)steps * StepInputSize) {Support}.ThrowBatchLength(nameof(inputs), steps, StepInputSize, inputs.Length);");
            _w.Line($"if (outputs.Length != (long)steps * StepOutputSize) {Support}.ThrowBatchLength(nameof(outputs), steps, StepOutputSize, outputs.Length);");
            _w.Open("for (int t = 0; t < steps; t++)");
            _w.Line("Step(inputs.Slice(t * StepInputSize, StepInputSize), outputs.Slice(t * StepOutputSize, StepOutputSize), ref state);");
            _w.Close();
            _w.Close();
        }
    }
}
