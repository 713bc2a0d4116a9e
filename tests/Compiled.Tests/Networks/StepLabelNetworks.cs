namespace Compiled.Tests
{
    // Sequence labelling (per-step classification): a recurrent layer returning every step, then a per-step
    // Dense(classes, Softmax), cross-entropy with one label per step. The first two are the networks of
    // Fixtures/torch/make_steplabel_fixtures.py.

    /// <summary>GRU(4 -> 8) over 6 steps, 5 classes per step.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(6, 4)]
    [GRU(8, ReturnSequences = true)]
    [Dense(5, Activation.Softmax)]
    public partial class GruTagger { }

    /// <summary>Two stacked LSTM layers over sequences of up to 5 steps of their own lengths, 4 classes per step.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(5, 3, VariableLength = true)]
    [LSTM(6, NumLayers = 2, ReturnSequences = true)]
    [Dense(4, Activation.Softmax)]
    public partial class LstmTaggerVar { }

    /// <summary>A character-level language model's shape: token ids, an embedding, a GRU, next-token classes per step.</summary>
    [Network(Loss = Loss.CrossEntropy)]
    [Input(12)]
    [Embedding(11, 6)]
    [GRU(16, ReturnSequences = true)]
    [Dense(11, Activation.Softmax)]
    public partial class CharModel { }
}
