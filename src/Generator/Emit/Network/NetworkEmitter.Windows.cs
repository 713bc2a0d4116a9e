using Compiled.Generator.Emit.Layers;
using Compiled.Generator.Model;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// Truncated backpropagation through time: <c>BackwardWindow</c> trains on one window of several long sequences (one
    /// per sample, a "stream"), each starting from the streaming <c>State</c> the previous window left and leaving its final
    /// state there for the next; the gradient stops at the window's start (PyTorch's <c>h = h.detach()</c> between
    /// windows). Written when the network streams and its only state is its recurrent layers'
    /// (<see cref="Planning.NetworkLayout.CarriesState"/>).
    /// </summary>
    internal sealed partial class NetworkEmitter
    {
        /// <summary>The trailing parameter of the training passes in a network that trains windows.</summary>
        private string InitialParameter => _layout.CarriesState ? ", ref float initial" : string.Empty;

        /// <summary>The trailing argument of a training pass: <paramref name="initial"/>, or a null reference (zero state).</summary>
        private string InitialArgument(string initial) =>
            !_layout.CarriesState ? string.Empty : initial.Length > 0 ? ", " + initial : $", ref {Vec.Unsafe}.NullRef<float>()";

        private void WriteWindows()
        {
            if (!_layout.CarriesState)
            {
                return;
            }

            WriteWindow(labels: false);
            if (_plan.Loss == Loss.CrossEntropy)
            {
                WriteWindow(labels: true);
            }
        }

        private void WriteWindow(bool labels)
        {
            string expected = labels ? "labels" : "targets";
            string expectedType = labels ? "global::System.ReadOnlySpan<int>" : ReadOnlySpan;
            _w.Line();
            _w.Summary(
                "Truncated backpropagation through time: a training step over one window of <paramref name=\"batchSize\"/> long sequences\n" +
                "(streams), each starting from its state in <paramref name=\"states\"/> (what the previous window left; default for the\n" +
                "first) instead of zero. Returns the window's mean loss, adds its gradient into <see cref=\"Gradients\"/> as\n" +
                "<c>BackwardBatch</c> does, and leaves each stream's final state in <paramref name=\"states\"/> for the next window. The\n" +
                "gradient stops at the window's start (PyTorch's <c>h = h.detach()</c>). One window over a whole sequence from zero\n" +
                "states is <c>BackwardBatch</c>. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats: each stream's next window of steps.</param>");
            _w.Line(labels
                ? StepClasses
                    ? $"/// <param name=\"labels\"><paramref name=\"batchSize\"/> x {LabelsPerSample} classes, one per step of each stream's window, each in [0, {LossRow}).</param>"
                    : "/// <param name=\"labels\"><paramref name=\"batchSize\"/> classes, each in [0, <see cref=\"OutputSize\"/>).</param>"
                : "/// <param name=\"targets\"><paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of streams; must be positive.</param>");
            _w.Line("/// <param name=\"states\"><paramref name=\"batchSize\"/> states, one per stream: read, then replaced by the final states.</param>");
            _w.Line("/// <returns>The mean loss over the window.</returns>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive" + (labels ? " or a label is out of range" : string.Empty) + ".</exception>");
            _w.Line(Optimize);
            _w.Open($"public float BackwardWindow({ReadOnlySpan} inputs, {expectedType} {expected}, int batchSize, global::System.Span<State> states)");
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            if (labels && StepClasses)
            {
                _w.Line($"{Support}.CheckStepLabels(labels, batchSize, LabelsPerSample, {LossRow}, ref {Vec.Unsafe}.NullRef<int>(), nameof(labels));");
            }
            else if (labels)
            {
                _w.Line($"if (labels.Length != batchSize) {Support}.ThrowLength(nameof(labels), batchSize, labels.Length);");
                _w.Line($"for (int i = 0; i < labels.Length; i++) if ((uint)labels[i] >= OutputSize) {Support}.ThrowLabel(nameof(labels), i, labels[i], OutputSize);");
            }
            else
            {
                _w.Line($"if (targets.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(targets), batchSize, OutputSize, targets.Length);");
            }

            _w.Line($"if (states.Length != batchSize) {Support}.ThrowLength(nameof(states), batchSize, states.Length);");
            WriteInputChecks("inputs");
            WriteTrainingBatchChecks("batchSize", "nameof(batchSize)");
            _w.Line($"float scale = 1f / {BatchRows};");
            _w.Line("double total = 0;");
            OpenChunks();
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
            _w.Line($"ref float st = ref {Vec.Unsafe}.As<State, float>(ref states[start]); // the chunk's states: StateSize floats each");
            _w.Line(TrainCall("TrainForward", "count", "start", "ref st"));
            _w.Line(labels
                ? $"total += LabelLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(labels), (nint)start * {LabelsPerSample}), count, scale, ref {Vec.Unsafe}.NullRef<float>());"
                : $"total += TargetLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(targets), (nint)start * OutputSize), count, scale, ref {Vec.Unsafe}.NullRef<float>());");
            _w.Line(TrainCall("TrainBackward", "count", "start", "ref st"));
            _w.Line("ref float ws = ref Workspace();");
            foreach ((LayerContext context, LayerEmitter emitter) in _layout.Computing)
            {
                if (emitter is RecurrentEmitter)
                {
                    RecurrentEmitter.EmitFinalState(_w, context, new TrainingRefs("ref x", null, null, "ref ws", null) { Own = OwnRefs(context, emitter) }, "count", "ref st");
                }
            }

            _w.Close();
            AdvanceContext();
            _w.Line($"return (float)(total / {BatchRows});");
            _w.Close();

            _w.Line();
            _w.Summary($"<c>BackwardWindow</c> through <see cref=\"global::Compiled.INetwork\"/>: the states as <see cref=\"StateSize\"/> floats per stream.");
            _w.Open($"float global::Compiled.INetwork.BackwardWindow({ReadOnlySpan} inputs, {expectedType} {expected}, int batchSize, {Span} states)");
            _w.Line($"if (states.Length != (long)batchSize * StateSize) {Support}.ThrowBatchLength(nameof(states), batchSize, StateSize, states.Length);");
            _w.Line($"return BackwardWindow(inputs, {expected}, batchSize, {Marshal}.Cast<float, State>(states));");
            _w.Close();
        }
    }
}
