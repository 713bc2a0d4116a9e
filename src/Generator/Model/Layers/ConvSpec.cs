namespace Compiled.Generator.Model.Layers
{
    /// <summary>
    /// A convolution, <c>[Conv1D]</c>, <c>[Conv2D]</c> or <c>[Conv3D]</c>: every per-axis setting resolved (arrays win over the
    /// single numbers; <c>Padding.Same</c> and <c>Causal</c> turned into zeros before and after each axis, as PyTorch pads).
    /// </summary>
    /// <param name="Rank">The spatial dimensions: 1, 2 or 3.</param>
    /// <param name="OutChannels">The output channels.</param>
    /// <param name="Kernel">The kernel size per spatial axis.</param>
    /// <param name="Strides">The stride per spatial axis.</param>
    /// <param name="PadBefore">The zeros before each spatial axis (left, top, front).</param>
    /// <param name="PadAfter">The zeros after each spatial axis.</param>
    /// <param name="Dilations">The dilation per spatial axis.</param>
    /// <param name="Groups">The channel groups.</param>
    /// <param name="Bias">Whether the layer has a bias.</param>
    /// <param name="Padding">How the padding was declared: a number, <c>Same</c> or <c>Causal</c> (for the signature).</param>
    /// <param name="Activation">The fused activation.</param>
    /// <param name="NegativeSlope">The slope of LeakyReLU.</param>
    /// <param name="Alpha">The alpha of ELU.</param>
    /// <param name="Init">How the weight is initialised.</param>
    /// <param name="BiasInit">How the bias is initialised.</param>
    /// <param name="KernelShapeWritten">True when the kernel came from <c>KernelShape</c> (diagnostics point there).</param>
    internal sealed record ConvSpec(
        int Rank,
        int OutChannels,
        EquatableArray<int> Kernel,
        EquatableArray<int> Strides,
        EquatableArray<int> PadBefore,
        EquatableArray<int> PadAfter,
        EquatableArray<int> Dilations,
        int Groups,
        bool Bias,
        ConvPadding Padding,
        Activation Activation,
        float NegativeSlope,
        float Alpha,
        Initializer Init,
        Initializer BiasInit,
        bool KernelShapeWritten = false) : LayerSpec
    {
        public override string KindName => $"Conv{Rank}D";

        public override Activation? OutputActivation => Activation;

        /// <summary>The kernel's elements per channel: the product of its sizes.</summary>
        public int KernelVolume
        {
            get
            {
                int volume = 1;
                foreach (int k in Kernel)
                {
                    volume *= k;
                }

                return volume;
            }
        }
    }

    /// <summary>How a convolution's padding was declared.</summary>
    internal enum ConvPadding
    {
        /// <summary>Numbers (the same before and after each axis).</summary>
        Explicit,

        /// <summary><c>Padding.Same</c>: PyTorch's <c>padding='same'</c>.</summary>
        Same,

        /// <summary><c>Causal = true</c>: everything before (left).</summary>
        Causal,
    }
}
