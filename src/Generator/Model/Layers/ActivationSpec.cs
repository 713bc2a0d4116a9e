namespace Compiled.Generator.Model.Layers
{
    /// <summary>A standalone activation layer: <c>[Activation(activation)]</c>, PyTorch's parameterless activation modules.</summary>
    /// <param name="Activation">The function applied to each element (Softmax: over the vector).</param>
    /// <param name="NegativeSlope">The slope of <see cref="Compiled.Activation.LeakyReLU"/> for negative inputs.</param>
    /// <param name="Alpha">The alpha of <see cref="Compiled.Activation.ELU"/>.</param>
    internal sealed record ActivationSpec(Activation Activation, float NegativeSlope, float Alpha) : LayerSpec
    {
        public override string KindName => "Activation";

        public override Activation? OutputActivation => Activation;
    }
}
