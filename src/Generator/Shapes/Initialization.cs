using System;

namespace Compiled.Generator.Shapes
{
    /// <summary>
    /// From a layer's declared <see cref="Initializer"/> to the initialisation of one tensor (<see cref="InitKind"/> and gain),
    /// shared by every kind with parameters. <see cref="Initializer.Default"/> is the kind's own business.
    /// </summary>
    internal static class Initialization
    {
        /// <summary>
        /// <c>torch.nn.init.calculate_gain</c> of the activation: 1 for Identity, Sigmoid and Softmax (a linear output), 5/3
        /// for Tanh, sqrt(2) for ReLU, <c>sqrt(2 / (1 + slope^2))</c> for LeakyReLU. PyTorch has none for ELU, SiLU, GELU and
        /// Softplus: sqrt(2) for the first three (rectifier-like; the library's default and Keras's He initialisers treat them
        /// so), 1 for Softplus (the library's default treats it so).
        /// </summary>
        public static double Gain(Activation activation, float negativeSlope) => activation switch
        {
            Activation.ReLU or Activation.ELU or Activation.SiLU or Activation.GELU => Math.Sqrt(2.0),
            Activation.LeakyReLU => LeakyReLUGain(negativeSlope),
            Activation.Tanh => 5.0 / 3.0,
            _ => 1.0,
        };

        /// <summary><c>calculate_gain('leaky_relu', slope)</c>: <c>sqrt(2 / (1 + slope^2))</c>.</summary>
        public static double LeakyReLUGain(float negativeSlope) => Math.Sqrt(2.0 / (1.0 + ((double)negativeSlope * negativeSlope)));

        /// <summary>
        /// The tensor's initialisation for a declared initialiser other than <see cref="Initializer.Default"/>.
        /// <see cref="Initializer.PyTorchDefault"/> is <c>U(-1/sqrt(fan_in), 1/sqrt(fan_in))</c>, what <c>nn.Linear</c> (and
        /// the convolutions) do for both tensors: <c>kaiming_uniform_(a=sqrt(5))</c>, whose gain is <c>sqrt(2 / (1 + 5))</c>.
        /// A kind whose PyTorch default is another handles it before calling this.
        /// </summary>
        /// <param name="initializer">The declared initialiser.</param>
        /// <param name="activationGain">The layer's <see cref="Gain"/>.</param>
        public static (InitKind Kind, double Gain) Of(Initializer initializer, double activationGain) => initializer switch
        {
            Initializer.PyTorchDefault => (InitKind.KaimingUniform, Math.Sqrt(1.0 / 3.0)),
            Initializer.XavierUniform => (InitKind.GlorotUniform, activationGain),
            Initializer.XavierNormal => (InitKind.GlorotNormal, activationGain),
            Initializer.HeUniform => (InitKind.KaimingUniform, activationGain),
            Initializer.HeNormal => (InitKind.KaimingNormal, activationGain),
            Initializer.LeCunUniform => (InitKind.KaimingUniform, 1.0),
            Initializer.LeCunNormal => (InitKind.KaimingNormal, 1.0),
            Initializer.Orthogonal => (InitKind.Orthogonal, 1.0),
            Initializer.Ones => (InitKind.Ones, 0.0),
            _ => (InitKind.Zeros, 0.0), // Zeros (the parser turns an undefined value into an error)
        };
    }
}
