namespace Compiled.Generator.Model
{
    /// <summary>
    /// Everything the generator needs to know about one network, as plain equatable data: no symbols, syntax or
    /// locations (those live in <see cref="NetworkLocations"/>), so that a cosmetic edit leaves the model equal and the
    /// incremental pipeline skips everything downstream.
    /// </summary>
    /// <param name="Type">The partial class to complete.</param>
    /// <param name="Loss">The training loss.</param>
    /// <param name="InputShape">The dimensions of one sample, outermost first.</param>
    /// <param name="Layers">The layers in source order.</param>
    internal sealed record NetworkSpec(
        TypeSpec Type,
        Loss Loss,
        EquatableArray<int> InputShape,
        EquatableArray<LayerSpec> Layers)
    {
        /// <summary><c>[Input(..., VariableLength = true)]</c>: samples are sequences with lengths of their own, padded to the first dimension.</summary>
        public bool VariableLength { get; init; }
    }

    /// <summary>The partial class declaration the generated code completes.</summary>
    /// <param name="Namespace">The namespace, or empty for the global namespace.</param>
    /// <param name="Name">The class name.</param>
    /// <param name="Keyword">The declaration keyword: <c>class</c> or <c>record</c>.</param>
    /// <param name="ContainingTypes">The enclosing types, outermost first.</param>
    internal sealed record TypeSpec(
        string Namespace,
        string Name,
        string Keyword,
        EquatableArray<ContainingTypeSpec> ContainingTypes)
    {
        /// <summary>The fully qualified name used for hint names and messages, e.g. <c>Demo.Outer.Net</c>.</summary>
        public string FullName
        {
            get
            {
                var builder = new System.Text.StringBuilder();
                if (Namespace.Length > 0)
                {
                    builder.Append(Namespace).Append('.');
                }

                foreach (ContainingTypeSpec containing in ContainingTypes)
                {
                    builder.Append(containing.Name).Append('.');
                }

                return builder.Append(Name).ToString();
            }
        }
    }

    /// <summary>An enclosing type of a nested network class.</summary>
    /// <param name="Keyword">Its declaration keyword (<c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>).</param>
    /// <param name="Name">Its name.</param>
    internal sealed record ContainingTypeSpec(string Keyword, string Name);
}
