using System;
using System.Linq;

namespace Compiled.Tests.Reference
{
    /// <summary><c>nn.Flatten</c>: samples are already flat, so the identity.</summary>
    public sealed class ReferenceFlatten : IReferenceLayer
    {
        private ReferenceFlatten(int size) => InputSize = size;

        public int InputSize { get; }

        public int[] OutputShape => new[] { InputSize };

        public int OutputSize => InputSize;

        public int ParameterCount => 0;

        public static IReferenceLayer? TryParse(string part, int[] inputShape, int index) => part == "Flatten" ? new ReferenceFlatten(inputShape.Aggregate(1, (a, b) => a * b)) : null;

        public double[] Forward(ReadOnlySpan<double> parameters, double[] input, TrainingContext? training, out double[] preActivation)
        {
            preActivation = input;
            return input;
        }
    }
}
