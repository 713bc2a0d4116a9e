using System.Linq;
using Compiled.Generator.Model;

namespace Compiled.Generator.Shapes
{
    /// <summary>An N-dimensional shape, outermost dimension first (row-major), e.g. <c>[1, 28, 28]</c>.</summary>
    internal readonly record struct Shape(EquatableArray<int> Dimensions)
    {
        public static Shape Vector(int length) => new(EquatableArray.Create(length));

        /// <summary>A sequence <c>(steps, features)</c>, as a recurrent layer with <c>ReturnSequences</c> writes it.</summary>
        public static Shape Sequence(int steps, int features) => new(EquatableArray.Create(steps, features)) { IsSequence = true };

        /// <summary>
        /// True for a sequence <c>(steps, features)</c> written by a recurrent layer (and kept by the per-step layers after it):
        /// a <c>[Dense]</c> reading one applies to each step, as <c>nn.Linear</c> on the last dimension. A rank-2
        /// <c>[Input]</c> is not marked: it may be an image row block, and <c>[Dense]</c> still asks for <c>[Flatten]</c> there.
        /// </summary>
        public bool IsSequence { get; init; }

        /// <summary>The steps of a sequence (1 for other shapes).</summary>
        public int Steps => IsSequence ? Dimensions[0] : 1;

        public int Rank => Dimensions.Count;

        public bool IsVector => Rank == 1;

        /// <summary>The number of elements, as a long so that overflow can be reported rather than wrap.</summary>
        public long Size => Dimensions.Aggregate(1L, (product, d) => product * d);

        /// <summary>Written as users write it: <c>784</c>, <c>1x28x28</c>.</summary>
        public override string ToString() => string.Join("x", Dimensions.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
