using System;
using System.Linq;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.AdaptiveAvgPool{n}d(1)</c> / <c>nn.AdaptiveMaxPool{n}d(1)</c> then <c>nn.Flatten()</c>: each channel of
    /// <c>(C, ...)</c> to its mean or maximum over all its positions.
    /// </summary>
    public sealed class ReferenceGlobalPool : IReferenceLayer
    {
        private readonly bool _max;
        private readonly int _channels;
        private readonly int _positions;

        private ReferenceGlobalPool(bool max, int[] input)
        {
            _max = max;
            _channels = input[0];
            _positions = input.Skip(1).Aggregate(1, (a, b) => a * b);
        }

        public int InputSize => _channels * _positions;

        public int[] OutputShape => new[] { _channels };

        public int OutputSize => _channels;

        public int ParameterCount => 0;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index) => part switch
        {
            "GlobalAvgPool" => new ReferenceGlobalPool(false, inputShape),
            "GlobalMaxPool" => new ReferenceGlobalPool(true, inputShape),
            _ => null,
        };

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            var y = new double[_channels];
            for (int c = 0; c < _channels; c++)
            {
                ArraySegment<double> plane = new(input, c * _positions, _positions);
                y[c] = _max ? plane.Max() : plane.Sum() / _positions;
            }

            preActivation = y;
            return y;
        }
    }
}
