using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.MaxPool1d/2d/3d</c> and <c>nn.AvgPool1d/2d/3d</c> on <c>(C, ...)</c>, written from PyTorch's documented
    /// definitions: the output size <c>floor((in + 2p - d(k - 1) - 1) / s) + 1</c> (ceil mode: rounded up, then one less if
    /// the last window starts at or past <c>in + p</c>); max over the window's input positions (padding is -inf, a NaN wins);
    /// average: the sum over the window's input positions divided by the window's size clipped to <c>[-p, in + p)</c> with
    /// count_include_pad, else by its input positions. Read from the architecture signature, e.g.
    /// <c>MaxPool2D(2x3, stride 2x1, padding 1, dilation 2, ceil mode)</c>.
    /// </summary>
    public sealed class ReferencePool : IReferenceLayer
    {
        private readonly bool _max;
        private readonly int[] _input;
        private readonly int[] _kernel;
        private readonly int[] _stride;
        private readonly int[] _padding;
        private readonly int _dilation;
        private readonly bool _includePad;

        private ReferencePool(bool max, int[] input, int[] kernel, int[] stride, int[] padding, int dilation, bool ceil, bool includePad)
        {
            _max = max;
            _input = input;
            _kernel = kernel;
            _stride = stride;
            _padding = padding;
            _dilation = dilation;
            _includePad = includePad;
            OutputShape = new int[input.Length];
            OutputShape[0] = input[0];
            for (int i = 0; i < kernel.Length; i++)
            {
                int size = input[i + 1];
                double exact = (double)(size + (2 * padding[i]) - (dilation * (kernel[i] - 1)) - 1) / stride[i];
                int output = (int)(ceil ? Math.Ceiling(exact) : Math.Floor(exact)) + 1;
                if (ceil && (output - 1) * stride[i] >= size + padding[i])
                {
                    output--;
                }

                OutputShape[i + 1] = output;
            }
        }

        public int InputSize => _input.Aggregate(1, (a, b) => a * b);

        public int[] OutputShape { get; }

        public int OutputSize => OutputShape.Aggregate(1, (a, b) => a * b);

        public int ParameterCount => 0;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^(Max|Avg)Pool([123])D\((.*)\)$");
            if (!match.Success)
            {
                return null;
            }

            int dims = int.Parse(match.Groups[2].Value);
            string[] settings = match.Groups[3].Value.Split(", ");
            int[] Sizes(string text) => text.Contains('x') ? text.Split('x').Select(int.Parse).ToArray() : Enumerable.Repeat(int.Parse(text), dims).ToArray();
            int[] kernel = Sizes(settings[0]);
            int[] stride = kernel;
            int[] padding = new int[dims];
            int dilation = 1;
            bool ceil = false;
            bool includePad = true;
            foreach (string setting in settings.Skip(1))
            {
                string[] words = setting.Split(' ');
                switch (words[0])
                {
                    case "stride": stride = Sizes(words[1]); break;
                    case "padding": padding = Sizes(words[1]); break;
                    case "dilation": dilation = int.Parse(words[1]); break;
                    case "ceil": ceil = true; break;
                    case "exclude": includePad = false; break;
                    default: throw new FormatException(part);
                }
            }

            return new ReferencePool(match.Groups[1].Value == "Max", inputShape, kernel, stride, padding, dilation, ceil, includePad);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            // Work in 3 spatial dimensions: leading dimensions of 1 with a window of 1.
            int lead = 3 - _kernel.Length;
            int[] In(int[] values, int fill) => Enumerable.Repeat(fill, lead).Concat(values).ToArray();
            int[] size = In(_input.Skip(1).ToArray(), 1);
            int[] output = In(OutputShape.Skip(1).ToArray(), 1);
            int[] kernel = In(_kernel, 1);
            int[] stride = In(_stride, 1);
            int[] padding = In(_padding, 0);
            int[] dilation = In(Enumerable.Repeat(_dilation, _kernel.Length).ToArray(), 1);
            int channels = _input[0];
            int inPlane = size[0] * size[1] * size[2];
            var y = new double[OutputSize];
            int o = 0;
            for (int c = 0; c < channels; c++)
            {
                for (int a = 0; a < output[0]; a++)
                {
                    for (int b = 0; b < output[1]; b++)
                    {
                        for (int e = 0; e < output[2]; e++, o++)
                        {
                            int[] position = { a, b, e };
                            double max = double.NegativeInfinity;
                            double sum = 0;
                            int inside = 0;
                            int padded = 1;
                            for (int dim = 0; dim < 3; dim++)
                            {
                                // The window's extent within [-p, in + p), for count_include_pad.
                                int start = (position[dim] * stride[dim]) - padding[dim];
                                int end = Math.Min(start + ((kernel[dim] - 1) * dilation[dim]) + 1, size[dim] + padding[dim]);
                                padded *= end - start;
                            }

                            for (int i = 0; i < kernel[0]; i++)
                            {
                                for (int j = 0; j < kernel[1]; j++)
                                {
                                    for (int k = 0; k < kernel[2]; k++)
                                    {
                                        int p0 = (a * stride[0]) - padding[0] + (i * dilation[0]);
                                        int p1 = (b * stride[1]) - padding[1] + (j * dilation[1]);
                                        int p2 = (e * stride[2]) - padding[2] + (k * dilation[2]);
                                        if (p0 < 0 || p1 < 0 || p2 < 0 || p0 >= size[0] || p1 >= size[1] || p2 >= size[2])
                                        {
                                            continue; // padding: -inf for max, 0 for the average's sum
                                        }

                                        double value = input[(c * inPlane) + (((p0 * size[1]) + p1) * size[2]) + p2];
                                        if (value > max || double.IsNaN(value))
                                        {
                                            max = value;
                                        }

                                        sum += value;
                                        inside++;
                                    }
                                }
                            }

                            y[o] = _max ? max : inside == 0 ? 0 : sum / (_includePad ? padded : inside);
                        }
                    }
                }
            }

            preActivation = y;
            return y;
        }
    }
}
