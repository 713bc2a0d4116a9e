using System;

namespace Compiled
{
    /// <summary>
    /// A 1-D convolution of a sequence (C, L), exactly <c>torch.nn.Conv1d(C, outChannels, kernelSize, stride, padding, dilation,
    /// groups, bias)</c> followed by the activation; its output is <c>(outChannels, ...)</c> with each spatial dimension
    /// <c>floor((n + padding before + padding after - dilation * (k - 1) - 1) / stride) + 1</c>. See
    /// <see cref="ConvolutionAttribute"/> for the settings.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Conv1DAttribute : ConvolutionAttribute
    {
        /// <summary>Declares a 1-D convolution.</summary>
        /// <param name="outChannels">The output channels; must be positive and divisible by <see cref="ConvolutionAttribute.Groups"/>.</param>
        /// <param name="kernelSize">The kernel's size along every spatial axis.</param>
        /// <param name="activation">The activation applied to the outputs (fused; not <see cref="Activation.Softmax"/>).</param>
        public Conv1DAttribute(int outChannels, int kernelSize, Activation activation = Activation.Identity)
            : base(outChannels, kernelSize, activation)
        {
        }

        /// <summary>
        /// A causal convolution: all <c>dilation * (kernel - 1)</c> zeros on the left and none on the right, so output
        /// <c>t</c> sees inputs up to <c>t</c> only (PyTorch: <c>F.pad(x, (dilation * (k - 1), 0))</c> then the convolution
        /// with <c>padding=0</c>). The output has the input's length at stride 1. Not combined with <see cref="ConvolutionAttribute.Padding"/>. Default false.
        /// </summary>
        public bool Causal { get; set; }
    }
}
