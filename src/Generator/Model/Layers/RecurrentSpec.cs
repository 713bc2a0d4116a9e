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
    internal sealed record RecurrentSpec(RecurrentCellKind Cell, int Hidden, int NumLayers, bool Bias, bool ReturnSequences) : LayerSpec
    {
        public override string KindName => Cell switch
        {
            RecurrentCellKind.Gru => "GRU",
            RecurrentCellKind.Lstm => "LSTM",
            _ => "SimpleRNN",
        };

        /// <summary>The gates: 1 (RNN), 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o).</summary>
        public int Gates => Cell switch
        {
            RecurrentCellKind.Gru => 3,
            RecurrentCellKind.Lstm => 4,
            _ => 1,
        };
    }
}
