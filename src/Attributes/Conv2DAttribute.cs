using System;

namespace Compiled
{
    /// <summary>
    /// A 2-D convolution of an image (C, H, W), exactly <c>torch.nn.Conv2d(C, outChannels, kernelSize, stride, padding, dilation,
    /// groups, bias)</c> followed by the activation; its output is <c>(outChannels, ...)</c> with each spatial dimension
    /// <c>floor((n + padding before + padding after - dilation * (k - 1) - 1) / stride) + 1</c>. See
    /// <see cref="ConvolutionAttribute"/> for the settings.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class Conv2DAttribute : ConvolutionAttribute
    {
        /// <summary>Declares a 2-D convolution.</summary>
        /// <param name="outChannels">The output channels; must be positive and divisible by <see cref="ConvolutionAttribute.Groups"/>.</param>
        /// <param name="kernelSize">The kernel's size along every spatial axis.</param>
        /// <param name="activation">The activation applied to the outputs (fused; not <see cref="Activation.Softmax"/>).</param>
        public Conv2DAttribute(int outChannels, int kernelSize, Activation activation = Activation.Identity)
            : base(outChannels, kernelSize, activation)
        {
        }
    }
}
