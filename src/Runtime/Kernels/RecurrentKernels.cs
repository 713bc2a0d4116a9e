using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    /// <summary>The cell of a recurrent layer, as the generated code passes it to <see cref="RecurrentKernels"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public enum RecurrentCell
    {
        /// <summary><c>nn.RNN</c> with <c>tanh</c>: one gate.</summary>
        RnnTanh = 0,

        /// <summary><c>nn.RNN</c> with <c>relu</c>: one gate.</summary>
        RnnReLU = 1,

        /// <summary><c>nn.GRU</c>: gates r, z, n.</summary>
        Gru = 2,

        /// <summary><c>nn.LSTM</c>: gates i, f, g, o.</summary>
        Lstm = 3,
    }

    /// <summary>
    /// The kernels of the recurrent layers (<c>[SimpleRNN]</c>, <c>[GRU]</c>, <c>[LSTM]</c>), called by generated code with
    /// constant arguments; not meant to be called directly.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Layouts (row-major floats). A sequence of <c>count</c> samples is <c>[count, steps, features]</c>, read as
    /// <c>count * steps</c> rows. One stacked layer <c>l</c> of PyTorch's parameters is <c>weight_ih [G H, in]</c>,
    /// <c>weight_hh [G H, H]</c>, then (with biases) <c>bias_ih [G H]</c>, <c>bias_hh [G H]</c>, with <c>G</c> gates in
    /// PyTorch's order (GRU r, z, n; LSTM i, f, g, o). Its packed form (<see cref="Pack"/>) is <c>weight_ih</c> transposed
    /// <c>[in, P]</c>, the input bias <c>[P]</c>, <c>weight_hh</c> transposed <c>[H, P]</c>, the recurrent bias <c>[P]</c>,
    /// <c>P</c> being <c>G H</c> rounded up to 16: the input bias is <c>bias_ih + bias_hh</c> except for GRU's n gate,
    /// whose <c>bias_hh</c> part stays in the recurrent bias (zero elsewhere), because PyTorch multiplies it by <c>r</c>.
    /// </para>
    /// <para>
    /// Forward: the input part of the gates of every step of every sample is one batched product (the tuned
    /// <see cref="DenseKernels.ForwardBatch{TAct}"/> over <c>count * steps</c> rows); the recurrent part is one
    /// matrix-vector product per step (<see cref="DenseKernels.Forward{TAct}"/>), then the cell's element-wise update.
    /// Training saves, per stacked layer, the hidden state of every step <c>[count, steps, H]</c> and the cell's values
    /// <c>[count, steps, E]</c> (GRU: r, z, n and <c>W_hn h + b_hn</c>, <c>E = 4H</c>; LSTM: i, f, g, o, c and tanh(c),
    /// <c>E = 6H</c>; RNN: none). Backward through time per sample gives the gradients with respect to the gate
    /// pre-activations, <c>[count * steps, G H]</c> for the input part and for the recurrent part; the weight gradients
    /// and the input gradient are then batched products (<see cref="DenseKernels.BackwardWithInputGradient"/>).
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class RecurrentKernels
    {
        [ThreadStatic]
        private static float[]? t_scratch;

        /// <summary>The batched layer's own scratch (the recurrent gates and cell states of every sample).</summary>
        [ThreadStatic]
        private static float[]? t_batchWork;

        /// <summary>The gates of a cell: 1, 3 or 4.</summary>
        public static int Gates(RecurrentCell cell) => cell switch
        {
            RecurrentCell.Gru => 3,
            RecurrentCell.Lstm => 4,
            _ => 1,
        };

        /// <summary>The floats per step a training pass saves besides the hidden state.</summary>
        public static int Extras(RecurrentCell cell, int hidden) => cell switch
        {
            RecurrentCell.Gru => 4 * hidden,
            RecurrentCell.Lstm => 6 * hidden,
            _ => 0,
        };

        /// <summary>The row length of the packed transposed weights: <c>G H</c> rounded up to 16.</summary>
        public static int PackedStride(RecurrentCell cell, int hidden) => ((Gates(cell) * hidden) + 15) / 16 * 16;

        /// <summary>The floats of one stacked layer's packed form.</summary>
        public static int PackedLength(RecurrentCell cell, int inputs, int hidden) => (inputs + hidden + 2) * PackedStride(cell, hidden);

        /// <summary>
        /// Packs one stacked layer from its PyTorch parameters (see the class remarks; padding written as zeros).
        /// </summary>
        /// <param name="parameters">The layer's <c>weight_ih</c>, followed by <c>weight_hh</c> and, with <paramref name="bias"/>, the two biases.</param>
        /// <param name="packed">Receives <see cref="PackedLength"/> floats.</param>
        /// <param name="inputs">The inputs per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="bias">Whether the layer has biases.</param>
        public static void Pack(ref float parameters, ref float packed, int inputs, int hidden, RecurrentCell cell, bool bias)
        {
            int rows = Gates(cell) * hidden;
            int stride = PackedStride(cell, hidden);
            MemoryMarshal.CreateSpan(ref packed, PackedLength(cell, inputs, hidden)).Clear();
            ref float wih = ref parameters;
            ref float whh = ref Unsafe.Add(ref parameters, rows * inputs);
            ref float packedIh = ref packed;
            ref float inputBias = ref Unsafe.Add(ref packed, inputs * stride);
            ref float packedHh = ref Unsafe.Add(ref inputBias, stride);
            ref float recurrentBias = ref Unsafe.Add(ref packedHh, hidden * stride);
            for (int r = 0; r < rows; r++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    Unsafe.Add(ref packedIh, (i * stride) + r) = Unsafe.Add(ref wih, (r * inputs) + i);
                }

                for (int i = 0; i < hidden; i++)
                {
                    Unsafe.Add(ref packedHh, (i * stride) + r) = Unsafe.Add(ref whh, (r * hidden) + i);
                }
            }

            if (!bias)
            {
                return;
            }

            ref float bih = ref Unsafe.Add(ref whh, rows * hidden);
            ref float bhh = ref Unsafe.Add(ref bih, rows);
            for (int r = 0; r < rows; r++)
            {
                if (cell == RecurrentCell.Gru && r >= 2 * hidden)
                {
                    Unsafe.Add(ref inputBias, r) = Unsafe.Add(ref bih, r);
                    Unsafe.Add(ref recurrentBias, r) = Unsafe.Add(ref bhh, r);
                }
                else
                {
                    Unsafe.Add(ref inputBias, r) = Unsafe.Add(ref bih, r) + Unsafe.Add(ref bhh, r);
                }
            }
        }

        /// <summary>
        /// Inference over <paramref name="count"/> sequences through all <paramref name="layers"/> stacked layers: the top
        /// layer's hidden state of every step (<paramref name="returnSequences"/>, <c>[count, steps, D H]</c>) or of the last
        /// step (<c>[count, D H]</c>) into <paramref name="y"/>, <c>D</c> being 2 for a bidirectional layer (each step's
        /// forward then reverse hidden state, as PyTorch's output). Scratch is a buffer per thread, allocated on first use.
        /// </summary>
        /// <param name="packed">The packed layers, one after another (for a bidirectional layer, forward then reverse).</param>
        /// <param name="x">The inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="y">Receives the outputs.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="layers">The stacked layers.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="returnSequences">Whether every step is returned.</param>
        /// <param name="bidirectional">Whether each stacked layer also runs from the last step to the first.</param>
        public static void Forward(ref float packed, ref float x, ref float y, int count, int steps, int inputs, int hidden, int layers, RecurrentCell cell, bool returnSequences, bool bidirectional = false) =>
            Forward(ref packed, ref x, ref y, count, steps, inputs, hidden, layers, cell, returnSequences, bidirectional, ref Unsafe.NullRef<int>());

        /// <summary>
        /// <see cref="Forward(ref float, ref float, ref float, int, int, int, int, int, RecurrentCell, bool, bool)"/> over
        /// sequences of their own lengths (PyTorch's packed sequences): sequence <c>s</c> has <c>lengths[s]</c> steps (1 to
        /// <paramref name="steps"/>, not checked here), its padding steps are ignored, the reverse direction starts at its own
        /// last step, the last-step output is the hidden state at step <c>lengths[s] - 1</c>, and the returned sequence is
        /// zero beyond the length (as <c>pad_packed_sequence</c>). A null <paramref name="lengths"/> means every sequence is full.
        /// </summary>
        /// <param name="packed">The packed layers, one after another (for a bidirectional layer, forward then reverse).</param>
        /// <param name="x">The inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="y">Receives the outputs.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence (the longest allowed; the padded length).</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="layers">The stacked layers.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="returnSequences">Whether every step is returned.</param>
        /// <param name="bidirectional">Whether each stacked layer also runs from the last step to the first.</param>
        /// <param name="lengths">The first of <paramref name="count"/> lengths, or a null reference.</param>
        public static void Forward(ref float packed, ref float x, ref float y, int count, int steps, int inputs, int hidden, int layers, RecurrentCell cell, bool returnSequences, bool bidirectional, ref int lengths)
        {
            int directions = bidirectional ? 2 : 1;
            int width = directions * hidden;
            int gates = Gates(cell) * hidden;
            int rows = count * steps;
            int sequence = rows * width;
            int length = (rows * gates) + (2 * sequence) + WorkLength(cell, hidden);
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            ref float gx = ref MemoryMarshal.GetArrayDataReference(scratch);
            ref float sequenceA = ref Unsafe.Add(ref gx, rows * gates);
            ref float sequenceB = ref Unsafe.Add(ref sequenceA, sequence);
            ref float work = ref Unsafe.Add(ref sequenceB, sequence);
            ref float layerInput = ref x;
            int layerInputs = inputs;
            ref float layerPacked = ref packed;
            for (int l = 0; l < layers; l++)
            {
                bool top = l == layers - 1;
                ref float states = ref (top && returnSequences ? ref y : ref ((l & 1) == 0 ? ref sequenceA : ref sequenceB));
                for (int d = 0; d < directions; d++)
                {
                    Layer(ref layerPacked, ref layerInput, ref Unsafe.Add(ref states, d * hidden), width, d == 1, ref Unsafe.NullRef<float>(), ref gx, ref work, count, steps, layerInputs, hidden, cell, ref lengths, ref Unsafe.NullRef<float>(), 0, ref Unsafe.NullRef<float>());
                    layerPacked = ref Unsafe.Add(ref layerPacked, PackedLength(cell, layerInputs, hidden));
                }

                if (top && !returnSequences)
                {
                    LastStep(ref states, ref y, count, steps, width, ref lengths);
                }

                layerInput = ref states;
                layerInputs = width;
            }
        }

        /// <summary>
        /// The training forward pass of one stacked layer over <paramref name="count"/> sequences: fills
        /// <paramref name="states"/> (<c>[count, steps, H]</c>) and <paramref name="extras"/> (<c>[count, steps, E]</c>, see the
        /// class remarks; unused for RNN cells); <paramref name="gates"/> is scratch of <c>[count * steps, G H]</c>.
        /// </summary>
        /// <param name="packed">The layer's packed form.</param>
        /// <param name="x">The layer's inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="states">Receives the hidden states.</param>
        /// <param name="extras">Receives the cell's values.</param>
        /// <param name="gates">Scratch for the input part of the gates.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="stateStride">The distance between steps of <paramref name="states"/>: <c>H</c>, or <c>2 H</c> for a bidirectional layer (whose reverse direction's states start <c>H</c> floats in).</param>
        /// <param name="reverse">Whether this is the reverse direction (from the last step to the first).</param>
        public static void TrainForward(ref float packed, ref float x, ref float states, ref float extras, ref float gates, int count, int steps, int inputs, int hidden, RecurrentCell cell, int stateStride = 0, bool reverse = false) =>
            TrainForward(ref packed, ref x, ref states, ref extras, ref gates, count, steps, inputs, hidden, cell, stateStride, reverse, ref Unsafe.NullRef<int>());

        /// <summary>
        /// <see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, int, RecurrentCell, int, bool)"/>
        /// over sequences of their own lengths (see <see cref="Forward(ref float, ref float, ref float, int, int, int, int, int, RecurrentCell, bool, bool, ref int)"/>):
        /// the hidden states beyond a sequence's length are written as zeros, its cell values there are left as they were.
        /// </summary>
        /// <param name="packed">The layer's packed form.</param>
        /// <param name="x">The layer's inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="states">Receives the hidden states.</param>
        /// <param name="extras">Receives the cell's values.</param>
        /// <param name="gates">Scratch for the input part of the gates.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The padded steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="stateStride">The distance between steps of <paramref name="states"/> (0 means <c>H</c>).</param>
        /// <param name="reverse">Whether this is the reverse direction (from each sequence's last step to its first).</param>
        /// <param name="lengths">The first of <paramref name="count"/> lengths, or a null reference (every sequence full).</param>
        public static void TrainForward(ref float packed, ref float x, ref float states, ref float extras, ref float gates, int count, int steps, int inputs, int hidden, RecurrentCell cell, int stateStride, bool reverse, ref int lengths)
        {
            int length = WorkLength(cell, hidden);
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            Layer(ref packed, ref x, ref states, stateStride == 0 ? hidden : stateStride, reverse, ref extras, ref gates, ref MemoryMarshal.GetArrayDataReference(scratch), count, steps, inputs, hidden, cell, ref lengths, ref Unsafe.NullRef<float>(), 0, ref Unsafe.NullRef<float>());
        }

        /// <summary>
        /// The training forward pass of one stacked layer (one direction) from a given initial state per sequence, for
        /// truncated backpropagation through time: sequence <c>s</c> starts from <c>h0</c> at
        /// <c>initial + s * initialStride</c> (for LSTM <c>c0</c> right after it) instead of zero. See
        /// <see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, int, RecurrentCell, int, bool)"/>.
        /// </summary>
        /// <param name="packed">The layer's packed form.</param>
        /// <param name="x">The layer's inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="states">Receives the hidden states, <c>[count, steps, H]</c>.</param>
        /// <param name="extras">Receives the cell's values.</param>
        /// <param name="gates">Scratch for the input part of the gates.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="initial">The first sequence's initial state: <c>h0</c>, then for LSTM <c>c0</c>.</param>
        /// <param name="initialStride">The floats from one sequence's initial state to the next one's.</param>
        public static void TrainForward(ref float packed, ref float x, ref float states, ref float extras, ref float gates, int count, int steps, int inputs, int hidden, RecurrentCell cell, ref float initial, int initialStride)
        {
            int length = WorkLength(cell, hidden);
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            Layer(ref packed, ref x, ref states, hidden, false, ref extras, ref gates, ref MemoryMarshal.GetArrayDataReference(scratch), count, steps, inputs, hidden, cell, ref Unsafe.NullRef<int>(), ref initial, initialStride, ref Unsafe.NullRef<float>());
        }

        /// <summary>
        /// <see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, int, RecurrentCell, int, bool)"/>
        /// with recurrent dropout: the recurrent product of every step reads <c>mask * h(t-1)</c> (<paramref name="mask"/>
        /// row <c>s</c> for sequence <c>s</c>, the same at every step); the cell's own use of <c>h(t-1)</c> (a GRU's
        /// <c>z * h</c>) and the saved states stay unmasked.
        /// </summary>
        /// <param name="packed">The packed form.</param>
        /// <param name="x">The inputs.</param>
        /// <param name="states">Receives the hidden states.</param>
        /// <param name="extras">Receives the cell values.</param>
        /// <param name="gates">Scratch for the input part of the gates.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="stateStride">The distance between steps of <paramref name="states"/> (0 means <c>H</c>).</param>
        /// <param name="reverse">Whether this is the reverse direction.</param>
        /// <param name="mask">The masks <c>[count, H]</c> (0 or <c>1 / (1 - p)</c>), or a null reference for none.</param>
        public static void TrainForward(ref float packed, ref float x, ref float states, ref float extras, ref float gates, int count, int steps, int inputs, int hidden, RecurrentCell cell, int stateStride, bool reverse, ref float mask) =>
            TrainForward(ref packed, ref x, ref states, ref extras, ref gates, count, steps, inputs, hidden, cell, stateStride, reverse, ref Unsafe.NullRef<int>(), ref Unsafe.NullRef<float>(), 0, ref mask);

        /// <summary>
        /// The training forward pass in its full form: sequences of their own lengths, a carried initial state and a
        /// recurrent-dropout mask, each optional (a null reference for none); the other overloads are its special cases.
        /// </summary>
        /// <param name="packed">The packed form.</param>
        /// <param name="x">The inputs.</param>
        /// <param name="states">Receives the hidden states.</param>
        /// <param name="extras">Receives the cell values.</param>
        /// <param name="gates">Scratch for the input part of the gates.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The (padded) steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="stateStride">The distance between steps of <paramref name="states"/> (0 means <c>H</c>).</param>
        /// <param name="reverse">Whether this is the reverse direction.</param>
        /// <param name="lengths">The first of <paramref name="count"/> lengths, or a null reference (every sequence full).</param>
        /// <param name="initial">The first sequence's initial state (<c>h0</c>, then for LSTM <c>c0</c>), or a null reference (zero).</param>
        /// <param name="initialStride">The floats from one sequence's initial state to the next one's.</param>
        /// <param name="mask">The recurrent-dropout masks <c>[count, H]</c>, or a null reference for none.</param>
        public static void TrainForward(ref float packed, ref float x, ref float states, ref float extras, ref float gates, int count, int steps, int inputs, int hidden, RecurrentCell cell, int stateStride, bool reverse, ref int lengths, ref float initial, int initialStride, ref float mask)
        {
            int length = WorkLength(cell, hidden);
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            Layer(ref packed, ref x, ref states, stateStride == 0 ? hidden : stateStride, reverse, ref extras, ref gates, ref MemoryMarshal.GetArrayDataReference(scratch), count, steps, inputs, hidden, cell, ref lengths, ref initial, initialStride, ref mask);
        }

        /// <summary>
        /// Writes each sequence's final state, as a streaming state holds it: the hidden state of the last step (and for LSTM
        /// the cell state after it), from what a training forward pass saved, to <c>final + s * finalStride</c>.
        /// </summary>
        /// <param name="states">The saved hidden states, <c>[count, steps, H]</c>.</param>
        /// <param name="extras">The saved cell values (LSTM: its <c>c</c> at offset <c>4 H</c> of each step's <c>6 H</c>).</param>
        /// <param name="final">Receives the first sequence's final <c>h</c> (then <c>c</c> for LSTM).</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="finalStride">The floats from one sequence's state to the next one's.</param>
        public static void FinalState(ref float states, ref float extras, ref float final, int count, int steps, int hidden, RecurrentCell cell, int finalStride)
        {
            for (int s = 0; s < count; s++)
            {
                int last = (s * steps) + steps - 1;
                ref float target = ref Unsafe.Add(ref final, s * finalStride);
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref states, last * hidden), hidden).CopyTo(MemoryMarshal.CreateSpan(ref target, hidden));
                if (cell == RecurrentCell.Lstm)
                {
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref extras, (last * Extras(cell, hidden)) + (4 * hidden)), hidden).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref target, hidden), hidden));
                }
            }
        }

        /// <summary>Copies the last step's hidden state of each sequence, <c>[count, steps, H]</c> to <c>[count, H]</c>.</summary>
        /// <param name="states">The hidden states.</param>
        /// <param name="y">Receives the last ones.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="hidden">The hidden size.</param>
        public static void LastStep(ref float states, ref float y, int count, int steps, int hidden) =>
            LastStep(ref states, ref y, count, steps, hidden, ref Unsafe.NullRef<int>());

        /// <summary>
        /// Copies each sequence's hidden state at its last real step, <c>lengths[s] - 1</c> (PyTorch's
        /// <c>output[s, lengths[s] - 1]</c> after <c>pad_packed_sequence</c>), <c>[count, steps, H]</c> to <c>[count, H]</c>.
        /// </summary>
        /// <param name="states">The hidden states.</param>
        /// <param name="y">Receives the last ones.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The padded steps per sequence.</param>
        /// <param name="hidden">The floats per step (<c>D H</c>).</param>
        /// <param name="lengths">The first of <paramref name="count"/> lengths, or a null reference (every sequence full).</param>
        public static void LastStep(ref float states, ref float y, int count, int steps, int hidden, ref int lengths)
        {
            for (int s = 0; s < count; s++)
            {
                int last = SequenceLength(ref lengths, s, steps) - 1;
                MemoryMarshal.CreateSpan(ref Unsafe.Add(ref states, ((s * steps) + last) * hidden), hidden).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref y, s * hidden), hidden));
            }
        }

        /// <summary>Sequence <paramref name="s"/>'s length: <c>lengths[s]</c>, or <paramref name="steps"/> when <paramref name="lengths"/> is a null reference.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int SequenceLength(ref int lengths, int s, int steps) => Unsafe.IsNullRef(ref lengths) ? steps : Unsafe.Add(ref lengths, s);

        /// <summary>
        /// The backward pass of one direction of one stacked layer over <paramref name="count"/> sequences (backpropagation
        /// through time from a zero initial state): adds the parameter gradients and, unless <paramref name="dx"/> is a null
        /// reference, writes the gradient with respect to the layer's inputs.
        /// </summary>
        /// <param name="parameters">The layer's PyTorch parameters (<c>weight_ih</c> first).</param>
        /// <param name="gradients">The layer's gradients, the same layout; added to.</param>
        /// <param name="x">The layer's inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="states">The saved hidden states (of this direction: see <paramref name="stateStride"/>).</param>
        /// <param name="extras">The saved cell values.</param>
        /// <param name="dh">The gradient with respect to the layer's hidden states, with the states' stride: every step, or with <paramref name="lastOnly"/> the last step only (<c>[count, stride]</c>).</param>
        /// <param name="lastOnly">Whether <paramref name="dh"/> holds only the last step.</param>
        /// <param name="dInput">Receives the gradients with respect to the input part of the gate pre-activations, <c>[count * steps, G H]</c>.</param>
        /// <param name="dRecurrent">Scratch: the gradients with respect to the recurrent part, <c>[count * steps, G H]</c>.</param>
        /// <param name="dx">Receives the input gradient <c>[count, steps, inputs]</c> (may be <paramref name="dh"/>), or a null reference.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="bias">Whether the layer has biases.</param>
        /// <param name="stateStride">The distance between steps of <paramref name="states"/> and <paramref name="dh"/>: <c>H</c> (0 means <c>H</c>), or <c>2 H</c> for a bidirectional layer.</param>
        /// <param name="reverse">Whether this is the reverse direction.</param>
        public static void Backward(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            int stateStride = 0, bool reverse = false) =>
            Backward(ref parameters, ref gradients, ref x, ref states, ref extras, ref dh, lastOnly, ref dInput, ref dRecurrent, ref dx, count, steps, inputs, hidden, cell, bias, stateStride, reverse, ref Unsafe.NullRef<int>());

        /// <summary>
        /// <see cref="Backward(ref float, ref float, ref float, ref float, ref float, ref float, bool, ref float, ref float, ref float, int, int, int, int, RecurrentCell, bool, int, bool)"/>
        /// over sequences of their own lengths: backpropagation through each sequence's real steps only (for
        /// <paramref name="lastOnly"/>, the output gradient enters at step <c>lengths[s] - 1</c>); the gate gradients of the
        /// padding steps are zero, so they add nothing to the weights and their input gradient is zero.
        /// </summary>
        /// <param name="parameters">The layer's <c>weight_ih</c>, then <c>weight_hh</c> and the biases.</param>
        /// <param name="gradients">The gradients of those, added to.</param>
        /// <param name="x">The layer's inputs, <c>[count, steps, inputs]</c>.</param>
        /// <param name="states">The hidden states the training forward pass saved.</param>
        /// <param name="extras">The cell values it saved.</param>
        /// <param name="dh">dL/d(output): every step's, or with <paramref name="lastOnly"/> the last real step's, <c>[count, H]</c>.</param>
        /// <param name="lastOnly">Whether only the last real step has an output gradient.</param>
        /// <param name="dInput">Receives the gradients with respect to the input part of the gate pre-activations.</param>
        /// <param name="dRecurrent">Scratch: the gradients with respect to the recurrent part.</param>
        /// <param name="dx">Receives the input gradient, or a null reference.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The padded steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="bias">Whether the layer has biases.</param>
        /// <param name="stateStride">The distance between steps of <paramref name="states"/> and <paramref name="dh"/> (0 means <c>H</c>).</param>
        /// <param name="reverse">Whether this is the reverse direction.</param>
        /// <param name="lengths">The first of <paramref name="count"/> lengths, or a null reference (every sequence full).</param>
        public static void Backward(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            int stateStride, bool reverse, ref int lengths) =>
            BackwardCore(ref parameters, ref gradients, ref x, ref states, ref extras, ref dh, lastOnly, ref dInput, ref dRecurrent, ref dx, count, steps, inputs, hidden, cell, bias, stateStride, reverse, ref lengths, ref Unsafe.NullRef<float>(), 0, ref Unsafe.NullRef<float>());

        /// <summary>
        /// The backward pass of one stacked layer (one direction) that started from a given initial state per sequence
        /// (truncated backpropagation through time, PyTorch's <c>h.detach()</c>): the initial state is a constant, so the
        /// gradient stops there, but its product with <c>W_hh</c> at the first step adds to <c>dL/dW_hh</c> (and LSTM's
        /// <c>c0</c> to the forget gate's gradient). See <see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, int, RecurrentCell, ref float, int)"/>.
        /// </summary>
        /// <param name="parameters">The layer's <c>weight_ih</c>, then <c>weight_hh</c> and the biases.</param>
        /// <param name="gradients">The gradients of those, added to.</param>
        /// <param name="x">The layer's inputs.</param>
        /// <param name="states">The saved hidden states.</param>
        /// <param name="extras">The saved cell values.</param>
        /// <param name="dh">dL/d(output).</param>
        /// <param name="lastOnly">Whether only the last step has an output gradient.</param>
        /// <param name="dInput">Receives the gradients with respect to the input part of the gate pre-activations.</param>
        /// <param name="dRecurrent">Scratch: the gradients with respect to the recurrent part.</param>
        /// <param name="dx">Receives the input gradient, or a null reference.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="bias">Whether the layer has biases.</param>
        /// <param name="initial">The first sequence's initial state (<c>h0</c>, then for LSTM <c>c0</c>), as the forward pass read it.</param>
        /// <param name="initialStride">The floats from one sequence's initial state to the next one's.</param>
        public static void Backward(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            ref float initial, int initialStride) =>
            BackwardCore(ref parameters, ref gradients, ref x, ref states, ref extras, ref dh, lastOnly, ref dInput, ref dRecurrent, ref dx, count, steps, inputs, hidden, cell, bias, hidden, false, ref Unsafe.NullRef<int>(), ref initial, initialStride, ref Unsafe.NullRef<float>());

        /// <summary>
        /// The backward pass with recurrent dropout (the masks the training forward pass used): <c>dL/dh(t-1)</c> gets
        /// <c>mask * (W_hh^T dA)</c> and <c>dL/dW_hh</c> sums <c>dA (mask * h(t-1))^T</c>.
        /// </summary>
        /// <param name="parameters">The layer's PyTorch parameters.</param>
        /// <param name="gradients">The layer's gradients; added to.</param>
        /// <param name="x">The layer's inputs.</param>
        /// <param name="states">The saved hidden states.</param>
        /// <param name="extras">The saved cell values.</param>
        /// <param name="dh">The gradient with respect to the hidden states.</param>
        /// <param name="lastOnly">Whether <paramref name="dh"/> holds only the last step.</param>
        /// <param name="dInput">Receives the gradients with respect to the input part of the gate pre-activations.</param>
        /// <param name="dRecurrent">Scratch: the gradients with respect to the recurrent part.</param>
        /// <param name="dx">Receives the input gradient, or a null reference.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="bias">Whether the layer has biases.</param>
        /// <param name="stateStride">The distance between steps of the states (0 means <c>H</c>).</param>
        /// <param name="reverse">Whether this is the reverse direction.</param>
        /// <param name="mask">The masks <c>[count, H]</c>, or a null reference for none.</param>
        public static void Backward(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            int stateStride, bool reverse, ref float mask) =>
            Backward(ref parameters, ref gradients, ref x, ref states, ref extras, ref dh, lastOnly, ref dInput, ref dRecurrent, ref dx, count, steps, inputs, hidden, cell, bias, stateStride, reverse, ref Unsafe.NullRef<int>(), ref Unsafe.NullRef<float>(), 0, ref mask);

        /// <summary>
        /// The backward pass in its full form: lengths, a carried initial state and a recurrent-dropout mask, each optional (a
        /// null reference for none), as the training forward pass used them.
        /// </summary>
        /// <param name="parameters">The layer's PyTorch parameters.</param>
        /// <param name="gradients">The layer's gradients; added to.</param>
        /// <param name="x">The layer's inputs.</param>
        /// <param name="states">The saved hidden states.</param>
        /// <param name="extras">The saved cell values.</param>
        /// <param name="dh">The gradient with respect to the hidden states.</param>
        /// <param name="lastOnly">Whether <paramref name="dh"/> holds only the last (real) step.</param>
        /// <param name="dInput">Receives the gradients with respect to the input part of the gate pre-activations.</param>
        /// <param name="dRecurrent">Scratch: the gradients with respect to the recurrent part.</param>
        /// <param name="dx">Receives the input gradient, or a null reference.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The (padded) steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="hidden">The hidden size.</param>
        /// <param name="cell">The cell.</param>
        /// <param name="bias">Whether the layer has biases.</param>
        /// <param name="stateStride">The distance between steps of the states (0 means <c>H</c>).</param>
        /// <param name="reverse">Whether this is the reverse direction.</param>
        /// <param name="lengths">The first of <paramref name="count"/> lengths, or a null reference.</param>
        /// <param name="initial">The first sequence's initial state, or a null reference.</param>
        /// <param name="initialStride">The floats from one sequence's initial state to the next one's.</param>
        /// <param name="mask">The masks <c>[count, H]</c>, or a null reference for none.</param>
        public static void Backward(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            int stateStride, bool reverse, ref int lengths, ref float initial, int initialStride, ref float mask) =>
            BackwardCore(ref parameters, ref gradients, ref x, ref states, ref extras, ref dh, lastOnly, ref dInput, ref dRecurrent, ref dx, count, steps, inputs, hidden, cell, bias, stateStride, reverse, ref lengths, ref initial, initialStride, ref mask);

        private static void BackwardCore(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            int stateStride, bool reverse, ref int lengths, ref float initial, int initialStride, ref float mask)
        {
            if (count > 1 && AllFull(ref lengths, count, steps) && Unsafe.IsNullRef(ref initial) && Unsafe.IsNullRef(ref mask))
            {
                BackwardBatched(ref parameters, ref gradients, ref x, ref states, ref extras, ref dh, lastOnly, ref dInput, ref dRecurrent, ref dx, count, steps, inputs, hidden, cell, bias, stateStride, reverse);
                return;
            }

            bool masked = !Unsafe.IsNullRef(ref mask);
            int stride = stateStride == 0 ? hidden : stateStride;
            int gates = Gates(cell) * hidden;
            int extrasPerStep = Extras(cell, hidden);
            int length = (5 * hidden) + (2 * gates) + (steps * hidden);
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            ref float work = ref MemoryMarshal.GetArrayDataReference(scratch);
            ref float dhNext = ref work;
            ref float dcNext = ref Unsafe.Add(ref work, hidden);
            ref float zeros = ref Unsafe.Add(ref work, 3 * hidden);
            ref float junkBias = ref Unsafe.Add(ref work, 4 * hidden);
            ref float previousStates = ref Unsafe.Add(ref junkBias, 2 * gates);
            ref float recurrentPart = ref Unsafe.Add(ref previousStates, steps * hidden); // W_hh^T dA before the mask
            MemoryMarshal.CreateSpan(ref zeros, hidden).Clear();
            ref float wih = ref parameters;
            ref float whh = ref Unsafe.Add(ref parameters, gates * inputs);
            ref float gWih = ref gradients;
            ref float gWhh = ref Unsafe.Add(ref gradients, gates * inputs);
            ref float gBih = ref bias ? ref Unsafe.Add(ref gWhh, gates * hidden) : ref junkBias;
            ref float gBhh = ref bias ? ref Unsafe.Add(ref gWhh, (gates * hidden) + gates) : ref Unsafe.Add(ref junkBias, gates);
            bool carried = !Unsafe.IsNullRef(ref initial);
            for (int s = 0; s < count; s++)
            {
                MemoryMarshal.CreateSpan(ref dhNext, 2 * hidden).Clear();
                int sequenceSteps = SequenceLength(ref lengths, s, steps);
                ref float h0 = ref carried ? ref Unsafe.Add(ref initial, s * initialStride) : ref zeros;
                ref float c0 = ref carried && cell == RecurrentCell.Lstm ? ref Unsafe.Add(ref h0, hidden) : ref zeros;
                if (sequenceSteps < steps)
                {
                    // Padding steps: no gate gradients, so the batched products below add nothing for them.
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dInput, ((s * steps) + sequenceSteps) * gates), (steps - sequenceSteps) * gates).Clear();
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dRecurrent, ((s * steps) + sequenceSteps) * gates), (steps - sequenceSteps) * gates).Clear();
                }

                for (int k = sequenceSteps - 1; k >= 0; k--)
                {
                    int t = reverse ? sequenceSteps - 1 - k : k;
                    int row = (s * steps) + t;
                    int previous = reverse ? row + 1 : row - 1;
                    ref float dhRow = ref lastOnly ? ref Unsafe.Add(ref dh, s * stride) : ref Unsafe.Add(ref dh, row * stride);
                    bool hasOutputGradient = !lastOnly || t == sequenceSteps - 1;

                    ref float hPrev = ref k > 0 ? ref Unsafe.Add(ref states, previous * stride) : ref h0;
                    ref float extrasRow = ref Unsafe.Add(ref extras, row * extrasPerStep);
                    ref float cPrev = ref k > 0 ? ref Unsafe.Add(ref extras, (previous * extrasPerStep) + (4 * hidden)) : ref c0;
                    CellBackwardSplit(ref dhNext, ref hasOutputGradient ? ref dhRow : ref zeros, ref dcNext, ref Unsafe.Add(ref states, row * stride), ref hPrev, ref cPrev, ref extrasRow,
                        ref Unsafe.Add(ref dInput, row * gates), ref Unsafe.Add(ref dRecurrent, row * gates), hidden, cell);
                    if (k > 0 && masked)
                    {
                        // Recurrent dropout: dL/dh(previous) += mask * (W_hh^T dA).
                        MemoryMarshal.CreateSpan(ref recurrentPart, hidden).Clear();
                        AddTransposedProduct(ref whh, ref Unsafe.Add(ref dRecurrent, row * gates), ref recurrentPart, gates, hidden);
                        ref float m = ref Unsafe.Add(ref mask, s * hidden);
                        for (int j = 0; j < hidden; j++)
                        {
                            Unsafe.Add(ref dhNext, j) += Unsafe.Add(ref m, j) * Unsafe.Add(ref recurrentPart, j);
                        }
                    }
                    else if (k > 0)
                    {
                        // dL/dh(previous) += W_hh^T dA: the recurrent part, row by row of W_hh.
                        AddTransposedProduct(ref whh, ref Unsafe.Add(ref dRecurrent, row * gates), ref dhNext, gates, hidden);
                    }
                }

                // dL/dW_hh += dA(t)^T h(previous) over the steps that have a previous one (h(-1) = 0); the bias gradients
                // are summed below. The previous states, in processing order, contiguous for the batched product.
                if (carried)
                {
                    // From a carried state h(-1) = h0: every step has a previous one (forward direction only).
                    MemoryMarshal.CreateSpan(ref h0, hidden).CopyTo(MemoryMarshal.CreateSpan(ref previousStates, hidden));
                    for (int t = 0; t < sequenceSteps - 1; t++)
                    {
                        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref states, ((s * steps) + t) * stride), hidden).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref previousStates, (t + 1) * hidden), hidden));
                    }

                    for (int j = 0; masked && j < sequenceSteps * hidden; j++)
                    {
                        Unsafe.Add(ref previousStates, j) *= Unsafe.Add(ref mask, (s * hidden) + (j % hidden)); // what the recurrent product read
                    }

                    DenseKernels.Backward(ref gWhh, ref junkBias, ref previousStates, ref Unsafe.Add(ref dRecurrent, s * steps * gates), gates, hidden, gates, sequenceSteps);
                }
                else if (sequenceSteps > 1)
                {
                    for (int k = 0; k < sequenceSteps - 1; k++)
                    {
                        int t = reverse ? sequenceSteps - 1 - k : k;
                        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref states, ((s * steps) + t) * stride), hidden).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref previousStates, k * hidden), hidden));
                        for (int j = 0; masked && j < hidden; j++)
                        {
                            Unsafe.Add(ref previousStates, (k * hidden) + j) *= Unsafe.Add(ref mask, (s * hidden) + j); // what the recurrent product read
                        }
                    }

                    if (!reverse)
                    {
                        DenseKernels.Backward(ref gWhh, ref junkBias, ref previousStates, ref Unsafe.Add(ref dRecurrent, ((s * steps) + 1) * gates), gates, hidden, gates, sequenceSteps - 1);
                    }
                    else
                    {
                        // Processing order k = 1.. is time step T-1-k: dA rows T-2 down to 0, one row at a time.
                        for (int k = 1; k < sequenceSteps; k++)
                        {
                            int t = sequenceSteps - 1 - k;
                            DenseKernels.Backward(ref gWhh, ref junkBias, ref Unsafe.Add(ref previousStates, (k - 1) * hidden), ref Unsafe.Add(ref dRecurrent, ((s * steps) + t) * gates), gates, hidden, gates, 1);
                        }
                    }
                }
            }

            // dL/db_hh = the sum of dA over every step; then dL/dW_ih, dL/db_ih and dL/dx as batched products over count * steps rows.
            for (int row = 0; row < count * steps; row++)
            {
                ref float dz = ref Unsafe.Add(ref dRecurrent, row * gates);
                for (int i = 0; i < gates; i++)
                {
                    Unsafe.Add(ref gBhh, i) += Unsafe.Add(ref dz, i);
                }
            }

            if (Unsafe.IsNullRef(ref dx))
            {
                WeightGradient(ref gWih, ref gBih, ref x, ref dInput, gates, inputs, count * steps);
            }
            else
            {
                DenseKernels.BackwardWithInputGradient(ref wih, ref gWih, ref gBih, ref x, ref dInput, gates, ref dx, inputs, gates, count * steps);
            }
        }

        /// <summary>
        /// The gradient with respect to the inputs of a stacked layer from the gradients with respect to the input part of
        /// its gate pre-activations that <c>Backward</c> left: <c>dx = dA W_ih</c> over <c>count * steps</c> rows.
        /// </summary>
        /// <param name="weightIh">The layer's <c>weight_ih</c>, <c>[G H, inputs]</c>.</param>
        /// <param name="dInput">The gradients with respect to the input part of the gate pre-activations.</param>
        /// <param name="dx">Receives the input gradient, <c>[count, steps, inputs]</c>.</param>
        /// <param name="count">The sequences.</param>
        /// <param name="steps">The steps per sequence.</param>
        /// <param name="inputs">The features per step.</param>
        /// <param name="gates">The gate rows, <c>G H</c>.</param>
        /// <param name="accumulate">Whether to add to <paramref name="dx"/> (a bidirectional layer's second direction) rather than overwrite it.</param>
        public static void InputGradient(ref float weightIh, ref float dInput, ref float dx, int count, int steps, int inputs, int gates, bool accumulate = false)
        {
            for (int row = 0; row < count * steps; row++)
            {
                ref float dxRow = ref Unsafe.Add(ref dx, row * inputs);
                if (!accumulate)
                {
                    MemoryMarshal.CreateSpan(ref dxRow, inputs).Clear();
                }

                AddTransposedProduct(ref weightIh, ref Unsafe.Add(ref dInput, row * gates), ref dxRow, gates, inputs);
            }
        }

        // ------------------------------------------------------------------ one stacked layer

        private static int WorkLength(RecurrentCell cell, int hidden) => PackedStride(cell, hidden) + (3 * hidden);

        /// <summary>
        /// One direction of one stacked layer over <paramref name="count"/> sequences; <paramref name="extras"/> may be a null
        /// reference (inference). Hidden states go to <paramref name="states"/> with <paramref name="stride"/> between steps.
        /// </summary>
        private static void Layer(ref float packed, ref float x, ref float states, int stride, bool reverse, ref float extras, ref float gx, ref float work, int count, int steps, int inputs, int hidden, RecurrentCell cell, ref int lengths, ref float initial, int initialStride, ref float mask)
        {
            if (count > 1 && AllFull(ref lengths, count, steps) && Unsafe.IsNullRef(ref initial) && Unsafe.IsNullRef(ref mask))
            {
                // Full-length sequences from a zero state without a mask: step by step over the whole batch.
                int batchLength = BatchedWorkLength(cell, hidden, count);
                float[] batchWork = t_batchWork is { } current && current.Length >= batchLength ? current : (t_batchWork = new float[batchLength]);
                LayerBatched(ref packed, ref x, ref states, stride, reverse, ref extras, ref gx, ref MemoryMarshal.GetArrayDataReference(batchWork), count, steps, inputs, hidden, cell);
                return;
            }

            bool masked = !Unsafe.IsNullRef(ref mask);
            int packedStride = PackedStride(cell, hidden);
            int gates = Gates(cell) * hidden;
            int extrasPerStep = Extras(cell, hidden);
            bool save = !Unsafe.IsNullRef(ref extras);
            ref float inputBias = ref Unsafe.Add(ref packed, inputs * packedStride);
            ref float packedHh = ref Unsafe.Add(ref inputBias, packedStride);
            ref float recurrentBias = ref Unsafe.Add(ref packedHh, hidden * packedStride);
            ref float gh = ref work;
            ref float zeros = ref Unsafe.Add(ref work, packedStride);
            ref float c = ref Unsafe.Add(ref zeros, hidden);
            ref float hMasked = ref Unsafe.Add(ref c, hidden);
            MemoryMarshal.CreateSpan(ref zeros, hidden).Clear();

            // The input part of the gates of every step of every sample: one batched product, W_ih x + the input bias.
            DenseKernels.ForwardBatch(ref packed, ref inputBias, packedStride, ref x, inputs, ref gx, gates, inputs, gates, count * steps, default(Identity));
            bool carried = !Unsafe.IsNullRef(ref initial);
            for (int s = 0; s < count; s++)
            {
                // The initial state: zero, or (truncated backpropagation through time) the one the previous window left.
                ref float h0 = ref carried ? ref Unsafe.Add(ref initial, s * initialStride) : ref zeros;
                if (carried && cell == RecurrentCell.Lstm)
                {
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref h0, hidden), hidden).CopyTo(MemoryMarshal.CreateSpan(ref c, hidden));
                }
                else
                {
                    MemoryMarshal.CreateSpan(ref c, hidden).Clear();
                }

                int sequenceSteps = SequenceLength(ref lengths, s, steps);
                for (int t = sequenceSteps; t < steps; t++)
                {
                    // Padding steps: zero hidden states, as pad_packed_sequence gives.
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref states, ((s * steps) + t) * stride), hidden).Clear();
                }

                for (int k = 0; k < sequenceSteps; k++)
                {
                    int t = reverse ? sequenceSteps - 1 - k : k;
                    int row = (s * steps) + t;
                    int previous = reverse ? row + 1 : row - 1;
                    ref float hPrev = ref k > 0 ? ref Unsafe.Add(ref states, previous * stride) : ref h0;
                    if ((k > 0 || carried) && masked)
                    {
                        // Recurrent dropout: the product reads mask * h(t-1); the cell below still reads h(t-1) itself.
                        ref float m = ref Unsafe.Add(ref mask, s * hidden);
                        for (int j = 0; j < hidden; j++)
                        {
                            Unsafe.Add(ref hMasked, j) = Unsafe.Add(ref m, j) * Unsafe.Add(ref hPrev, j);
                        }

                        DenseKernels.Forward(ref packedHh, ref recurrentBias, packedStride, ref hMasked, ref gh, hidden, gates, default(Identity));
                    }
                    else if (k > 0 || carried)
                    {
                        DenseKernels.Forward(ref packedHh, ref recurrentBias, packedStride, ref hPrev, ref gh, hidden, gates, default(Identity));
                    }
                    else
                    {
                        MemoryMarshal.CreateSpan(ref recurrentBias, gates).CopyTo(MemoryMarshal.CreateSpan(ref gh, gates)); // h(-1) = 0
                    }

                    ref float extrasRow = ref save ? ref Unsafe.Add(ref extras, row * extrasPerStep) : ref Unsafe.NullRef<float>();
                    CellForward(ref Unsafe.Add(ref gx, row * gates), ref gh, ref hPrev, ref c, ref Unsafe.Add(ref states, row * stride), ref c, ref extrasRow, hidden, cell);
                }
            }
        }

        /// <summary>
        /// The backward pass of full-length sequences without a carried state or mask, step by step over the whole batch: the
        /// recurrent part of dL/dh(previous) of every sample is one batched product when the rows of W_hh are whole 16-float
        /// vectors, and dL/dW_hh one product over every step of every sample.
        /// </summary>
        private static void BackwardBatched(
            ref float parameters, ref float gradients, ref float x, ref float states, ref float extras, ref float dh, bool lastOnly,
            ref float dInput, ref float dRecurrent, ref float dx, int count, int steps, int inputs, int hidden, RecurrentCell cell, bool bias,
            int stateStride, bool reverse)
        {
            int stride = stateStride == 0 ? hidden : stateStride;
            int gates = Gates(cell) * hidden;
            int extrasPerStep = Extras(cell, hidden);
            int rows = count * steps;
            bool batched = hidden % 16 == 0; // the batched W_hh^T product reads whole 16-float rows of W_hh
            int length = (2 * count * hidden) + hidden + (2 * gates) + (rows * hidden) + (batched ? count * hidden : 0);
            float[] scratch = t_scratch is { } current && current.Length >= length ? current : (t_scratch = new float[length]);
            ref float work = ref MemoryMarshal.GetArrayDataReference(scratch);
            ref float dhNext = ref work; // [count, hidden]: the direct part of dL/dh(previous) of every sample
            ref float dcNext = ref Unsafe.Add(ref work, count * hidden); // [count, hidden]: LSTM dL/dc(previous)
            ref float zeros = ref Unsafe.Add(ref dcNext, count * hidden);
            ref float junkBias = ref Unsafe.Add(ref zeros, hidden);
            ref float previousStates = ref Unsafe.Add(ref junkBias, 2 * gates); // [count * steps, hidden]
            ref float recurrentDh = ref Unsafe.Add(ref previousStates, rows * hidden); // [count, hidden], batched only
            MemoryMarshal.CreateSpan(ref dhNext, 2 * count * hidden).Clear();
            MemoryMarshal.CreateSpan(ref zeros, hidden).Clear();
            ref float wih = ref parameters;
            ref float whh = ref Unsafe.Add(ref parameters, gates * inputs);
            ref float gWih = ref gradients;
            ref float gWhh = ref Unsafe.Add(ref gradients, gates * inputs);
            ref float gBih = ref bias ? ref Unsafe.Add(ref gWhh, gates * hidden) : ref junkBias;
            ref float gBhh = ref bias ? ref Unsafe.Add(ref gWhh, (gates * hidden) + gates) : ref Unsafe.Add(ref junkBias, gates);

            // Step by step from the last, all the samples at once: each sample's cell backward, then the recurrent part of
            // dL/dh(previous) = W_hh^T dA for every sample, one batched product (the tuned GEMM: W_hh [G H, H] row-major is
            // the transposed weight of that product) when the rows of W_hh are whole 16-float vectors, else sample by sample.
            for (int k = steps - 1; k >= 0; k--)
            {
                int t = reverse ? steps - 1 - k : k;
                int previousT = reverse ? t + 1 : t - 1;
                for (int s = 0; s < count; s++)
                {
                    int row = (s * steps) + t;
                    int previous = (s * steps) + previousT;
                    ref float dhRow = ref lastOnly ? ref Unsafe.Add(ref dh, s * stride) : ref Unsafe.Add(ref dh, row * stride);
                    bool hasOutputGradient = !lastOnly || t == steps - 1;
                    ref float dhNextS = ref Unsafe.Add(ref dhNext, s * hidden);
                    ref float hPrev = ref k > 0 ? ref Unsafe.Add(ref states, previous * stride) : ref zeros;
                    ref float extrasRow = ref Unsafe.Add(ref extras, row * extrasPerStep);
                    ref float cPrev = ref k > 0 ? ref Unsafe.Add(ref extras, (previous * extrasPerStep) + (4 * hidden)) : ref zeros;
                    CellBackwardSplit(ref dhNextS, ref hasOutputGradient ? ref dhRow : ref zeros, ref Unsafe.Add(ref dcNext, s * hidden), ref Unsafe.Add(ref states, row * stride), ref hPrev, ref cPrev, ref extrasRow,
                        ref Unsafe.Add(ref dInput, row * gates), ref Unsafe.Add(ref dRecurrent, row * gates), hidden, cell);
                    if (k > 0 && !batched)
                    {
                        // dL/dh(previous) += W_hh^T dA: the recurrent part, row by row of W_hh.
                        AddTransposedProduct(ref whh, ref Unsafe.Add(ref dRecurrent, row * gates), ref dhNextS, gates, hidden);
                    }
                }

                if (k > 0 && batched)
                {
                    DenseKernels.ForwardBatch(ref whh, ref zeros, hidden, ref Unsafe.Add(ref dRecurrent, t * gates), steps * gates, ref recurrentDh, hidden, gates, hidden, count, default(Identity));
                    Add(ref recurrentDh, ref dhNext, count * hidden);
                }
            }

            // dL/dW_hh += dA(t)^T h(previous) over every step of every sample, one batched product: the previous state of
            // each row (h(-1) = 0 for the first step processed) gathered into rows parallel to dRecurrent's.
            if (steps > 1)
            {
                for (int s = 0; s < count; s++)
                {
                    for (int t = 0; t < steps; t++)
                    {
                        int previousT = reverse ? t + 1 : t - 1;
                        Span<float> target = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref previousStates, ((s * steps) + t) * hidden), hidden);
                        if (previousT < 0 || previousT >= steps)
                        {
                            target.Clear();
                        }
                        else
                        {
                            MemoryMarshal.CreateSpan(ref Unsafe.Add(ref states, ((s * steps) + previousT) * stride), hidden).CopyTo(target);
                        }
                    }
                }

                WeightGradient(ref gWhh, ref junkBias, ref previousStates, ref dRecurrent, gates, hidden, rows);
            }

            // dL/db_hh = the sum of dA over every step; then dL/dW_ih, dL/db_ih and dL/dx as batched products over count * steps rows.
            for (int row = 0; row < count * steps; row++)
            {
                Add(ref Unsafe.Add(ref dRecurrent, row * gates), ref gBhh, gates); // element by element in row order, as a scalar loop
            }

            if (Unsafe.IsNullRef(ref dx))
            {
                WeightGradient(ref gWih, ref gBih, ref x, ref dInput, gates, inputs, count * steps);
            }
            else
            {
                DenseKernels.BackwardWithInputGradient(ref wih, ref gWih, ref gBih, ref x, ref dInput, gates, ref dx, inputs, gates, count * steps);
            }
        }

        /// <summary>The scratch of <see cref="LayerBatched"/>: the recurrent part of the gates and the LSTM cell state of every sample, and a zero state.</summary>
        private static int BatchedWorkLength(RecurrentCell cell, int hidden, int count) => (count * PackedStride(cell, hidden)) + ((count + 1) * hidden);

        /// <summary>
        /// One direction of one stacked layer over <paramref name="count"/> sequences; <paramref name="extras"/> may be a null
        /// reference (inference). Hidden states go to <paramref name="states"/> with <paramref name="stride"/> between steps.
        /// </summary>
        private static void LayerBatched(ref float packed, ref float x, ref float states, int stride, bool reverse, ref float extras, ref float gx, ref float work, int count, int steps, int inputs, int hidden, RecurrentCell cell)
        {
            int packedStride = PackedStride(cell, hidden);
            int gates = Gates(cell) * hidden;
            int extrasPerStep = Extras(cell, hidden);
            bool save = !Unsafe.IsNullRef(ref extras);
            ref float inputBias = ref Unsafe.Add(ref packed, inputs * packedStride);
            ref float packedHh = ref Unsafe.Add(ref inputBias, packedStride);
            ref float recurrentBias = ref Unsafe.Add(ref packedHh, hidden * packedStride);
            ref float gh = ref work; // [count, packedStride]: the recurrent part of the gates of one step of every sample
            ref float zeros = ref Unsafe.Add(ref work, count * packedStride);
            ref float c = ref Unsafe.Add(ref zeros, hidden); // [count, hidden]: the LSTM cell state of every sample
            MemoryMarshal.CreateSpan(ref zeros, (count + 1) * hidden).Clear();

            // The input part of the gates of every step of every sample: one batched product, W_ih x + the input bias.
            DenseKernels.ForwardBatch(ref packed, ref inputBias, packedStride, ref x, inputs, ref gx, gates, inputs, gates, count * steps, default(Identity));

            // Then step by step, all the samples at once: the recurrent part of the gates of every sample is one batched
            // product (the tuned GEMM over count rows, the previous hidden states being a strided view of the states: one
            // sample every steps * stride floats), then each sample's element-wise cell update.
            for (int k = 0; k < steps; k++)
            {
                int t = reverse ? steps - 1 - k : k;
                int previousT = reverse ? t + 1 : t - 1;
                if (k > 0)
                {
                    DenseKernels.ForwardBatch(ref packedHh, ref recurrentBias, packedStride, ref Unsafe.Add(ref states, previousT * stride), steps * stride, ref gh, packedStride, hidden, gates, count, default(Identity));
                }
                else
                {
                    for (int s = 0; s < count; s++)
                    {
                        MemoryMarshal.CreateSpan(ref recurrentBias, gates).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref gh, s * packedStride), gates)); // h(-1) = 0
                    }
                }

                for (int s = 0; s < count; s++)
                {
                    int row = (s * steps) + t;
                    ref float hPrev = ref k > 0 ? ref Unsafe.Add(ref states, ((s * steps) + previousT) * stride) : ref zeros;
                    ref float cs = ref Unsafe.Add(ref c, s * hidden);
                    ref float extrasRow = ref save ? ref Unsafe.Add(ref extras, row * extrasPerStep) : ref Unsafe.NullRef<float>();
                    CellForward(ref Unsafe.Add(ref gx, row * gates), ref Unsafe.Add(ref gh, s * packedStride), ref hPrev, ref cs, ref Unsafe.Add(ref states, row * stride), ref cs, ref extrasRow, hidden, cell);
                }
            }
        }

        /// <summary>
        /// <c>dW += dA^T x</c> and <c>db += sum(dA)</c> over <paramref name="rows"/> rows (every step of every sample), 64 rows
        /// at a time: one product over thousands of rows reads the whole of <paramref name="x"/> again for every tile of the
        /// weight gradient (from L3, 1,792 rows of 128 floats for the row-by-row LSTM), a chunk keeps it in L1/L2. The row-by-row
        /// Fashion-MNIST LSTM's backward pass: 5.3 to 4.25 ms (Zen 5, stopwatch, chunks of 16 to 256 rows tried, 64 best).
        /// </summary>
        private static void WeightGradient(ref float gradWeight, ref float gradBias, ref float x, ref float dA, int gates, int inputs, int rows)
        {
            const int Chunk = 64;
            for (int first = 0; first < rows; first += Chunk)
            {
                DenseKernels.Backward(ref gradWeight, ref gradBias, ref Unsafe.Add(ref x, (nint)first * inputs), ref Unsafe.Add(ref dA, (nint)first * gates), gates, inputs, gates, Math.Min(Chunk, rows - first));
            }
        }

        /// <summary>Whether every one of <paramref name="count"/> sequences is full length (no lengths, or each equal to <paramref name="steps"/>).</summary>
        private static bool AllFull(ref int lengths, int count, int steps)
        {
            if (Unsafe.IsNullRef(ref lengths))
            {
                return true;
            }

            for (int s = 0; s < count; s++)
            {
                if (Unsafe.Add(ref lengths, s) != steps)
                {
                    return false;
                }
            }

            return true;
        }

        // ------------------------------------------------------------------ element-wise cells

        private static void CellForward(ref float gx, ref float gh, ref float hPrev, ref float cPrev, ref float h, ref float c, ref float extras, int hidden, RecurrentCell cell)
        {
            int done = 0;
            if (Vector512.IsHardwareAccelerated && hidden >= 16)
            {
                done = CellForward<Vector512<float>, Simd512>(ref gx, ref gh, ref hPrev, ref cPrev, ref h, ref c, ref extras, hidden, cell, 0);
            }
            else if (Vector256.IsHardwareAccelerated && hidden >= 8)
            {
                done = CellForward<Vector256<float>, Simd256>(ref gx, ref gh, ref hPrev, ref cPrev, ref h, ref c, ref extras, hidden, cell, 0);
            }
            else if (Vector128.IsHardwareAccelerated && hidden >= 4)
            {
                done = CellForward<Vector128<float>, Simd128>(ref gx, ref gh, ref hPrev, ref cPrev, ref h, ref c, ref extras, hidden, cell, 0);
            }

            CellForward<float, SimdScalar>(ref gx, ref gh, ref hPrev, ref cPrev, ref h, ref c, ref extras, hidden, cell, done);
        }

        /// <summary>Units <c>[begin, ...)</c> in vectors of <typeparamref name="TS"/>; returns where it stopped (the whole vectors).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int CellForward<TV, TS>(ref float gx, ref float gh, ref float hPrev, ref float cPrev, ref float h, ref float c, ref float extras, int hidden, RecurrentCell cell, int begin)
            where TV : struct
            where TS : ISimd<TV>
        {
            int lanes = TS.Lanes;
            bool save = !Unsafe.IsNullRef(ref extras);
            int j = begin;
            for (; j + lanes <= hidden; j += lanes)
            {
                nuint u = (nuint)j;
                nuint H = (nuint)hidden;
                switch (cell)
                {
                    case RecurrentCell.RnnTanh:
                    case RecurrentCell.RnnReLU:
                    {
                        TV z = TS.Add(TS.Load(ref gx, u), TS.Load(ref gh, u));
                        TS.Store(cell == RecurrentCell.RnnTanh ? TS.Tanh(z) : TS.Relu(z), ref h, u);
                        break;
                    }

                    case RecurrentCell.Gru:
                    {
                        TV r = TS.Sigmoid(TS.Add(TS.Load(ref gx, u), TS.Load(ref gh, u)));
                        TV z = TS.Sigmoid(TS.Add(TS.Load(ref gx, H + u), TS.Load(ref gh, H + u)));
                        TV hn = TS.Load(ref gh, (2 * H) + u);
                        TV n = TS.Tanh(TS.MultiplyAdd(r, hn, TS.Load(ref gx, (2 * H) + u)));
                        TV hp = TS.Load(ref hPrev, u);
                        if (save)
                        {
                            TS.Store(r, ref extras, u);
                            TS.Store(z, ref extras, H + u);
                            TS.Store(n, ref extras, (2 * H) + u);
                            TS.Store(hn, ref extras, (3 * H) + u);
                        }

                        TS.Store(TS.MultiplyAdd(z, TS.Subtract(hp, n), n), ref h, u); // (1 - z) n + z h = n + z (h - n)
                        break;
                    }

                    default:
                    {
                        TV i = TS.Sigmoid(TS.Add(TS.Load(ref gx, u), TS.Load(ref gh, u)));
                        TV f = TS.Sigmoid(TS.Add(TS.Load(ref gx, H + u), TS.Load(ref gh, H + u)));
                        TV g = TS.Tanh(TS.Add(TS.Load(ref gx, (2 * H) + u), TS.Load(ref gh, (2 * H) + u)));
                        TV o = TS.Sigmoid(TS.Add(TS.Load(ref gx, (3 * H) + u), TS.Load(ref gh, (3 * H) + u)));
                        TV cn = TS.MultiplyAdd(f, TS.Load(ref cPrev, u), TS.Multiply(i, g));
                        TV tc = TS.Tanh(cn);
                        if (save)
                        {
                            TS.Store(i, ref extras, u);
                            TS.Store(f, ref extras, H + u);
                            TS.Store(g, ref extras, (2 * H) + u);
                            TS.Store(o, ref extras, (3 * H) + u);
                            TS.Store(cn, ref extras, (4 * H) + u);
                            TS.Store(tc, ref extras, (5 * H) + u);
                        }

                        TS.Store(cn, ref c, u);
                        TS.Store(TS.Multiply(o, tc), ref h, u);
                        break;
                    }
                }
            }

            return j;
        }

        /// <summary>
        /// One step backward through the cell: from this step's dL/dh, <paramref name="dhNext"/> (the direct part from the next
        /// step) plus <paramref name="dhOutput"/> (from the layer's output; zeros when the step has none), and
        /// <paramref name="dcNext"/> (LSTM: dL/dc from the next step), writes dA for the input and the recurrent parts of the
        /// gate pre-activations, <paramref name="dhNext"/> = the direct part of dL/dh(t-1) (GRU: dh z; others 0) and
        /// <paramref name="dcNext"/> = dL/dc(t-1). Vectors of the widest accelerated width, then one unit at a time; every
        /// lane computes the same expression in the same order as the scalar code (no fused multiply-adds), so the widths give
        /// the same bits.
        /// </summary>
        private static void CellBackwardSplit(ref float dhNext, ref float dhOutput, ref float dcNext, ref float h, ref float hPrev, ref float cPrev, ref float extras, ref float dInput, ref float dRecurrent, int hidden, RecurrentCell cell)
        {
            int done = 0;
            if (Vector512.IsHardwareAccelerated && hidden >= 16)
            {
                done = CellBackwardSplit<Vector512<float>, Simd512>(ref dhNext, ref dhOutput, ref dcNext, ref h, ref hPrev, ref cPrev, ref extras, ref dInput, ref dRecurrent, hidden, cell, 0);
            }
            else if (Vector256.IsHardwareAccelerated && hidden >= 8)
            {
                done = CellBackwardSplit<Vector256<float>, Simd256>(ref dhNext, ref dhOutput, ref dcNext, ref h, ref hPrev, ref cPrev, ref extras, ref dInput, ref dRecurrent, hidden, cell, 0);
            }
            else if (Vector128.IsHardwareAccelerated && hidden >= 4)
            {
                done = CellBackwardSplit<Vector128<float>, Simd128>(ref dhNext, ref dhOutput, ref dcNext, ref h, ref hPrev, ref cPrev, ref extras, ref dInput, ref dRecurrent, hidden, cell, 0);
            }

            CellBackwardSplit<float, SimdScalar>(ref dhNext, ref dhOutput, ref dcNext, ref h, ref hPrev, ref cPrev, ref extras, ref dInput, ref dRecurrent, hidden, cell, done);
        }

        /// <summary>Units <c>[begin, ...)</c> in vectors of <typeparamref name="TS"/>; returns where it stopped (the whole vectors).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int CellBackwardSplit<TV, TS>(ref float dhNext, ref float dhOutput, ref float dcNext, ref float h, ref float hPrev, ref float cPrev, ref float extras, ref float dInput, ref float dRecurrent, int hidden, RecurrentCell cell, int begin)
            where TV : struct
            where TS : ISimd<TV>
        {
            int lanes = TS.Lanes;
            nuint H = (nuint)hidden;
            TV one = TS.One;
            int j = begin;
            for (; j + lanes <= hidden; j += lanes)
            {
                nuint u = (nuint)j;
                TV d = TS.Add(TS.Load(ref dhNext, u), TS.Load(ref dhOutput, u));
                switch (cell)
                {
                    case RecurrentCell.RnnTanh:
                    case RecurrentCell.RnnReLU:
                    {
                        TV y = TS.Load(ref h, u);
                        TV da = cell == RecurrentCell.RnnTanh ? TS.Multiply(d, TS.Subtract(one, TS.Multiply(y, y))) : TS.SelectPositive(y, d, TS.Zero);
                        TS.Store(da, ref dInput, u);
                        TS.Store(da, ref dRecurrent, u);
                        TS.Store(TS.Zero, ref dhNext, u);
                        break;
                    }

                    case RecurrentCell.Gru:
                    {
                        TV r = TS.Load(ref extras, u);
                        TV z = TS.Load(ref extras, H + u);
                        TV n = TS.Load(ref extras, (2 * H) + u);
                        TV hn = TS.Load(ref extras, (3 * H) + u);
                        TV hp = TS.Load(ref hPrev, u);
                        TV dn = TS.Multiply(TS.Multiply(d, TS.Subtract(one, z)), TS.Subtract(one, TS.Multiply(n, n)));
                        TV dz = TS.Multiply(TS.Multiply(TS.Multiply(d, TS.Subtract(hp, n)), z), TS.Subtract(one, z));
                        TV dr = TS.Multiply(TS.Multiply(TS.Multiply(dn, hn), r), TS.Subtract(one, r));
                        TS.Store(dr, ref dInput, u);
                        TS.Store(dz, ref dInput, H + u);
                        TS.Store(dn, ref dInput, (2 * H) + u);
                        TS.Store(dr, ref dRecurrent, u);
                        TS.Store(dz, ref dRecurrent, H + u);
                        TS.Store(TS.Multiply(dn, r), ref dRecurrent, (2 * H) + u);
                        TS.Store(TS.Multiply(d, z), ref dhNext, u);
                        break;
                    }

                    default:
                    {
                        TV i = TS.Load(ref extras, u);
                        TV f = TS.Load(ref extras, H + u);
                        TV g = TS.Load(ref extras, (2 * H) + u);
                        TV o = TS.Load(ref extras, (3 * H) + u);
                        TV tc = TS.Load(ref extras, (5 * H) + u);
                        TV dc = TS.Add(TS.Load(ref dcNext, u), TS.Multiply(TS.Multiply(d, o), TS.Subtract(one, TS.Multiply(tc, tc))));
                        TV di = TS.Multiply(TS.Multiply(TS.Multiply(dc, g), i), TS.Subtract(one, i));
                        TV df = TS.Multiply(TS.Multiply(TS.Multiply(dc, TS.Load(ref cPrev, u)), f), TS.Subtract(one, f));
                        TV dg = TS.Multiply(TS.Multiply(dc, i), TS.Subtract(one, TS.Multiply(g, g)));
                        TV dO = TS.Multiply(TS.Multiply(TS.Multiply(d, tc), o), TS.Subtract(one, o));
                        TS.Store(di, ref dInput, u);
                        TS.Store(df, ref dInput, H + u);
                        TS.Store(dg, ref dInput, (2 * H) + u);
                        TS.Store(dO, ref dInput, (3 * H) + u);
                        TS.Store(di, ref dRecurrent, u);
                        TS.Store(df, ref dRecurrent, H + u);
                        TS.Store(dg, ref dRecurrent, (2 * H) + u);
                        TS.Store(dO, ref dRecurrent, (3 * H) + u);
                        TS.Store(TS.Multiply(dc, f), ref dcNext, u);
                        TS.Store(TS.Zero, ref dhNext, u);
                        break;
                    }
                }
            }

            return j;
        }

        /// <summary><c>y += a</c> over <paramref name="length"/> floats.</summary>
        private static void Add(ref float a, ref float y, int length)
        {
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j + 16 <= length; j += 16)
                {
                    (Vector512.LoadUnsafe(ref y, (nuint)j) + Vector512.LoadUnsafe(ref a, (nuint)j)).StoreUnsafe(ref y, (nuint)j);
                }
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= length; j += 8)
                {
                    (Vector256.LoadUnsafe(ref y, (nuint)j) + Vector256.LoadUnsafe(ref a, (nuint)j)).StoreUnsafe(ref y, (nuint)j);
                }
            }

            for (; j < length; j++)
            {
                Unsafe.Add(ref y, j) += Unsafe.Add(ref a, j);
            }
        }

        /// <summary><c>y += a W</c> for a row-major <c>W [rows, columns]</c>: each row of W scaled by its element of a.</summary>
        private static void AddTransposedProduct(ref float weight, ref float a, ref float y, int rows, int columns)
        {
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= columns; j += 8)
                {
                    Vector256<float> sum = Vector256.LoadUnsafe(ref y, (nuint)j);
                    for (int r = 0; r < rows; r++)
                    {
                        sum = SimdMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref a, r)), Vector256.LoadUnsafe(ref weight, (nuint)((r * columns) + j)), sum);
                    }

                    sum.StoreUnsafe(ref y, (nuint)j);
                }
            }

            for (; j + 4 <= columns; j += 4)
            {
                Vector128<float> sum = Vector128.LoadUnsafe(ref y, (nuint)j);
                for (int r = 0; r < rows; r++)
                {
                    sum = SimdMath.MultiplyAdd(Vector128.Create(Unsafe.Add(ref a, r)), Vector128.LoadUnsafe(ref weight, (nuint)((r * columns) + j)), sum);
                }

                sum.StoreUnsafe(ref y, (nuint)j);
            }

            for (; j < columns; j++)
            {
                float sum = Unsafe.Add(ref y, j);
                for (int r = 0; r < rows; r++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, r), Unsafe.Add(ref weight, (r * columns) + j), sum);
                }

                Unsafe.Add(ref y, j) = sum;
            }
        }
    }
}
