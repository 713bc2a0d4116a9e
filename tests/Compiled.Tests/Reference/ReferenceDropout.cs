using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Compiled.Kernels;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.Dropout(p)</c> (and <c>nn.Dropout1d/2d/3d</c>, one draw per channel): the identity at inference; in training, element <c>j</c> is kept (and scaled by
    /// <c>1 / (1 - p)</c>) when the mask says so. The mask is this library's definition (PyTorch's random stream cannot be
    /// reproduced), so the reference reads it from <see cref="DropoutKernels.Keeps"/> and checks everything around it.
    /// </summary>
    public sealed class ReferenceDropout : IReferenceLayer
    {
        private readonly int _index;
        private readonly int[] _shape;

        private readonly bool _channels;

        private ReferenceDropout(int[] shape, float p, int index, bool channels)
        {
            _channels = channels;
            _shape = shape;
            InputSize = shape.Aggregate(1, (a, b) => a * b);
            P = p;
            _index = index;
        }

        public int InputSize { get; }

        public int[] OutputShape => _shape;

        public int OutputSize => InputSize;

        public int ParameterCount => 0;

        public float P { get; }

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^Dropout([123]D)?\(([-0-9.E]+)\)$");
            return match.Success ? new ReferenceDropout(inputShape, float.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), index, match.Groups[1].Success) : null;
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            if (training is not { } context)
            {
                preActivation = input;
                return input;
            }

            double scale = 1f / (1f - P);
            var output = new double[input.Length];
            for (int j = 0; j < input.Length; j++)
            {
                // nn.Dropout2d and friends: one draw per channel (the first dimension), for all of its positions.
                int draw = _channels ? j / (input.Length / _shape[0]) : j;
                output[j] = DropoutKernels.Keeps(context, _index, 0, draw, P) ? input[j] * scale : 0;
            }

            preActivation = output;
            return output;
        }
    }
}
