using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.Embedding(vocabulary, dimension, padding_idx)</c>: each input value is a token id; the output is its row of
    /// <c>weight [vocabulary, dimension]</c>. The <c>padding_idx</c> row is read like any other but never trained: its
    /// gradient is zero by definition (<see cref="IsTrained"/>).
    /// </summary>
    public sealed class ReferenceEmbedding : IReferenceLayer
    {
        private readonly int _vocabulary;
        private readonly int _dimension;
        private readonly int _padding;

        private ReferenceEmbedding(int[] inputShape, int vocabulary, int dimension, int padding)
        {
            _padding = padding;
            _vocabulary = vocabulary;
            _dimension = dimension;
            InputSize = inputShape.Aggregate(1, (a, b) => a * b);
            OutputShape = inputShape.Append(dimension).ToArray();
        }

        public int InputSize { get; }

        public int OutputSize => InputSize * _dimension;

        public int[] OutputShape { get; }

        public int ParameterCount => _vocabulary * _dimension;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^Embedding\((\d+), (\d+)(?:, padding (\d+))?\)$");
            return match.Success
                ? new ReferenceEmbedding(inputShape, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : -1)
                : null;
        }

        public bool IsTrained(int parameter) => parameter / _dimension != _padding;

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            var output = new double[OutputSize];
            for (int t = 0; t < input.Length; t++)
            {
                int id = (int)input[t];
                Assert.True(id == input[t] && id >= 0 && id < _vocabulary, $"the reference embedding got id {input[t]}");
                parameters.Slice(id * _dimension, _dimension).CopyTo(output.AsSpan(t * _dimension, _dimension));
            }

            preActivation = output;
            return output;
        }
    }
}
