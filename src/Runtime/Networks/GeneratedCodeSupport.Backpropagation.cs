using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled
{
    public static partial class GeneratedCodeSupport
    {
        /// <summary>
        /// The gradient with respect to softmax's input given the gradient with respect to its output, from the logits:
        /// <c>p = softmax(z)</c>, <c>dz_j = p_j (dy_j - sum_k p_k dy_k)</c> (PyTorch's softmax backward). For networks whose
        /// loss fuses the softmax, when the caller brings its own output gradient (<c>Backpropagate</c>).
        /// </summary>
        /// <param name="logits">The first of <paramref name="length"/> logits.</param>
        /// <param name="outputGradient">The first of <paramref name="length"/> values of dL/dp.</param>
        /// <param name="gradient">Receives <paramref name="length"/> values of dL/dz.</param>
        /// <param name="length">The number of classes.</param>
        public static void SoftmaxOutputGradient(ref float logits, ref float outputGradient, ref float gradient, int length)
        {
            PackCopy(ref logits, ref gradient, length);
            Softmax(ref gradient, length);
            float dot = 0f;
            for (int j = 0; j < length; j++)
            {
                dot += Unsafe.Add(ref gradient, j) * Unsafe.Add(ref outputGradient, j);
            }

            for (int j = 0; j < length; j++)
            {
                float p = Unsafe.Add(ref gradient, j);
                Unsafe.Add(ref gradient, j) = p * (Unsafe.Add(ref outputGradient, j) - dot);
            }
        }

        /// <summary>
        /// The gradient with respect to the sigmoid's input given the gradient with respect to its output, from the logits:
        /// <c>dz = dy (1 - s) s</c> with <c>s = sigmoid(z)</c>, element by element.
        /// </summary>
        /// <param name="logits">The first of <paramref name="length"/> logits.</param>
        /// <param name="outputGradient">The first of <paramref name="length"/> values of dL/dy.</param>
        /// <param name="gradient">Receives <paramref name="length"/> values of dL/dz.</param>
        /// <param name="length">The number of values.</param>
        public static void SigmoidOutputGradient(ref float logits, ref float outputGradient, ref float gradient, int length)
        {
            for (int i = 0; i < length; i++)
            {
                float s = SimdMath.Sigmoid(Unsafe.Add(ref logits, i));
                Unsafe.Add(ref gradient, i) = Unsafe.Add(ref outputGradient, i) * (1f - s) * s;
            }
        }

        /// <summary>
        /// The gradient with respect to a dense layer's input: <c>dx[s, i] = sum_o dz[s, o] W[o, i]</c> for
        /// <paramref name="count"/> samples, with <c>W</c> in PyTorch's <c>[outputs, inputs]</c> layout. Overwrites
        /// <paramref name="inputGradient"/>.
        /// </summary>
        /// <param name="weight">The first weight, <c>[outputs, inputs]</c> row-major.</param>
        /// <param name="gradient">dL/dz, <c>[count, outputs]</c>.</param>
        /// <param name="inputGradient">Receives dL/dx, <c>[count, inputs]</c>.</param>
        /// <param name="inputs">The layer's inputs.</param>
        /// <param name="outputs">The layer's outputs.</param>
        /// <param name="count">The number of samples.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void DenseInputGradient(ref float weight, ref float gradient, ref float inputGradient, int inputs, int outputs, int count)
        {
            for (int s = 0; s < count; s++)
            {
                ref float dx = ref Unsafe.Add(ref inputGradient, (nint)s * inputs);
                ref float dz = ref Unsafe.Add(ref gradient, (nint)s * outputs);
                int vectorEnd = Vector256.IsHardwareAccelerated ? inputs / 8 * 8 : 0;
                for (int i = 0; i < vectorEnd; i += 8)
                {
                    Vector256<float> sum = Vector256<float>.Zero;
                    for (int o = 0; o < outputs; o++)
                    {
                        sum = SimdMath.MultiplyAdd(Vector256.Create(Unsafe.Add(ref dz, o)), Vector256.LoadUnsafe(ref weight, (nuint)(((nint)o * inputs) + i)), sum);
                    }

                    sum.StoreUnsafe(ref dx, (nuint)i);
                }

                for (int i = vectorEnd; i < inputs; i++)
                {
                    float sum = 0f;
                    for (int o = 0; o < outputs; o++)
                    {
                        sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref dz, o), Unsafe.Add(ref weight, ((nint)o * inputs) + i), sum);
                    }

                    Unsafe.Add(ref dx, i) = sum;
                }
            }
        }
    }
}
