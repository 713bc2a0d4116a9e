using System;
using System.Numerics.Tensors;

namespace Compiled.Benchmarks.Baselines
{
    /// <summary>How a dense layer of a <see cref="DynamicNetwork"/> stores its weight and so computes its matrix products.</summary>
    public enum DynamicLayout
    {
        /// <summary>Pick per layer: <see cref="Rows"/> when the layer has no more outputs than inputs, else <see cref="Columns"/> (the fewer, longer vector calls).</summary>
        Auto,

        /// <summary>
        /// Weight stored <c>[out, in]</c>: forward is one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        /// of length <c>in</c> per output and sample; backward broadcasts each delta over a weight row.
        /// </summary>
        Rows,

        /// <summary>
        /// Weight stored <c>[in, out]</c>: forward is one row-broadcast fused multiply-add of length <c>out</c> per input and
        /// sample; backward is dot products of length <c>out</c>.
        /// </summary>
        Columns,
    }

    /// <summary>
    /// The best run-time-configured network written without a generator: a layer list interpreted at run time over one flat
    /// parameter buffer, every vector operation a <see cref="TensorPrimitives"/> call (AVX-512 where the machine has it),
    /// all buffers allocated up front. Each layer stores its weight in whichever orientation makes its matrix products the
    /// fewer and longer vector calls (<see cref="DynamicLayout"/>); batches are computed layer by layer so a weight row stays
    /// in L1 while the whole batch streams past it; the backward pass skips zero deltas and zero inputs (ReLU sparsity);
    /// Adam runs in L1-sized chunks.
    /// </summary>
    public sealed class DynamicNetwork
    {
        private const int AdamChunk = 2048;

        private readonly NetworkSpec _spec;
        private readonly Layer[] _layers;
        private readonly int _maxBatch;
        private readonly float[] _parameters;
        private readonly float[] _gradients;
        private readonly float[] _expAvg;
        private readonly float[] _expAvgSq;
        private readonly float[] _adamScratch1 = new float[AdamChunk];
        private readonly float[] _adamScratch2 = new float[AdamChunk];

        // Every layer's output for a chunk of samples ([maxBatch, units]); deltas ping-pong between two buffers.
        private readonly float[][] _outputs;
        private readonly float[] _deltaA;
        private readonly float[] _deltaB;
        private readonly float[] _derivativeScratch;

        // One-sample forward: ping-pong buffers as wide as the widest layer.
        private readonly float[] _ping;
        private readonly float[] _pong;
        private long _step;

        public DynamicNetwork(NetworkSpec spec, int maxBatch = 64, DynamicLayout layout = DynamicLayout.Auto)
        {
            _spec = spec;
            _maxBatch = maxBatch;
            _layers = new Layer[spec.Layers.Count];
            int offset = 0;
            int widest = spec.InputSize;
            for (int l = 0; l < _layers.Length; l++)
            {
                LayerSpec s = spec.Layers[l];
                DynamicLayout chosen = layout != DynamicLayout.Auto ? layout : s.Units <= s.Inputs ? DynamicLayout.Rows : DynamicLayout.Columns;
                _layers[l] = new Layer(s.Inputs, s.Units, s.Activation, chosen, offset, offset + (s.Inputs * s.Units));
                offset += (s.Inputs * s.Units) + s.Units;
                widest = Math.Max(widest, s.Units);
            }

            _parameters = new float[offset];
            _gradients = new float[offset];
            _expAvg = new float[offset];
            _expAvgSq = new float[offset];
            _outputs = new float[_layers.Length][];
            for (int l = 0; l < _layers.Length; l++)
            {
                _outputs[l] = new float[maxBatch * _layers[l].Out];
            }

            _deltaA = new float[maxBatch * widest];
            _deltaB = new float[maxBatch * widest];
            _derivativeScratch = new float[maxBatch * widest];
            _ping = new float[widest];
            _pong = new float[widest];
        }

        public NetworkSpec Spec => _spec;

        /// <summary>The storage orientation each layer ended up with.</summary>
        public DynamicLayout LayoutOf(int layer) => _layers[layer].Layout;

        /// <summary>Copies parameters stored as PyTorch's state_dict (each weight [out, in], then its bias) into this network.</summary>
        public void LoadParameters(ReadOnlySpan<float> flat) => Import(flat, _parameters);

        /// <summary>Writes the parameters in PyTorch's state_dict layout.</summary>
        public void StoreParameters(Span<float> flat) => Export(_parameters, flat);

        /// <summary>Writes the gradients in PyTorch's state_dict layout.</summary>
        public void StoreGradients(Span<float> flat) => Export(_gradients, flat);

