using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    // The one-sample forward pass of a large layer over a panelled copy of its packed weight.
    public static partial class DenseKernels
    {
        /// <summary>
        /// The width, in floats, of the column panels of a layer of <paramref name="outputs"/> outputs on this machine: the
        /// 8 output vectors one pass of the one-sample kernel keeps in registers (128 floats with 512-bit vectors, 64 with
        /// 256-bit, 32 with 128-bit).
        /// </summary>
        /// <param name="outputs">The layer's outputs.</param>
        /// <returns>The panel width.</returns>
        public static int PanelWidth(int outputs) => 8 * ForwardLanes(outputs);

        /// <summary>
        /// Copies a packed transposed weight <c>[inputs, weightStride]</c> into column panels for
        /// <see cref="ForwardPanels{TAct}"/>: columns <c>[c, c + w)</c> of every row, one panel after another, each
        /// <c>[inputs, w]</c> row-major, where <c>w</c> is <see cref="PanelWidth"/> (the last panel the columns left).
        /// Nothing is written when the weight is one panel wide: the kernel then reads the packed copy itself.
        /// </summary>
        /// <param name="weight">The packed transposed weight: element (i, o) at <c>weight[i * weightStride + o]</c>.</param>
        /// <param name="weightStride">The row length of the packed weight (the outputs rounded up to 16).</param>
        /// <param name="panels">Receives the panels: <c>inputs * weightStride</c> floats.</param>
        /// <param name="inputs">The inputs (rows).</param>
        /// <param name="outputs">The outputs.</param>
        public static void PackPanels(ref float weight, int weightStride, ref float panels, int inputs, int outputs)
        {
            int width = PanelWidth(outputs);
            if (weightStride <= width)
            {
                return;
            }

            for (int column = 0; column < weightStride; column += width)
            {
                int panel = Math.Min(width, weightStride - column);
                ref float to = ref Unsafe.Add(ref panels, (nuint)column * (nuint)inputs);
                for (int i = 0; i < inputs; i++)
                {
                    Unsafe.CopyBlockUnaligned(
                        ref Unsafe.As<float, byte>(ref Unsafe.Add(ref to, (nuint)i * (nuint)panel)),
                        ref Unsafe.As<float, byte>(ref Unsafe.Add(ref weight, ((nuint)i * (nuint)weightStride) + (nuint)column)),
                        (uint)(panel * sizeof(float)));
                }
            }
        }

        /// <summary>
        /// Forward pass of one sample, <c>y = f(W x + b)</c>, for a layer whose packed weight does not fit in L1, reading
        /// the panelled copy (<see cref="PackPanels"/>): each pass of 8 output vectors streams its own contiguous panel,
        /// where over the packed copy it would read part of every row (a strided walk the prefetchers serve at about half
        /// the rate of a sequential one). Same sums, in the same order, as <see cref="Forward{TAct}"/>: bit-identical.
        /// Layers one panel wide, or small enough for L1, run <see cref="Forward{TAct}"/> on the packed copy.
        /// </summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="weight">The packed transposed weight: element (i, o) at <c>weight[i * weightStride + o]</c>.</param>
        /// <param name="bias">The bias, readable up to <paramref name="outputs"/> rounded up to 16.</param>
        /// <param name="weightStride">The row length of the packed weight (the outputs rounded up to 16).</param>
        /// <param name="panels">The panelled copy, as <see cref="PackPanels"/> wrote it from <paramref name="weight"/>.</param>
        /// <param name="x">The sample, <paramref name="inputs"/> floats.</param>
        /// <param name="y">Receives the <paramref name="outputs"/> outputs; nothing past them is written.</param>
        /// <param name="inputs">The inputs.</param>
        /// <param name="outputs">The outputs.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ForwardPanels<TAct>(ref float weight, ref float bias, int weightStride, ref float panels, ref float x, ref float y, int inputs, int outputs, TAct activation)
            where TAct : struct, IActivation
        {
            if (outputs <= 0)
            {
                return;
            }

            int lanes = ForwardLanes(outputs);
            if (weightStride <= 8 * lanes || (long)inputs * weightStride <= ChunkedWeightFloats)
            {
                Forward(ref weight, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else if (lanes == 16)
            {
                ForwardPanelsBody<Vector512<float>, Simd512, TAct>(ref panels, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else if (lanes == 8)
            {
                ForwardPanelsBody<Vector256<float>, Simd256, TAct>(ref panels, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else
            {
                ForwardPanelsBody<Vector128<float>, Simd128, TAct>(ref panels, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
            }
        }

        /// <summary>The lanes of the vectors <see cref="Forward{TAct}"/> uses for a layer of <paramref name="outputs"/> outputs.</summary>
        private static int ForwardLanes(int outputs)
        {
            int lanes = NarrowedLanes(outputs);
            if (Vector512.IsHardwareAccelerated && lanes == 16)
            {
                return 16;
            }

            return (Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated) && lanes >= 8 ? 8 : 4;
        }

        /// <summary>
        /// The panels in turn, each one block of up to 8 output vectors from the bias, one multiply-add per input in input
        /// order: <see cref="ForwardGroups1"/> over the panel (the shape <see cref="ForwardBody"/> takes for more than 8 vectors).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardPanelsBody<TV, TS, TAct>(ref float panels, ref float bias, int weightStride, ref float x, ref float y, int inputs, int outputs, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int lanes = TS.Lanes;
            int vectors = (outputs + lanes - 1) / lanes;
            for (int first = 0; first < vectors; first += 8)
            {
                int block = Math.Min(8, vectors - first);
                int column = first * lanes;
                nuint stride = (nuint)Math.Min(8 * lanes, weightStride - column);
                int lastLanes = Math.Min(lanes, outputs - ((first + block - 1) * lanes));
                ref float w = ref Unsafe.Add(ref panels, (nuint)column * (nuint)inputs);
                ref float b = ref Unsafe.Add(ref bias, (nuint)column);
                ref float o = ref Unsafe.Add(ref y, (nuint)column);
                switch (block)
                {
                    case 8: ForwardGroups1<TV, TS, TAct, N8>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 7: ForwardGroups1<TV, TS, TAct, N7>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 6: ForwardGroups1<TV, TS, TAct, N6>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 5: ForwardGroups1<TV, TS, TAct, N5>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 4: ForwardGroups1<TV, TS, TAct, N4>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 3: ForwardGroups1<TV, TS, TAct, N3>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 2: ForwardGroups1<TV, TS, TAct, N2>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    default: ForwardGroups1<TV, TS, TAct, N1>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                }
            }
        }
    }
}
