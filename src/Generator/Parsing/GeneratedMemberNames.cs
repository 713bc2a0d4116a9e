using System.Collections.Generic;

namespace Compiled.Generator.Parsing
{
    /// <summary>
    /// The names of the members the generator adds to a network class. A class cannot have a member of its own name
    /// (CS0542), so a network class with one of these names gets diagnostic CN0025 instead of code that does not compile.
    /// </summary>
    /// <remarks>
    /// The list is checked against the golden files (every member of every generated class in
    /// <c>tests/Compiled.Generator.Tests/Baselines</c>, by <c>DeclarationFuzzTests</c>): a member added to the generated
    /// code must be added here.
    /// </remarks>
    internal static class GeneratedMemberNames
    {
        private static readonly HashSet<string> s_names = new()
        {
            // The public API.
            "InputSize", "OutputSize", "ParameterCount", "Architecture", "Loss", "DefaultSeed", "InputShape", "ParameterTensors",
            "Parameters", "EditParameters", "ParameterVersion", "TrainingContext", "Gradients", "ZeroGradients",
            "InitializeParameters", "CreateWorker", "Forward", "ForwardBatch", "Backward", "BackwardBatch", "Backpropagate",
            "BackpropagateBatch", "BufferTensors", "Buffers", "EditBuffers",

            // The streaming API of networks with recurrent layers.
            "StateSize", "StepInputSize", "StepOutputSize", "State", "StateValues", "Step", "ForwardSequence",

            // Truncated backpropagation through time, and variable-length sequences (MaxSteps and the passes' private cores).
            "BackwardWindow", "MaxSteps", "ForwardCore", "ForwardBatchCore", "BackwardCore", "BackwardBatchCore", "BackpropagateBatchCore",

            // Private constants, fields, methods and types.
            "PaddedLength", "PackedLength", "TrainChunk", "WorkspaceLength", "ForwardChunk", "HiddenWidth", "ForwardScratch",
            "s_inputShape", "s_tensors", "_compiledStorage", "_compiledGradients", "_compiledGradientsOffset",
            "_compiledWorkspace", "_compiledWorkspaceOffset", "_compiledSplitPacked", "_compiledSplitPackedOffset",
            "_compiledSplitBlocks", "_compiledSplitBlocksOffset", "PackWeights", "Workspace", "TrainForward", "TrainBackward",
            "TargetLoss", "LabelLoss", "SplitPacked", "SplitForwardRest", "SplitBackwardRest", "BufferCount", "s_buffers",
            "_compiledCapacity", "EnsureWorkspace", "IntWorkspaceLength", "_compiledIntWorkspace", "IntWorkspace", "PanelLength", "PackPanels",
        };

        /// <summary>The prefix of the per-layer pooling geometry fields (<c>s_compiledWindow1</c>, ...), followed by a layer index.</summary>
        public const string WindowFieldPrefix = "s_compiledWindow";

        /// <summary>Whether a network class named <paramref name="name"/> would contain a generated member of that name.</summary>
        public static bool Contains(string name) =>
            s_names.Contains(name) || (name.StartsWith(WindowFieldPrefix, System.StringComparison.Ordinal) && name.Length > WindowFieldPrefix.Length && IsDigits(name.Substring(WindowFieldPrefix.Length)));

        private static bool IsDigits(string text)
        {
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