        /// <summary>Overwrites the gradients (for checking the optimizer on its own).</summary>
        public void LoadGradients(ReadOnlySpan<float> flat) => Import(flat, _gradients);

        public void ZeroGradients() => Array.Clear(_gradients);

        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            ReadOnlySpan<float> x = input;
            float[] buffer = _ping;
            for (int l = 0; l < _layers.Length; l++)
            {
                Layer layer = _layers[l];
                Span<float> y = l == _layers.Length - 1 ? output : buffer.AsSpan(0, layer.Out);
                LayerForward(layer, x, y, 1);
                x = y;
                buffer = buffer == _ping ? _pong : _ping;
            }
        }

        public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            int n = _spec.InputSize;
            int m = _spec.OutputSize;
            for (int start = 0; start < batchSize; start += _maxBatch)
            {
                int count = Math.Min(_maxBatch, batchSize - start);
                ReadOnlySpan<float> x = inputs.Slice(start * n, count * n);
                for (int l = 0; l < _layers.Length; l++)
                {
                    Layer layer = _layers[l];
                    Span<float> y = l == _layers.Length - 1 ? outputs.Slice(start * m, count * m) : _outputs[l].AsSpan(0, count * layer.Out);
                    LayerForward(layer, x, y, count);
                    x = y;
                }
            }
        }

        /// <summary>Adds the gradient of the mean cross-entropy (the last layer must be Softmax); returns the mean loss.</summary>
        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize)
        {
            int n = _spec.InputSize;
            int m = _spec.OutputSize;
            float scale = 1f / batchSize;
            double total = 0;
            for (int start = 0; start < batchSize; start += _maxBatch)
            {
                int count = Math.Min(_maxBatch, batchSize - start);
                ReadOnlySpan<float> x = inputs.Slice(start * n, count * n);
                TrainForward(x, count);
                Span<float> p = _outputs[_layers.Length - 1].AsSpan(0, count * m);
                Span<float> delta = _deltaA.AsSpan(0, count * m);
                TensorPrimitives.Multiply(p, scale, delta);
                for (int s = 0; s < count; s++)
                {
                    int label = labels[start + s];
                    total -= MathF.Log(p[(s * m) + label]);
                    delta[(s * m) + label] -= scale;
                }

                TrainBackward(x, count);
            }

            return (float)(total / batchSize);
        }

        /// <summary>Adds the gradient of the mean squared error (mean over batch and outputs); returns the mean loss.</summary>
        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
        {
            int n = _spec.InputSize;
            int m = _spec.OutputSize;
            Layer last = _layers[^1];
            double total = 0;
            for (int start = 0; start < batchSize; start += _maxBatch)
            {
                int count = Math.Min(_maxBatch, batchSize - start);
                ReadOnlySpan<float> x = inputs.Slice(start * n, count * n);
                TrainForward(x, count);
                Span<float> y = _outputs[_layers.Length - 1].AsSpan(0, count * m);
                Span<float> delta = _deltaA.AsSpan(0, count * m);
                TensorPrimitives.Subtract(y, targets.Slice(start * m, count * m), delta);
                total += TensorPrimitives.SumOfSquares<float>(delta) / m;
                TensorPrimitives.Multiply(delta, 2f / (batchSize * m), delta);
                ActivationBackward(last.Activation, y, delta);
                TrainBackward(x, count);
            }

            return (float)(total / batchSize);
        }

        /// <summary>Adam (PyTorch's formulation), as chunks of whole-vector TensorPrimitives passes that stay in L1.</summary>
        public void AdamStep(float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        {
            _step++;
            double biasCorrection1 = 1d - Math.Pow(beta1, _step);
            double biasCorrection2 = 1d - Math.Pow(beta2, _step);
            float negativeStepSize = (float)(-learningRate / biasCorrection1);
            float inverseSqrtCorrection2 = (float)(1d / Math.Sqrt(biasCorrection2));
            int total = _parameters.Length;
            for (int start = 0; start < total; start += AdamChunk)
            {
                int length = Math.Min(AdamChunk, total - start);
                Span<float> p = _parameters.AsSpan(start, length);
                ReadOnlySpan<float> g = _gradients.AsSpan(start, length);
                Span<float> m = _expAvg.AsSpan(start, length);
                Span<float> v = _expAvgSq.AsSpan(start, length);
                Span<float> t1 = _adamScratch1.AsSpan(0, length);
                Span<float> t2 = _adamScratch2.AsSpan(0, length);

                // m = beta1 m + (1 - beta1) g
                TensorPrimitives.Multiply(g, 1f - beta1, t1);
                TensorPrimitives.FusedMultiplyAdd(m, beta1, t1, m);

                // v = beta2 v + (1 - beta2) g^2
                TensorPrimitives.Multiply(g, g, t2);
                TensorPrimitives.Multiply(t2, 1f - beta2, t2);
                TensorPrimitives.FusedMultiplyAdd(v, beta2, t2, v);

                // p -= step * m / (sqrt(v) / sqrt(bc2) + eps)
                TensorPrimitives.Sqrt(v, t2);
                TensorPrimitives.Multiply(t2, inverseSqrtCorrection2, t2);
                TensorPrimitives.Add(t2, epsilon, t2);
                TensorPrimitives.Divide(m, t2, t2);
                TensorPrimitives.FusedMultiplyAdd(t2, negativeStepSize, p, p);
            }
        }

        /// <summary>y = activation(x W^T + b) for <paramref name="count"/> samples.</summary>
        private void LayerForward(Layer layer, ReadOnlySpan<float> x, Span<float> y, int count)
        {
            int nIn = layer.In;
            int nOut = layer.Out;
            ReadOnlySpan<float> bias = _parameters.AsSpan(layer.BiasOffset, nOut);
            if (layer.Layout == DynamicLayout.Rows)
            {
                // One dot product per output and sample; the weight row stays in L1 while the batch streams past it.
                for (int j = 0; j < nOut; j++)
                {
                    ReadOnlySpan<float> row = _parameters.AsSpan(layer.WeightOffset + (j * nIn), nIn);
                    float b = bias[j];
                    for (int s = 0; s < count; s++)
                    {
                        y[(s * nOut) + j] = TensorPrimitives.Dot(row, x.Slice(s * nIn, nIn)) + b;
                    }
                }
            }
            else
            {
                // Row-broadcast: y_s = b + sum_i x_si W^T_i, one fused multiply-add over the outputs per input.
                for (int s = 0; s < count; s++)
                {
                    Span<float> ys = y.Slice(s * nOut, nOut);
                    bias.CopyTo(ys);
                    ReadOnlySpan<float> xs = x.Slice(s * nIn, nIn);
                    for (int i = 0; i < nIn; i++)
                    {
                        float xi = xs[i];
                        if (xi != 0f)
                        {
                            TensorPrimitives.FusedMultiplyAdd(_parameters.AsSpan(layer.WeightOffset + (i * nOut), nOut), xi, ys, ys);
                        }
                    }
                }
            }

            Activate(layer.Activation, y, nOut);
        }

        private void TrainForward(ReadOnlySpan<float> x, int count)
        {
            for (int l = 0; l < _layers.Length; l++)
            {
                Span<float> y = _outputs[l].AsSpan(0, count * _layers[l].Out);
                LayerForward(_layers[l], x, y, count);
                x = y;
            }
        }

        /// <summary>From dLoss/dz of the last layer in _deltaA, adds every gradient.</summary>
        private void TrainBackward(ReadOnlySpan<float> input, int count)
        {
            float[] delta = _deltaA;
            float[] below = _deltaB;
            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                Layer layer = _layers[l];
                int nIn = layer.In;
                int nOut = layer.Out;
                ReadOnlySpan<float> x = l == 0 ? input : _outputs[l - 1].AsSpan(0, count * nIn);
                ReadOnlySpan<float> dz = delta.AsSpan(0, count * nOut);
                Span<float> dx = l == 0 ? default : below.AsSpan(0, count * nIn);
                Span<float> gradients = _gradients;
                if (layer.Layout == DynamicLayout.Rows)
                {
                    if (l > 0)
                    {
                        dx.Clear();
                    }

                    for (int j = 0; j < nOut; j++)
                    {
                        Span<float> gradientRow = gradients.Slice(layer.WeightOffset + (j * nIn), nIn);
                        ReadOnlySpan<float> row = _parameters.AsSpan(layer.WeightOffset + (j * nIn), nIn);
                        for (int s = 0; s < count; s++)
                        {
                            float d = dz[(s * nOut) + j];
                            if (d == 0f)
                            {
                                continue;
                            }

                            // dW_j += d x_s; dx_s += d W_j
                            TensorPrimitives.FusedMultiplyAdd(x.Slice(s * nIn, nIn), d, gradientRow, gradientRow);
                            if (l > 0)
                            {
                                Span<float> dxs = dx.Slice(s * nIn, nIn);
                                TensorPrimitives.FusedMultiplyAdd(row, d, dxs, dxs);
                            }
                        }
                    }
                }
                else
                {
                    for (int i = 0; i < nIn; i++)
                    {
                        // dW^T_i += x_si dz_s
                        Span<float> gradientRow = gradients.Slice(layer.WeightOffset + (i * nOut), nOut);
                        for (int s = 0; s < count; s++)
                        {
                            float xi = x[(s * nIn) + i];
                            if (xi != 0f)
                            {
                                TensorPrimitives.FusedMultiplyAdd(dz.Slice(s * nOut, nOut), xi, gradientRow, gradientRow);
                            }
                        }
                    }

                    if (l > 0)
                    {
                        // dx_si = W^T_i . dz_s
                        for (int s = 0; s < count; s++)
                        {
                            ReadOnlySpan<float> dzs = dz.Slice(s * nOut, nOut);
                            for (int i = 0; i < nIn; i++)
                            {
                                dx[(s * nIn) + i] = TensorPrimitives.Dot(_parameters.AsSpan(layer.WeightOffset + (i * nOut), nOut), dzs);
                            }
                        }
                    }
                }

                Span<float> biasGradient = gradients.Slice(layer.BiasOffset, nOut);
                for (int s = 0; s < count; s++)
                {
                    TensorPrimitives.Add(biasGradient, dz.Slice(s * nOut, nOut), biasGradient);
                }

                if (l > 0)
                {
                    ActivationBackward(_layers[l - 1].Activation, _outputs[l - 1].AsSpan(0, count * nIn), dx);
                    (delta, below) = (below, delta);
                }
            }
        }

        private static void Activate(Activation activation, Span<float> y, int width)
        {
            switch (activation)
            {
                case Activation.Identity:
                    break;
                case Activation.ReLU:
                    TensorPrimitives.Max(y, 0f, y);
                    break;
                case Activation.Sigmoid:
                    TensorPrimitives.Sigmoid(y, y);
                    break;
                case Activation.Tanh:
                    TensorPrimitives.Tanh(y, y);
                    break;
                case Activation.Softmax:
                    for (int start = 0; start < y.Length; start += width)
                    {
                        Span<float> row = y.Slice(start, width);
                        TensorPrimitives.Subtract(row, TensorPrimitives.Max<float>(row), row);
                        TensorPrimitives.SoftMax(row, row);
                    }

                    break;
                default:
                    throw new NotSupportedException($"The dynamic baseline does not implement {activation}.");
            }
        }

        /// <summary>dy *= f'(z), with f' written through the activation's output y.</summary>
        private void ActivationBackward(Activation activation, ReadOnlySpan<float> y, Span<float> dy)
        {
            Span<float> t = _derivativeScratch.AsSpan(0, y.Length);
            switch (activation)
            {
                case Activation.Identity:
                    break;
                case Activation.ReLU:
                    // y >= 0, so ceil(min(y, 1)) is exactly the step function 1[y > 0].
                    TensorPrimitives.Min(y, 1f, t);
                    TensorPrimitives.Ceiling<float>(t, t);
                    TensorPrimitives.Multiply(dy, t, dy);
                    break;
                case Activation.Sigmoid:
                    TensorPrimitives.Subtract(1f, y, t);
                    TensorPrimitives.Multiply(t, y, t);
                    TensorPrimitives.Multiply(dy, t, dy);
                    break;
                case Activation.Tanh:
                    TensorPrimitives.Multiply(y, y, t);
                    TensorPrimitives.Subtract(1f, t, t);
                    TensorPrimitives.Multiply(dy, t, dy);
                    break;
                default:
                    throw new NotSupportedException($"The dynamic baseline does not differentiate {activation} on its own.");
            }
        }

        private void Import(ReadOnlySpan<float> flat, float[] destination)
        {
            foreach (Layer layer in _layers)
            {
                for (int j = 0; j < layer.Out; j++)
                {
                    for (int i = 0; i < layer.In; i++)
                    {
                        destination[layer.WeightIndex(j, i)] = flat[layer.WeightOffset + (j * layer.In) + i];
                    }
                }

                flat.Slice(layer.BiasOffset, layer.Out).CopyTo(destination.AsSpan(layer.BiasOffset));
            }
        }

        private void Export(float[] source, Span<float> flat)
        {
            foreach (Layer layer in _layers)
            {
                for (int j = 0; j < layer.Out; j++)
                {
                    for (int i = 0; i < layer.In; i++)
                    {
                        flat[layer.WeightOffset + (j * layer.In) + i] = source[layer.WeightIndex(j, i)];
                    }
                }

                source.AsSpan(layer.BiasOffset, layer.Out).CopyTo(flat.Slice(layer.BiasOffset));
            }
        }

        private sealed record Layer(int In, int Out, Activation Activation, DynamicLayout Layout, int WeightOffset, int BiasOffset)
        {
            public int WeightIndex(int output, int input) =>
                WeightOffset + (Layout == DynamicLayout.Rows ? (output * In) + input : (input * Out) + output);
        }
    }
}
