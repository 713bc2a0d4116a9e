namespace Compiled.Generator.Model
{
    /// <summary>
    /// One layer as the user declared it. Each layer kind adds a sealed record deriving from this one
    /// (see <c>Model/Layers</c>); records compare by value, including their type.
    /// </summary>
    internal abstract record LayerSpec
    {
        /// <summary>The attribute name users write, e.g. <c>Dense</c>; used in messages and the architecture signature.</summary>
        public abstract string KindName { get; }

        /// <summary>The activation applied to the layer's output, or null for layers without one (the loss checks read it).</summary>
        public virtual Activation? OutputActivation => null;

        /// <summary>True for layers that only reinterpret the shape (Flatten): they compute nothing and move no data.</summary>
        public virtual bool IsReshape => false;
    }
}
