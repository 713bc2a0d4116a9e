using System;

namespace Compiled.Tests.Reference
{
    /// <summary><c>nn.Flatten</c>: samples are already flat, so the identity.</summary>
    public sealed class ReferenceFlatten : IReferenceLayer
    {
        private ReferenceFlatten(int size) => InputSize = size;

        public int InputSize { get; }

        public int OutputSize => InputSize;

        public int ParameterCount => 0;

        public static IReferenceLayer? TryParse(string part, int inputSize, int index) => part == "Flatten" ? new ReferenceFlatten(inputSize) : null;

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            preActivation = input;
            return input;
        }
    }
}
