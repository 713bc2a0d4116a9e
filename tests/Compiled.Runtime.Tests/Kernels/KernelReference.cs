using System;
using System.Collections.Generic;
using Compiled.Kernels;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>The activations the kernel checks run, with double-precision definitions (PyTorch's).</summary>
    public enum KernelActivation
    {
        Identity,
        ReLU,
        LeakyReLU,
        ELU,
        Sigmoid,
        Tanh,
        Softplus,
        SiLU,
        GELU,
    }

    /// <summary>Calls a generic kernel with the activation struct of a <see cref="KernelActivation"/>.</summary>
    public interface IActivationVisitor
    {
        void Visit<TAct>(TAct activation)
            where TAct : struct, IActivation;
    }

    /// <summary>Reference definitions and helpers shared by the kernel checks.</summary>
    public static class KernelReference
    {
        public const float Slope = 0.2f;
        public const float Alpha = 0.7f;

        public static readonly KernelActivation[] Activations = (KernelActivation[])Enum.GetValues(typeof(KernelActivation));

        public static void Visit(KernelActivation activation, IActivationVisitor visitor)
        {
            switch (activation)
            {
                case KernelActivation.Identity: visitor.Visit(default(Identity)); break;
                case KernelActivation.ReLU: visitor.Visit(default(ReLU)); break;
                case KernelActivation.LeakyReLU: visitor.Visit(new LeakyReLU(Slope)); break;
                case KernelActivation.ELU: visitor.Visit(new ELU(Alpha)); break;
                case KernelActivation.Sigmoid: visitor.Visit(default(Sigmoid)); break;
                case KernelActivation.Tanh: visitor.Visit(default(Tanh)); break;
                case KernelActivation.Softplus: visitor.Visit(default(Softplus)); break;
                case KernelActivation.SiLU: visitor.Visit(default(SiLU)); break;
                default: visitor.Visit(default(GELU)); break;
            }
        }

        public static bool NeedsPreActivation(KernelActivation activation) =>
            activation is KernelActivation.LeakyReLU or KernelActivation.ELU or KernelActivation.Softplus or KernelActivation.SiLU or KernelActivation.GELU;

        public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

        public static double Forward(KernelActivation activation, double z) => activation switch
        {
            KernelActivation.Identity => z,
            KernelActivation.ReLU => Math.Max(0, z),
            KernelActivation.LeakyReLU => z > 0 ? z : Slope * z,
            KernelActivation.ELU => z > 0 ? z : Alpha * (Math.Exp(z) - 1),
            KernelActivation.Sigmoid => Sigmoid(z),
            KernelActivation.Tanh => Math.Tanh(z),
            KernelActivation.Softplus => z > 20 ? z : Math.Log(1 + Math.Exp(z)),
            KernelActivation.SiLU => z * Sigmoid(z),
            _ => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + (0.044715 * z * z * z)))),
        };

        /// <summary>f'(z).</summary>
        public static double Derivative(KernelActivation activation, double z)
        {
            switch (activation)
            {
                case KernelActivation.Identity: return 1;
                case KernelActivation.ReLU: return z > 0 ? 1 : 0;
                case KernelActivation.LeakyReLU: return z > 0 ? 1 : Slope;
                case KernelActivation.ELU: return z > 0 ? 1 : Alpha * Math.Exp(z);
                case KernelActivation.Sigmoid: return Sigmoid(z) * (1 - Sigmoid(z));
                case KernelActivation.Tanh: return 1 - (Math.Tanh(z) * Math.Tanh(z));
                case KernelActivation.Softplus: return Sigmoid(z);
                case KernelActivation.SiLU: return Sigmoid(z) * (1 + (z * (1 - Sigmoid(z))));
                default:
                    double c = Math.Sqrt(2 / Math.PI);
                    double inner = c * (z + (0.044715 * z * z * z));
                    double t = Math.Tanh(inner);
                    return (0.5 * (1 + t)) + (0.5 * z * (1 - (t * t)) * c * (1 + (3 * 0.044715 * z * z)));
            }
        }

        /// <summary>The activation as the kernels compute it, one float (SimdMath's scalar overloads: the same bits as every width).</summary>
        public static float ForwardFloat(KernelActivation activation, float z) => activation switch
        {
            KernelActivation.Identity => z,
            KernelActivation.ReLU => SimdMath.Relu(z),
            KernelActivation.LeakyReLU => SimdMath.LeakyRelu(z, Slope),
            KernelActivation.ELU => SimdMath.Elu(z, Alpha),
            KernelActivation.Sigmoid => SimdMath.Sigmoid(z),
            KernelActivation.Tanh => SimdMath.Tanh(z),
            KernelActivation.Softplus => SimdMath.Softplus(z),
            KernelActivation.SiLU => SimdMath.Silu(z),
            _ => SimdMath.Gelu(z),
        };

        /// <summary>The generator's scalar backward expressions (ActivationCode.Backward for one float), written out.</summary>
        public static float BackwardFloat(KernelActivation activation, float dy, float y, float z) => activation switch
        {
            KernelActivation.Identity => dy,
            KernelActivation.ReLU => y > 0f ? dy : 0f,
            KernelActivation.LeakyReLU => z > 0f ? dy : dy * Slope,
            KernelActivation.ELU => z > 0f ? dy : dy * (y + Alpha),
            KernelActivation.Sigmoid => dy * (1f - y) * y,
            KernelActivation.Tanh => dy * (1f - (y * y)),
            KernelActivation.Softplus => dy * SimdMath.SoftplusDerivative(z),
            KernelActivation.SiLU => dy * SimdMath.SiluDerivative(z),
            _ => dy * SimdMath.GeluDerivative(z),
        };

        public static float[] RandomValues(Random random, int length, double scale)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }

            return values;
        }

        /// <summary>
        /// Today's packed layout of a whole layer: the PyTorch weight [outputs, inputs] transposed to [inputs, padded] (padded =
        /// outputs rounded up to 16), then the bias padded to <c>padded</c>; <paramref name="slack"/> extra zeros at the end.
        /// </summary>
        public static float[] Pack(float[] weight, float[] bias, int outputs, int inputs, int slack = 0)
        {
            int padded = Padded(outputs);
            var packed = new float[((inputs + 1) * padded) + slack];
            for (int o = 0; o < outputs; o++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    packed[(i * padded) + o] = weight[(o * inputs) + i];
                }

                packed[(inputs * padded) + o] = bias[o];
            }

            return packed;
        }

        /// <summary>
        /// <see cref="BatchNormKernels.TrainForward"/> one value at a time: per channel, sums over the samples in order in
        /// double precision (the order the kernel keeps, lane by channel, when <c>spatial = 1</c>).
        /// </summary>
        public static void BatchNormTrainForward(float[] x, float[] y, float[]? affine, float[] statistics, float[] running, int channels, int spatial, int count, float eps, float momentum)
        {
            long n = (long)count * spatial;
            int stride = channels * spatial;
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int s = 0; s < count; s++)
                {
                    for (int j = 0; j < spatial; j++)
                    {
                        sum += x[(s * stride) + (c * spatial) + j];
                    }
                }

                double mean = sum / n;
                double squares = 0;
                for (int s = 0; s < count; s++)
                {
                    for (int j = 0; j < spatial; j++)
                    {
                        double d = x[(s * stride) + (c * spatial) + j] - mean;
                        squares += d * d;
                    }
                }

                double variance = squares / n;
                statistics[c] = (float)mean;
                statistics[channels + c] = (float)(1.0 / Math.Sqrt(variance + eps));
                running[c] = (float)(((1.0 - momentum) * running[c]) + (momentum * mean));
                running[channels + c] = (float)(((1.0 - momentum) * running[channels + c]) + (momentum * variance * n / (n - 1)));
                float meanF = statistics[c];
                float scale = statistics[channels + c] * (affine is null ? 1f : affine[c]);
                float bias = affine is null ? 0f : affine[channels + c];
                for (int s = 0; s < count; s++)
                {
                    for (int j = 0; j < spatial; j++)
                    {
                        int at = (s * stride) + (c * spatial) + j;
                        y[at] = ((x[at] - meanF) * scale) + bias;
                    }
                }
            }

            running[2 * channels] += 1f;
        }

        /// <summary><see cref="BatchNormKernels.Backward"/> one value at a time, in the order of <see cref="BatchNormTrainForward"/>.</summary>
        public static void BatchNormBackward(float[] x, float[] dy, float[]? weight, float[] statistics, float[]? gradWeight, float[]? gradBias, float[]? dx, int channels, int spatial, int count)
        {
            long n = (long)count * spatial;
            int stride = channels * spatial;
            for (int c = 0; c < channels; c++)
            {
                float mean = statistics[c];
                float rstd = statistics[channels + c];
                double sumG = 0, sumGx = 0;
                for (int s = 0; s < count; s++)
                {
                    for (int j = 0; j < spatial; j++)
                    {
                        int at = (s * stride) + (c * spatial) + j;
                        double g = dy[at];
                        sumG += g;
                        sumGx += g * ((x[at] - (double)mean) * rstd);
                    }
                }

                if (gradWeight is not null && gradBias is not null)
                {
                    gradWeight[c] += (float)sumGx;
                    gradBias[c] += (float)sumG;
                }

                if (dx is null)
                {
                    continue;
                }

                double a = (weight is null ? 1.0 : weight[c]) * rstd;
                double meanG = sumG / n;
                double meanGx = sumGx / n;
                for (int s = 0; s < count; s++)
                {
                    for (int j = 0; j < spatial; j++)
                    {
                        int at = (s * stride) + (c * spatial) + j;
                        double xhat = (x[at] - (double)mean) * rstd;
                        dx[at] = (float)(a * (dy[at] - meanG - (xhat * meanGx)));
                    }
                }
            }
        }

        public static int Padded(int outputs) => (outputs + 15) / 16 * 16;

        /// <summary>The lanes this process's path gives a layer with <paramref name="outputs"/> outputs (the generator's narrowing).</summary>
        public static int OutputLanes(int outputs)
        {
            int path = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 16 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 8 : 4;
            int lanes = outputs <= 4 ? 4 : outputs <= 8 ? 8 : 16;
            return Math.Min(lanes, path);
        }

        public static string PathName =>
            System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "512-bit"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "256-bit"
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "128-bit" : "software";

        public static void Check(bool condition, Func<string> message)
        {
            if (!condition)
            {
                throw new KernelCheckException(message());
            }
        }

        public static void Near(double expected, float actual, double tolerance, Func<string> where) =>
            Check(Math.Abs(actual - expected) <= tolerance, () => $"{where()}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):E2}, tolerance {tolerance:E2})");

        public static void Same(float expected, float actual, Func<string> where) =>
            Check(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), () => $"{where()}: expected the bits of {expected:R}, got {actual:R}");

        public static IEnumerable<int> Counts(int seed)
        {
            var random = new Random(seed);
            yield return 1;
            yield return 1 + random.Next(70);
        }
    }

    public sealed class KernelCheckException : Exception
    {
        public KernelCheckException()
        {
        }

        public KernelCheckException(string message)
            : base(message)
        {
        }

        public KernelCheckException(string message, Exception inner)
            : base(message, inner)
        {
        }
    }
}
