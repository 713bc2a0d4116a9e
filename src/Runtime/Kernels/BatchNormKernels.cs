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
    /// Training (<see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, float, float, bool)"/>): <c>mean = sum(x) / n</c>, <c>var = sum((x - mean)^2) / n</c> (biased, for
    /// normalising), both accumulated in double precision, <c>rstd = 1 / sqrt(var + eps)</c>,
    /// <c>y = (x - mean) * rstd * weight + bias</c>; the running statistics move towards the batch's:
    /// <c>running_mean = (1 - momentum) * running_mean + momentum * mean</c>, <c>running_var</c> likewise with the unbiased
    /// variance <c>var * n / (n - 1)</c>, and <c>num_batches_tracked</c> counts the calls, as PyTorch's training-mode forward.
    /// <see cref="Backward"/> recomputes <c>xhat</c> from the input and the saved <c>(mean, rstd)</c>:
    /// <c>dx = weight * rstd * (dy - sum(dy) / n - xhat * sum(dy * xhat) / n)</c>, <c>dweight = sum(dy * xhat)</c>,
    /// <c>dbias = sum(dy)</c>, sums per channel over the whole batch.
    /// </para>
    /// <para>
    /// Vectorisation: with <c>spatial = 1</c> a vector holds consecutive channels and each lane sums its channel over the
    /// samples in order, so the results are the same bits on every SIMD width (and as a one-value-at-a-time loop); with
    /// <c>spatial &gt; 1</c> vectors run along a channel's positions, whose double-precision sums then depend on the width
    /// in their last bits.
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
        /// <param name="running">The buffers: <c>running_mean</c> then <c>running_var</c>, <paramref name="channels"/> floats each; or a null reference for a layer without running statistics.</param>
        /// <param name="packed">Receives <c>2 * channels</c> floats, or <c>4 * channels</c> with a weight.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="eps">Added to the variance.</param>
        public static void Pack(ref float weight, ref float running, ref float packed, int channels, float eps)
        {
            bool affine = !Unsafe.IsNullRef(ref weight);
            bool tracks = !Unsafe.IsNullRef(ref running); // else no running statistics: the scale and shift are never read
            for (int c = 0; c < channels; c++)
            {
                double w = affine ? Unsafe.Add(ref weight, c) : 1.0;
                double b = affine ? Unsafe.Add(ref weight, channels + c) : 0.0;
                double scale = tracks ? w / Math.Sqrt(Unsafe.Add(ref running, channels + c) + (double)eps) : w;
                Unsafe.Add(ref packed, c) = (float)scale;
                Unsafe.Add(ref packed, channels + c) = (float)(tracks ? b - (Unsafe.Add(ref running, c) * scale) : b);
                if (affine)
                {
                    Unsafe.Add(ref packed, (2 * channels) + c) = (float)w;
                    Unsafe.Add(ref packed, (3 * channels) + c) = (float)b;
                }
            }
        }

        /// <summary>
        /// Folds an inference-mode batch normalisation into the packed weights of the Dense or convolution before it (which
        /// has no activation): <c>scale * (W x + b) + shift</c> is the product with <c>W * scale</c> and bias
        /// <c>b * scale + shift</c>, per output channel, <c>scale = weight / sqrt(running_var + eps)</c> and
        /// <c>shift = bias - running_mean * scale</c> as <see cref="Pack"/> wrote them. The packed layout is the dense and
        /// convolution kernels': per group, <paramref name="rows"/> rows of <paramref name="padded"/> floats (the transposed
        /// weight, one output channel per column), then the bias row; the padding columns are copied as they are (zeros).
        /// </summary>
        /// <param name="packed">The layer's packed copy, read.</param>
        /// <param name="folded">Receives the folded copy, the same layout and length.</param>
        /// <param name="scaleShift">What <see cref="Pack"/> wrote: the scales, then the shifts, one per output channel.</param>
        /// <param name="groups">Groups (1 for a Dense layer).</param>
        /// <param name="rows">Rows of weights per group: a Dense layer's inputs, a convolution's patch size.</param>
        /// <param name="perGroup">Output channels per group.</param>
        /// <param name="padded">The row length, <paramref name="perGroup"/> rounded up to 16.</param>
        public static void Fold(ref float packed, ref float folded, ref float scaleShift, int groups, int rows, int perGroup, int padded)
        {
            int channels = groups * perGroup;
            nint groupLength = (nint)(rows + 1) * padded;
            System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref packed, (int)(groups * groupLength))
                .CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref folded, (int)(groups * groupLength)));
            for (int g = 0; g < groups; g++)
            {
                ref float block = ref Unsafe.Add(ref folded, g * groupLength);
                ref float scale = ref Unsafe.Add(ref scaleShift, g * perGroup);
                ref float shift = ref Unsafe.Add(ref scaleShift, channels + (g * perGroup));
                for (int r = 0; r < rows; r++)
                {
                    ref float row = ref Unsafe.Add(ref block, (nint)r * padded);
                    for (int o = 0; o < perGroup; o++)
                    {
                        Unsafe.Add(ref row, o) *= Unsafe.Add(ref scale, o);
                    }
                }

                ref float bias = ref Unsafe.Add(ref block, (nint)rows * padded);
                for (int o = 0; o < perGroup; o++)
                {
                    Unsafe.Add(ref bias, o) = (float)(((double)Unsafe.Add(ref bias, o) * Unsafe.Add(ref scale, o)) + Unsafe.Add(ref shift, o));
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
        public static void TrainForward(ref float x, ref float y, ref float affine, ref float statistics, ref float running, int channels, int spatial, int count, float eps, float momentum) =>
            TrainForward(ref x, ref y, ref affine, ref statistics, ref running, channels, spatial, count, eps, momentum, cumulativeAverage: false);

        /// <summary>
        /// <see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, float, float)"/> with
        /// the choice of PyTorch's <c>momentum=None</c>: with <paramref name="cumulativeAverage"/>, the running statistics are
        /// the plain average of every batch's so far, <c>running += (batch - running) / num_batches_tracked</c> (the weight
        /// of the new batch is <c>1 / num_batches_tracked</c> after counting it) and <paramref name="momentum"/> is not read.
        /// <paramref name="running"/> may be a null reference: a layer that tracks no running statistics
        /// (<c>track_running_stats=False</c>) normalises with the batch's and updates nothing.
        /// </summary>
        /// <param name="x">The inputs, <c>[count, channels * spatial]</c>.</param>
        /// <param name="y">Receives the outputs, the same layout (not <paramref name="x"/>).</param>
        /// <param name="affine">The weight then the bias (<c>2 * channels</c> floats), or a null reference for none.</param>
        /// <param name="statistics">Receives <c>2 * channels</c> floats: the means, then the reciprocal standard deviations.</param>
        /// <param name="running">The buffers, updated, or a null reference for none.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="spatial">Positions per channel.</param>
        /// <param name="count">Samples.</param>
        /// <param name="eps">Added to the variance.</param>
        /// <param name="momentum">The weight of the batch's statistics in the running statistics (unless cumulative).</param>
        /// <param name="cumulativeAverage">True for a cumulative moving average (PyTorch's <c>momentum=None</c>).</param>
        /// <exception cref="ArgumentException">The batch has one value per channel.</exception>
        public static void TrainForward(ref float x, ref float y, ref float affine, ref float statistics, ref float running, int channels, int spatial, int count, float eps, float momentum, bool cumulativeAverage)
        {
            bool tracks = !Unsafe.IsNullRef(ref running);
            double weight = cumulativeAverage && tracks ? 1.0 / (Unsafe.Add(ref running, 2 * channels) + 1.0) : momentum;
            long n = (long)count * spatial;
            if (n <= 1)
            {
                ThrowTooFewValues(nameof(count), count, channels);
            }

            bool hasAffine = !Unsafe.IsNullRef(ref affine);
            nint stride = (nint)channels * spatial;
            int c = 0;
            if (Vector.IsHardwareAccelerated && spatial == 1)
            {
                // Consecutive channels are contiguous: vectors across the channels, each lane accumulating one channel over
                // the samples in order, so every channel's sums are the scalar loop's bit for bit.
                for (; c <= channels - Vector<float>.Count; c += Vector<float>.Count)
                {
                    ForwardAcross(ref x, ref y, ref affine, ref statistics, ref running, channels, c, count, n, eps, weight, hasAffine);
                }
            }

            for (; c < channels; c++)
            {
                ref float xc = ref Unsafe.Add(ref x, (nint)c * spatial);
                double mean = Sum(ref xc, stride, spatial, count) / n;
                double variance = SquaredDeviations(ref xc, stride, spatial, count, mean) / n;
                UpdateStatistics(ref statistics, ref running, channels, c, mean, variance, n, eps, weight);

                // y = (x - mean) * rstd * weight + bias, as x * scale + shift with the scale and shift computed per channel.
                float meanF = Unsafe.Add(ref statistics, c);
                float scale = Unsafe.Add(ref statistics, channels + c) * (hasAffine ? Unsafe.Add(ref affine, c) : 1f);
                float bias = hasAffine ? Unsafe.Add(ref affine, channels + c) : 0f;
                Normalize(ref xc, ref Unsafe.Add(ref y, (nint)c * spatial), stride, spatial, count, meanF, scale, bias);
            }

            if (tracks)
            {
                Unsafe.Add(ref running, 2 * channels) += 1f; // num_batches_tracked
            }
        }

        /// <summary>
        /// Inference of a layer that tracks no running statistics (PyTorch's <c>track_running_stats=False</c>): normalises
        /// with the statistics of the <paramref name="count"/> samples given, as in training, and updates nothing.
        /// </summary>
        /// <param name="x">The inputs, <c>[count, channels * spatial]</c>.</param>
        /// <param name="y">Receives the outputs, the same layout (not <paramref name="x"/>).</param>
        /// <param name="affine">The weight then the bias (<c>2 * channels</c> floats), or a null reference for none.</param>
        /// <param name="channels">Channels.</param>
        /// <param name="spatial">Positions per channel.</param>
        /// <param name="count">Samples.</param>
        /// <param name="eps">Added to the variance.</param>
        /// <exception cref="ArgumentException">The samples give one value per channel.</exception>
        public static void InferenceWithBatchStatistics(ref float x, ref float y, ref float affine, int channels, int spatial, int count, float eps)
        {
            if ((long)count * spatial <= 1)
            {
                ThrowTooFewBatchValues(count, channels);
            }

            float[] statistics = t_statistics is { } cached && cached.Length >= 2 * channels ? cached : (t_statistics = new float[2 * channels]);
            TrainForward(ref x, ref y, ref affine, ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(statistics), ref Unsafe.NullRef<float>(), channels, spatial, count, eps, 0f, cumulativeAverage: false);
        }

        [ThreadStatic]
        private static float[]? t_statistics;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowTooFewBatchValues(int batchSize, int channels) =>
            throw new ArgumentException(
                $"Expected more than 1 value per channel: a batch normalisation layer without running statistics (TrackRunningStats = false) normalises with the statistics of the samples given, also at inference, and {batchSize} sample(s) give each of its {channels} channel(s) 1 value. Run ForwardBatch on at least 2 samples.",
                "batchSize");

        /// <summary>
        /// The backward pass of <see cref="TrainForward(ref float, ref float, ref float, ref float, ref float, int, int, int, float, float, bool)"/> over the same batch: adds the weight and bias gradients (unless
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
            int c = 0;
            if (Vector.IsHardwareAccelerated && spatial == 1)
            {
                // Vectors across the channels, as in TrainForward: the same sums and results as the scalar loop, bit for bit.
                for (; c <= channels - Vector<float>.Count; c += Vector<float>.Count)
                {
                    BackwardAcross(ref x, ref dy, ref weight, ref statistics, ref gradWeight, ref gradBias, ref dx, channels, c, count, n, affine, parameters, input);
                }
            }

            for (; c < channels; c++)
            {
                float mean = Unsafe.Add(ref statistics, c);
                float rstd = Unsafe.Add(ref statistics, channels + c);
                nint at = (nint)c * spatial;
                GradientSums(ref Unsafe.Add(ref x, at), ref Unsafe.Add(ref dy, at), stride, spatial, count, mean, rstd, out double sumG, out double sumGx);
                if (parameters)
                {
                    Unsafe.Add(ref gradWeight, c) += (float)sumGx;
                    Unsafe.Add(ref gradBias, c) += (float)sumG;
                }

                if (input)
                {
                    // In double: with small batches the three terms nearly cancel (two samples normalise to +-1 whatever x is).
                    double a = (affine ? Unsafe.Add(ref weight, c) : 1.0) * rstd;
                    InputGradient(ref Unsafe.Add(ref x, at), ref Unsafe.Add(ref dy, at), ref Unsafe.Add(ref dx, at), stride, spatial, count, mean, rstd, a, sumG / n, sumGx / n);
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

        /// <summary>Writes channel <paramref name="c"/>'s <c>(mean, rstd)</c> and moves its running statistics.</summary>
        private static void UpdateStatistics(ref float statistics, ref float running, int channels, int c, double mean, double variance, long n, float eps, double momentum)
        {
            Unsafe.Add(ref statistics, c) = (float)mean;
            Unsafe.Add(ref statistics, channels + c) = (float)(1.0 / Math.Sqrt(variance + eps));
            if (Unsafe.IsNullRef(ref running))
            {
                return; // no running statistics (track_running_stats=False)
            }

            ref float runningMean = ref Unsafe.Add(ref running, c);
            ref float runningVar = ref Unsafe.Add(ref running, channels + c);
            runningMean = (float)(((1.0 - momentum) * runningMean) + (momentum * mean));
            runningVar = (float)(((1.0 - momentum) * runningVar) + (momentum * variance * n / (n - 1)));
        }

        /// <summary>
        /// TrainForward for <c>spatial = 1</c> and the <c>Vector&lt;float&gt;.Count</c> channels from <paramref name="c"/>:
        /// each lane is one channel, its sums taken over the samples in order in double precision (two vectors of doubles).
        /// </summary>
        private static void ForwardAcross(ref float x, ref float y, ref float affine, ref float statistics, ref float running, int channels, int c, int count, long n, float eps, double momentum, bool hasAffine)
        {
            ref float xc = ref Unsafe.Add(ref x, c);
            nuint stride = (nuint)channels;
            Vector<double> sumLo = Vector<double>.Zero, sumHi = Vector<double>.Zero;
            nuint at = 0;
            for (int s = 0; s < count; s++, at += stride)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xc, at), out Vector<double> lo, out Vector<double> hi);
                sumLo += lo;
                sumHi += hi;
            }

            var nv = new Vector<double>(n);
            Vector<double> meanLo = sumLo / nv, meanHi = sumHi / nv;
            Vector<double> squaresLo = Vector<double>.Zero, squaresHi = Vector<double>.Zero;
            at = 0;
            for (int s = 0; s < count; s++, at += stride)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xc, at), out Vector<double> lo, out Vector<double> hi);
                Vector<double> dLo = lo - meanLo, dHi = hi - meanHi;
                squaresLo += dLo * dLo;
                squaresHi += dHi * dHi;
            }

            Vector<double> varianceLo = squaresLo / nv, varianceHi = squaresHi / nv;
            for (int k = 0; k < Vector<double>.Count; k++)
            {
                UpdateStatistics(ref statistics, ref running, channels, c + k, meanLo[k], varianceLo[k], n, eps, momentum);
                UpdateStatistics(ref statistics, ref running, channels, c + Vector<double>.Count + k, meanHi[k], varianceHi[k], n, eps, momentum);
            }

            Vector<float> mean = Vector.LoadUnsafe(ref statistics, (nuint)c);
            Vector<float> scale = Vector.LoadUnsafe(ref statistics, (nuint)(channels + c));
            Vector<float> bias = Vector<float>.Zero;
            if (hasAffine)
            {
                scale *= Vector.LoadUnsafe(ref affine, (nuint)c);
                bias = Vector.LoadUnsafe(ref affine, (nuint)(channels + c));
            }

            ref float yc = ref Unsafe.Add(ref y, c);
            at = 0;
            for (int s = 0; s < count; s++, at += stride)
            {
                (((Vector.LoadUnsafe(ref xc, at) - mean) * scale) + bias).StoreUnsafe(ref yc, at);
            }
        }

        /// <summary>Backward for <c>spatial = 1</c> and the <c>Vector&lt;float&gt;.Count</c> channels from <paramref name="c"/>, lane by channel.</summary>
        private static void BackwardAcross(ref float x, ref float dy, ref float weight, ref float statistics, ref float gradWeight, ref float gradBias, ref float dx, int channels, int c, int count, long n, bool affine, bool parameters, bool input)
        {
            ref float xc = ref Unsafe.Add(ref x, c);
            ref float gc = ref Unsafe.Add(ref dy, c);
            nuint stride = (nuint)channels;
            Vector.Widen(Vector.LoadUnsafe(ref statistics, (nuint)c), out Vector<double> meanLo, out Vector<double> meanHi);
            Vector.Widen(Vector.LoadUnsafe(ref statistics, (nuint)(channels + c)), out Vector<double> rstdLo, out Vector<double> rstdHi);
            Vector<double> sumGLo = Vector<double>.Zero, sumGHi = Vector<double>.Zero, sumGxLo = Vector<double>.Zero, sumGxHi = Vector<double>.Zero;
            nuint at = 0;
            for (int s = 0; s < count; s++, at += stride)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xc, at), out Vector<double> xLo, out Vector<double> xHi);
                Vector.Widen(Vector.LoadUnsafe(ref gc, at), out Vector<double> gLo, out Vector<double> gHi);
                sumGLo += gLo;
                sumGHi += gHi;
                sumGxLo += gLo * ((xLo - meanLo) * rstdLo);
                sumGxHi += gHi * ((xHi - meanHi) * rstdHi);
            }

            if (parameters)
            {
                (Vector.LoadUnsafe(ref gradWeight, (nuint)c) + Vector.Narrow(sumGxLo, sumGxHi)).StoreUnsafe(ref gradWeight, (nuint)c);
                (Vector.LoadUnsafe(ref gradBias, (nuint)c) + Vector.Narrow(sumGLo, sumGHi)).StoreUnsafe(ref gradBias, (nuint)c);
            }

            if (!input)
            {
                return;
            }

            // In double: with small batches the three terms nearly cancel (two samples normalise to +-1 whatever x is).
            Vector<double> aLo = rstdLo, aHi = rstdHi;
            if (affine)
            {
                Vector.Widen(Vector.LoadUnsafe(ref weight, (nuint)c), out Vector<double> wLo, out Vector<double> wHi);
                aLo = wLo * rstdLo;
                aHi = wHi * rstdHi;
            }

            var nv = new Vector<double>(n);
            Vector<double> meanGLo = sumGLo / nv, meanGHi = sumGHi / nv, meanGxLo = sumGxLo / nv, meanGxHi = sumGxHi / nv;
            ref float dc = ref Unsafe.Add(ref dx, c);
            at = 0;
            for (int s = 0; s < count; s++, at += stride)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xc, at), out Vector<double> xLo, out Vector<double> xHi);
                Vector.Widen(Vector.LoadUnsafe(ref gc, at), out Vector<double> gLo, out Vector<double> gHi);
                Vector<double> lo = aLo * (gLo - meanGLo - (((xLo - meanLo) * rstdLo) * meanGxLo));
                Vector<double> hi = aHi * (gHi - meanGHi - (((xHi - meanHi) * rstdHi) * meanGxHi));
                Vector.Narrow(lo, hi).StoreUnsafe(ref dc, at);
            }
        }

        /// <summary>The sum of one channel's values: <paramref name="count"/> runs of <paramref name="spatial"/> floats, <paramref name="stride"/> apart.</summary>
        private static double Sum(ref float first, nint stride, int spatial, int count)
        {
            double sum = 0;
            if (Vector.IsHardwareAccelerated && spatial >= Vector<float>.Count)
            {
                // Along the positions: lanes accumulate their own positions in double, reduced once at the end.
                Vector<double> lo = Vector<double>.Zero, hi = Vector<double>.Zero, lo2 = Vector<double>.Zero, hi2 = Vector<double>.Zero;
                for (int s = 0; s < count; s++)
                {
                    ref float row = ref Unsafe.Add(ref first, s * stride);
                    int j = 0;
                    for (; j <= spatial - (2 * Vector<float>.Count); j += 2 * Vector<float>.Count)
                    {
                        // Two vectors a step, four chains of additions in flight.
                        Vector.Widen(Vector.LoadUnsafe(ref row, (nuint)j), out Vector<double> a, out Vector<double> b);
                        Vector.Widen(Vector.LoadUnsafe(ref row, (nuint)(j + Vector<float>.Count)), out Vector<double> a2, out Vector<double> b2);
                        lo += a;
                        hi += b;
                        lo2 += a2;
                        hi2 += b2;
                    }

                    for (; j <= spatial - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref row, (nuint)j), out Vector<double> a, out Vector<double> b);
                        lo += a;
                        hi += b;
                    }

                    for (; j < spatial; j++)
                    {
                        sum += Unsafe.Add(ref row, j);
                    }
                }

                return Vector.Sum((lo + hi) + (lo2 + hi2)) + sum;
            }

            for (int s = 0; s < count; s++)
            {
                ref float row = ref Unsafe.Add(ref first, s * stride);
                for (int j = 0; j < spatial; j++)
                {
                    sum += Unsafe.Add(ref row, j);
                }
            }

            return sum;
        }

        /// <summary>The sum of <c>(x - mean)^2</c> over one channel's values.</summary>
        private static double SquaredDeviations(ref float first, nint stride, int spatial, int count, double mean)
        {
            double squares = 0;
            if (Vector.IsHardwareAccelerated && spatial >= Vector<float>.Count)
            {
                var m = new Vector<double>(mean);
                Vector<double> lo = Vector<double>.Zero, hi = Vector<double>.Zero, lo2 = Vector<double>.Zero, hi2 = Vector<double>.Zero;
                for (int s = 0; s < count; s++)
                {
                    ref float row = ref Unsafe.Add(ref first, s * stride);
                    int j = 0;
                    for (; j <= spatial - (2 * Vector<float>.Count); j += 2 * Vector<float>.Count)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref row, (nuint)j), out Vector<double> a, out Vector<double> b);
                        Vector.Widen(Vector.LoadUnsafe(ref row, (nuint)(j + Vector<float>.Count)), out Vector<double> a2, out Vector<double> b2);
                        a -= m;
                        b -= m;
                        a2 -= m;
                        b2 -= m;
                        lo += a * a;
                        hi += b * b;
                        lo2 += a2 * a2;
                        hi2 += b2 * b2;
                    }

                    for (; j <= spatial - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref row, (nuint)j), out Vector<double> a, out Vector<double> b);
                        a -= m;
                        b -= m;
                        lo += a * a;
                        hi += b * b;
                    }

                    for (; j < spatial; j++)
                    {
                        double d = Unsafe.Add(ref row, j) - mean;
                        squares += d * d;
                    }
                }

                return Vector.Sum((lo + hi) + (lo2 + hi2)) + squares;
            }

            for (int s = 0; s < count; s++)
            {
                ref float row = ref Unsafe.Add(ref first, s * stride);
                for (int j = 0; j < spatial; j++)
                {
                    double d = Unsafe.Add(ref row, j) - mean;
                    squares += d * d;
                }
            }

            return squares;
        }

        /// <summary>Writes <c>y = (x - mean) * scale + bias</c> over one channel's values.</summary>
        private static void Normalize(ref float x, ref float y, nint stride, int spatial, int count, float mean, float scale, float bias)
        {
            for (int s = 0; s < count; s++)
            {
                ref float xr = ref Unsafe.Add(ref x, s * stride);
                ref float yr = ref Unsafe.Add(ref y, s * stride);
                int j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var m = new Vector<float>(mean);
                    var a = new Vector<float>(scale);
                    var b = new Vector<float>(bias);
                    for (; j <= spatial - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        (((Vector.LoadUnsafe(ref xr, (nuint)j) - m) * a) + b).StoreUnsafe(ref yr, (nuint)j);
                    }
                }

                for (; j < spatial; j++)
                {
                    Unsafe.Add(ref yr, j) = ((Unsafe.Add(ref xr, j) - mean) * scale) + bias;
                }
            }
        }

        /// <summary>The sums of <c>dy</c> and <c>dy * xhat</c> over one channel's values.</summary>
        private static void GradientSums(ref float x, ref float dy, nint stride, int spatial, int count, float mean, float rstd, out double sumG, out double sumGx)
        {
            sumG = 0;
            sumGx = 0;
            Vector<double> gLo = Vector<double>.Zero, gHi = Vector<double>.Zero, gxLo = Vector<double>.Zero, gxHi = Vector<double>.Zero;
            Vector<double> gLo2 = Vector<double>.Zero, gHi2 = Vector<double>.Zero, gxLo2 = Vector<double>.Zero, gxHi2 = Vector<double>.Zero;
            bool vector = Vector.IsHardwareAccelerated && spatial >= Vector<float>.Count;
            var m = new Vector<double>(mean);
            var r = new Vector<double>(rstd);
            for (int s = 0; s < count; s++)
            {
                ref float xr = ref Unsafe.Add(ref x, s * stride);
                ref float gr = ref Unsafe.Add(ref dy, s * stride);
                int j = 0;
                if (vector)
                {
                    for (; j <= spatial - (2 * Vector<float>.Count); j += 2 * Vector<float>.Count)
                    {
                        // Two vectors a step, as in Sum: eight chains of additions in flight.
                        Vector.Widen(Vector.LoadUnsafe(ref xr, (nuint)j), out Vector<double> xa, out Vector<double> xb);
                        Vector.Widen(Vector.LoadUnsafe(ref gr, (nuint)j), out Vector<double> ga, out Vector<double> gb);
                        Vector.Widen(Vector.LoadUnsafe(ref xr, (nuint)(j + Vector<float>.Count)), out Vector<double> xa2, out Vector<double> xb2);
                        Vector.Widen(Vector.LoadUnsafe(ref gr, (nuint)(j + Vector<float>.Count)), out Vector<double> ga2, out Vector<double> gb2);
                        gLo += ga;
                        gHi += gb;
                        gxLo += ga * ((xa - m) * r);
                        gxHi += gb * ((xb - m) * r);
                        gLo2 += ga2;
                        gHi2 += gb2;
                        gxLo2 += ga2 * ((xa2 - m) * r);
                        gxHi2 += gb2 * ((xb2 - m) * r);
                    }

                    for (; j <= spatial - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref xr, (nuint)j), out Vector<double> xa, out Vector<double> xb);
                        Vector.Widen(Vector.LoadUnsafe(ref gr, (nuint)j), out Vector<double> ga, out Vector<double> gb);
                        gLo += ga;
                        gHi += gb;
                        gxLo += ga * ((xa - m) * r);
                        gxHi += gb * ((xb - m) * r);
                    }
                }

                for (; j < spatial; j++)
                {
                    double g = Unsafe.Add(ref gr, j);
                    sumG += g;
                    sumGx += g * ((Unsafe.Add(ref xr, j) - (double)mean) * rstd);
                }
            }

            if (vector)
            {
                sumG += Vector.Sum((gLo + gHi) + (gLo2 + gHi2));
                sumGx += Vector.Sum((gxLo + gxHi) + (gxLo2 + gxHi2));
            }
        }

        /// <summary>Writes <c>dx = a * (dy - meanG - xhat * meanGx)</c> over one channel's values, in double.</summary>
        private static void InputGradient(ref float x, ref float dy, ref float dx, nint stride, int spatial, int count, float mean, float rstd, double a, double meanG, double meanGx)
        {
            bool vector = Vector.IsHardwareAccelerated && spatial >= Vector<float>.Count;
            var mv = new Vector<double>(mean);
            var rv = new Vector<double>(rstd);
            var av = new Vector<double>(a);
            var gv = new Vector<double>(meanG);
            var gxv = new Vector<double>(meanGx);
            for (int s = 0; s < count; s++)
            {
                ref float xr = ref Unsafe.Add(ref x, s * stride);
                ref float gr = ref Unsafe.Add(ref dy, s * stride);
                ref float dr = ref Unsafe.Add(ref dx, s * stride);
                int j = 0;
                if (vector)
                {
                    for (; j <= spatial - Vector<float>.Count; j += Vector<float>.Count)
                    {
                        Vector.Widen(Vector.LoadUnsafe(ref xr, (nuint)j), out Vector<double> xa, out Vector<double> xb);
                        Vector.Widen(Vector.LoadUnsafe(ref gr, (nuint)j), out Vector<double> ga, out Vector<double> gb);
                        Vector<double> lo = av * (ga - gv - (((xa - mv) * rv) * gxv));
                        Vector<double> hi = av * (gb - gv - (((xb - mv) * rv) * gxv));
                        Vector.Narrow(lo, hi).StoreUnsafe(ref dr, (nuint)j);
                    }
                }

                for (; j < spatial; j++)
                {
                    double xhat = (Unsafe.Add(ref xr, j) - (double)mean) * rstd;
                    Unsafe.Add(ref dr, j) = (float)(a * (Unsafe.Add(ref gr, j) - meanG - (xhat * meanGx)));
                }
            }
        }

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
