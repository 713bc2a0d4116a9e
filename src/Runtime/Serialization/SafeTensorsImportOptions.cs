namespace Compiled.Serialization
{
    /// <summary>How <see cref="SafeTensors.Import(INetwork, string, SafeTensorsImportOptions?)"/> pairs the network's tensors with the file's.</summary>
    public enum TensorMatching
    {
        /// <summary>
        /// Each network tensor (<c>0.weight</c>, ...) takes the file tensor of the same name, after
        /// <see cref="SafeTensorsImportOptions.StripPrefix"/> is removed from the file's names.
        /// </summary>
        ByName,

        /// <summary>
        /// The network's tensors, in <see cref="INetwork.ParameterTensors"/> order, take the file's tensors in the order of
        /// their data in the file, whatever their names. Files written by <see cref="SafeTensors.Export(INetwork, string, System.Collections.Generic.IReadOnlyDictionary{string, string}?)"/>
        /// keep <c>state_dict</c> order, but the Python <c>safetensors</c> package sorts tensors by name (so <c>fc1.bias</c>
        /// comes before <c>fc1.weight</c>): match such files by name. Shapes must agree either way.
        /// </summary>
        ByOrder,
    }

    /// <summary>Options of <see cref="SafeTensors.Import(INetwork, string, SafeTensorsImportOptions?)"/>.</summary>
    public sealed class SafeTensorsImportOptions
    {
        /// <summary>
        /// A prefix removed from the file's tensor names before matching by name, such as <c>model.</c> for a
        /// <c>state_dict</c> saved from a module that wraps the network in an attribute. Names without it are kept as they are.
        /// </summary>
        public string? StripPrefix { get; init; }

        /// <summary>How tensors are paired; <see cref="TensorMatching.ByName"/> by default.</summary>
        public TensorMatching Matching { get; init; } = TensorMatching.ByName;

        /// <summary>
        /// Whether tensors of the file that the network does not use are ignored. By default they are an error
        /// (<see cref="ModelFileError.UnusedTensor"/>), which catches loading a file made for another model.
        /// </summary>
        public bool IgnoreUnusedTensors { get; init; }
    }
}
