using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Compiled.Kernels
{
    // The one-sample forward pass of a large layer over a panelled copy of its packed weight.
    public static partial class DenseKernels
    {
        /// <summary>
        /// The width, in floats, of the column panels of a layer of <paramref name="outputs"/> outputs on this machine: the
        /// output vectors one pass of the one-sample kernel keeps in registers, 16 where there are 32 vector registers
        /// (AVX-512, Arm64), else 8: 256 floats with 512-bit vectors, 64 to 128 with 256-bit, 32 to 64 with 128-bit.
        /// </summary>
        /// <param name="outputs">The layer's outputs.</param>
        /// <returns>The panel width.</returns>
        public static int PanelWidth(int outputs) => PanelVectors * ForwardLanes(outputs);

        /// <summary>The output vectors of one panel: 16 with 32 vector registers (16 accumulators, the broadcast input and room to spare), else 8.</summary>
        private static int PanelVectors
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Avx512F.VL.IsSupported || AdvSimd.Arm64.IsSupported ? 16 : 8;
        }

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
        /// the panelled copy (<see cref="PackPanels"/>): each pass of up to <see cref="PanelWidth"/> outputs streams its own
        /// contiguous panel, where over the packed copy a pass of 8 vectors would read part of every row (a strided walk the
        /// prefetchers serve at about half the rate of a sequential one), and with 32 vector registers a pass keeps 16
        /// output vectors in flight instead of 8. Every output is the same chain as in <see cref="Forward{TAct}"/> (the bias,
        /// then one multiply-add per input in input order, then the activation): bit-identical. Layers of at most 8 output
        /// vectors, or small enough for L1, run <see cref="Forward{TAct}"/>; a layer one panel wide reads the packed copy,
        /// which is then its only panel.
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
            if (outputs <= 8 * lanes || (long)inputs * weightStride <= ChunkedWeightFloats)
            {
                Forward(ref weight, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
                return;
            }

            ref float source = ref weightStride <= PanelVectors * lanes ? ref weight : ref panels;
            if (lanes == 16)
            {
                ForwardPanelsBody<Vector512<float>, Simd512, TAct>(ref source, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else if (lanes == 8)
            {
                ForwardPanelsBody<Vector256<float>, Simd256, TAct>(ref source, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else
            {
                ForwardPanelsBody<Vector128<float>, Simd128, TAct>(ref source, ref bias, weightStride, ref x, ref y, inputs, outputs, activation);
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
        /// The panels in turn, each one pass of up to <see cref="PanelVectors"/> output vectors from the bias, one
        /// multiply-add per input in input order: <see cref="ForwardGroups1"/> (8 vectors) or <see cref="ForwardBlock16"/>
        /// over the panel.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardPanelsBody<TV, TS, TAct>(ref float panels, ref float bias, int weightStride, ref float x, ref float y, int inputs, int outputs, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
        {
            int lanes = TS.Lanes;
            int perPanel = PanelVectors;
            int vectors = (outputs + lanes - 1) / lanes;
            for (int first = 0; first < vectors; first += perPanel)
            {
                int block = Math.Min(perPanel, vectors - first);
                int column = first * lanes;
                nuint stride = (nuint)Math.Min(perPanel * lanes, weightStride - column);
                int lastLanes = Math.Min(lanes, outputs - ((first + block - 1) * lanes));
                ref float w = ref Unsafe.Add(ref panels, (nuint)column * (nuint)inputs);
                ref float b = ref Unsafe.Add(ref bias, (nuint)column);
                ref float o = ref Unsafe.Add(ref y, (nuint)column);
                switch (block)
                {
                    case 16: ForwardBlock16<TV, TS, TAct, N8>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 15: ForwardBlock16<TV, TS, TAct, N7>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 14: ForwardBlock16<TV, TS, TAct, N6>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 13: ForwardBlock16<TV, TS, TAct, N5>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 12: ForwardBlock16<TV, TS, TAct, N4>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 11: ForwardBlock16<TV, TS, TAct, N3>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 10: ForwardBlock16<TV, TS, TAct, N2>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    case 9: ForwardBlock16<TV, TS, TAct, N1>(ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                    default: ForwardOneGroup<TV, TS, TAct>(block, ref w, stride, ref b, ref x, ref o, (nuint)inputs, lastLanes, act); break;
                }
            }
        }

        /// <summary>
        /// One pass of 8 + <typeparamref name="TC"/> (up to 16) output vectors, each from the bias with one multiply-add per
        /// input in input order (16 accumulators: only with 32 vector registers), then activated.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardBlock16<TV, TS, TAct, TC>(ref float w, nuint wStride, ref float b, ref float x, ref float y, nuint inputs, int lastLanes, TAct act)
            where TV : struct
            where TS : struct, ISimd<TV>
            where TAct : struct, IActivation
            where TC : struct, ICount
        {
            nuint l = (nuint)TS.Lanes;
            LoadBlock<TV, TS, N8>(ref b, out TV a0, out TV a1, out TV a2, out TV a3, out TV a4, out TV a5, out TV a6, out TV a7);
            LoadBlock<TV, TS, TC>(ref Unsafe.Add(ref b, 8 * l), out TV c0, out TV c1, out TV c2, out TV c3, out TV c4, out TV c5, out TV c6, out TV c7);
            ref float row = ref w;
            for (nuint i = 0; i < inputs; i++)
            {
                TV xi = TS.Broadcast(Unsafe.Add(ref x, i));
                MultiplyAddRow<TV, TS, N8>(ref row, xi, 0, ref a0, ref a1, ref a2, ref a3);
                MultiplyAddRow<TV, TS, N8>(ref Unsafe.Add(ref row, 4 * l), xi, 4, ref a4, ref a5, ref a6, ref a7);
                MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, 8 * l), xi, 0, ref c0, ref c1, ref c2, ref c3);
                if (TC.Value > 4)
                {
                    MultiplyAddRow<TV, TS, TC>(ref Unsafe.Add(ref row, 12 * l), xi, 4, ref c4, ref c5, ref c6, ref c7);
                }

                row = ref Unsafe.Add(ref row, wStride);
            }

            int lanes = TS.Lanes;
            StoreActivated<TV, TS, TAct, N8>(a0, a1, a2, a3, ref y, 0, 0, lanes, act);
            StoreActivated<TV, TS, TAct, N8>(a4, a5, a6, a7, ref y, 4 * l, 4, lanes, act);
            StoreActivated<TV, TS, TAct, TC>(c0, c1, c2, c3, ref y, 8 * l, 0, lastLanes, act);
            if (TC.Value > 4)
            {
                StoreActivated<TV, TS, TAct, TC>(c4, c5, c6, c7, ref y, 12 * l, 4, lastLanes, act);
            }
        }
    }
}
