using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of <c>[BatchNorm]</c>, called by generated code with constant arguments; not meant to be called directly.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A sample of <c>channels * spatial</c> floats is <c>channels</c> consecutive runs of <c>spatial</c> positions (a vector
    /// input is <c>spatial = 1</c>: <c>nn.BatchNorm1d</c> after a linear layer; an input <c>(C, H, W)</c> is
    /// <c>spatial = H * W</c>: <c>nn.BatchNorm2d</c>). Each channel is normalised over the <c>n = count * spatial</c> values
    /// it has in the batch.
    /// </para>
    /// <para>
    /// Training (<see cref="TrainForward"/>): <c>mean = sum(x) / n</c>, <c>var = sum((x - mean)^2) / n</c> (biased, for
    /// normalising), both accumulated in double precision, <c>rstd = 1 / sqrt(var + eps)</c>,
    /// <c>y = (x - mean) * rstd * weight + bias</c>; the running statistics move towards the batch's:
    /// <c>running_mean = (1 - momentum) * running_mean + momentum * mean</c>, <c>running_var</c> likewise with the unbiased
    /// variance <c>var * n / (n - 1)</c>, and <c>num_batches_tracked</c> counts the calls, as PyTorch's training-mode forward.
    /// <see cref="Backward"/> recomputes <c>xhat</c> from the input and the saved <c>(mean, rstd)</c>:
    /// <c>dx = weight * rstd * (dy - sum(dy) / n - xhat * sum(dy * xhat) / n)</c>, <c>dweight = sum(dy * xhat)</c>,
    /// <c>dbias = sum(dy)</c>, sums per channel over the whole batch.
    /// </para>
    /// <para>
    /// Inference (<see cref="Inference"/>) reads the running statistics folded by <see cref="Pack"/> into a per-channel
    /// <c>scale = weight / sqrt(running_var + eps)</c> and <c>shift = bias - running_mean * scale</c>: <c>y = x * scale + shift</c>.
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class BatchNormKernels
    {
        /// <summary>
        /// Folds the running statistics and the affine parameters into <paramref name="packed"/>: <c>[scale C][shift C]</c>,
        /// then (with a weight) a copy of the weight and the bias, <c>[weight C][bias C]</c>, which the training forward pass reads.
        /// </summary>
        /// <param name="weight">The weight (then the bias), or a null reference for none (weight 1, bias 0).</param>
        /// <param name="running">The buffers: <c>running_mean</c> then <c>running_var</c>, <paramref name="channels"/> floats each.</param>
        /// <param name="packed">Receives <c>2 * channels</c> floats, or <c>4 * channels</c> with a weight.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="eps">Added to the variance.</param>
        public static void Pack(ref float weight, ref float running, ref float packed, int channels, float eps)
        {
            bool affine = !Unsafe.IsNullRef(ref weight);
            for (int c = 0; c < channels; c++)
            {
                double w = affine ? Unsafe.Add(ref weight, c) : 1.0;
                double b = affine ? Unsafe.Add(ref weight, channels + c) : 0.0;
                double scale = w / Math.Sqrt(Unsafe.Add(ref running, channels + c) + (double)eps);
                Unsafe.Add(ref packed, c) = (float)scale;
                Unsafe.Add(ref packed, channels + c) = (float)(b - (Unsafe.Add(ref running, c) * scale));
                if (affine)
                {
                    Unsafe.Add(ref packed, (2 * channels) + c) = (float)w;
                    Unsafe.Add(ref packed, (3 * channels) + c) = (float)b;
                }
            }
        }

        /// <summary>Inference over <paramref name="count"/> samples: <c>y = x * scale[c] + shift[c]</c>.</summary>
        /// <param name="x">The inputs, <c>[count, channels * spatial]</c>.</param>
        /// <param name="y">Receives the outputs, the same layout; may be <paramref name="x"/>.</param>
        /// <param name="packed">What <see cref="Pack"/> wrote: the scales, then the shifts.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="spatial">Positions per channel.</param>
        /// <param name="count">Samples.</param>
        public static void Inference(ref float x, ref float y, ref float packed, int channels, int spatial, int count) =>
            ScaleShift(ref x, ref y, ref packed, ref Unsafe.Add(ref packed, channels), channels, spatial, count);

        /// <summary>
        /// The training forward pass over the whole batch: normalises each channel with the batch's statistics, saves
        /// <c>[mean C][rstd C]</c> in <paramref name="statistics"/> and updates the running statistics.
        /// </summary>
        /// <param name="x">The inputs, <c>[count, channels * spatial]</c>.</param>
        /// <param name="y">Receives the outputs, the same layout (not <paramref name="x"/>).</param>
        /// <param name="affine">The weight then the bias (<c>2 * channels</c> floats), or a null reference for none.</param>
        /// <param name="statistics">Receives <c>2 * channels</c> floats: the means, then the reciprocal standard deviations.</param>
        /// <param name="running">The buffers, updated: <c>running_mean</c>, <c>running_var</c> (<paramref name="channels"/> floats each), <c>num_batches_tracked</c>.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="spatial">Positions per channel.</param>
        /// <param name="count">Samples.</param>
        /// <param name="eps">Added to the variance.</param>
        /// <param name="momentum">The weight of the batch's statistics in the running statistics.</param>
        /// <exception cref="ArgumentException">The batch has one value per channel.</exception>
        public static void TrainForward(ref float x, ref float y, ref float affine, ref float statistics, ref float running, int channels, int spatial, int count, float eps, float momentum)
        {
            long n = (long)count * spatial;
            if (n <= 1)
            {
                ThrowTooFewValues(nameof(count), count, channels);
            }

            nint stride = (nint)channels * spatial;
            for (int c = 0; c < channels; c++)
            {
                ref float first = ref Unsafe.Add(ref x, (nint)c * spatial);
                double sum = 0;
                for (int s = 0; s < count; s++)
                {
                    ref float row = ref Unsafe.Add(ref first, s * stride);
                    for (int j = 0; j < spatial; j++)
                    {
                        sum += Unsafe.Add(ref row, j);
                    }
                }

                double mean = sum / n;
                double squares = 0;
                for (int s = 0; s < count; s++)
                {
                    ref float row = ref Unsafe.Add(ref first, s * stride);
                    for (int j = 0; j < spatial; j++)
                    {
                        double d = Unsafe.Add(ref row, j) - mean;
                        squares += d * d;
                    }
                }

                double variance = squares / n;
                Unsafe.Add(ref statistics, c) = (float)mean;
                Unsafe.Add(ref statistics, channels + c) = (float)(1.0 / Math.Sqrt(variance + eps));
                ref float runningMean = ref Unsafe.Add(ref running, c);
                ref float runningVar = ref Unsafe.Add(ref running, channels + c);
                runningMean = (float)(((1.0 - momentum) * runningMean) + (momentum * mean));
                runningVar = (float)(((1.0 - momentum) * runningVar) + (momentum * variance * n / (n - 1)));
            }

            Unsafe.Add(ref running, 2 * channels) += 1f; // num_batches_tracked

            // y = (x - mean) * rstd * weight + bias, as x * scale + shift with the scale and shift computed per channel.
            bool hasAffine = !Unsafe.IsNullRef(ref affine);
            for (int s = 0; s < count; s++)
            {
                ref float xs = ref Unsafe.Add(ref x, s * stride);
                ref float ys = ref Unsafe.Add(ref y, s * stride);
                for (int c = 0; c < channels; c++)
                {
                    float mean = Unsafe.Add(ref statistics, c);
                    float scale = Unsafe.Add(ref statistics, channels + c) * (hasAffine ? Unsafe.Add(ref affine, c) : 1f);
                    float bias = hasAffine ? Unsafe.Add(ref affine, channels + c) : 0f;
                    ref float xc = ref Unsafe.Add(ref xs, (nint)c * spatial);
                    ref float yc = ref Unsafe.Add(ref ys, (nint)c * spatial);
                    for (int j = 0; j < spatial; j++)
                    {
                        Unsafe.Add(ref yc, j) = ((Unsafe.Add(ref xc, j) - mean) * scale) + bias;
                    }
                }
            }
        }

        /// <summary>
        /// The backward pass of <see cref="TrainForward"/> over the same batch: adds the weight and bias gradients (unless
        /// null references) and writes the input gradient (unless a null reference).
        /// </summary>
        /// <param name="x">The training forward pass's inputs.</param>
        /// <param name="dy">The gradient with respect to the outputs.</param>
        /// <param name="weight">The weight, or a null reference for none (1).</param>
        /// <param name="statistics">The <c>[mean C][rstd C]</c> the forward pass saved.</param>
        /// <param name="gradWeight">The weight gradient, added to; or a null reference.</param>
        /// <param name="gradBias">The bias gradient, added to; or a null reference.</param>
        /// <param name="dx">Receives the gradient with respect to the inputs (may be <paramref name="dy"/>), or a null reference.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="spatial">Positions per channel.</param>
        /// <param name="count">Samples.</param>
        public static void Backward(ref float x, ref float dy, ref float weight, ref float statistics, ref float gradWeight, ref float gradBias, ref float dx, int channels, int spatial, int count)
        {
            bool affine = !Unsafe.IsNullRef(ref weight);
            bool parameters = !Unsafe.IsNullRef(ref gradWeight);
            bool input = !Unsafe.IsNullRef(ref dx);
            long n = (long)count * spatial;
            nint stride = (nint)channels * spatial;
            for (int c = 0; c < channels; c++)
            {
                float mean = Unsafe.Add(ref statistics, c);
                float rstd = Unsafe.Add(ref statistics, channels + c);
                nint at = (nint)c * spatial;
                double sumG = 0, sumGx = 0;
                for (int s = 0; s < count; s++)
                {
                    ref float xr = ref Unsafe.Add(ref x, at + (s * stride));
                    ref float gr = ref Unsafe.Add(ref dy, at + (s * stride));
                    for (int j = 0; j < spatial; j++)
                    {
                        double g = Unsafe.Add(ref gr, j);
                        sumG += g;
                        sumGx += g * ((Unsafe.Add(ref xr, j) - (double)mean) * rstd);
                    }
                }

                if (parameters)
                {
                    Unsafe.Add(ref gradWeight, c) += (float)sumGx;
                    Unsafe.Add(ref gradBias, c) += (float)sumG;
                }

                if (!input)
                {
                    continue;
                }

                // In double: with small batches the three terms nearly cancel (two samples normalise to +-1 whatever x is).
                double a = (affine ? Unsafe.Add(ref weight, c) : 1.0) * rstd;
                double meanG = sumG / n;
                double meanGx = sumGx / n;
                for (int s = 0; s < count; s++)
                {
                    ref float xr = ref Unsafe.Add(ref x, at + (s * stride));
                    ref float gr = ref Unsafe.Add(ref dy, at + (s * stride));
                    ref float dr = ref Unsafe.Add(ref dx, at + (s * stride));
                    for (int j = 0; j < spatial; j++)
                    {
                        double xhat = (Unsafe.Add(ref xr, j) - (double)mean) * rstd;
                        Unsafe.Add(ref dr, j) = (float)(a * (Unsafe.Add(ref gr, j) - meanG - (xhat * meanGx)));
                    }
                }
            }
        }

        /// <summary>
        /// Throws PyTorch's "Expected more than 1 value per channel when training" as an <see cref="ArgumentException"/>:
        /// batch statistics of a single value have no variance to normalise by.
        /// </summary>
        /// <param name="parameter">The argument at fault.</param>
        /// <param name="batchSize">The batch size given.</param>
        /// <param name="channels">The channels of the batch normalisation layer.</param>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowTooFewValues(string parameter, int batchSize, int channels) =>
            throw new ArgumentException(
                $"Expected more than 1 value per channel when training: a batch of {batchSize} sample(s) gives each of the {channels} channel(s) of a batch normalisation layer 1 value. Train with batches of at least 2 samples (single-sample Backward cannot train this network); Forward and ForwardBatch use the running statistics and take any batch.",
                parameter);

        private static void ScaleShift(ref float x, ref float y, ref float scale, ref float shift, int channels, int spatial, int count)
        {
            nint stride = (nint)channels * spatial;
            for (int s = 0; s < count; s++)
            {
                ref float xs = ref Unsafe.Add(ref x, s * stride);
                ref float ys = ref Unsafe.Add(ref y, s * stride);
                if (spatial == 1)
                {
                    // One value per channel: vectors across the channels.
                    int c = 0;
                    if (Vector.IsHardwareAccelerated)
                    {
                        for (; c <= channels - Vector<float>.Count; c += Vector<float>.Count)
                        {
                            Vector<float> value = (Vector.LoadUnsafe(ref xs, (nuint)c) * Vector.LoadUnsafe(ref scale, (nuint)c)) + Vector.LoadUnsafe(ref shift, (nuint)c);
                            value.StoreUnsafe(ref ys, (nuint)c);
                        }
                    }

                    for (; c < channels; c++)
                    {
                        Unsafe.Add(ref ys, c) = (Unsafe.Add(ref xs, c) * Unsafe.Add(ref scale, c)) + Unsafe.Add(ref shift, c);
                    }

                    continue;
                }

                for (int c = 0; c < channels; c++)
                {
                    // Positions of one channel: vectors along them with the channel's scale and shift broadcast.
                    float a = Unsafe.Add(ref scale, c);
                    float b = Unsafe.Add(ref shift, c);
                    ref float xc = ref Unsafe.Add(ref xs, (nint)c * spatial);
                    ref float yc = ref Unsafe.Add(ref ys, (nint)c * spatial);
                    int j = 0;
                    if (Vector.IsHardwareAccelerated)
                    {
                        var av = new Vector<float>(a);
                        var bv = new Vector<float>(b);
                        for (; j <= spatial - Vector<float>.Count; j += Vector<float>.Count)
                        {
                            ((Vector.LoadUnsafe(ref xc, (nuint)j) * av) + bv).StoreUnsafe(ref yc, (nuint)j);
                        }
                    }

                    for (; j < spatial; j++)
                    {
                        Unsafe.Add(ref yc, j) = (Unsafe.Add(ref xc, j) * a) + b;
                    }
                }
            }
        }
    }
}
