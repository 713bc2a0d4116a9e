using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// A standalone activation (<c>nn.ReLU</c>, <c>nn.LeakyReLU(slope)</c>, <c>nn.Softmax(dim=-1)</c>, ...): element by element
    /// with <see cref="ReferenceDense.Activate"/>'s double-precision definitions; Softmax over the whole sample, whose
    /// pre-activation (the input) the fused losses read.
    /// </summary>
    public sealed class ReferenceActivation : IReferenceLayer
    {
        private readonly Activation _activation;
        private readonly double _setting;

        private ReferenceActivation(int[] shape, Activation activation, double setting)
        {
            OutputShape = shape;
            InputSize = shape.Aggregate(1, (a, b) => a * b);
            _activation = activation;
            _setting = setting;
        }

        public int InputSize { get; }

        public int[] OutputShape { get; }

        public int OutputSize => InputSize;

        public int ParameterCount => 0;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index)
        {
            Match match = Regex.Match(part, @"^(Identity|ReLU|LeakyReLU|ELU|Sigmoid|Tanh|Softmax|Softplus|SiLU|GELU)(?:\(([-0-9.E]+)\))?$");
            if (!match.Success)
            {
                return null;
            }

            var activation = Enum.Parse<Activation>(match.Groups[1].Value);
            double setting = match.Groups[2].Success ? double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : double.NaN;
            return new ReferenceActivation(inputShape, activation, setting);
        }

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            preActivation = input;
            if (_activation == Activation.Softmax)
            {
                double max = input.Max();
                double[] e = input.Select(v => Math.Exp(v - max)).ToArray();
                double total = e.Sum();
                return e.Select(v => v / total).ToArray();
            }

            return input.Select(v => ReferenceDense.Activate(_activation, _setting, v)).ToArray();
        }
    }
}
