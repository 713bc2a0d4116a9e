using System;

namespace Compiled
{
    /// <summary>
    /// A standalone activation layer, exactly PyTorch's parameterless activation modules (<c>torch.nn.ReLU</c>,
    /// <c>nn.LeakyReLU(negative_slope)</c>, <c>nn.ELU(alpha)</c>, <c>nn.Sigmoid</c>, <c>nn.Tanh</c>, <c>nn.Softplus</c>,
    /// <c>nn.SiLU</c>, <c>nn.GELU(approximate='tanh')</c>, <c>nn.Softmax(dim=-1)</c>), applied element by element to the output
    /// of the layer before it, so an activation can follow a layer that has none of its own:
    /// <c>[Dense(128)] [BatchNorm] [Activation(Activation.ReLU)]</c> is PyTorch's <c>Linear -&gt; BatchNorm1d -&gt; ReLU</c>.
    /// It counts as one module of an <c>nn.Sequential</c>, so the state_dict indices of the layers after it match PyTorch's.
    /// Any input shape; the output has the same shape. <see cref="Compiled.Activation.Softmax"/> is allowed on the last layer
    /// only, over a vector.
    /// </summary>
    /// <remarks>
    /// After a <c>[Dense]</c> or <c>[Conv2D]</c> without an activation, prefer writing the activation on that layer: the
    /// result is the same and the activation is applied in the layer's own loop. At inference, a
    /// <c>[Dense]</c>/<c>[Conv]</c> (no activation) followed by <c>[BatchNorm]</c> and <c>[Activation]</c> runs as one
    /// layer: the normalisation is folded into the packed weights and the activation fused into the product.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class ActivationAttribute : LayerAttribute
    {
        /// <summary>Declares an activation layer.</summary>
        /// <param name="activation">The function applied to each element (not <see cref="Compiled.Activation.Identity"/>'s no-op, though it is allowed).</param>
        public ActivationAttribute(Activation activation)
        {
            Activation = activation;
        }

        /// <summary>The function applied to each element.</summary>
        public Activation Activation { get; }

        /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/> (PyTorch's <c>negative_slope</c>). Default 0.01.</summary>
        public float NegativeSlope { get; set; } = 0.01f;

        /// <summary>The <c>alpha</c> of <see cref="Activation.ELU"/>. Default 1.</summary>
        public float Alpha { get; set; } = 1f;
    }
}
