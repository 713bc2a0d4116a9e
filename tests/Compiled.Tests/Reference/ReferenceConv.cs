using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.Conv1d/2d/3d</c> (weight <c>[out, C/groups, k...]</c> then, with a bias, <c>[out]</c>) with zero padding before
    /// and after each axis, followed by its fused activation: every output the sum over its window written out, one
    /// element at a time, in double precision.
    /// </summary>
    public sealed class ReferenceConv : IReferenceLayer
    {
        private readonly int _channels;
        private readonly int _outChannels;
        private readonly int[] _input;
        private readonly int[] _output;
        private readonly int[] _kernel;
        private readonly int[] _stride;
        private readonly int[] _padBefore;
        private readonly int[] _dilation;
        private readonly int _groups;
        private readonly bool _bias;
        private readonly Activation _activation;
        private readonly double _setting;

        private ReferenceConv(int[] inputShape, int outChannels, int[] kernel, int[] stride, int[] before, int[] after, int[] dilation, int groups, bool bias, Activation activation, double setting)
        {
            _channels = inputShape[0];
            _input = inputShape.Skip(1).ToArray();
            _outChannels = outChannels;
            _kernel = kernel;
            _stride = stride;
            _padBefore = before;
            _dilation = dilation;
            _groups = groups;
            _bias = bias;
            _activation = activation;
            _setting = setting;
            _output = new int[_input.Length];
            for (int a = 0; a < _input.Length; a++)
            {
                _output[a] = ((_input[a] + before[a] + after[a] - (dilation[a] * (kernel[a] - 1)) - 1) / stride[a]) + 1;
            }

            InputSize = inputShape.Aggregate(1, (x, y) => x * y);
            OutputShape = new[] { outChannels }.Concat(_output).ToArray();
            OutputSize = OutputShape.Aggregate(1, (x, y) => x * y);
        }

        public int InputSize { get; }

        public int OutputSize { get; }

        public int[] OutputShape { get; }

        private int Volume => _kernel.Aggregate(1, (x, y) => x * y);

        private int WeightCount => _outChannels * (_channels / _groups) * Volume;

        public int ParameterCount => WeightCount + (_bias ? _outChannels : 0);

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^Conv([123])D\((\d+), ([\dx]+), stride ([\dx]+), padding ([\dx]+)\+([\dx]+), dilation ([\dx]+), groups (\d+), (bias|no bias), (\w+)(?:\(([-0-9.E]+)\))?\)$");
            if (!match.Success)
            {
                return null;
            }

            static int[] Axes(Group group) => group.Value.Split('x').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            int rank = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal(rank + 1, inputShape.Length);
            return new ReferenceConv(
                inputShape,
                int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                Axes(match.Groups[3]),
                Axes(match.Groups[4]),
                Axes(match.Groups[5]),
                Axes(match.Groups[6]),
                Axes(match.Groups[7]),
                int.Parse(match.Groups[8].Value, CultureInfo.InvariantCulture),
                match.Groups[9].Value == "bias",
                Enum.Parse<Activation>(match.Groups[10].Value),
                match.Groups[11].Success ? double.Parse(match.Groups[11].Value, CultureInfo.InvariantCulture) : double.NaN);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            int rank = _input.Length;
            int inPerGroup = _channels / _groups;
            int outPerGroup = _outChannels / _groups;
            int positions = OutputSize / _outChannels;
            int inPositions = InputSize / _channels;
            int volume = Volume;
            var z = new double[OutputSize];
            var outIndex = new int[rank];
            var kernelIndex = new int[rank];
            for (int o = 0; o < _outChannels; o++)
            {
                int group = o / outPerGroup;
                for (int p = 0; p < positions; p++)
                {
                    Unflatten(p, _output, outIndex);
                    double sum = _bias ? parameters[WeightCount + o] : 0;
                    for (int c = 0; c < inPerGroup; c++)
                    {
                        int channel = (group * inPerGroup) + c;
                        for (int k = 0; k < volume; k++)
                        {
                            Unflatten(k, _kernel, kernelIndex);
                            int flat = 0;
                            bool inside = true;
                            for (int a = 0; a < rank; a++)
                            {
                                int i = (outIndex[a] * _stride[a]) - _padBefore[a] + (kernelIndex[a] * _dilation[a]);
                                inside &= i >= 0 && i < _input[a];
                                flat = (flat * _input[a]) + i;
                            }

                            if (inside)
                            {
                                sum += parameters[(((o * inPerGroup) + c) * volume) + k] * input[(channel * inPositions) + flat];
                            }
                        }
                    }

                    z[(o * positions) + p] = sum;
                }
            }

            preActivation = z;
            return z.Select(v => ReferenceDense.Activate(_activation, _setting, v)).ToArray();
        }

        /// <summary>The row-major multi-index of <paramref name="flat"/> in <paramref name="shape"/>.</summary>
        private static void Unflatten(int flat, int[] shape, int[] index)
        {
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                index[a] = flat % shape[a];
                flat /= shape[a];
            }
        }
    }
}
