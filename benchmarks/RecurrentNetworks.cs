using Compiled;

// The recurrent networks of the Recurrent suite (issue #13's benchmark rows), declared as a user would.
namespace Compiled.Benchmarks.Networks
{
    /// <summary>GRU(8 -> 16) then Dense(16 -> 1): the real-time case (one <c>Step</c> per audio sample or frame), as RTNeural's benchmark.</summary>
    [Network]
    [Input(20, 8)]
    [GRU(16)]
    [Dense(1)]
    public sealed partial class Gru8x16 { }

    /// <summary>LSTM(8 -> 16) then Dense(16 -> 1): the real-time case with an LSTM cell.</summary>
    [Network]
    [Input(20, 8)]
    [LSTM(16)]
    [Dense(1)]
    public sealed partial class Lstm8x16 { }

    /// <summary>GRU(64 -> 128) alone: a larger streaming step (its output is the new hidden state).</summary>
    [Network]
    [Input(20, 64)]
    [GRU(128)]
    public sealed partial class Gru64x128 { }

    /// <summary>
    /// Fashion-MNIST read row by row: 28 steps of 28 pixels, LSTM(128), the last hidden state to Dense(10, Softmax),
    /// cross-entropy (PyTorch: <c>nn.LSTM(28, 128, batch_first=True)</c> + <c>nn.Linear(128, 10)</c>).
    /// </summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(28, 28)]
    [LSTM(128)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class FashionRowsLstm { }
}
