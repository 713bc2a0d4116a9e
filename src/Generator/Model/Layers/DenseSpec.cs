namespace Compiled.Generator.Model.Layers
{
    /// <summary>A fully-connected layer: <c>[Dense(units, activation)]</c>.</summary>
    /// <param name="Units">The number of outputs.</param>
    /// <param name="Activation">The activation applied to the outputs.</param>
    /// <param name="NegativeSlope">The slope of <see cref="Compiled.Activation.LeakyReLU"/> for negative inputs.</param>
    /// <param name="Alpha">The alpha of <see cref="Compiled.Activation.ELU"/>.</param>
    /// <param name="Init">How the weight is initialised.</param>
    /// <param name="BiasInit">How the bias is initialised.</param>
    internal sealed record DenseSpec(int Units, Activation Activation, float NegativeSlope, float Alpha, Initializer Init, Initializer BiasInit) : LayerSpec
    {
        public override string KindName => "Dense";

        public override Activation? OutputActivation => Activation;
    }
}
