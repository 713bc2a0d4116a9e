using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of a standalone <c>[Activation]</c> layer: an activation applied element by element over a block of
    /// floats, forward and backward, with the same <see cref="IActivation"/> structs (so the same bits) as the dense and
    /// convolution kernels' fused activations. Called by generated code; not meant to be called directly.
    /// </summary>
    /// <remarks>
    /// Each entry point dispatches once on the widest accelerated width (the tests are JIT-time constants) and runs one
    /// generic body compiled for that width and activation; the tail runs lane by lane with <see cref="SimdScalar"/>.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class ActivationKernels
    {
        /// <summary><c>y = f(x)</c> over <paramref name="length"/> floats.</summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="x">The inputs (pre-activations).</param>
        /// <param name="y">Receives the outputs; may be <paramref name="x"/>.</param>
        /// <param name="length">The number of floats.</param>
        /// <param name="activation">The activation.</param>
        public static void Forward<TAct>(ref float x, ref float y, int length, TAct activation)
            where TAct : struct, IActivation
        {
            if (Vector512.IsHardwareAccelerated)
            {
                ForwardBody<Vector512<float>, Simd512, TAct>(ref x, ref y, (nuint)length, activation);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                ForwardBody<Vector256<float>, Simd256, TAct>(ref x, ref y, (nuint)length, activation);
            }
            else
            {
                ForwardBody<Vector128<float>, Simd128, TAct>(ref x, ref y, (nuint)length, activation);
            }
        }

        /// <summary><c>dx = dy * f'(x)</c> over <paramref name="length"/> floats.</summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="dy">The gradient with respect to the outputs.</param>
        /// <param name="y">The outputs of the forward pass, or a null reference to recompute them from <paramref name="x"/>.</param>
        /// <param name="x">The inputs of the forward pass (read when the activation's derivative needs them or <paramref name="y"/> is a null reference).</param>
        /// <param name="dx">Receives the gradient with respect to the inputs; may be <paramref name="dy"/>.</param>
        /// <param name="length">The number of floats.</param>
        /// <param name="activation">The activation.</param>
        public static void Backward<TAct>(ref float dy, ref float y, ref float x, ref float dx, int length, TAct activation)
            where TAct : struct, IActivation
        {
            if (Vector512.IsHardwareAccelerated)
            {
                BackwardBody<Vector512<float>, Simd512, TAct>(ref dy, ref y, ref x, ref dx, (nuint)length, activation);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                BackwardBody<Vector256<float>, Simd256, TAct>(ref dy, ref y, ref x, ref dx, (nuint)length, activation);
            }
            else
            {
                BackwardBody<Vector128<float>, Simd128, TAct>(ref dy, ref y, ref x, ref dx, (nuint)length, activation);
            }
        }

        private static void ForwardBody<TV, TS, TAct>(ref float x, ref float y, nuint n, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            nuint l = (nuint)TS.Lanes;
            nuint i = 0;
            for (; i + (2 * l) <= n; i += 2 * l)
            {
                // Two vectors a step: the activations' polynomial chains overlap.
                TV a = act.Forward<TV, TS>(TS.Load(ref x, i));
                TV b = act.Forward<TV, TS>(TS.Load(ref x, i + l));
                TS.Store(a, ref y, i);
                TS.Store(b, ref y, i + l);
            }

            for (; i + l <= n; i += l)
            {
                TS.Store(act.Forward<TV, TS>(TS.Load(ref x, i)), ref y, i);
            }

            for (; i < n; i++)
            {
                Unsafe.Add(ref y, i) = act.Forward<float, SimdScalar>(Unsafe.Add(ref x, i));
            }
        }

        private static void BackwardBody<TV, TS, TAct>(ref float dy, ref float y, ref float x, ref float dx, nuint n, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            nuint l = (nuint)TS.Lanes;
            nuint i = 0;
            if (Unsafe.IsNullRef(ref y))
            {
                // No saved outputs (Backpropagate's input-gradient chain): recomputed from the inputs, the same bits.
                for (; i + l <= n; i += l)
                {
                    TV xv = TS.Load(ref x, i);
                    TS.Store(act.Backward<TV, TS>(TS.Load(ref dy, i), act.Forward<TV, TS>(xv), xv), ref dx, i);
                }

                for (; i < n; i++)
                {
                    float xs = Unsafe.Add(ref x, i);
                    Unsafe.Add(ref dx, i) = act.Backward<float, SimdScalar>(Unsafe.Add(ref dy, i), act.Forward<float, SimdScalar>(xs), xs);
                }

                return;
            }

            for (; i + l <= n; i += l)
            {
                TV xv = TAct.NeedsPreActivation ? TS.Load(ref x, i) : default;
                TS.Store(act.Backward<TV, TS>(TS.Load(ref dy, i), TS.Load(ref y, i), xv), ref dx, i);
            }

            for (; i < n; i++)
            {
                float xs = TAct.NeedsPreActivation ? Unsafe.Add(ref x, i) : 0f;
                Unsafe.Add(ref dx, i) = act.Backward<float, SimdScalar>(Unsafe.Add(ref dy, i), Unsafe.Add(ref y, i), xs);
            }
        }

        /// <summary>
        /// The backward pass of a softmax over each of <paramref name="count"/> rows of <paramref name="length"/> floats, from
        /// the inputs (the softmax is recomputed, <c>exp(x - max) / sum</c>): <c>dx = y * (dy - sum(dy * y))</c>.
        /// </summary>
        /// <param name="x">The inputs of the forward pass, <c>[count, length]</c>.</param>
        /// <param name="dy">The gradient with respect to the outputs.</param>
        /// <param name="dx">Receives the gradient with respect to the inputs; may be <paramref name="dy"/>.</param>
        /// <param name="length">The floats of a row.</param>
        /// <param name="count">The rows.</param>
        public static void SoftmaxBackward(ref float x, ref float dy, ref float dx, int length, int count)
        {
            for (int s = 0; s < count; s++)
            {
                nint row = (nint)s * length;
                ref float xr = ref Unsafe.Add(ref x, row);
                ref float gr = ref Unsafe.Add(ref dy, row);
                ref float dr = ref Unsafe.Add(ref dx, row);
                float max = float.NegativeInfinity;
                for (int i = 0; i < length; i++)
                {
                    max = System.MathF.Max(max, Unsafe.Add(ref xr, i));
                }

                double sum = 0, dot = 0;
                for (int i = 0; i < length; i++)
                {
                    double e = System.Math.Exp(Unsafe.Add(ref xr, i) - max);
                    sum += e;
                    dot += e * Unsafe.Add(ref gr, i);
                }

                dot /= sum;
                for (int i = 0; i < length; i++)
                {
                    double yi = System.Math.Exp(Unsafe.Add(ref xr, i) - max) / sum;
                    Unsafe.Add(ref dr, i) = (float)(yi * (Unsafe.Add(ref gr, i) - dot));
                }
            }
        }
    }
}
