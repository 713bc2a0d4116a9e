using System.Linq;
using Compiled.Generator.Model;

namespace Compiled.Generator.Shapes
{
    /// <summary>An N-dimensional shape, outermost dimension first (row-major), e.g. <c>[1, 28, 28]</c>.</summary>
    internal readonly record struct Shape(EquatableArray<int> Dimensions)
    {
        public static Shape Vector(int length) => new(EquatableArray.Create(length));

        public int Rank => Dimensions.Count;

        public bool IsVector => Rank == 1;

        /// <summary>The number of elements, as a long so that overflow can be reported rather than wrap.</summary>
        public long Size => Dimensions.Aggregate(1L, (product, d) => product * d);

        /// <summary>Written as users write it: <c>784</c>, <c>1x28x28</c>.</summary>
        public override string ToString() => string.Join("x", Dimensions.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
