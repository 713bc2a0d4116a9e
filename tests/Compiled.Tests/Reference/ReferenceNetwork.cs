using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// An independent, straightforward double-precision implementation of any network, built from its architecture
    /// signature alone (so it shares no code with the generator): PyTorch's definitions, written the obvious way.
    /// </summary>
    public sealed class ReferenceNetwork
    {
        private readonly List<Layer> _layers = new();

        public ReferenceNetwork(INetwork network)
        {
            Loss = network.Loss;
            InputSize = network.InputSize;
            string[] parts = network.Architecture.Split(" -> ");
            int width = InputSize;
            int offset = 0;
            foreach (string part in parts.Skip(1))
            {
                if (part == "Flatten")
                {
                    continue;
                }

                Match match = Regex.Match(part, @"^Dense\((\d+), (\w+)(?:\(([-0-9.E]+)\))?\)$");
                Assert.True(match.Success, $"unexpected layer '{part}'");
                int units = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                var activation = Enum.Parse<Activation>(match.Groups[2].Value);
                double setting = match.Groups[3].Success ? double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : double.NaN;
                _layers.Add(new Layer(width, units, activation, setting, offset));
                offset += (width * units) + units;
                width = units;
            }

            Assert.Equal(network.ParameterCount, offset);
            OutputSize = width;
        }

        public Loss Loss { get; }

        public int InputSize { get; }

        public int OutputSize { get; }

        /// <summary>The output of one sample, and (for the fused losses) the last layer's logits.</summary>
        public double[] Forward(double[] parameters, ReadOnlySpan<float> input, out double[] logits)
        {
            double[] x = input.ToArray().Select(v => (double)v).ToArray();
            logits = x;
            foreach (Layer layer in _layers)
            {
                var z = new double[layer.Outputs];
                for (int o = 0; o < layer.Outputs; o++)
                {
                    double sum = parameters[layer.Offset + (layer.Inputs * layer.Outputs) + o];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        sum += parameters[layer.Offset + (o * layer.Inputs) + i] * x[i];
                    }

                    z[o] = sum;
                }

                logits = z;
                x = Activate(layer, z);
            }

            return x;
        }

        /// <summary>The loss of one sample given a target vector (or a label for cross-entropy when <paramref name="label"/> is not negative).</summary>
        public double Loss1(double[] parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, int label = -1)
        {
            double[] y = Forward(parameters, input, out double[] z);
            int n = y.Length;
            switch (Loss)
            {
                case Loss.CrossEntropy:
                    double max = z.Max();
                    double lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                    if (label >= 0)
                    {
                        return lse - z[label];
                    }

                    double ce = 0;
                    for (int j = 0; j < n; j++)
                    {
                        ce -= target[j] * (z[j] - lse);
                    }

                    return ce;
                case Loss.BinaryCrossEntropy:
                    double bce = 0;
                    for (int j = 0; j < n; j++)
                    {
                        double p = 1 / (1 + Math.Exp(-z[j]));
                        bce -= (target[j] * Math.Log(p)) + ((1 - target[j]) * Math.Log(1 - p));
                    }

                    return bce / n;
                default:
                    double mse = 0;
                    for (int j = 0; j < n; j++)
                    {
                        mse += (y[j] - target[j]) * (y[j] - target[j]);
                    }

                    return mse / n;
            }
        }

        private static double[] Activate(Layer layer, double[] z)
        {
            if (layer.Activation == Activation.Softmax)
            {
                double max = z.Max();
                double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
                double sum = e.Sum();
                return e.Select(v => v / sum).ToArray();
            }

            return z.Select(v => Activate(layer.Activation, layer.Setting, v)).ToArray();
        }

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

        private sealed record Layer(int Inputs, int Outputs, Activation Activation, double Setting, int Offset);
    }
}
