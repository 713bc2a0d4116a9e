using System;
using System.Collections.Generic;

namespace Compiled
{
    /// <summary>
    /// One named tensor inside a network's flat parameter buffer, for example <c>0.weight</c> with shape <c>[128, 784]</c>.
    /// Names follow <c>torch.nn.Sequential</c>: the layer's index in the equivalent Sequential, where a dense layer with an
    /// activation is two modules (<c>Linear</c>, then the activation) and <c>[Flatten]</c> one, then <c>weight</c> or
    /// <c>bias</c>. So <c>[Dense(128, ReLU)] [Dense(10)]</c> has <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>,
    /// exactly the <c>state_dict</c> of <c>nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))</c>.
    /// </summary>
    public sealed class ParameterTensor
    {
        private readonly int[] _shape;

        /// <summary>Describes a parameter tensor.</summary>
        /// <param name="name">The tensor's name, such as <c>0.weight</c>.</param>
        /// <param name="offset">Where the tensor starts in the flat parameter buffer.</param>
        /// <param name="shape">The tensor's dimensions, outermost first (row-major).</param>
        /// <exception cref="ArgumentException">The name is empty or a dimension is not positive.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The offset is negative.</exception>
        public ParameterTensor(string name, int offset, params int[] shape)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(shape);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            long length = 1;
            foreach (int dimension in shape)
            {
                if (dimension <= 0)
                {
                    throw new ArgumentException($"Tensor '{name}' has a dimension of {dimension}; every dimension must be positive.", nameof(shape));
                }

                length *= dimension;
            }

            if (length > int.MaxValue)
            {
                throw new ArgumentException($"Tensor '{name}' has {length} elements, more than a span can hold.", nameof(shape));
            }

            Name = name;
            Offset = offset;
            _shape = (int[])shape.Clone();
            Length = (int)length;
        }

        /// <summary>The tensor's name, such as <c>0.weight</c>.</summary>
        public string Name { get; }

        /// <summary>Where the tensor starts in the flat parameter buffer.</summary>
        public int Offset { get; }

        /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
        public int Length { get; }

        /// <summary>The tensor's dimensions, outermost first (row-major).</summary>
        public IReadOnlyList<int> Shape => _shape;

        /// <inheritdoc />
        public override string ToString() => $"{Name} [{string.Join(", ", _shape)}] at {Offset}";
    }
}
