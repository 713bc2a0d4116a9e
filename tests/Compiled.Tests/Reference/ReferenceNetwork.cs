using System;
using System.Collections.Generic;
using System.Linq;

namespace Compiled.Tests.Reference
{
    /// <summary>
    /// An independent, straightforward double-precision implementation of any network, built from its architecture
    /// signature alone (so it shares no code with the generator): PyTorch's definitions, written the obvious way.
    /// </summary>
    public sealed class ReferenceNetwork
    {
        private readonly List<IReferenceLayer> _layers = new();

        public ReferenceNetwork(INetwork network)
        {
            Loss = network.Loss;
            InputSize = network.InputSize;
            int[] shape = network.InputShape.ToArray();
            int parameters = 0;
            string[] parts = network.Architecture.Split(" -> ");
            for (int index = 0; index < parts.Length - 1; index++)
            {
                IReferenceLayer layer = ReferenceLayers.Parse(parts[index + 1], shape, index);
                _layers.Add(layer);
                parameters += layer.ParameterCount;
                shape = layer.OutputShape;
            }

            Assert.Equal(network.ParameterCount, parameters);
            OutputSize = shape.Aggregate(1, (a, b) => a * b);
        }

        public Loss Loss { get; }

        public int InputSize { get; }

        public int OutputSize { get; }

        /// <summary>
        /// The output of one sample, and (for the fused losses) the last layer's value before its activation; in training
        /// mode when <paramref name="training"/> is given (the context of this very sample: its <c>FirstSample</c> is the
        /// sample's index within the call).
        /// </summary>
        public double[] Forward(double[] parameters, ReadOnlySpan<float> input, out double[] logits, TrainingContext? training = null)
        {
            double[] x = input.ToArray().Select(v => (double)v).ToArray();
            logits = x;
            int offset = 0;
            foreach (IReferenceLayer layer in _layers)
            {
                x = layer.Forward(parameters.AsSpan(offset, layer.ParameterCount), x, training, out logits);
                offset += layer.ParameterCount;
            }

            return x;
        }

        /// <summary>The loss of one sample given a target vector (or a label for cross-entropy when <paramref name="label"/> is not negative).</summary>
        public double Loss1(double[] parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, int label = -1, TrainingContext? training = null)
        {
            double[] y = Forward(parameters, input, out double[] z, training);
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
    }
}
