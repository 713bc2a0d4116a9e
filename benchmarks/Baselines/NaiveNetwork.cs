using System;

namespace Compiled.Benchmarks.Baselines
{
    /// <summary>
    /// The straightforward scalar port of a NumPy multilayer perceptron: <c>float[][]</c> weights (<c>W[layer][out][in]</c>),
    /// plain loops, <see cref="MathF"/> activations, a textbook backward pass and a textbook Adam. The only concession to
    /// speed is that the per-layer activation and delta arrays are allocated once, so the rows measure arithmetic, not the
    /// garbage collector.
    /// </summary>
    public sealed class NaiveNetwork
    {
        private readonly NetworkSpec _spec;
        private readonly int _layerCount;
        private readonly Activation[] _activations;

        // Weights, biases, their gradients and Adam's moments, as a NumPy port keeps them: one array per row.
        private readonly float[][][] _weights;
        private readonly float[][] _biases;
        private readonly float[][][] _weightGradients;
        private readonly float[][] _biasGradients;
        private readonly float[][][] _weightM;
        private readonly float[][][] _weightV;
        private readonly float[][] _biasM;
        private readonly float[][] _biasV;
        private int _step;

        // _a[0] is the input, _a[l + 1] the output of layer l; _delta[l] is dLoss/dz of layer l.
        private readonly float[][] _a;
        private readonly float[][] _delta;

        public NaiveNetwork(NetworkSpec spec)
        {
            _spec = spec;
            _layerCount = spec.Layers.Count;
            _activations = new Activation[_layerCount];
            _weights = new float[_layerCount][][];
            _biases = new float[_layerCount][];
            _weightGradients = new float[_layerCount][][];
            _biasGradients = new float[_layerCount][];
            _weightM = new float[_layerCount][][];
            _weightV = new float[_layerCount][][];
            _biasM = new float[_layerCount][];
            _biasV = new float[_layerCount][];
            _a = new float[_layerCount + 1][];
            _delta = new float[_layerCount][];
            _a[0] = new float[spec.InputSize];
            for (int l = 0; l < _layerCount; l++)
            {
                LayerSpec layer = spec.Layers[l];
                _activations[l] = layer.Activation;
                _weights[l] = Jagged(layer.Units, layer.Inputs);
                _weightGradients[l] = Jagged(layer.Units, layer.Inputs);
                _weightM[l] = Jagged(layer.Units, layer.Inputs);
                _weightV[l] = Jagged(layer.Units, layer.Inputs);
                _biases[l] = new float[layer.Units];
                _biasGradients[l] = new float[layer.Units];
                _biasM[l] = new float[layer.Units];
                _biasV[l] = new float[layer.Units];
                _a[l + 1] = new float[layer.Units];
                _delta[l] = new float[layer.Units];
            }
        }

        public NetworkSpec Spec => _spec;

        /// <summary>Copies parameters stored as PyTorch's state_dict (each weight [out, in], then its bias) into this network.</summary>
        public void LoadParameters(ReadOnlySpan<float> flat)
        {
            int k = 0;
            for (int l = 0; l < _layerCount; l++)
            {
                for (int j = 0; j < _weights[l].Length; j++)
                {
                    for (int i = 0; i < _weights[l][j].Length; i++)
                    {
                        _weights[l][j][i] = flat[k++];
                    }
                }

                for (int j = 0; j < _biases[l].Length; j++)
                {
                    _biases[l][j] = flat[k++];
                }
            }
        }

        /// <summary>Writes the parameters in PyTorch's state_dict layout.</summary>
        public void StoreParameters(Span<float> flat) => Flatten(_weights, _biases, flat);

        /// <summary>Writes the gradients in PyTorch's state_dict layout.</summary>
        public void StoreGradients(Span<float> flat) => Flatten(_weightGradients, _biasGradients, flat);

        /// <summary>Overwrites the gradients (for checking the optimizer on its own).</summary>
        public void LoadGradients(ReadOnlySpan<float> flat)
        {
            int k = 0;
            for (int l = 0; l < _layerCount; l++)
            {
                for (int j = 0; j < _weightGradients[l].Length; j++)
                {
                    for (int i = 0; i < _weightGradients[l][j].Length; i++)
                    {
                        _weightGradients[l][j][i] = flat[k++];
                    }
                }

                for (int j = 0; j < _biasGradients[l].Length; j++)
                {
                    _biasGradients[l][j] = flat[k++];
                }
            }
        }

