using System;
using System.Globalization;
using System.Text.RegularExpressions;
using Compiled.Kernels;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// <c>nn.RNN</c>, <c>nn.GRU</c> and <c>nn.LSTM</c> (batch_first, zero initial state), written from PyTorch's
    /// documentation: per stacked layer <c>weight_ih [G H, in]</c>, <c>weight_hh [G H, H]</c>, <c>bias_ih</c>,
    /// <c>bias_hh</c>; the output is the top layer's hidden state of every step, or of the last step.
    /// </summary>
    public sealed class ReferenceRecurrent : IReferenceLayer
    {
        private readonly string _kind;
        private readonly bool _relu;
        private readonly int _steps;
        private readonly int _features;
        private readonly int _hidden;
        private readonly int _layers;
        private readonly bool _bias;
        private readonly bool _sequences;
        private readonly int _directions;
        private readonly float _dropout;
        private readonly float _recurrentDropout;
        private readonly int _index;
        private int _length; // the real steps of the sample being computed (ForwardWithLength), 0 for all

        /// <summary>True when the output is every step's (<c>ReturnSequences</c>).</summary>
        public bool Sequences => _sequences;

        /// <summary>
        /// The forward pass of one sample of <paramref name="length"/> real steps, as PyTorch's packed sequences: the padding
        /// is never read, the reverse direction starts at step <c>length - 1</c>, the output is zero beyond the length (every
        /// step) or the output at step <c>length - 1</c> (the last).
        /// </summary>
        public double[] ForwardWithLength(ReadOnlySpan<double> parameters, double[] input, int length)
        {
            _length = length;
            try
            {
                return Forward(parameters, input, null, out _);
            }
            finally
            {
                _length = 0;
            }
        }

        private ReferenceRecurrent(string kind, bool relu, int steps, int features, int hidden, int layers, bool bias, bool sequences, bool bidirectional)
        {
            _directions = bidirectional ? 2 : 1;
            _kind = kind;
            _relu = relu;
            _steps = steps;
            _features = features;
            _hidden = hidden;
            _layers = layers;
            _bias = bias;
            _sequences = sequences;
        }

        private ReferenceRecurrent(string kind, bool relu, int steps, int features, int hidden, int layers, bool bias, bool sequences, bool bidirectional, float dropout, float recurrentDropout, int index)
            : this(kind, relu, steps, features, hidden, layers, bias, sequences, bidirectional)
        {
            _dropout = dropout;
            _recurrentDropout = recurrentDropout;
            _index = index;
        }

        public int InputSize => _steps * _features;

        public int OutputSize => _sequences ? _steps * _directions * _hidden : _directions * _hidden;

        public int[] OutputShape => _sequences ? new[] { _steps, _directions * _hidden } : new[] { _directions * _hidden };

        private int Gates => _kind == "GRU" ? 3 : _kind == "LSTM" ? 4 : 1;

        public int ParameterCount
        {
            get
            {
                int count = 0;
                for (int l = 0; l < _layers; l++)
                {
                    int inputs = l == 0 ? _features : _directions * _hidden;
                    count += _directions * Gates * _hidden * (inputs + _hidden + (_bias ? 2 : 0));
                }

                return count;
            }
        }

        /// <summary>Reads <c>GRU(16)</c>, <c>SimpleRNN(8, ReLU, layers 2, no bias, sequences)</c>, ...</summary>
        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^(SimpleRNN|GRU|LSTM)\((\d+)((?:, [\w .E-]+)*)\)$");
            if (!match.Success)
            {
                return null;
            }

            string settings = match.Groups[3].Value;
            Match layers = Regex.Match(settings, @"layers (\d+)");
            Match dropout = Regex.Match(settings, @"(?<!recurrent )dropout ([0-9.E-]+)");
            Match recurrentDropout = Regex.Match(settings, @"recurrent dropout ([0-9.E-]+)");
            Assert.Equal(2, inputShape.Length);
            return new ReferenceRecurrent(
                match.Groups[1].Value,
                settings.Contains("ReLU", StringComparison.Ordinal),
                inputShape[0],
                inputShape[1],
                int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                layers.Success ? int.Parse(layers.Groups[1].Value, CultureInfo.InvariantCulture) : 1,
                !settings.Contains("no bias", StringComparison.Ordinal),
                settings.Contains("sequences", StringComparison.Ordinal),
                settings.Contains("bidirectional", StringComparison.Ordinal),
                dropout.Success ? float.Parse(dropout.Groups[1].Value, CultureInfo.InvariantCulture) : 0f,
                recurrentDropout.Success ? float.Parse(recurrentDropout.Groups[1].Value, CultureInfo.InvariantCulture) : 0f,
                index);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            int H = _hidden;
            int width = _directions * H;
            double[] sequence = input;
            int offset = 0;
            for (int l = 0; l < _layers; l++)
            {
                int inputs = l == 0 ? _features : width;
                var output = new double[_steps * width];
                for (int d = 0; d < _directions; d++)
                {
                    // The reverse direction: the same cell over the steps from the last to the first.
                    double[] h = Direction(parameters, ref offset, sequence, inputs, d == 1, RecurrentMask(training, l, d));
                    for (int t = 0; t < _steps; t++)
                    {
                        Array.Copy(h, t * H, output, (t * width) + (d * H), H);
                    }
                }

                sequence = output;
                if (training is { } context && _dropout > 0 && l < _layers - 1)
                {
                    // PyTorch's dropout between stacked layers: nn.Dropout over the whole output sequence of this layer.
                    double scale = 1f / (1f - _dropout);
                    for (int j = 0; j < sequence.Length; j++)
                    {
                        sequence[j] = DropoutKernels.Keeps(context, ((_index + 1) * 1024) + l, 0, j, _dropout) ? sequence[j] * scale : 0;
                    }
                }
            }

            int last = (_length > 0 ? _length : _steps) - 1;
            double[] result = _sequences ? sequence : sequence.AsSpan(last * width, width).ToArray();
            preActivation = result;
            return result;
        }

        /// <summary>
        /// The recurrent-dropout mask of stacked layer <paramref name="l"/>, direction <paramref name="d"/> (Keras'
        /// <c>recurrent_dropout</c>: one draw per sequence for every step), or all ones at inference or without it.
        /// </summary>
        private double[] RecurrentMask(TrainingContext? training, int l, int d)
        {
            var mask = new double[_hidden];
            double scale = 1f / (1f - _recurrentDropout);
            for (int j = 0; j < _hidden; j++)
            {
                mask[j] = training is not { } context || _recurrentDropout <= 0 ? 1
                    : DropoutKernels.Keeps(context, ((_index + 1) * 1024) + 512 + (2 * l) + d, 0, j, _recurrentDropout) ? scale : 0;
            }

            return mask;
        }

        /// <summary>One direction of one stacked layer; every step's hidden state, in time order; the recurrent product reads <c>mask * h</c>.</summary>
        private double[] Direction(ReadOnlySpan<double> parameters, ref int offset, double[] sequence, int inputs, bool reverse, double[] mask)
        {
            int H = _hidden;
            int rows = Gates * H;
            ReadOnlySpan<double> wih = parameters.Slice(offset, rows * inputs);
            offset += rows * inputs;
            ReadOnlySpan<double> whh = parameters.Slice(offset, rows * H);
            offset += rows * H;
            double[] bih = new double[rows];
            double[] bhh = new double[rows];
            if (_bias)
            {
                bih = parameters.Slice(offset, rows).ToArray();
                bhh = parameters.Slice(offset + rows, rows).ToArray();
                offset += 2 * rows;
            }

            var output = new double[_steps * H];
            var h = new double[H];
            var c = new double[H];
            int steps = _length > 0 ? _length : _steps; // beyond: zero, as pad_packed_sequence
            for (int k = 0; k < steps; k++)
            {
                int t = reverse ? steps - 1 - k : k;
                var gi = new double[rows];
                var gh = new double[rows];
                for (int r = 0; r < rows; r++)
                {
                    double a = bih[r];
                    for (int i = 0; i < inputs; i++)
                    {
                        a += wih[(r * inputs) + i] * sequence[(t * inputs) + i];
                    }

                    double b = bhh[r];
                    for (int i = 0; i < H; i++)
                    {
                        b += whh[(r * H) + i] * (mask[i] * h[i]);
                    }

                    gi[r] = a;
                    gh[r] = b;
                }

                var next = new double[H];
                for (int j = 0; j < H; j++)
                {
                    switch (_kind)
                    {
                        case "GRU":
                            double rg = Sigmoid(gi[j] + gh[j]);
                            double zg = Sigmoid(gi[H + j] + gh[H + j]);
                            double ng = Math.Tanh(gi[(2 * H) + j] + (rg * gh[(2 * H) + j]));
                            next[j] = ((1 - zg) * ng) + (zg * h[j]);
                            break;
                        case "LSTM":
                            double ig = Sigmoid(gi[j] + gh[j]);
                            double fg = Sigmoid(gi[H + j] + gh[H + j]);
                            double gg = Math.Tanh(gi[(2 * H) + j] + gh[(2 * H) + j]);
                            double og = Sigmoid(gi[(3 * H) + j] + gh[(3 * H) + j]);
                            c[j] = (fg * c[j]) + (ig * gg);
                            next[j] = og * Math.Tanh(c[j]);
                            break;
                        default:
                            double z = gi[j] + gh[j];
                            next[j] = _relu ? Math.Max(0, z) : Math.Tanh(z);
                            break;
                    }
                }

                h = next;
                Array.Copy(h, 0, output, t * H, H);
            }

            return output;
        }

        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }
}
