using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary><c>nn.LayerNorm</c> over the trailing dimensions (all by default), biased variance, weight then bias.</summary>
    public sealed class ReferenceLayerNorm : IReferenceLayer
    {
        private readonly int _group;
        private readonly double _eps;
        private readonly bool _affine;

        private ReferenceLayerNorm(int[] shape, int dimensions, double eps, bool affine)
        {
            OutputShape = shape;
            InputSize = shape.Aggregate(1, (a, b) => a * b);
            _group = shape.Skip(shape.Length - (dimensions == 0 ? shape.Length : dimensions)).Aggregate(1, (a, b) => a * b);
            _eps = eps;
            _affine = affine;
        }

        public int InputSize { get; }

        public int[] OutputShape { get; }

        public int OutputSize => InputSize;

        public int ParameterCount => _affine ? 2 * _group : 0;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^LayerNorm(?:\((.*)\))?$");
            if (!match.Success)
            {
                return null;
            }

            int dimensions = 0;
            double eps = 1e-5f;
            bool affine = true;
            foreach (string setting in match.Groups[1].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries))
            {
                string[] words = setting.Split(' ');
                switch (words[0])
                {
                    case "dims": dimensions = int.Parse(words[1], CultureInfo.InvariantCulture); break;
                    case "eps": eps = float.Parse(words[1], CultureInfo.InvariantCulture); break;
                    case "no": affine = false; break;
                    default: throw new FormatException(part);
                }
            }

            return new ReferenceLayerNorm(inputShape, dimensions, eps, affine);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            var y = new double[input.Length];
            for (int start = 0; start < input.Length; start += _group)
            {
                double mean = 0;
                for (int j = 0; j < _group; j++)
                {
                    mean += input[start + j];
                }

                mean /= _group;
                double variance = 0;
                for (int j = 0; j < _group; j++)
                {
                    variance += (input[start + j] - mean) * (input[start + j] - mean);
                }

                variance /= _group;
                for (int j = 0; j < _group; j++)
                {
                    double xhat = (input[start + j] - mean) / Math.Sqrt(variance + _eps);
                    y[start + j] = _affine ? (xhat * parameters[j]) + parameters[_group + j] : xhat;
                }
            }

            preActivation = y;
            return y;
        }
    }
}
