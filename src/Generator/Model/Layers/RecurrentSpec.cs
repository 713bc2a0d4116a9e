namespace Compiled.Generator.Model.Layers
{
    /// <summary>The cell of a recurrent layer (the runtime's <c>Compiled.Kernels.RecurrentCell</c> has the same values).</summary>
    internal enum RecurrentCellKind
    {
        RnnTanh = 0,
        RnnReLU = 1,
        Gru = 2,
        Lstm = 3,
    }

    /// <summary>A recurrent layer: <c>[SimpleRNN]</c>, <c>[GRU]</c> or <c>[LSTM]</c>.</summary>
    /// <param name="Cell">The cell (for SimpleRNN, with its nonlinearity).</param>
    /// <param name="Hidden">The hidden size.</param>
    /// <param name="NumLayers">The stacked layers.</param>
    /// <param name="Bias">Whether it has the biases.</param>
    /// <param name="ReturnSequences">Whether the output is every step's hidden state (else the last step's).</param>
    /// <param name="Bidirectional">Whether each stacked layer also runs in reverse (outputs of 2 hidden).</param>
    /// <param name="Dropout">PyTorch's <c>dropout</c>: training-only dropout on each stacked layer's output but the last's.</param>
    /// <param name="RecurrentDropout">Keras' <c>recurrent_dropout</c>: one mask per sequence on <c>h(t-1)</c> in the recurrent product.</param>
    internal sealed record RecurrentSpec(RecurrentCellKind Cell, int Hidden, int NumLayers, bool Bias, bool ReturnSequences, bool Bidirectional = false, float Dropout = 0f, float RecurrentDropout = 0f) : LayerSpec
    {
        /// <summary>1, or 2 for a bidirectional layer.</summary>
        public int Directions => Bidirectional ? 2 : 1;

        /// <summary>The features of each step's output: the hidden size times the directions.</summary>
        public int Width => Directions * Hidden;

        public override string KindName => Cell switch
        {
            RecurrentCellKind.Gru => "GRU",
            RecurrentCellKind.Lstm => "LSTM",
            _ => "SimpleRNN",
        };

        /// <summary>Whether the output of the stacked layers below the top is dropped out in training.</summary>
        public bool DropsBetweenLayers => Dropout > 0f && NumLayers > 1;

        /// <summary>The gates: 1 (RNN), 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o).</summary>
        public int Gates => Cell switch
        {
            RecurrentCellKind.Gru => 3,
            RecurrentCellKind.Lstm => 4,
            _ => 1,
        };
    }
}
