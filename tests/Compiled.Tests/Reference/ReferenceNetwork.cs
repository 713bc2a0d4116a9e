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
        private readonly INetwork _network;

        /// <summary>The loss rows of one sample: 1, or its steps for a per-step classifier (one label per step).</summary>
        private readonly int _rows;

        /// <summary>
        /// The reference of <paramref name="network"/>'s architecture. Parameters are passed to each call; the buffers
        /// (running statistics, read at inference) are the network's own at the time of the call.
        /// </summary>
        public ReferenceNetwork(INetwork network)
        {
            _network = network;
            Loss = network.Loss;
            _rows = network.LabelsPerSample;
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

        /// <summary>False for a parameter (index in the network's flat order) whose gradient is zero by definition.</summary>
        public bool IsTrained(int parameter)
        {
            foreach (IReferenceLayer layer in _layers)
            {
                if (parameter < layer.ParameterCount)
                {
                    return layer.IsTrained(parameter);
                }

                parameter -= layer.ParameterCount;
            }

            throw new ArgumentOutOfRangeException(nameof(parameter));
        }

        public int InputSize { get; }

        public int OutputSize { get; }

        /// <summary>
        /// The output of one sample, and (for the fused losses) the last layer's value before its activation; in training
        /// mode when <paramref name="training"/> is given (the context of this very sample: its <c>FirstSample</c> is the
        /// sample's index within the call).
        /// </summary>
        public double[] Forward(double[] parameters, ReadOnlySpan<float> input, out double[] logits, TrainingContext? training = null)
        {
            double[][] y = ForwardBatch(parameters, new[] { input.ToArray().Select(v => (double)v).ToArray() }, out double[][] z, training);
            logits = z[0];
            return y[0];
        }

        /// <summary>
        /// A whole batch, layer by layer: in training mode when <paramref name="training"/> is given (the context of the
        /// call: sample <c>s</c> draws from <c>training.Skip(s)</c>), where batch normalisation uses the batch's statistics;
        /// at inference, the network's current running statistics.
        /// </summary>
        public double[][] ForwardBatch(double[] parameters, double[][] inputs, out double[][] logits, TrainingContext? training = null)
        {
            double[] buffers = Array.ConvertAll(_network.Buffers.ToArray(), v => (double)v);
            double[][] x = inputs;
            logits = x;
            int offset = 0;
            int bufferOffset = 0;
            foreach (IReferenceLayer layer in _layers)
            {
                ReadOnlySpan<double> p = parameters.AsSpan(offset, layer.ParameterCount);
                if (layer is IReferenceBatchLayer batchLayer)
                {
                    x = batchLayer.ForwardBatch(p, buffers.AsSpan(bufferOffset, batchLayer.BufferCount), x, training is not null, out logits);
                    bufferOffset += batchLayer.BufferCount;
                }
                else
                {
                    var outputs = new double[x.Length][];
                    var pre = new double[x.Length][];
                    for (int s = 0; s < x.Length; s++)
                    {
                        outputs[s] = layer.Forward(p, x[s], training?.Skip(s), out pre[s]);
                    }

                    x = outputs;
                    logits = pre;
                }

                offset += layer.ParameterCount;
            }

            return x;
        }

        /// <summary>
        /// The mean loss of a batch (<paramref name="batch"/> samples of <paramref name="inputs"/>) given targets, or labels
        /// for cross-entropy; in training mode when <paramref name="training"/> (the call's context) is given, the batch
        /// forward pass as the network's training calls compute it (batch statistics over the whole batch).
        /// </summary>
        public double MeanLoss(double[] parameters, float[] inputs, float[]? targets, int[]? labels, int batch, TrainingContext? training)
        {
            var x = new double[batch][];
            for (int s = 0; s < batch; s++)
            {
                x[s] = inputs.AsSpan(s * InputSize, InputSize).ToArray().Select(v => (double)v).ToArray();
            }

            double[][] y = ForwardBatch(parameters, x, out double[][] z, training);
            double sum = 0;
            for (int s = 0; s < batch; s++)
            {
                sum += labels is null
                    ? SampleLoss(y[s], z[s], targets.AsSpan(s * OutputSize, OutputSize), default)
                    : SampleLoss(y[s], z[s], default, labels.AsSpan(s * _rows, _rows));
            }

            return sum / batch;
        }

        /// <summary>The loss of one sample given a target vector (or a label for cross-entropy when <paramref name="label"/> is not negative).</summary>
        public double Loss1(double[] parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, int label = -1, TrainingContext? training = null)
        {
            double[] y = Forward(parameters, input, out double[] z, training);
            return SampleLoss(y, z, target, label >= 0 ? new[] { label } : default);
        }

        /// <summary>
        /// One sample's loss: over its outputs, or for a per-step classifier (sequence labelling) the mean over its steps of
        /// each step's cross-entropy against its label or target distribution.
        /// </summary>
        private double SampleLoss(double[] y, double[] z, ReadOnlySpan<float> target, ReadOnlySpan<int> labels)
        {
            if (_rows == 1)
            {
                return LossOf(y, z, target, labels.IsEmpty ? -1 : labels[0]);
            }

            int classes = y.Length / _rows;
            double sum = 0;
            for (int r = 0; r < _rows; r++)
            {
                sum += LossOf(y.AsSpan(r * classes, classes).ToArray(), z.AsSpan(r * classes, classes).ToArray(), target.IsEmpty ? default : target.Slice(r * classes, classes), labels.IsEmpty ? -1 : labels[r]);
            }

            return sum / _rows;
        }

        private double LossOf(double[] y, double[] z, ReadOnlySpan<float> target, int label = -1)
        {
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
