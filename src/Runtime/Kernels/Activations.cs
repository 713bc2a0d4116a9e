using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Compiled.Kernels
{
    /// <summary>
    /// An element-wise activation as the kernels apply it, generic over the SIMD width. Called by generated code through
    /// <see cref="DenseKernels"/>; not meant to be used directly.
    /// </summary>
    /// <remarks>
    /// The implementations are structs, so a kernel instantiated with one is compiled for it alone and the activation is
    /// inlined into the kernel's epilogue. Forward and backward are PyTorch's definitions written with the same
    /// <see cref="SimdMath"/> calls and the same order of operations as the generator's own activation code, so they give
    /// the same bits as today's generated kernels. Softmax is not an element-wise activation: generated code runs
    /// <see cref="Identity"/> and applies <c>GeneratedCodeSupport.Softmax</c> per sample afterwards.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IActivation
    {
        /// <summary>Gets a value indicating whether <see cref="Backward"/> reads the pre-activation <c>z</c> (not just the output <c>y</c>).</summary>
        static abstract bool NeedsPreActivation { get; }

        /// <summary>The activation of every lane of <paramref name="z"/>.</summary>
        /// <typeparam name="TV">The vector type.</typeparam>
        /// <typeparam name="TS">The width.</typeparam>
        /// <param name="z">The pre-activation.</param>
        /// <returns>The output <c>y</c>.</returns>
        TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV>;

        /// <summary>dL/dz from dL/dy, lane by lane.</summary>
        /// <typeparam name="TV">The vector type.</typeparam>
        /// <typeparam name="TS">The width.</typeparam>
        /// <param name="dy">The gradient with respect to the output.</param>
        /// <param name="y">The output.</param>
        /// <param name="z">The pre-activation (read only when <see cref="NeedsPreActivation"/>).</param>
        /// <returns>The gradient with respect to the pre-activation.</returns>
        TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV>;
    }

    /// <summary>No activation, <c>y = z</c> (also Softmax's element-wise part). Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Identity : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => z;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => dy;
    }

    /// <summary>ReLU, <c>max(0, z)</c>; backward <c>y &gt; 0 ? dy : 0</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct ReLU : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Relu(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.SelectPositive(y, dy, TS.Zero);
    }

    /// <summary>LeakyReLU; backward <c>z &gt; 0 ? dy : dy * slope</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct LeakyReLU : IActivation
    {
        private readonly float _negativeSlope;

        /// <summary>Initializes a new instance of the <see cref="LeakyReLU"/> struct.</summary>
        /// <param name="negativeSlope">The slope below zero (PyTorch's <c>negative_slope</c>).</param>
        public LeakyReLU(float negativeSlope)
        {
            _negativeSlope = negativeSlope;
        }

        /// <inheritdoc/>
        public static bool NeedsPreActivation => true;

        /// <summary>Gets the slope below zero.</summary>
        public float NegativeSlope => _negativeSlope;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.LeakyRelu(z, _negativeSlope);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.SelectPositive(z, dy, TS.Multiply(dy, TS.Broadcast(_negativeSlope)));
    }

    /// <summary>ELU; backward <c>z &gt; 0 ? dy : dy * (y + alpha)</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct ELU : IActivation
    {
        private readonly float _alpha;

        /// <summary>Initializes a new instance of the <see cref="ELU"/> struct.</summary>
        /// <param name="alpha">PyTorch's <c>alpha</c>, the magnitude of the saturation value.</param>
        public ELU(float alpha)
        {
            _alpha = alpha;
        }

        /// <inheritdoc/>
        public static bool NeedsPreActivation => true;

        /// <summary>Gets the magnitude of the saturation value.</summary>
        public float Alpha => _alpha;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Elu(z, _alpha);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.SelectPositive(z, dy, TS.Multiply(dy, TS.Add(y, TS.Broadcast(_alpha))));
    }

    /// <summary>Sigmoid; backward <c>dy * (1 - y) * y</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Sigmoid : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Sigmoid(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Multiply(TS.Multiply(dy, TS.Subtract(TS.One, y)), y);
    }

    /// <summary>Tanh; backward <c>dy * (1 - y * y)</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Tanh : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => false;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Tanh(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Multiply(dy, TS.Subtract(TS.One, TS.Multiply(y, y)));
    }

    /// <summary>Softplus (beta 1, threshold 20); backward <c>dy * sigmoid(z)</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct Softplus : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => true;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Softplus(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Multiply(dy, TS.SoftplusDerivative(z));
    }

    /// <summary>SiLU, <c>z * sigmoid(z)</c>; backward <c>dy * SiLU'(z)</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct SiLU : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => true;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Silu(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Multiply(dy, TS.SiluDerivative(z));
    }

    /// <summary>GELU (tanh approximation); backward <c>dy * GELU'(z)</c>. Called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct GELU : IActivation
    {
        /// <inheritdoc/>
        public static bool NeedsPreActivation => true;

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Forward<TV, TS>(TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Gelu(z);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Backward<TV, TS>(TV dy, TV y, TV z)
            where TV : struct
            where TS : struct, ISimd<TV> => TS.Multiply(dy, TS.GeluDerivative(z));
    }
}
