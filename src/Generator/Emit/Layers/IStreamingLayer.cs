namespace Compiled.Generator.Emit
{
    /// <summary>
    /// Optional capability: the layer can run one step of a sequence at a time, for the generated streaming API
    /// (<c>Step</c>, <c>ForwardSequence</c> and the <c>State</c> type of a network with recurrent layers). A network gets
    /// that API when it has state (<see cref="LayerEmitter.StatePerSample"/>) and every layer its inference runs can step.
    /// </summary>
    internal interface IStreamingLayer
    {
        /// <summary>True when the layer, at this place, computes each step from that step alone and its own state.</summary>
        bool CanStep(LayerContext layer);

        /// <summary>The floats one step of the layer writes.</summary>
        int StepOutputSize(LayerContext layer);

        /// <summary>
        /// Writes one step: from <paramref name="x"/> (a <c>ref float</c> expression, one step's input) to
        /// <paramref name="y"/>; <paramref name="state"/> (a <c>ref float</c> expression) is the layer's part of the caller's
        /// state, <see cref="LayerEmitter.StatePerSample"/> floats, read and updated.
        /// </summary>
        void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state);
    }

    /// <summary>
    /// Optional, for a streaming layer whose step output is part of its own state (a recurrent layer's new hidden state): the
    /// next layer reads it there, so the step copies nothing between them.
    /// </summary>
    internal interface IStepOutputInState
    {
        /// <summary>Where, in floats from the start of the layer's part of the state, one step's output lies.</summary>
        long StepOutputOffset(LayerContext layer);
    }

    /// <summary>
    /// Optional, for a streaming layer that can come first and whose step input is not the last dimension of its input:
    /// a causal <c>[Conv1D]</c> reads channel-major <c>[C, L]</c> and one step is a column of <c>C</c> values.
    /// </summary>
    internal interface IStreamingInput
    {
        /// <summary>The floats of one step's input when the layer is the network's first.</summary>
        int StepInputSize(LayerContext layer);
    }
}
