using System;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// The code of each activation, forward and backward, for any width. Definitions are PyTorch's; the vectorised
    /// functions (exp, sigmoid, tanh, ...) live in <c>Compiled.SimdMath</c>, whose documented error bounds they inherit.
    /// </summary>
    internal static class ActivationCode
    {
        /// <summary>True when the backward pass needs the pre-activation <c>z</c> (not just the output <c>y</c>).</summary>
        public static bool NeedsPreActivation(Activation activation) => activation switch
        {
            Activation.LeakyReLU or Activation.ELU or Activation.Softplus or Activation.SiLU or Activation.GELU => true,
            _ => false,
        };

        /// <summary>The expression applying the activation to <paramref name="z"/> (Softmax is applied per sample afterwards, so it is the identity here).</summary>
        public static string Forward(Activation activation, float slope, float alpha, Vec v, string z) => activation switch
        {
            Activation.Identity or Activation.Softmax => z,
            Activation.ReLU => $"{Vec.Simd}.Relu({z})",
            Activation.LeakyReLU => $"{Vec.Simd}.LeakyRelu({z}, {Vec.Float(slope)})",
            Activation.ELU => $"{Vec.Simd}.Elu({z}, {Vec.Float(alpha)})",
            Activation.Sigmoid => $"{Vec.Simd}.Sigmoid({z})",
            Activation.Tanh => $"{Vec.Simd}.Tanh({z})",
            Activation.Softplus => $"{Vec.Simd}.Softplus({z})",
            Activation.SiLU => $"{Vec.Simd}.Silu({z})",
            Activation.GELU => $"{Vec.Simd}.Gelu({z})",
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };

        /// <summary>
        /// The expression for dL/dz given dL/dy (<paramref name="dy"/>), the output <paramref name="y"/> and the
        /// pre-activation <paramref name="z"/> (only read when <see cref="NeedsPreActivation"/>), as PyTorch's backward.
        /// </summary>
        public static string Backward(Activation activation, float slope, float alpha, Vec v, string dy, string y, string z)
        {
            string one = v.IsScalar ? "1f" : v.Broadcast("1f");
            return activation switch
            {
                Activation.Identity => dy,
                Activation.ReLU => v.IsScalar
                    ? $"({y} > 0f ? {dy} : 0f)"
                    : $"{v.S}.ConditionalSelect({v.S}.GreaterThan({y}, {v.Zero}), {dy}, {v.Zero})",
                Activation.LeakyReLU => v.IsScalar
                    ? $"({z} > 0f ? {dy} : {dy} * {Vec.Float(slope)})"
                    : $"{v.S}.ConditionalSelect({v.S}.GreaterThan({z}, {v.Zero}), {dy}, {dy} * {Vec.Float(slope)})",
                Activation.ELU => v.IsScalar
                    ? $"({z} > 0f ? {dy} : {dy} * ({y} + {Vec.Float(alpha)}))"
                    : $"{v.S}.ConditionalSelect({v.S}.GreaterThan({z}, {v.Zero}), {dy}, {dy} * ({y} + {v.Broadcast(Vec.Float(alpha))}))",
                Activation.Sigmoid => $"{dy} * ({one} - {y}) * {y}",
                Activation.Tanh => $"{dy} * ({one} - ({y} * {y}))",
                Activation.Softplus => $"{dy} * {Vec.Simd}.SoftplusDerivative({z})",
                Activation.SiLU => $"{dy} * {Vec.Simd}.SiluDerivative({z})",
                Activation.GELU => $"{dy} * {Vec.Simd}.GeluDerivative({z})",
                _ => throw new ArgumentOutOfRangeException(nameof(activation)),
            };
        }

        /// <summary>
        /// The runtime's activation struct (<c>Compiled.Kernels.IActivation</c>) as an expression, for the shared kernels'
        /// type argument; Softmax is applied per sample afterwards, so it is the identity here.
        /// </summary>
        public static string Struct(Activation activation, float slope, float alpha) => activation switch
        {
            Activation.LeakyReLU => $"new global::Compiled.Kernels.LeakyReLU({Vec.Float(slope)})",
            Activation.ELU => $"new global::Compiled.Kernels.ELU({Vec.Float(alpha)})",
            Activation.Softmax => "default(global::Compiled.Kernels.Identity)",
            _ => $"default(global::Compiled.Kernels.{activation})",
        };

        /// <summary>How the activation is named in comments.</summary>
        public static string Describe(Activation activation, float slope, float alpha) => activation switch
        {
            Activation.LeakyReLU => $"LeakyReLU(negative_slope={Vec.Float(slope).TrimEnd('f')})",
            Activation.ELU => $"ELU(alpha={Vec.Float(alpha).TrimEnd('f')})",
            _ => activation.ToString(),
        };
    }
}