        /// <summary>One sample forward.</summary>
        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            float[] a0 = _a[0];
            for (int i = 0; i < a0.Length; i++)
            {
                a0[i] = input[i];
            }

            ForwardStored();
            float[] y = _a[_layerCount];
            for (int j = 0; j < y.Length; j++)
            {
                output[j] = y[j];
            }
        }

        /// <summary>Batch forward: one sample after another, as the NumPy port's matrix product X @ W.T would do in loops.</summary>
        public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
        {
            int n = _spec.InputSize;
            int m = _spec.OutputSize;
            for (int s = 0; s < batchSize; s++)
            {
                Forward(inputs.Slice(s * n, n), outputs.Slice(s * m, m));
            }
        }

        public void ZeroGradients()
        {
            for (int l = 0; l < _layerCount; l++)
            {
                for (int j = 0; j < _weightGradients[l].Length; j++)
                {
                    Array.Clear(_weightGradients[l][j]);
                }

                Array.Clear(_biasGradients[l]);
            }
        }

        /// <summary>Adds the gradient of the mean cross-entropy over the batch; returns the mean loss.</summary>
        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int batchSize)
        {
            int n = _spec.InputSize;
            int last = _layerCount - 1;
            float scale = 1f / batchSize;
            double total = 0;
            for (int s = 0; s < batchSize; s++)
            {
                LoadInput(inputs.Slice(s * n, n));
                ForwardStored();
                float[] p = _a[_layerCount];
                float[] d = _delta[last];
                int label = labels[s];
                total += -MathF.Log(p[label]);
                for (int j = 0; j < p.Length; j++)
                {
                    d[j] = (p[j] - (j == label ? 1f : 0f)) * scale;
                }

                BackpropagateStored();
            }

            return (float)(total / batchSize);
        }

        /// <summary>Adds the gradient of the mean squared error (mean over batch and outputs); returns the mean loss.</summary>
        public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize)
        {
            int n = _spec.InputSize;
            int m = _spec.OutputSize;
            int last = _layerCount - 1;
            float factor = 2f / (batchSize * m);
            double total = 0;
            for (int s = 0; s < batchSize; s++)
            {
                LoadInput(inputs.Slice(s * n, n));
                ForwardStored();
                float[] y = _a[_layerCount];
                float[] d = _delta[last];
                float loss = 0f;
                for (int j = 0; j < m; j++)
                {
                    float difference = y[j] - targets[(s * m) + j];
                    loss += difference * difference;
                    d[j] = difference * factor * Derivative(_activations[last], y[j]);
                }

                total += loss / m;
                BackpropagateStored();
            }

            return (float)(total / batchSize);
        }

        /// <summary>Adam (PyTorch's defaults but the learning rate), one parameter at a time.</summary>
        public void AdamStep(float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        {
            _step++;
            float biasCorrection1 = 1f - MathF.Pow(beta1, _step);
            float biasCorrection2 = 1f - MathF.Pow(beta2, _step);
            for (int l = 0; l < _layerCount; l++)
            {
                for (int j = 0; j < _weights[l].Length; j++)
                {
                    AdamRow(_weights[l][j], _weightGradients[l][j], _weightM[l][j], _weightV[l][j], learningRate, beta1, beta2, epsilon, biasCorrection1, biasCorrection2);
                }

                AdamRow(_biases[l], _biasGradients[l], _biasM[l], _biasV[l], learningRate, beta1, beta2, epsilon, biasCorrection1, biasCorrection2);
            }
        }

        private static void AdamRow(float[] p, float[] g, float[] m, float[] v, float lr, float beta1, float beta2, float epsilon, float biasCorrection1, float biasCorrection2)
        {
            for (int i = 0; i < p.Length; i++)
            {
                m[i] = (beta1 * m[i]) + ((1f - beta1) * g[i]);
                v[i] = (beta2 * v[i]) + ((1f - beta2) * g[i] * g[i]);
                float mHat = m[i] / biasCorrection1;
                float vHat = v[i] / biasCorrection2;
                p[i] -= lr * mHat / (MathF.Sqrt(vHat) + epsilon);
            }
        }

        private void LoadInput(ReadOnlySpan<float> input)
        {
            float[] a0 = _a[0];
            for (int i = 0; i < a0.Length; i++)
            {
                a0[i] = input[i];
            }
        }

        /// <summary>Forward from _a[0], keeping every layer's output in _a.</summary>
        private void ForwardStored()
        {
            for (int l = 0; l < _layerCount; l++)
            {
                float[] x = _a[l];
                float[] y = _a[l + 1];
                float[][] w = _weights[l];
                float[] b = _biases[l];
                for (int j = 0; j < y.Length; j++)
                {
                    float sum = b[j];
                    float[] row = w[j];
                    for (int i = 0; i < x.Length; i++)
                    {
                        sum += row[i] * x[i];
                    }

                    y[j] = sum;
                }

                Activate(_activations[l], y);
            }
        }

        /// <summary>From _delta[last] (dLoss/dz of the last layer), adds every gradient and propagates the deltas down.</summary>
        private void BackpropagateStored()
        {
            for (int l = _layerCount - 1; l >= 0; l--)
            {
                float[] x = _a[l];
                float[] d = _delta[l];
                float[][] gw = _weightGradients[l];
                float[] gb = _biasGradients[l];
                for (int j = 0; j < d.Length; j++)
                {
                    float[] row = gw[j];
                    for (int i = 0; i < x.Length; i++)
                    {
                        row[i] += d[j] * x[i];
                    }

                    gb[j] += d[j];
                }

                if (l > 0)
                {
                    float[][] w = _weights[l];
                    float[] below = _delta[l - 1];
                    Activation activation = _activations[l - 1];
                    for (int i = 0; i < below.Length; i++)
                    {
                        float sum = 0f;
                        for (int j = 0; j < d.Length; j++)
                        {
                            sum += w[j][i] * d[j];
                        }

                        below[i] = sum * Derivative(activation, x[i]);
                    }
                }
            }
        }

        private static void Activate(Activation activation, float[] y)
        {
            switch (activation)
            {
                case Activation.Identity:
                    break;
                case Activation.ReLU:
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = MathF.Max(y[j], 0f);
                    }

                    break;
                case Activation.Sigmoid:
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = 1f / (1f + MathF.Exp(-y[j]));
                    }

                    break;
                case Activation.Tanh:
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = MathF.Tanh(y[j]);
                    }

                    break;
                case Activation.Softmax:
                    float max = float.NegativeInfinity;
                    for (int j = 0; j < y.Length; j++)
                    {
                        max = MathF.Max(max, y[j]);
                    }

                    float sum = 0f;
                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] = MathF.Exp(y[j] - max);
                        sum += y[j];
                    }

                    for (int j = 0; j < y.Length; j++)
                    {
                        y[j] /= sum;
                    }

                    break;
                default:
                    throw new NotSupportedException($"The naive baseline does not implement {activation}.");
            }
        }

        /// <summary>dy/dz expressed through the activation's output y (Softmax only ever ends a cross-entropy network).</summary>
        private static float Derivative(Activation activation, float y) => activation switch
        {
            Activation.Identity => 1f,
            Activation.ReLU => y > 0f ? 1f : 0f,
            Activation.Sigmoid => y * (1f - y),
            Activation.Tanh => 1f - (y * y),
            _ => throw new NotSupportedException($"The naive baseline does not differentiate {activation} on its own."),
        };

        private static float[][] Jagged(int rows, int columns)
        {
            var result = new float[rows][];
            for (int j = 0; j < rows; j++)
            {
                result[j] = new float[columns];
            }

            return result;
        }

        private void Flatten(float[][][] weights, float[][] biases, Span<float> flat)
        {
            int k = 0;
            for (int l = 0; l < _layerCount; l++)
            {
                foreach (float[] row in weights[l])
                {
                    foreach (float value in row)
                    {
                        flat[k++] = value;
                    }
                }

                foreach (float value in biases[l])
                {
                    flat[k++] = value;
                }
            }
        }
    }
}
