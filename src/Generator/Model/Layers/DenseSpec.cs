namespace Compiled.Generator.Model.Layers
{
    /// <summary>A fully-connected layer: <c>[Dense(units, activation)]</c>.</summary>
    /// <param name="Units">The number of outputs.</param>
    /// <param name="Activation">The activation applied to the outputs.</param>
    /// <param name="NegativeSlope">The slope of <see cref="Compiled.Activation.LeakyReLU"/> for negative inputs.</param>
    /// <param name="Alpha">The alpha of <see cref="Compiled.Activation.ELU"/>.</param>
    internal sealed record DenseSpec(int Units, Activation Activation, float NegativeSlope, float Alpha) : LayerSpec
    {
        public override string KindName => "Dense";

        public override Activation? OutputActivation => Activation;
    }
}
