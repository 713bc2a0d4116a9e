namespace Compiled
{
    /// <summary>
    /// What <see cref="Conv1DAttribute"/>, <see cref="Conv2DAttribute"/> and <see cref="Conv3DAttribute"/> share: a
    /// convolution of an input <c>(C, ...)</c> (channels first, then 1, 2 or 3 spatial dimensions, row-major) with zero
    /// padding, exactly <c>torch.nn.Conv1d/2d/3d(C, outChannels, kernelSize, stride, padding, dilation, groups, bias)</c>
    /// followed by the activation. The weight is <c>[outChannels, C / Groups, k...]</c> and the bias <c>[outChannels]</c>,
    /// PyTorch's layouts.
    /// </summary>
    /// <remarks>
    /// A setting is one number for every spatial axis (<see cref="Stride"/>, <see cref="Padding"/>, <see cref="Dilation"/>,
    /// the constructor's <c>kernelSize</c>) or, where the axes differ, an array with one number per axis, outermost first
    /// (<see cref="KernelShape"/>, <see cref="Strides"/>, <see cref="Paddings"/>, <see cref="Dilations"/>, as PyTorch's
    /// tuples: <c>KernelShape = new[] { 3, 5 }</c> is <c>kernel_size=(3, 5)</c>); an array, when given, wins.
    /// </remarks>
    public abstract class ConvolutionAttribute : LayerAttribute
    {
        /// <summary>Declares a convolution.</summary>
        /// <param name="outChannels">The output channels; must be positive and divisible by <see cref="Groups"/>.</param>
        /// <param name="kernelSize">The kernel's size along every spatial axis (see <see cref="KernelShape"/> for others).</param>
        /// <param name="activation">The activation applied to the outputs (fused; not <see cref="Activation.Softmax"/>).</param>
        protected ConvolutionAttribute(int outChannels, int kernelSize, Activation activation)
        {
            OutChannels = outChannels;
            KernelSize = kernelSize;
            Activation = activation;
        }

        /// <summary>The output channels (PyTorch's <c>out_channels</c>).</summary>
        public int OutChannels { get; }

        /// <summary>The kernel's size along every spatial axis (PyTorch's <c>kernel_size</c> as one number).</summary>
        public int KernelSize { get; }

        /// <summary>The activation applied to the outputs.</summary>
        public Activation Activation { get; }

        /// <summary>The kernel's size per spatial axis, outermost first (PyTorch's <c>kernel_size</c> tuple); overrides the constructor's size.</summary>
        public int[]? KernelShape { get; set; }

        /// <summary>The step between output positions along every spatial axis (PyTorch's <c>stride</c>). Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>The step per spatial axis (PyTorch's <c>stride</c> tuple); overrides <see cref="Stride"/>.</summary>
        public int[]? Strides { get; set; }

        /// <summary>
        /// The zeros added on each side of every spatial axis (PyTorch's <c>padding</c>), or <see cref="Compiled.Padding.Same"/>
        /// (<c>padding='same'</c>, stride 1 only). Default 0.
        /// </summary>
        public int Padding { get; set; }

        /// <summary>The zeros on each side per spatial axis (PyTorch's <c>padding</c> tuple); overrides <see cref="Padding"/>.</summary>
        public int[]? Paddings { get; set; }

        /// <summary>The spacing between kernel elements along every spatial axis (PyTorch's <c>dilation</c>). Default 1.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>The spacing per spatial axis (PyTorch's <c>dilation</c> tuple); overrides <see cref="Dilation"/>.</summary>
        public int[]? Dilations { get; set; }

        /// <summary>
        /// The channel groups (PyTorch's <c>groups</c>): input and output channels are split into this many groups, each output
        /// channel seeing only its group's inputs. Both channel counts must be divisible by it; <c>Groups</c> equal to the input
        /// channels is a depthwise convolution (follow it with a 1x1 convolution for a depthwise-separable one). Default 1.
        /// </summary>
        public int Groups { get; set; } = 1;

        /// <summary>Whether the layer has a learnable bias (PyTorch's <c>bias</c>). Default true.</summary>
        public bool Bias { get; set; } = true;

        /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/> (PyTorch's <c>negative_slope</c>). Default 0.01.</summary>
        public float NegativeSlope { get; set; } = 0.01f;

        /// <summary>The <c>alpha</c> of <see cref="Activation.ELU"/>. Default 1.</summary>
        public float Alpha { get; set; } = 1f;

        /// <summary>
        /// How the weight is initialised. Default <see cref="Initializer.Default"/>: as <see cref="DenseAttribute"/>, Kaiming (He)
        /// uniform for ReLU-family activations, Xavier (Glorot) uniform otherwise, with <c>fan_in = C / Groups * prod(kernel)</c>
        /// and <c>fan_out = outChannels * prod(kernel)</c> (PyTorch's fans for a convolution weight).
        /// <see cref="Initializer.PyTorchDefault"/> is <c>nn.Conv*d</c>'s <c>kaiming_uniform_(weight, a=sqrt(5))</c>, that is
        /// <c>U(-1/sqrt(fan_in), 1/sqrt(fan_in))</c>.
        /// </summary>
        public Initializer Init { get; set; } = Initializer.Default;

        /// <summary>
        /// How the bias is initialised. Default <see cref="Initializer.Default"/>: zeros. <see cref="Initializer.PyTorchDefault"/>
        /// is <c>nn.Conv*d</c>'s <c>U(-1/sqrt(fan_in), 1/sqrt(fan_in))</c>. <see cref="Initializer.Orthogonal"/> is not allowed here.
        /// </summary>
        public Initializer BiasInit { get; set; } = Initializer.Default;
    }
}
