using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary><c>nn.Linear</c> (weight <c>[out, in]</c> then bias <c>[out]</c>) followed by its fused activation.</summary>
    public sealed class ReferenceDense : IReferenceLayer
    {
        private readonly Activation _activation;
        private readonly double _setting;

        private readonly int _steps;

        private ReferenceDense(int inputs, int outputs, Activation activation, double setting, int steps = 1)
        {
            InputSize = inputs;
            OutputSize = outputs;
            _steps = steps;
            _activation = activation;
            _setting = setting;
        }

        public int InputSize { get; }

        /// <summary>A vector, or for a sequence input (rank 2: only a recurrent layer's sequence reaches a Dense so) <c>(steps, units)</c>.</summary>
        public int[] OutputShape => _steps > 1 || _sequence ? new[] { _steps, OutputSize } : new[] { OutputSize };

        private bool _sequence;

        public int OutputSize { get; }

        public int ParameterCount => (InputSize * OutputSize) + OutputSize;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^Dense\((\d+), (\w+)(?:\(([-0-9.E]+)\))?\)$");
            if (!match.Success)
            {
                return null;
            }

            int units = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var activation = Enum.Parse<Activation>(match.Groups[2].Value);
            double setting = match.Groups[3].Success ? double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : double.NaN;
            if (inputShape.Length == 2)
            {
                // nn.Linear on the last dimension of a sequence (steps, features): each step on its own.
                return new ReferenceDense(inputShape[1], units, activation, setting, inputShape[0]) { _sequence = true };
            }

            return new ReferenceDense(inputShape.Aggregate(1, (a, b) => a * b), units, activation, setting);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            if (_sequence)
            {
                var outputs = new double[_steps * OutputSize];
                var pres = new double[_steps * OutputSize];
                var step = new ReferenceDense(InputSize, OutputSize, _activation, _setting);
                for (int t = 0; t < _steps; t++)
                {
                    double[] y = step.Forward(parameters, input.AsSpan(t * InputSize, InputSize).ToArray(), training, out double[] z1);
                    Array.Copy(y, 0, outputs, t * OutputSize, OutputSize);
                    Array.Copy(z1, 0, pres, t * OutputSize, OutputSize);
                }

                preActivation = pres;
                return outputs;
            }

            var z = new double[OutputSize];
            for (int o = 0; o < OutputSize; o++)
            {
                double sum = parameters[(InputSize * OutputSize) + o];
                for (int i = 0; i < InputSize; i++)
                {
                    sum += parameters[(o * InputSize) + i] * input[i];
                }

                z[o] = sum;
            }

            preActivation = z;
            if (_activation == Activation.Softmax)
            {
                double max = z.Max();
                double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
                double total = e.Sum();
                return e.Select(v => v / total).ToArray();
            }

            return z.Select(v => Activate(_activation, _setting, v)).ToArray();
        }

        /// <summary>PyTorch's element-wise activations in double precision.</summary>
        public static double Activate(Activation activation, double setting, double x) => activation switch
        {
            Activation.Identity => x,
            Activation.ReLU => Math.Max(0, x),
            Activation.LeakyReLU => x > 0 ? x : setting * x,
            Activation.ELU => x > 0 ? x : setting * (Math.Exp(x) - 1),
            Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
            Activation.Tanh => Math.Tanh(x),
            Activation.Softplus => x > 20 ? x : Math.Log(1 + Math.Exp(x)),
            Activation.SiLU => x / (1 + Math.Exp(-x)),
            Activation.GELU => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + (0.044715 * x * x * x)))),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };
    }
}
