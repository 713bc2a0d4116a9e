using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.BatchNorm1d/2d</c>: per channel (a vector input's elements, else the first dimension) over the batch and the
    /// other positions. Training: the batch's mean and biased variance; inference: the running statistics. Weight then
    /// bias; buffers running_mean, running_var, num_batches_tracked.
    /// </summary>
    public sealed class ReferenceBatchNorm : IReferenceBatchLayer
    {
        private readonly int _channels;
        private readonly int _spatial;
        private readonly double _eps;
        private readonly bool _affine;

        private readonly bool _tracks;

        private ReferenceBatchNorm(int[] shape, double eps, double momentum, bool affine, bool tracks = true)
        {
            _tracks = tracks;
            OutputShape = shape;
            InputSize = shape.Aggregate(1, (a, b) => a * b);
            _channels = shape.Length == 1 ? shape[0] : shape[0];
            _spatial = InputSize / _channels;
            _eps = eps;
            Momentum = momentum;
            _affine = affine;
        }

        public int InputSize { get; }

        public int[] OutputShape { get; }

        public int OutputSize => InputSize;

        public int ParameterCount => _affine ? 2 * _channels : 0;

        public int BufferCount => _tracks ? (2 * _channels) + 1 : 0;

        public int Channels => _channels;

        public double Momentum { get; }

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^BatchNorm(?:\((.*)\))?$");
            if (!match.Success)
            {
                return null;
            }

            double eps = 1e-5f;
            double momentum = 0.1f;
            bool affine = true;
            bool tracks = true;
            string normalized = match.Groups[1].Value.Replace("no running stats", "untracked", StringComparison.Ordinal).Replace("cumulative average", "cumulative", StringComparison.Ordinal);
            foreach (string setting in normalized.Split(", ", StringSplitOptions.RemoveEmptyEntries))
            {
                string[] words = setting.Split(' ');
                switch (words[0])
                {
                    case "eps": eps = float.Parse(words[1], CultureInfo.InvariantCulture); break;
                    case "momentum": momentum = float.Parse(words[1], CultureInfo.InvariantCulture); break;
                    case "no": affine = false; break;
                    case "untracked": tracks = false; break;
                    case "cumulative": break; // only the running statistics differ, which the reference does not keep
                    default: throw new FormatException(part);
                }
            }

            return new ReferenceBatchNorm(inputShape, eps, momentum, affine, tracks);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation) =>
            throw new InvalidOperationException("batch normalisation needs its batch and buffers: use ForwardBatch");

        /// <summary>The per-channel mean and biased variance of a batch.</summary>
        public (double[] Mean, double[] Variance) Statistics(double[][] inputs)
        {
            var mean = new double[_channels];
            var variance = new double[_channels];
            int n = inputs.Length * _spatial;
            for (int c = 0; c < _channels; c++)
            {
                double sum = 0;
                foreach (double[] x in inputs)
                {
                    for (int j = 0; j < _spatial; j++)
                    {
                        sum += x[(c * _spatial) + j];
                    }
                }

                mean[c] = sum / n;
                double squares = 0;
                foreach (double[] x in inputs)
                {
                    for (int j = 0; j < _spatial; j++)
                    {
                        squares += (x[(c * _spatial) + j] - mean[c]) * (x[(c * _spatial) + j] - mean[c]);
                    }
                }

                variance[c] = squares / n;
            }

            return (mean, variance);
        }

        public double[][] ForwardBatch(ReadOnlySpan<double> parameters, ReadOnlySpan<double> buffers, double[][] inputs, bool training, out double[][] preActivations)
        {
            double[] mean, variance;
            if (training || !_tracks)
            {
                // No running statistics: the batch's at inference too (PyTorch's track_running_stats=False).
                (mean, variance) = Statistics(inputs);
            }
            else
            {
                mean = buffers.Slice(0, _channels).ToArray();
                variance = buffers.Slice(_channels, _channels).ToArray();
            }

            var outputs = new double[inputs.Length][];
            for (int s = 0; s < inputs.Length; s++)
            {
                var y = new double[InputSize];
                for (int c = 0; c < _channels; c++)
                {
                    for (int j = 0; j < _spatial; j++)
                    {
                        int i = (c * _spatial) + j;
                        double xhat = (inputs[s][i] - mean[c]) / Math.Sqrt(variance[c] + _eps);
                        y[i] = _affine ? (xhat * parameters[c]) + parameters[_channels + c] : xhat;
                    }
                }

                outputs[s] = y;
            }

            preActivations = outputs;
            return outputs;
        }
    }
}
