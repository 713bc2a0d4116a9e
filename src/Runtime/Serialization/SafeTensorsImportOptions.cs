using System;

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
        /// The network's tensors, in <c>state_dict</c> order (module by module, each module's parameters then its buffers),
        /// take the file's tensors in layer order, whatever their names. The file's tensors are grouped into modules by the
        /// name before the last '.' (<c>fc1.weight</c> and <c>fc1.bias</c> form the module <c>fc1</c>); within a module
        /// <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c> and <c>num_batches_tracked</c> come in that
        /// order, as in the network, then any other tensor in data order; the modules follow the order of their data in the file, except when the data is
        /// sorted by name (as the Python <c>safetensors</c> package writes every file: the data order then says nothing about
        /// the layers), where they follow their names with numbers compared as numbers (<c>fc2</c> before <c>fc10</c>,
        /// <c>layers.2</c> before <c>layers.10</c>). Module names that do not sort in layer order (<c>encoder</c>,
        /// <c>decoder</c>) in such a file need <see cref="SafeTensorsImportOptions.MapName"/> instead. Shapes must agree.
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

        /// <summary>
        /// Maps a file tensor name to the network's tensor name when matching <see cref="TensorMatching.ByName"/>, for
        /// models whose modules have their own names: <c>name =&gt; name.Replace("fc1.", "0.").Replace("fc2.", "2.")</c>,
        /// or a dictionary from file names to network names passed as <c>names.GetValueOrDefault</c>. Returning
        /// <see langword="null"/> leaves that tensor's name to <see cref="StripPrefix"/>; a tensor mapped to a name the
        /// network does not have is unused. <see langword="null"/> (the default) maps nothing.
        /// </summary>
        public Func<string, string?>? MapName { get; init; }

        /// <summary>How tensors are paired; <see cref="TensorMatching.ByName"/> by default.</summary>
        public TensorMatching Matching { get; init; } = TensorMatching.ByName;

        /// <summary>
        /// Whether tensors of the file that the network does not use are ignored. By default they are an error
        /// (<see cref="ModelFileError.UnusedTensor"/>), which catches loading a file made for another model. (The
        /// opposite case, a parameter or buffer of the network that the file lacks, is always an error:
        /// <see cref="ModelFileError.MissingTensor"/>.)
        /// </summary>
        public bool IgnoreUnusedTensors { get; init; }
    }
}
