namespace Compiled
{
    /// <summary>What the floats of a network's input sample hold.</summary>
    public enum NetworkInputKind
    {
        /// <summary>Real-valued features (every network with a float <c>[Input]</c>).</summary>
        Features = 0,

        /// <summary>
        /// Integer token ids (networks that start with an embedding), passed as floats holding exact integers below
        /// 2^24 through the same spans, so the trainer and data readers need no second code path.
        /// </summary>
        TokenIds = 1,
    }
}
