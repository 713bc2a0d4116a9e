using System.ComponentModel;

namespace Compiled.Kernels
{
    /// <summary>
    /// The constant geometry of one convolution layer, as three spatial axes (depth, height, width; a 1-D or 2-D convolution
    /// has size 1, kernel 1, stride 1, padding 0 and dilation 1 on the axes it lacks). Built by generated code; not meant to
    /// be built directly.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct ConvGeometry
    {
        /// <summary>Creates the geometry; the arguments are the layer's constants, every one positive (padding 0 or more).</summary>
        /// <param name="channels">The input channels.</param>
        /// <param name="inD">The input depth.</param>
        /// <param name="inH">The input height.</param>
        /// <param name="inW">The input width.</param>
        /// <param name="outChannels">The output channels.</param>
        /// <param name="outD">The output depth.</param>
        /// <param name="outH">The output height.</param>
        /// <param name="outW">The output width.</param>
        /// <param name="kD">The kernel depth.</param>
        /// <param name="kH">The kernel height.</param>
        /// <param name="kW">The kernel width.</param>
        /// <param name="sD">The stride along the depth.</param>
        /// <param name="sH">The stride along the height.</param>
        /// <param name="sW">The stride along the width.</param>
        /// <param name="pD">The zeros before the depth (front).</param>
        /// <param name="pH">The zeros before the height (top).</param>
        /// <param name="pW">The zeros before the width (left).</param>
        /// <param name="dD">The dilation along the depth.</param>
        /// <param name="dH">The dilation along the height.</param>
        /// <param name="dW">The dilation along the width.</param>
        /// <param name="groups">The channel groups.</param>
        public ConvGeometry(
            int channels, int inD, int inH, int inW, int outChannels, int outD, int outH, int outW,
            int kD, int kH, int kW, int sD, int sH, int sW, int pD, int pH, int pW, int dD, int dH, int dW, int groups)
        {
            Channels = channels;
            InD = inD;
            InH = inH;
            InW = inW;
            OutChannels = outChannels;
            OutD = outD;
            OutH = outH;
            OutW = outW;
            KD = kD;
            KH = kH;
            KW = kW;
            SD = sD;
            SH = sH;
            SW = sW;
            PD = pD;
            PH = pH;
            PW = pW;
            DD = dD;
            DH = dH;
            DW = dW;
            Groups = groups;
        }

        /// <summary>Gets the input channels.</summary>
        public int Channels { get; }

        /// <summary>Gets the input depth.</summary>
        public int InD { get; }

        /// <summary>Gets the input height.</summary>
        public int InH { get; }

        /// <summary>Gets the input width.</summary>
        public int InW { get; }

        /// <summary>Gets the output channels.</summary>
        public int OutChannels { get; }

        /// <summary>Gets the output depth.</summary>
        public int OutD { get; }

        /// <summary>Gets the output height.</summary>
        public int OutH { get; }

        /// <summary>Gets the output width.</summary>
        public int OutW { get; }

        /// <summary>Gets the kernel depth.</summary>
        public int KD { get; }

        /// <summary>Gets the kernel height.</summary>
        public int KH { get; }

        /// <summary>Gets the kernel width.</summary>
        public int KW { get; }

        /// <summary>Gets the stride along the depth.</summary>
        public int SD { get; }

        /// <summary>Gets the stride along the height.</summary>
        public int SH { get; }

        /// <summary>Gets the stride along the width.</summary>
        public int SW { get; }

        /// <summary>Gets the zeros before the depth.</summary>
        public int PD { get; }

        /// <summary>Gets the zeros before the height.</summary>
        public int PH { get; }

        /// <summary>Gets the zeros before the width.</summary>
        public int PW { get; }

        /// <summary>Gets the dilation along the depth.</summary>
        public int DD { get; }

        /// <summary>Gets the dilation along the height.</summary>
        public int DH { get; }

        /// <summary>Gets the dilation along the width.</summary>
        public int DW { get; }

        /// <summary>Gets the channel groups.</summary>
        public int Groups { get; }

        /// <summary>Gets the positions of one input channel.</summary>
        public int InPositions => InD * InH * InW;

        /// <summary>Gets the positions of one output channel.</summary>
        public int OutPositions => OutD * OutH * OutW;

        /// <summary>Gets the kernel's elements per channel.</summary>
        public int Volume => KD * KH * KW;

        /// <summary>Gets the input channels of a group.</summary>
        public int InPerGroup => Channels / Groups;

        /// <summary>Gets the output channels of a group.</summary>
        public int OutPerGroup => OutChannels / Groups;

        /// <summary>Gets the values of one patch of a group (a row of its im2col matrix, a row of its weight): <c>C/groups * volume</c>.</summary>
        public int Patch => InPerGroup * Volume;

        /// <summary>Gets the output channels of a group rounded up to 16: the row length of its packed weight.</summary>
        public int PaddedOutPerGroup => (OutPerGroup + 15) / 16 * 16;

        /// <summary>Gets the floats of one group's packed form: the transposed weight <c>[patch, padded]</c> then the bias <c>[padded]</c>.</summary>
        public int PackedGroup => (Patch + 1) * PaddedOutPerGroup;

        /// <summary>Gets the floats of the whole packed form.</summary>
        public int PackedLength => Groups * PackedGroup;
    }
}
