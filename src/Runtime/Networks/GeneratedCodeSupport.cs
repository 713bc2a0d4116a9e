using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled
{
    /// <summary>
    /// Helpers that generated networks call: argument errors, and the per-sample loss and softmax routines that are
    /// the same for every network. Not meant to be called directly.
    /// </summary>
    /// <remarks>
    /// Losses follow PyTorch with reduction "mean". Cross-entropy and binary cross-entropy are computed from the
    /// pre-activation logits (log-sum-exp and softplus forms), so they stay finite and exact where PyTorch's
    /// <c>BCELoss</c> on saturated probabilities would clamp its logarithms at -100.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class GeneratedCodeSupport
    {
        /// <summary>Throws the error for a span of the wrong length.</summary>
        /// <param name="parameter">The parameter name.</param>
        /// <param name="expected">The length the network needs.</param>
        /// <param name="actual">The length given.</param>
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowLength(string parameter, long expected, int actual) =>
            throw new ArgumentException($"'{parameter}' has {actual} elements, but this network needs exactly {expected}.", parameter);

        /// <summary>Throws the error for a batched span of the wrong length.</summary>
        /// <param name="parameter">The parameter name.</param>
        /// <param name="batchSize">The batch size given.</param>
        /// <param name="perSample">The floats per sample.</param>
        /// <param name="actual">The length given.</param>
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowBatchLength(string parameter, int batchSize, int perSample, int actual) =>
            throw new ArgumentException(
                $"'{parameter}' has {actual} elements, but a batch of {batchSize} samples of {perSample} needs exactly {(long)batchSize * perSample}.",
                parameter);

        /// <summary>Throws the error for a non-positive batch size.</summary>
        /// <param name="batchSize">The batch size given.</param>
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowBatchSize(int batchSize) =>
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");

        /// <summary>Throws the error for a training batch whose whole-batch workspace would not fit in one array.</summary>
        /// <param name="batchSize">The batch size.</param>
        /// <param name="perSample">The workspace floats per sample.</param>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowWorkspaceTooLarge(int batchSize, int perSample) =>
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"A training batch of {batchSize} samples needs {(long)batchSize * perSample} floats of workspace (the network trains each batch as one piece), more than an array holds; use smaller batches.");

        /// <summary>Throws the error for a label outside <c>[0, classes)</c>.</summary>
        /// <param name="parameter">The parameter name.</param>
        /// <param name="index">The sample index.</param>
        /// <param name="label">The label given.</param>
        /// <param name="classes">The number of classes (outputs).</param>
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowLabel(string parameter, int index, int label, int classes) =>
            throw new ArgumentOutOfRangeException(parameter, label, $"Label {label} (sample {index}) is outside [0, {classes}): the network has {classes} classes.");

        /// <summary>Throws the error for label-based training of a network whose loss does not take labels.</summary>
        /// <param name="network">The network's type name.</param>
        /// <param name="loss">Its loss.</param>
        /// <returns>Never returns.</returns>
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static float ThrowLabelsNotSupported(string network, Loss loss) =>
            throw new NotSupportedException($"{network} is trained with Loss.{loss}, which takes target vectors, not class labels; pass one-hot targets, or declare [Network(Loss = Loss.CrossEntropy)].");

        /// <summary>Throws the error for an <see cref="ISplitTraining"/> call with a wrong part or chunk.</summary>
        /// <param name="part">The part given.</param>
        /// <param name="parts">The number of parts.</param>
        /// <param name="count">The samples given.</param>
        /// <param name="chunk">The most samples a call takes.</param>
        /// <param name="inputs">The input floats given.</param>
        /// <param name="inputSize">The floats per sample.</param>
        [DoesNotReturn]
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowSplitCall(int part, int parts, int count, int chunk, int inputs, int inputSize) =>
            throw new ArgumentException(
                $"Split training call with part {part} of {parts}, {count} samples (1 to {chunk} allowed) and {inputs} input floats ({(long)count * inputSize} needed).");

        /// <summary>Copies one sample's training outputs (already activated) to the caller's outputs.</summary>
        /// <param name="source">The first output in the workspace.</param>
        /// <param name="outputs">The first float of the caller's place for this sample.</param>
        /// <param name="length">The outputs per sample.</param>
        public static void CopyOutputs(ref float source, ref float outputs, int length) =>
            System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref source, length).CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref outputs, length));

        /// <summary>Writes the softmax of one sample's logits (the loss fused the activation) to the caller's outputs.</summary>
        /// <param name="logits">The first logit in the workspace.</param>
        /// <param name="outputs">The first float of the caller's place for this sample.</param>
        /// <param name="length">The outputs per sample.</param>
        public static void CopySoftmax(ref float logits, ref float outputs, int length)
        {
            CopyOutputs(ref logits, ref outputs, length);
            Softmax(ref outputs, length);
        }

        /// <summary>Writes the sigmoid of one sample's logits (the loss fused the activation) to the caller's outputs.</summary>
        /// <param name="logits">The first logit in the workspace.</param>
        /// <param name="outputs">The first float of the caller's place for this sample.</param>
        /// <param name="length">The outputs per sample.</param>
        public static void CopySigmoid(ref float logits, ref float outputs, int length)
        {
            for (int i = 0; i < length; i++)
            {
                Unsafe.Add(ref outputs, i) = SimdMath.Sigmoid(Unsafe.Add(ref logits, i));
            }
        }

        /// <summary>Replaces <paramref name="length"/> values by their softmax, <c>exp(v - max) / sum</c>.</summary>
        /// <param name="values">The first value.</param>
        /// <param name="length">The number of values.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Softmax(ref float values, int length)
        {
            // exp(v - max) / sum, eight lanes at a time with the same SimdMath.Exp as the scalar tail.
            Span<float> v = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref values, length);
            int vectorEnd = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? length / 8 * 8 : 0;
            float max = float.NegativeInfinity;
            if (vectorEnd > 0)
            {
                var maxVector = System.Runtime.Intrinsics.Vector256.Create(float.NegativeInfinity);
                for (int i = 0; i < vectorEnd; i += 8)
                {
                    maxVector = System.Runtime.Intrinsics.Vector256.Max(maxVector, System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref values, (nuint)i));
                }

                for (int k = 0; k < 8; k++)
                {
                    max = MathF.Max(max, maxVector.GetElement(k));
                }
            }

            for (int i = vectorEnd; i < length; i++)
            {
                max = MathF.Max(max, v[i]);
            }

            float sum = 0f;
            if (vectorEnd > 0)
            {
                var shift = System.Runtime.Intrinsics.Vector256.Create(max);
                var sumVector = System.Runtime.Intrinsics.Vector256<float>.Zero;
                for (int i = 0; i < vectorEnd; i += 8)
                {
                    var e = SimdMath.Exp(System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref values, (nuint)i) - shift);
                    e.StoreUnsafe(ref values, (nuint)i);
                    sumVector += e;
                }

                sum = SimdMath.Sum(sumVector);
            }

            for (int i = vectorEnd; i < length; i++)
            {
                float e = SimdMath.Exp(v[i] - max);
                v[i] = e;
                sum += e;
            }

            float inverse = 1f / sum;
            int j = 0;
            if (vectorEnd > 0)
            {
                var scale = System.Runtime.Intrinsics.Vector256.Create(inverse);
                for (; j < vectorEnd; j += 8)
                {
                    (System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref values, (nuint)j) * scale).StoreUnsafe(ref values, (nuint)j);
                }
            }

            for (; j < length; j++)
            {
                v[j] *= inverse;
            }
        }

        /// <summary>Back-propagates through a softmax: <c>dz = y * (dy - sum(dy * y))</c>, in place of <paramref name="gradient"/>.</summary>
        /// <param name="output">The softmax output <c>y</c>.</param>
        /// <param name="gradient">On entry dL/dy, on return dL/dz.</param>
        /// <param name="length">The number of values.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void SoftmaxBackward(ref float output, ref float gradient, int length)
        {
            ReadOnlySpan<float> y = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref output, length);
            Span<float> g = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref gradient, length);
            float dot = 0f;
            for (int i = 0; i < length; i++)
            {
                dot += g[i] * y[i];
            }

            for (int i = 0; i < length; i++)
            {
                g[i] = y[i] * (g[i] - dot);
            }
        }

        /// <summary>
        /// Cross-entropy of softmax(<paramref name="logits"/>) against a class label, <c>-log p[label]</c>, computed as
        /// <c>logsumexp(z) - z[label]</c>; writes <c>(p - onehot) * scale</c> to <paramref name="gradient"/>.
        /// </summary>
        /// <param name="logits">The pre-softmax outputs.</param>
        /// <param name="length">The number of classes.</param>
        /// <param name="label">The class, already checked to be in range.</param>
        /// <param name="gradient">Receives the scaled gradient with respect to the logits.</param>
        /// <param name="scale">The factor for the gradient (1 / batch size).</param>
        /// <returns>The loss of this sample.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static float SoftmaxCrossEntropy(ref float logits, int length, int label, ref float gradient, float scale)
        {
            ReadOnlySpan<float> z = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref logits, length);
            Span<float> g = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref gradient, length);
            float sum = ExpShifted(z, g, out float max);
            float inverse = 1f / sum;
            for (int i = 0; i < length; i++)
            {
                g[i] = ((g[i] * inverse) - (i == label ? 1f : 0f)) * scale;
            }

            return MathF.Log(sum) + max - z[label];
        }

        /// <summary>
        /// Cross-entropy of softmax(<paramref name="logits"/>) against a target distribution, <c>-sum t log p</c>; writes
        /// <c>(p * sum(t) - t) * scale</c> to <paramref name="gradient"/>.
        /// </summary>
        /// <param name="logits">The pre-softmax outputs.</param>
        /// <param name="length">The number of classes.</param>
        /// <param name="target">The target probabilities.</param>
        /// <param name="gradient">Receives the scaled gradient with respect to the logits.</param>
        /// <param name="scale">The factor for the gradient (1 / batch size).</param>
        /// <returns>The loss of this sample.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static float SoftmaxCrossEntropy(ref float logits, int length, ref float target, ref float gradient, float scale)
        {
            ReadOnlySpan<float> z = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref logits, length);
            ReadOnlySpan<float> t = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref target, length);
            Span<float> g = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref gradient, length);
            float sum = ExpShifted(z, g, out float max);
            float logSum = MathF.Log(sum);
            float inverse = 1f / sum;
            float targetSum = 0f;
            float loss = 0f;
            for (int i = 0; i < length; i++)
            {
                targetSum += t[i];
                loss -= t[i] * (z[i] - max - logSum);
            }

            for (int i = 0; i < length; i++)
            {
                g[i] = ((g[i] * inverse * targetSum) - t[i]) * scale;
            }

            return loss;
        }

        /// <summary>
        /// Binary cross-entropy of sigmoid(<paramref name="logits"/>) against targets, the mean over outputs of
        /// <c>max(z, 0) - z t + log(1 + exp(-|z|))</c>; writes <c>(sigmoid(z) - t) * scale / length</c> to <paramref name="gradient"/>.
        /// </summary>
        /// <param name="logits">The pre-sigmoid outputs.</param>
        /// <param name="length">The number of outputs.</param>
        /// <param name="target">The targets, in [0, 1].</param>
        /// <param name="gradient">Receives the scaled gradient with respect to the logits.</param>
        /// <param name="scale">The factor for the gradient (1 / batch size).</param>
        /// <returns>The loss of this sample.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static float SigmoidBinaryCrossEntropy(ref float logits, int length, ref float target, ref float gradient, float scale)
        {
            ReadOnlySpan<float> z = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref logits, length);
            ReadOnlySpan<float> t = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref target, length);
            Span<float> g = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref gradient, length);
            float factor = scale / length;
            float loss = 0f;
            for (int i = 0; i < length; i++)
            {
                float zi = z[i];
                loss += MathF.Max(zi, 0f) - (zi * t[i]) + Log1p(SimdMath.Exp(-MathF.Abs(zi)));
                g[i] = (SimdMath.Sigmoid(zi) - t[i]) * factor;
            }

            return loss / length;
        }

        /// <summary>
        /// Mean squared error, the mean over outputs of <c>(y - t)^2</c>; writes <c>2 (y - t) * scale / length</c> to
        /// <paramref name="gradient"/>.
        /// </summary>
        /// <param name="output">The network's outputs.</param>
        /// <param name="length">The number of outputs.</param>
        /// <param name="target">The targets.</param>
        /// <param name="gradient">Receives the scaled gradient with respect to the outputs.</param>
        /// <param name="scale">The factor for the gradient (1 / batch size).</param>
        /// <returns>The loss of this sample.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static float MeanSquaredError(ref float output, int length, ref float target, ref float gradient, float scale)
        {
            ReadOnlySpan<float> y = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref output, length);
            ReadOnlySpan<float> t = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref target, length);
            Span<float> g = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref gradient, length);
            float factor = 2f * scale / length;
            float loss = 0f;
            for (int i = 0; i < length; i++)
            {
                float difference = y[i] - t[i];
                loss += difference * difference;
                g[i] = difference * factor;
            }

            return loss / length;
        }

        /// <summary>Writes <c>exp(z - max)</c> to <paramref name="exps"/> and returns their sum.</summary>
        private static float ExpShifted(ReadOnlySpan<float> z, Span<float> exps, out float max)
        {
            max = float.NegativeInfinity;
            foreach (float value in z)
            {
                max = MathF.Max(max, value);
            }

            float sum = 0f;
            for (int i = 0; i < z.Length; i++)
            {
                float e = SimdMath.Exp(z[i] - max);
                exps[i] = e;
                sum += e;
            }

            return sum;
        }

        private static float Log1p(float x) => x < 1e-4f ? x * (1f - (0.5f * x)) : MathF.Log(1f + x);
    }
}
