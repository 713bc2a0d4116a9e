using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;

using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[SimpleRNN]</c>, <c>[GRU]</c>, <c>[LSTM]</c>: one call into <c>Compiled.Kernels.RecurrentKernels</c> per stacked
    /// layer and pass, with constant sizes. Each stacked layer packs its weights transposed (the input part of the gates is
    /// one batched product over every step of every sample; the recurrent part one matrix-vector product per step).
    /// Training saves each stacked layer's hidden states and cell values (<see cref="ValueKind.Own"/>), and uses three
    /// more blocks of the workspace as scratch: the gradients of the gate pre-activations (input and recurrent parts; the
    /// first also holds the input part of the gates in the forward pass) and, when stacked, the gradient with respect to
    /// a stacked layer's output sequence.
    /// </summary>
    internal sealed class RecurrentEmitter : LayerEmitter, IStreamingLayer, IStepOutputInState
    {
        private const string Kernels = "global::Compiled.Kernels.RecurrentKernels";

        /// <summary>
        /// The output; per stacked layer its hidden states <c>[steps, D H]</c> (D = 2 directions for a bidirectional layer,
        /// each step forward then reverse) and (GRU, LSTM) each direction's cell values <c>[steps, E]</c>; then the scratch
        /// blocks dA(input) <c>[steps, G H]</c> per direction, dA(recurrent) <c>[steps, G H]</c> and, with more than one
        /// stacked layer, dL/d(sequence) <c>[steps, D H]</c>; then, with <c>Dropout</c>, each lower stacked layer's output after
        /// its dropout <c>[steps, D H]</c> (the next stacked layer's input), and with <c>RecurrentDropout</c> each stacked
        /// layer's and direction's mask on <c>h(t-1)</c> <c>[H]</c>.
        /// </summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer)
        {
            RecurrentSpec spec = Spec(layer);
            int steps = Steps(layer);
            var values = new List<SavedValue> { new(ValueKind.Output, layer.Plan.OutputSize) };
            for (int l = 0; l < spec.NumLayers; l++)
            {
                values.Add(new SavedValue(ValueKind.Own, steps * spec.Width));
                for (int d = 0; d < spec.Directions && Extras(spec) > 0; d++)
                {
                    values.Add(new SavedValue(ValueKind.Own, steps * Extras(spec)));
                }
            }

            for (int d = 0; d < spec.Directions; d++)
            {
                values.Add(new SavedValue(ValueKind.Own, steps * GateRows(spec)));
            }

            values.Add(new SavedValue(ValueKind.Own, steps * GateRows(spec)));
            if (spec.NumLayers > 1)
            {
                values.Add(new SavedValue(ValueKind.Own, steps * spec.Width));
            }

            // Dropout between stacked layers: each lower layer's output sequence after its mask (the next layer's input).
            for (int l = 0; spec.DropsBetweenLayers && l < spec.NumLayers - 1; l++)
            {
                values.Add(new SavedValue(ValueKind.Own, steps * spec.Width));
            }

            // Recurrent dropout: per stacked layer and direction, the sequence's mask on h(t-1) (0 or 1 / (1 - p)).
            for (int l = 0; spec.RecurrentDropout > 0f && l < spec.NumLayers; l++)
            {
                for (int d = 0; d < spec.Directions; d++)
                {
                    values.Add(new SavedValue(ValueKind.Own, spec.Hidden));
                }
            }

            return values;
        }

        public override int PackedLength(LayerContext layer)
        {
            RecurrentSpec spec = Spec(layer);
            int length = 0;
            for (int l = 0; l < spec.NumLayers; l++)
            {
                length += spec.Directions * SubPackedLength(layer, l);
            }

            return length;
        }

        /// <summary>
        /// Per stacked layer, the hidden state (and for LSTM the cell state) a streaming caller carries between steps; none
        /// for a bidirectional layer, which needs the whole sequence and so cannot stream.
        /// </summary>
        public override int StatePerSample(LayerContext layer) => Spec(layer).Bidirectional
            ? 0
            : Spec(layer).NumLayers * Spec(layer).Hidden * (Spec(layer).Cell == RecurrentCellKind.Lstm ? 2 : 1);

        public override void EmitPack(SourceWriter writer, LayerContext layer)
        {
            RecurrentSpec spec = Spec(layer);
            for (int l = 0; l < spec.NumLayers; l++)
            {
                for (int d = 0; d < spec.Directions; d++)
                {
                    writer.Line($"{Kernels}.Pack({At("p", ParameterOffset(layer, l, d))}, {At("k", PackedOffset(layer, l, d))}, {SubInputs(layer, l)}, {spec.Hidden}, {Cell(spec)}, {Bool(spec.Bias)});{Describe(layer, l, d)}: weights transposed, biases combined");
                }
            }
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output) =>
            EmitForwardBatch(writer, layer, isa, "ref " + input.Memory, "ref " + output.Memory, "1");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count)
        {
            RecurrentSpec spec = Spec(layer);
            string tail = Variable(layer) ? $", {Bool(spec.Bidirectional)}, {Lengths}" : spec.Bidirectional ? ", true" : string.Empty;
            writer.Line($"{Kernels}.Forward({At("k", layer.PackedOffset)}, {x}, {y}, {count}, {Steps(layer)}, {Features(layer)}, {spec.Hidden}, {spec.NumLayers}, {Cell(spec)}, {Bool(spec.ReturnSequences)}{tail});{Describe(layer)}");
        }

        /// <summary>A layer with <c>Dropout</c> (between stacked layers) or <c>RecurrentDropout</c> draws masks from the training context.</summary>
        public override bool UsesTrainingContextAt(LayerContext layer) => Spec(layer).DropsBetweenLayers || Spec(layer).RecurrentDropout > 0f;

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            RecurrentSpec spec = Spec(layer);
            for (int l = 0; l < spec.NumLayers; l++)
            {
                string x = LayerInput(layer, refs, l);
                for (int d = 0; d < spec.Directions; d++)
                {
                    if (spec.RecurrentDropout > 0f)
                    {
                        writer.Line($"global::Compiled.Kernels.DropoutKernels.Mask({Mask(layer, refs, l, d)}, {spec.Hidden}, {count}, {Vec.Float(spec.RecurrentDropout)}, TrainingContext, {refs.First}, {RecurrentDropoutKey(layer, l, d)});{Describe(layer, l, d)}: recurrent dropout, one mask per sequence on h(t-1)");
                    }

                    writer.Line($"{Kernels}.TrainForward({At("k", PackedOffset(layer, l, d))}, {x}, {Offset(States(layer, refs, l), (long)d * spec.Hidden)}, {ExtrasRef(layer, refs, l, d)}, {DInput(layer, refs, 0)}, {count}, {Steps(layer)}, {SubInputs(layer, l)}, {spec.Hidden}, {Cell(spec)}{Tail(layer, refs, l, d)});{Describe(layer, l, d)}, saving states and gates");
                }

                if (spec.DropsBetweenLayers && l < spec.NumLayers - 1)
                {
                    writer.Line($"global::Compiled.Kernels.DropoutKernels.Forward({States(layer, refs, l)}, {Dropped(layer, refs, l)}, {Steps(layer) * spec.Width}, {count}, {Vec.Float(spec.Dropout)}, TrainingContext, {refs.First}, {DropoutKey(layer, l)});{Describe(layer, l)}: dropout on its output sequence (PyTorch's dropout between stacked layers)");
                }
            }

            string top = States(layer, refs, spec.NumLayers - 1);
            writer.Line(spec.ReturnSequences
                ? $"{Support}.PackCopy({top}, {refs.Output}, {count} * {layer.Plan.OutputSize}); // layer {layer.Index}: every step's hidden state is the output"
                : $"{Kernels}.LastStep({top}, {refs.Output}, {count}, {Steps(layer)}, {spec.Width}{(Variable(layer) ? ", " + Lengths : string.Empty)}); // layer {layer.Index}: the last {(Variable(layer) ? "real " : string.Empty)}step's hidden state is the output");
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            RecurrentSpec spec = Spec(layer);
            for (int l = spec.NumLayers - 1; l >= 0; l--)
            {
                bool top = l == spec.NumLayers - 1;
                string x = LayerInput(layer, refs, l);
                string dh = top ? refs.Gradient : DSequence(layer, refs);
                string dx = l > 0 ? DSequence(layer, refs) : layer.NeedsInputGradient ? refs.InputGradient! : NullRef;
                for (int d = 0; d < spec.Directions; d++)
                {
                    // One direction: its input gradient here, or for a bidirectional layer, both directions' below.
                    string directionDx = spec.Bidirectional ? NullRef : dx;
                    writer.Line(
                        $"{Kernels}.Backward({At("p", ParameterOffset(layer, l, d))}, {At("g", ParameterOffset(layer, l, d))}, {x}, {Offset(States(layer, refs, l), (long)d * spec.Hidden)}, {ExtrasRef(layer, refs, l, d)}, " +
                        $"{Offset(dh, (long)d * spec.Hidden)}, {Bool(top && !spec.ReturnSequences)}, {DInput(layer, refs, d)}, {DRecurrent(layer, refs)}, {directionDx}, {count}, {Steps(layer)}, {SubInputs(layer, l)}, {spec.Hidden}, {Cell(spec)}, {Bool(spec.Bias)}{Tail(layer, refs, l, d)});{Describe(layer, l, d)}: through time");
                }

                if (spec.Bidirectional && dx != NullRef)
                {
                    WriteInputGradients(writer, layer, refs, l, dx, count);
                }

                if (spec.DropsBetweenLayers && l > 0)
                {
                    writer.Line($"global::Compiled.Kernels.DropoutKernels.Backward({dx}, {dx}, {Steps(layer) * spec.Width}, {count}, {Vec.Float(spec.Dropout)}, TrainingContext, {refs.First}, {DropoutKey(layer, l - 1)});{Describe(layer, l - 1)}: through the dropout on its output sequence");
                }
            }
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            WriteInputGradients(writer, layer, refs, 0, refs.InputGradient!, count);

        /// <summary>dL/dx = dA W_ih for stacked layer <paramref name="l"/>, summed over its directions, from the dA blocks its backward left.</summary>
        private static void WriteInputGradients(SourceWriter writer, LayerContext layer, TrainingRefs refs, int l, string dx, string count)
        {
            RecurrentSpec spec = Spec(layer);
            for (int d = 0; d < spec.Directions; d++)
            {
                writer.Line($"{Kernels}.InputGradient({At("p", ParameterOffset(layer, l, d))}, {DInput(layer, refs, d)}, {dx}, {count}, {Steps(layer)}, {SubInputs(layer, l)}, {GateRows(spec)}{(d == 1 ? ", true" : string.Empty)});{Describe(layer, l, d)}: dL/dx {(d == 1 ? "+" : string.Empty)}= dA W_ih");
            }
        }

        /// <summary>
        /// In a network that trains from carried states (<see cref="LayerContext.StateOffset"/>): after the training passes,
        /// each stacked layer's final <c>h</c> (and <c>c</c>) into the state at <paramref name="state"/> (a <c>ref float</c>
        /// to the chunk's first sample's state), ready for the next window.
        /// </summary>
        public static void EmitFinalState(SourceWriter writer, LayerContext layer, TrainingRefs refs, string count, string state)
        {
            RecurrentSpec spec = Spec(layer);
            int perLayer = spec.Hidden * (spec.Cell == RecurrentCellKind.Lstm ? 2 : 1);
            for (int l = 0; l < spec.NumLayers; l++)
            {
                string extras = ExtrasRef(layer, refs, l, 0);
                writer.Line($"{Kernels}.FinalState({States(layer, refs, l)}, {extras}, {Offset(state, layer.StateOffset + ((long)l * perLayer))}, {count}, {Steps(layer)}, {spec.Hidden}, {Cell(spec)}, {layer.StateSize});{Describe(layer, l)}: its final state, the next window's initial one");
            }
        }

        /// <summary>
        /// The trailing arguments that start stacked layer <paramref name="l"/> from the carried state (null: zero) in a network
        /// that trains windows of a longer sequence; none otherwise.
        /// </summary>
        private static string Initial(LayerContext layer, int l)
        {
            if (layer.StateOffset < 0)
            {
                return string.Empty;
            }

            RecurrentSpec spec = Spec(layer);
            int offset = layer.StateOffset + (l * spec.Hidden * (spec.Cell == RecurrentCellKind.Lstm ? 2 : 1));
            return $", ref {Support}.StateAt(ref initial, {offset}), {layer.StateSize}";
        }

        /// <summary>A bidirectional layer needs the whole sequence: no step by step.</summary>
        public bool CanStep(LayerContext layer) => !Spec(layer).Bidirectional;

        public int StepOutputSize(LayerContext layer) => Spec(layer).Hidden;

        /// <summary>
        /// One step through every stacked layer: its state is, per stacked layer, <c>h</c> (and for LSTM then <c>c</c>),
        /// updated in place; the top layer's new <c>h</c> is the step's output.
        /// </summary>
        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state)
        {
            RecurrentSpec spec = Spec(layer);
            int perLayer = spec.Hidden * (spec.Cell == RecurrentCellKind.Lstm ? 2 : 1);
            for (int l = 0; l < spec.NumLayers; l++)
            {
                string h = Offset(state, (long)l * perLayer);
                string c = spec.Cell == RecurrentCellKind.Lstm ? Offset(state, ((long)l * perLayer) + spec.Hidden) : NullRef;
                string input = l == 0 ? x : Offset(state, (long)(l - 1) * perLayer);
                writer.Line($"{Kernels}.Step({At("k", PackedOffset(layer, l, 0))}, {input}, {h}, {c}, {SubInputs(layer, l)}, {spec.Hidden}, {Cell(spec)});{Describe(layer, l)}, one step");
            }

            string top = Offset(state, (long)(spec.NumLayers - 1) * perLayer);
            if (y != top)
            {
                writer.Line($"{Support}.PackCopy({top}, {y}, {spec.Hidden}); // layer {layer.Index}: the new hidden state is the step's output");
            }
        }

        /// <summary>The top stacked layer's new hidden state, where the next layer reads it.</summary>
        public long StepOutputOffset(LayerContext layer)
        {
            RecurrentSpec spec = Spec(layer);
            return (long)(spec.NumLayers - 1) * spec.Hidden * (spec.Cell == RecurrentCellKind.Lstm ? 2 : 1);
        }

        private static RecurrentSpec Spec(LayerContext layer) => (RecurrentSpec)layer.Plan.Spec;

        private static int Steps(LayerContext layer) => layer.Plan.Input.Dimensions[0];

        private static int Features(LayerContext layer) => layer.Plan.Input.Dimensions[1];

        private static int SubInputs(LayerContext layer, int l) => l == 0 ? Features(layer) : Spec(layer).Width;

        private static int GateRows(RecurrentSpec spec) => spec.Gates * spec.Hidden;

        /// <summary>The floats per step a stacked layer saves besides its hidden state (as the runtime's <c>RecurrentKernels.Extras</c>).</summary>
        private static int Extras(RecurrentSpec spec) => spec.Cell switch
        {
            RecurrentCellKind.Gru => 4 * spec.Hidden,
            RecurrentCellKind.Lstm => 6 * spec.Hidden,
            _ => 0,
        };

        private static int PackedStride(RecurrentSpec spec) => (GateRows(spec) + 15) / 16 * 16;

        private static int SubPackedLength(LayerContext layer, int l) => (SubInputs(layer, l) + Spec(layer).Hidden + 2) * PackedStride(Spec(layer));

        /// <summary>Where direction <paramref name="d"/> of stacked layer <paramref name="l"/> starts in the packed copy.</summary>
        private static long PackedOffset(LayerContext layer, int l, int d)
        {
            long offset = layer.PackedOffset;
            for (int j = 0; j < l; j++)
            {
                offset += Spec(layer).Directions * SubPackedLength(layer, j);
            }

            return offset + ((long)d * SubPackedLength(layer, l));
        }

        /// <summary>Where direction <paramref name="d"/> of stacked layer <paramref name="l"/>'s tensors start: its <c>weight_ih_l{l}</c> (<c>_reverse</c>).</summary>
        private static int ParameterOffset(LayerContext layer, int l, int d = 0) =>
            layer.Plan.Tensors[((l * Spec(layer).Directions) + d) * (Spec(layer).Bias ? 4 : 2)].Offset;

        private static int OwnPerLayer(RecurrentSpec spec) => 1 + (Extras(spec) > 0 ? spec.Directions : 0);

        private static string States(LayerContext layer, TrainingRefs refs, int l) => refs.Own[l * OwnPerLayer(Spec(layer))];

        private static string ExtrasRef(LayerContext layer, TrainingRefs refs, int l, int d) =>
            Extras(Spec(layer)) > 0 ? refs.Own[(l * OwnPerLayer(Spec(layer))) + 1 + d] : NullRef;

        private static int ScratchBase(RecurrentSpec spec) => spec.NumLayers * OwnPerLayer(spec);

        private static string DInput(LayerContext layer, TrainingRefs refs, int d) => refs.Own[ScratchBase(Spec(layer)) + d];

        private static string DRecurrent(LayerContext layer, TrainingRefs refs) => refs.Own[ScratchBase(Spec(layer)) + Spec(layer).Directions];

        private static string DSequence(LayerContext layer, TrainingRefs refs) => refs.Own[ScratchBase(Spec(layer)) + Spec(layer).Directions + 1];

        /// <summary>Where the dropout blocks start among the own values: after the scratch blocks.</summary>
        private static int DropoutBase(RecurrentSpec spec) => ScratchBase(spec) + spec.Directions + 1 + (spec.NumLayers > 1 ? 1 : 0);

        /// <summary>Stacked layer <paramref name="l"/>'s output sequence after the dropout between layers.</summary>
        private static string Dropped(LayerContext layer, TrainingRefs refs, int l) => refs.Own[DropoutBase(Spec(layer)) + l];

        /// <summary>The recurrent-dropout mask of stacked layer <paramref name="l"/>, direction <paramref name="d"/>: <c>[count, H]</c>.</summary>
        private static string Mask(LayerContext layer, TrainingRefs refs, int l, int d)
        {
            RecurrentSpec spec = Spec(layer);
            int between = spec.DropsBetweenLayers ? spec.NumLayers - 1 : 0;
            return refs.Own[DropoutBase(spec) + between + (l * spec.Directions) + d];
        }

        /// <summary>The kernels' trailing mask argument: none without recurrent dropout.</summary>
        private static string MaskArgument(LayerContext layer, TrainingRefs refs, int l, int d)
        {
            RecurrentSpec spec = Spec(layer);
            if (spec.RecurrentDropout <= 0f)
            {
                return string.Empty;
            }

            return (spec.Bidirectional ? string.Empty : $", {spec.Hidden}, false") + $", {Mask(layer, refs, l, d)}";
        }

        /// <summary>What stacked layer <paramref name="l"/> reads: the network's input, the layer below's states, or those after dropout.</summary>
        private static string LayerInput(LayerContext layer, TrainingRefs refs, int l) =>
            l == 0 ? refs.Input : Spec(layer).DropsBetweenLayers ? Dropped(layer, refs, l - 1) : States(layer, refs, l - 1);

        /// <summary>
        /// The dropout key (the <c>layer</c> argument of <c>DropoutKernels</c>) of the dropout after stacked layer
        /// <paramref name="l"/>: <c>(index + 1) * 1024 + l</c>, apart from the network's layer indices, which key [Dropout] layers.
        /// </summary>
        public static int DropoutKey(LayerContext layer, int l) => ((layer.Index + 1) * 1024) + l;

        /// <summary>The key of the recurrent-dropout mask of stacked layer <paramref name="l"/>, direction <paramref name="d"/>: <c>(index + 1) * 1024 + 512 + 2 l + d</c>.</summary>
        public static int RecurrentDropoutKey(LayerContext layer, int l, int d) => ((layer.Index + 1) * 1024) + 512 + (2 * l) + d;

        /// <summary>
        /// The kernels' trailing arguments for stacked layer <paramref name="l"/>, direction <paramref name="d"/>: the direction
        /// (<see cref="Direction"/>), the carried initial state (<see cref="Initial"/>), the recurrent-dropout mask
        /// (<see cref="MaskArgument"/>); with a mask and lengths or a carried state together, the kernels' full form.
        /// </summary>
        private static string Tail(LayerContext layer, TrainingRefs refs, int l, int d)
        {
            RecurrentSpec spec = Spec(layer);
            bool carried = layer.StateOffset >= 0;
            if (spec.RecurrentDropout <= 0f)
            {
                return Direction(layer, d) + Initial(layer, l);
            }

            if (!Variable(layer) && !carried)
            {
                return Direction(layer, d) + MaskArgument(layer, refs, l, d);
            }

            string initial = carried ? Initial(layer, l) : $", ref {Vec.Unsafe}.NullRef<float>(), 0";
            string lengths = Variable(layer) ? Lengths : $"ref {Vec.Unsafe}.NullRef<int>()";
            return $", {spec.Width}, {Bool(d == 1)}, {lengths}{initial}, {Mask(layer, refs, l, d)}";
        }

        /// <summary>
        /// The kernels' trailing arguments for a direction: none for a one-directional layer, else the state stride and whether
        /// reversed; in a variable-length network, always both and then the lengths.
        /// </summary>
        private static string Direction(LayerContext layer, int d) =>
            Variable(layer) ? $", {Spec(layer).Width}, {Bool(d == 1)}, {Lengths}"
            : Spec(layer).Bidirectional ? $", {Spec(layer).Width}, {Bool(d == 1)}" : string.Empty;

        /// <summary>
        /// In a variable-length network (<c>[Input(..., VariableLength = true)]</c>) every generated pass has a <c>ref int</c>
        /// local <c>lengths</c>: the first length of the samples it computes, or a null reference when all are full.
        /// </summary>
        private const string Lengths = "ref lengths";

        private static bool Variable(LayerContext layer) => layer.Network.VariableLength;

        private static string Cell(RecurrentSpec spec) => $"global::Compiled.Kernels.RecurrentCell.{spec.Cell}";

        private static string Bool(bool value) => value ? "true" : "false";

        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: {Spec(layer).KindName} {Steps(layer).ToString(CultureInfo.InvariantCulture)} steps x {Features(layer).ToString(CultureInfo.InvariantCulture)} -> hidden {Spec(layer).Hidden.ToString(CultureInfo.InvariantCulture)}" +
            (Spec(layer).NumLayers > 1 ? $", {Spec(layer).NumLayers.ToString(CultureInfo.InvariantCulture)} stacked layers" : string.Empty) +
            (Spec(layer).Bidirectional ? ", bidirectional" : string.Empty) +
            (Spec(layer).ReturnSequences ? ", every step" : ", last step");

        private static string Describe(LayerContext layer, int l, int d = 0) =>
            $" // layer {layer.Index}: {Spec(layer).KindName}, stacked layer {l.ToString(CultureInfo.InvariantCulture)}{(d == 1 ? " reverse" : string.Empty)} ({SubInputs(layer, l).ToString(CultureInfo.InvariantCulture)} -> {Spec(layer).Hidden.ToString(CultureInfo.InvariantCulture)})";
    }
}
