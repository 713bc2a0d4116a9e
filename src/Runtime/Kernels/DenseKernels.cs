using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled.Kernels
{
    /// <summary>
    /// The kernels of a fully-connected layer <c>y = f(W x + b)</c>, called by generated code with constant arguments; not
    /// meant to be called directly.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each entry point dispatches once on the widest accelerated width (<c>Vector512</c>, else <c>Vector256</c>, else
    /// <c>Vector128</c>; the tests are JIT-time constants), narrowed for layers with few outputs as the generator narrows it,
    /// and calls one generic body, compiled by the JIT for that width (<see cref="Simd512"/>, <see cref="Simd256"/>,
    /// <see cref="Simd128"/>, <see cref="SimdScalar"/>), that activation and each tile shape (struct type arguments).
    /// </para>
    /// <para>
    /// Layouts (all row-major floats): the packed weight is the transpose <c>[inputs, stride]</c> of the PyTorch weight, with
    /// rows padded (for a whole layer, <c>stride</c> is the outputs rounded up to 16) and the bias likewise padded; activations
    /// and gradients are <c>[count, stride]</c> with the stride given; the PyTorch weight and its gradient are
    /// <c>[outputs, inputs]</c>. Every reference points at the first element the kernel reads or writes, so a range of units
    /// (one thread's part in split training) is the same call with references offset to its first unit.
    /// </para>
    /// <para>
    /// Arithmetic: every output is one multiply-add chain in the same order as today's generated kernels (see each method),
    /// with <see cref="SimdMath"/>'s fused multiply-add and activations, which give the same bits on every width of one
    /// machine; so results do not depend on the width or tile shape the dispatch picks, and equal the generated code's bits.
    /// </para>
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class DenseKernels
    {
        private const int StoreZ = 1;
        private const int StoreY = 2;

        /// <summary>Gets the accumulators a batch tile may use on this machine's path: 24 of AVX-512's 32 registers, else 8 of 16.</summary>
        private static int BatchAccumulators
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512.IsHardwareAccelerated ? 24 : 8;
        }

        /// <summary>
        /// Batched forward pass, <c>y = f(W x + b)</c> for <paramref name="count"/> samples and <paramref name="units"/>
        /// consecutive output units.
        /// </summary>
        /// <remarks>
        /// Register tiles of samples x output vectors (AVX-512: up to 6 x 4 or 8 x 3 vectors, 24 accumulators; otherwise up to 8
        /// accumulators); for each input, the tile's vectors of the transposed weight row meet the broadcast input of every
        /// sample in the tile. Leftover samples go in tiles of 4, 2 and 1. Each output is the bias, then one multiply-add per
        /// input in input order (the generated kernel's order, bit for bit), then the activation. The last vector of a row
        /// is stored lane by lane up to <paramref name="units"/>: nothing past a row is written. A layer of at most 4
        /// vectors stores the pre-activations from the registers and activates them afterwards with the widest vectors
        /// (tile by tile for rows of whole vectors, else in one pass), which gives the same bits.
        /// </remarks>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="weight">The packed transposed weight at [0, first unit]: element (i, u) at <c>weight[i * weightStride + u]</c>, readable up to <paramref name="units"/> rounded up to 16 in each row.</param>
        /// <param name="bias">The bias of the first unit, readable up to <paramref name="units"/> rounded up to 16.</param>
        /// <param name="weightStride">The row length of the packed weight.</param>
        /// <param name="x">The inputs, sample s at <c>x[s * xStride]</c>.</param>
        /// <param name="xStride">The distance between samples of <paramref name="x"/>.</param>
        /// <param name="y">Receives the outputs, (s, u) at <c>y[s * outputStride + u]</c>.</param>
        /// <param name="outputStride">The distance between samples of <paramref name="y"/>.</param>
        /// <param name="inputs">The inputs per sample.</param>
        /// <param name="units">The output units computed.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ForwardBatch<TAct>(
            ref float weight, ref float bias, int weightStride, ref float x, int xStride, ref float y, int outputStride, int inputs, int units, int count, TAct activation)
            where TAct : struct, IActivation =>
            ForwardBatchDispatch(ref weight, ref bias, weightStride, ref x, xStride, ref y, ref y, outputStride, inputs, units, count, StoreY, activation);

        /// <summary>
        /// Batched training forward pass: as <see cref="ForwardBatch{TAct}"/>, and also stores the pre-activations
        /// <c>z = W x + b</c>, which the backward pass of the activation reads.
        /// </summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="weight">The packed transposed weight at [0, first unit]: element (i, u) at <c>weight[i * weightStride + u]</c>, readable up to <paramref name="units"/> rounded up to 16 in each row.</param>
        /// <param name="bias">The bias of the first unit, readable up to <paramref name="units"/> rounded up to 16.</param>
        /// <param name="weightStride">The row length of the packed weight.</param>
        /// <param name="x">The inputs, sample s at <c>x[s * xStride]</c>.</param>
        /// <param name="xStride">The distance between samples of <paramref name="x"/>.</param>
        /// <param name="z">Receives the pre-activations, (s, u) at <c>z[s * outputStride + u]</c>.</param>
        /// <param name="y">Receives the outputs, (s, u) at <c>y[s * outputStride + u]</c>.</param>
        /// <param name="outputStride">The distance between samples of <paramref name="z"/> and <paramref name="y"/>.</param>
        /// <param name="inputs">The inputs per sample.</param>
        /// <param name="units">The output units computed.</param>
        /// <param name="count">The number of samples.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ForwardBatchTrain<TAct>(
            ref float weight, ref float bias, int weightStride, ref float x, int xStride, ref float z, ref float y, int outputStride, int inputs, int units, int count, TAct activation)
            where TAct : struct, IActivation =>
            ForwardBatchDispatch(ref weight, ref bias, weightStride, ref x, xStride, ref z, ref y, outputStride, inputs, units, count, StoreZ | StoreY, activation);

        /// <summary>
        /// Batched forward pass storing only the pre-activations <c>z = W x + b</c> (the logits of a layer whose activation the
        /// loss applies); otherwise as <see cref="ForwardBatch{TAct}"/>.
        /// </summary>
        /// <param name="weight">The packed transposed weight at [0, first unit]: element (i, u) at <c>weight[i * weightStride + u]</c>, readable up to <paramref name="units"/> rounded up to 16 in each row.</param>
        /// <param name="bias">The bias of the first unit, readable up to <paramref name="units"/> rounded up to 16.</param>
        /// <param name="weightStride">The row length of the packed weight.</param>
        /// <param name="x">The inputs, sample s at <c>x[s * xStride]</c>.</param>
        /// <param name="xStride">The distance between samples of <paramref name="x"/>.</param>
        /// <param name="z">Receives the pre-activations, (s, u) at <c>z[s * outputStride + u]</c>.</param>
        /// <param name="outputStride">The distance between samples of <paramref name="z"/>.</param>
        /// <param name="inputs">The inputs per sample.</param>
        /// <param name="units">The output units computed.</param>
        /// <param name="count">The number of samples.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ForwardBatchLogits(
            ref float weight, ref float bias, int weightStride, ref float x, int xStride, ref float z, int outputStride, int inputs, int units, int count) =>
            ForwardBatchDispatch(ref weight, ref bias, weightStride, ref x, xStride, ref z, ref z, outputStride, inputs, units, count, StoreZ, default(Identity));

        /// <summary>
        /// Forward pass of one sample, <c>y = f(W x + b)</c>, for a layer too large to be written inline (more than 4,096
        /// weights): the outputs live in registers, up to 8 vectors per pass over the packed weight.
        /// </summary>
        /// <remarks>
        /// The shape is the generator's for such layers: with <c>v</c> output vectors, <c>min(v, 8)</c> per pass and
        /// <c>min(8, inputs, 8 / min(v, 8))</c> interleaved groups of inputs (group g takes inputs g, g + groups, ...; the
        /// first group starts from the bias, the others from zero), the groups added pairwise, then the activation. This is
        /// bit-identical to today's kernel for such layers. Smaller layers are written inline by the generator with up to
        /// half the registers as accumulators (more groups), so their sums are grouped differently from this kernel's; a
        /// group count that is not a power of two (only possible with fewer than 8 inputs) is rounded down here. A layer of
        /// several blocks whose weights do not fit in L1 runs its blocks over chunks of rows in turn, with the same sums
        /// (generated networks call <see cref="ForwardPanels{TAct}"/> for such layers, which reads a panelled copy instead).
        /// </remarks>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="weight">The packed transposed weight: element (i, o) at <c>weight[i * weightStride + o]</c>, readable up to <paramref name="outputs"/> rounded up to 16 in each row.</param>
        /// <param name="bias">The bias, readable up to <paramref name="outputs"/> rounded up to 16.</param>
        /// <param name="weightStride">The row length of the packed weight.</param>
        /// <param name="x">The sample, <paramref name="inputs"/> floats.</param>
        /// <param name="y">Receives the <paramref name="outputs"/> outputs; nothing past them is written.</param>
        /// <param name="inputs">The inputs.</param>
        /// <param name="outputs">The outputs.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Forward<TAct>(ref float weight, ref float bias, int weightStride, ref float x, ref float y, int inputs, int outputs, TAct activation)
            where TAct : struct, IActivation
        {
            if (outputs <= 0)
            {
                return;
            }

            int lanes = ForwardLanes(outputs);
            if (lanes == 16)
            {
                ForwardBody<Vector512<float>, Simd512, TAct>(ref weight, ref bias, (nuint)weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else if (lanes == 8)
            {
                ForwardBody<Vector256<float>, Simd256, TAct>(ref weight, ref bias, (nuint)weightStride, ref x, ref y, inputs, outputs, activation);
            }
            else
            {
                ForwardBody<Vector128<float>, Simd128, TAct>(ref weight, ref bias, (nuint)weightStride, ref x, ref y, inputs, outputs, activation);
            }
        }

        /// <summary>
        /// Backward pass over <paramref name="count"/> samples and <paramref name="rows"/> consecutive units, without the input
        /// gradient: adds <c>dL/dW = dz^T x</c> and <c>dL/db = sum(dz)</c> into the gradients.
        /// </summary>
        /// <remarks>
        /// The vectors run along the inputs (the widest width with at most <paramref name="inputs"/> lanes, scalar below 4).
        /// Bias gradient: the sum of dz over the samples in sample order, then added. Weight gradient: tiles of 4 (8 for at
        /// most 2 vectors of columns with 32 vector registers) rows x 4
        /// vectors (512-bit) or 2 vectors of columns, each element a multiply-add chain over the samples in order from zero,
        /// then added; the last <c>inputs % lanes</c> columns are an overlapping vector whose other lanes are masked to add
        /// zero. Bit-identical to today's kernel.
        /// </remarks>
        /// <param name="gradWeight">The weight gradient of the first unit's row, <c>[rows, inputs]</c>; added to.</param>
        /// <param name="gradBias">The bias gradient of the first unit, <paramref name="rows"/> floats; added to.</param>
        /// <param name="x">The layer's inputs, <c>[count, inputs]</c>.</param>
        /// <param name="dz">The gradient with respect to the pre-activation at the first unit: (s, u) at <c>dz[s * dzStride + u]</c>.</param>
        /// <param name="dzStride">The distance between samples of <paramref name="dz"/>.</param>
        /// <param name="inputs">The inputs per sample.</param>
        /// <param name="rows">The units (rows of the weight) differentiated.</param>
        /// <param name="count">The number of samples.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Backward(ref float gradWeight, ref float gradBias, ref float x, ref float dz, int dzStride, int inputs, int rows, int count) =>
            BackwardDispatch(ref Unsafe.NullRef<float>(), ref gradWeight, ref gradBias, ref x, ref dz, dzStride, ref Unsafe.NullRef<float>(), inputs, rows, count, inputGradient: false, rowsDescending: false);

        /// <summary>
        /// <see cref="Backward"/> with the weight gradient's rows walked from the last to the first: the same values, bit for
        /// bit. Split training's lower part uses it so that the hardware prefetcher of its core runs away from the rows the
        /// other core is writing, not into them.
        /// </summary>
        /// <param name="gradWeight">The weight gradient of the first unit's row, <c>[rows, inputs]</c>; added to.</param>
        /// <param name="gradBias">The bias gradient of the first unit, <paramref name="rows"/> floats; added to.</param>
        /// <param name="x">The layer's inputs, <c>[count, inputs]</c>.</param>
        /// <param name="dz">The gradient with respect to the pre-activation at the first unit: (s, u) at <c>dz[s * dzStride + u]</c>.</param>
        /// <param name="dzStride">The distance between samples of <paramref name="dz"/>.</param>
        /// <param name="inputs">The inputs per sample.</param>
        /// <param name="rows">The units (rows of the weight) differentiated.</param>
        /// <param name="count">The number of samples.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void BackwardRowsDescending(ref float gradWeight, ref float gradBias, ref float x, ref float dz, int dzStride, int inputs, int rows, int count) =>
            BackwardDispatch(ref Unsafe.NullRef<float>(), ref gradWeight, ref gradBias, ref x, ref dz, dzStride, ref Unsafe.NullRef<float>(), inputs, rows, count, inputGradient: false, rowsDescending: true);

        /// <summary>
        /// Backward pass over <paramref name="count"/> samples and <paramref name="rows"/> consecutive units, with the input
        /// gradient: as <see cref="Backward"/>, and writes (overwrites) <c>dL/dx = dz W</c> summed over those rows.
        /// </summary>
        /// <remarks>
        /// Input gradient: tiles of 4 samples (then 1) x 4 or 2 vectors of columns, each element a multiply-add chain over the
        /// rows in order from zero; the last <c>inputs % lanes</c> columns are an overlapping vector that recomputes identical
        /// values for the lanes before them. Bit-identical to today's kernel.
        /// </remarks>
        /// <param name="weight">The PyTorch weight of the first unit's row, <c>[rows, inputs]</c>.</param>
        /// <param name="gradWeight">The weight gradient of the first unit's row, <c>[rows, inputs]</c>; added to.</param>
        /// <param name="gradBias">The bias gradient of the first unit, <paramref name="rows"/> floats; added to.</param>
        /// <param name="x">The layer's inputs, <c>[count, inputs]</c>.</param>
        /// <param name="dz">The gradient with respect to the pre-activation at the first unit: (s, u) at <c>dz[s * dzStride + u]</c>.</param>
        /// <param name="dzStride">The distance between samples of <paramref name="dz"/>.</param>
        /// <param name="dx">Receives the gradient with respect to the inputs, <c>[count, inputs]</c>.</param>
        /// <param name="inputs">The inputs per sample.</param>
        /// <param name="rows">The units (rows of the weight) differentiated.</param>
        /// <param name="count">The number of samples.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void BackwardWithInputGradient(
            ref float weight, ref float gradWeight, ref float gradBias, ref float x, ref float dz, int dzStride, ref float dx, int inputs, int rows, int count) =>
            BackwardDispatch(ref weight, ref gradWeight, ref gradBias, ref x, ref dz, dzStride, ref dx, inputs, rows, count, inputGradient: true, rowsDescending: false);

        /// <summary>
        /// The backward pass of the activation, in place: <c>dy[i] = dL/dz = f'(z[i]) dy[i]</c> over <paramref name="length"/>
        /// contiguous elements; full vectors of the widest accelerated width, then one element at a time. Bit-identical to
        /// today's kernel.
        /// </summary>
        /// <typeparam name="TAct">The activation.</typeparam>
        /// <param name="dy">The gradient with respect to the outputs; receives the gradient with respect to the pre-activations.</param>
        /// <param name="y">The outputs.</param>
        /// <param name="z">The pre-activations; read only when <typeparamref name="TAct"/> needs them (<see cref="IActivation.NeedsPreActivation"/>), else any reference (<paramref name="y"/>).</param>
        /// <param name="length">The number of elements.</param>
        /// <param name="activation">The activation.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ActivationBackward<TAct>(ref float dy, ref float y, ref float z, int length, TAct activation)
            where TAct : struct, IActivation
        {
            if (Vector512.IsHardwareAccelerated)
            {
                ActivationBackwardBody<Vector512<float>, Simd512, TAct>(ref dy, ref y, ref z, (nuint)length, activation);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                ActivationBackwardBody<Vector256<float>, Simd256, TAct>(ref dy, ref y, ref z, (nuint)length, activation);
            }
            else
            {
                ActivationBackwardBody<Vector128<float>, Simd128, TAct>(ref dy, ref y, ref z, (nuint)length, activation);
            }
        }

        /// <summary>Gets the lanes of the widest accelerated width: 16, 8 or 4.</summary>
        private static int WidestLanes
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            get => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
        }

        /// <summary>The lanes along a layer's outputs, as the generator narrows them: 4 up to 4 outputs, 8 up to 8, else 16 (before the path's cap).</summary>
        private static int NarrowedLanes(int outputs) => outputs <= 4 ? 4 : outputs <= 8 ? 8 : 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardBatchDispatch<TAct>(
            ref float weight, ref float bias, int weightStride, ref float x, int xStride, ref float z, ref float y, int outputStride, int inputs, int units, int count, int mode, TAct activation)
            where TAct : struct, IActivation
        {
            if (units <= 0 || count <= 0)
            {
                return;
            }

            int lanes = NarrowedLanes(units);
            if (Vector512.IsHardwareAccelerated && lanes == 16)
            {
                ForwardBatchBody<Vector512<float>, Simd512, TAct>(ref weight, ref bias, (nuint)weightStride, ref x, (nuint)xStride, ref z, ref y, (nuint)outputStride, (nuint)inputs, units, count, BatchAccumulators, mode, activation);
            }
            else if ((Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated) && lanes >= 8)
            {
                ForwardBatchBody<Vector256<float>, Simd256, TAct>(ref weight, ref bias, (nuint)weightStride, ref x, (nuint)xStride, ref z, ref y, (nuint)outputStride, (nuint)inputs, units, count, BatchAccumulators, mode, activation);
            }
            else
            {
                ForwardBatchBody<Vector128<float>, Simd128, TAct>(ref weight, ref bias, (nuint)weightStride, ref x, (nuint)xStride, ref z, ref y, (nuint)outputStride, (nuint)inputs, units, count, BatchAccumulators, mode, activation);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void BackwardDispatch(
            ref float weight, ref float gradWeight, ref float gradBias, ref float x, ref float dz, int dzStride, ref float dx, int inputs, int rows, int count, bool inputGradient, bool rowsDescending)
        {
            if (rows <= 0 || count <= 0)
            {
                return;
            }

            // The vectors run along the inputs: the widest width that fits them, capped by the path (the generator's Vec.For).
            int path = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
            int lanes = inputs >= 16 ? 16 : inputs >= 8 ? 8 : inputs >= 4 ? 4 : 1;
            lanes = lanes < path ? lanes : path;
            if (Vector512.IsHardwareAccelerated && lanes == 16)
            {
                BackwardBody<Vector512<float>, Simd512>(ref weight, ref gradWeight, ref gradBias, ref x, ref dz, (nuint)dzStride, ref dx, (nuint)inputs, (nuint)rows, (nuint)count, inputGradient, rowsDescending);
            }
            else if ((Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated) && lanes == 8)
            {
                BackwardBody<Vector256<float>, Simd256>(ref weight, ref gradWeight, ref gradBias, ref x, ref dz, (nuint)dzStride, ref dx, (nuint)inputs, (nuint)rows, (nuint)count, inputGradient, rowsDescending);
            }
            else if (lanes >= 4)
            {
                BackwardBody<Vector128<float>, Simd128>(ref weight, ref gradWeight, ref gradBias, ref x, ref dz, (nuint)dzStride, ref dx, (nuint)inputs, (nuint)rows, (nuint)count, inputGradient, rowsDescending);
            }
            else
            {
                BackwardBody<float, SimdScalar>(ref weight, ref gradWeight, ref gradBias, ref x, ref dz, (nuint)dzStride, ref dx, (nuint)inputs, (nuint)rows, (nuint)count, inputGradient, rowsDescending);
            }
        }
    }
}
