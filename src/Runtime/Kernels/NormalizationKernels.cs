using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of <c>[LayerNorm]</c>, called by generated code with constant arguments; not meant to be called directly.
    /// </summary>
    /// <remarks>
    /// A sample of <c>groups * size</c> floats is <c>groups</c> consecutive groups of <c>size</c> normalised elements
    /// (PyTorch's <c>normalized_shape</c> is the trailing dimensions whose product is <c>size</c>). Each group:
    /// <c>mean = sum(x) / size</c>, <c>var = sum((x - mean)^2) / size</c> (biased, as PyTorch), both accumulated in double
    /// precision, <c>rstd = 1 / sqrt(var + eps)</c>, <c>y = (x - mean) * rstd * weight + bias</c> with the weight and bias of
    /// shape <c>[size]</c>. The training forward pass keeps <c>mean</c> and <c>rstd</c> per group (2 floats); the backward
    /// pass recomputes <c>xhat = (x - mean) * rstd</c> from the input and computes
    /// <c>dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))</c> with <c>dxhat = dy * weight</c>.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class NormalizationKernels
    {
        /// <summary>
        /// Layer normalisation of <paramref name="count"/> samples; <paramref name="statistics"/> receives <c>(mean, rstd)</c>
        /// per group unless it is a null reference.
        /// </summary>
        /// <param name="x">The inputs, <c>[count, groups * size]</c>.</param>
        /// <param name="y">Receives the outputs, the same layout; may be <paramref name="x"/>.</param>
        /// <param name="weight">The weight, <paramref name="size"/> floats, or a null reference for none (1).</param>
        /// <param name="bias">The bias, <paramref name="size"/> floats, or a null reference for none (0).</param>
        /// <param name="statistics">Receives <c>[count * groups, 2]</c> floats (mean, rstd), or a null reference.</param>
        /// <param name="groups">Groups per sample.</param>
        /// <param name="size">Elements per group.</param>
        /// <param name="count">Samples.</param>
        /// <param name="eps">Added to the variance.</param>
        public static void LayerNormForward(ref float x, ref float y, ref float weight, ref float bias, ref float statistics, int groups, int size, int count, float eps)
        {
            bool affine = !Unsafe.IsNullRef(ref weight);
            bool save = !Unsafe.IsNullRef(ref statistics);
            int rows = groups * count;
            for (int r = 0; r < rows; r++)
            {
                ref float xr = ref Unsafe.Add(ref x, (nint)r * size);
                ref float yr = ref Unsafe.Add(ref y, (nint)r * size);
                (float mean, float rstd) = Moments(ref xr, size, eps);
                if (save)
                {
                    Unsafe.Add(ref statistics, 2 * r) = mean;
                    Unsafe.Add(ref statistics, (2 * r) + 1) = rstd;
                }

                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var means = new Vector<float>(mean);
                    var rstds = new Vector<float>(rstd);
                    for (; j <= size - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        Vector<float> xhat = (Vector.LoadUnsafe(ref xr, (nuint)j) - means) * rstds;
                        Vector<float> value = affine
                            ? (xhat * Vector.LoadUnsafe(ref weight, (nuint)j)) + Vector.LoadUnsafe(ref bias, (nuint)j)
                            : xhat;
                        value.StoreUnsafe(ref yr, (nuint)j);
                    }
                }

                for (; j < size; j++)
                {
                    float xhat = (Unsafe.Add(ref xr, j) - mean) * rstd;
                    Unsafe.Add(ref yr, j) = affine ? (xhat * Unsafe.Add(ref weight, j)) + Unsafe.Add(ref bias, j) : xhat;
                }
            }
        }

        /// <summary>
        /// The backward pass of <see cref="LayerNormForward"/> over <paramref name="count"/> samples: adds the weight and bias
        /// gradients (unless null references) and writes the input gradient (unless a null reference).
        /// </summary>
        /// <param name="x">The forward pass's inputs.</param>
        /// <param name="dy">The gradient with respect to the outputs.</param>
        /// <param name="weight">The weight, or a null reference for none.</param>
        /// <param name="statistics">The <c>(mean, rstd)</c> pairs the forward pass saved.</param>
        /// <param name="gradWeight">The weight gradient, added to; or a null reference.</param>
        /// <param name="gradBias">The bias gradient, added to; or a null reference.</param>
        /// <param name="dx">Receives the gradient with respect to the inputs (may be <paramref name="dy"/>), or a null reference.</param>
        /// <param name="groups">Groups per sample.</param>
        /// <param name="size">Elements per group.</param>
        /// <param name="count">Samples.</param>
        public static void LayerNormBackward(ref float x, ref float dy, ref float weight, ref float statistics, ref float gradWeight, ref float gradBias, ref float dx, int groups, int size, int count)
        {
            bool affine = !Unsafe.IsNullRef(ref weight);
            bool parameters = !Unsafe.IsNullRef(ref gradWeight);
            bool input = !Unsafe.IsNullRef(ref dx);
            int rows = groups * count;
            for (int r = 0; r < rows; r++)
            {
                ref float xr = ref Unsafe.Add(ref x, (nint)r * size);
                ref float gr = ref Unsafe.Add(ref dy, (nint)r * size);
                float mean = Unsafe.Add(ref statistics, 2 * r);
                float rstd = Unsafe.Add(ref statistics, (2 * r) + 1);
                double sumG = 0, sumGx = 0;
                for (int j = 0; j < size; j++)
                {
                    float xhat = (Unsafe.Add(ref xr, j) - mean) * rstd;
                    float g = Unsafe.Add(ref gr, j);
                    if (parameters)
                    {
                        Unsafe.Add(ref gradWeight, j) += g * xhat;
                        Unsafe.Add(ref gradBias, j) += g;
                    }

                    float gxhat = affine ? g * Unsafe.Add(ref weight, j) : g;
                    sumG += gxhat;
                    sumGx += gxhat * xhat;
                }

                if (!input)
                {
                    continue;
                }

                float meanG = (float)(sumG / size);
                float meanGx = (float)(sumGx / size);
                ref float dr = ref Unsafe.Add(ref dx, (nint)r * size);
                for (int j = 0; j < size; j++)
                {
                    float xhat = (Unsafe.Add(ref xr, j) - mean) * rstd;
                    float gxhat = affine ? Unsafe.Add(ref gr, j) * Unsafe.Add(ref weight, j) : Unsafe.Add(ref gr, j);
                    Unsafe.Add(ref dr, j) = rstd * (gxhat - meanG - (xhat * meanGx));
                }
            }
        }

        private static (float Mean, float Rstd) Moments(ref float x, int size, float eps)
        {
            double sum = 0;
            for (int j = 0; j < size; j++)
            {
                sum += Unsafe.Add(ref x, j);
            }

            double mean = sum / size;
            double squares = 0;
            for (int j = 0; j < size; j++)
            {
                double d = Unsafe.Add(ref x, j) - mean;
                squares += d * d;
            }

            return ((float)mean, (float)(1.0 / Math.Sqrt((squares / size) + eps)));
        }
    }
}
