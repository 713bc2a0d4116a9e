using System;
using System.Collections.Generic;

namespace Compiled.Data
{
    /// <summary>The element type of an IDX file, its third magic byte.</summary>
    public enum IdxDataType : byte
    {
        /// <summary>Unsigned bytes (0x08), as in MNIST and Fashion-MNIST.</summary>
        UnsignedByte = 0x08,

        /// <summary>Signed bytes (0x09).</summary>
        SignedByte = 0x09,

        /// <summary>Big-endian 16-bit integers (0x0B).</summary>
        Int16 = 0x0B,

        /// <summary>Big-endian 32-bit integers (0x0C).</summary>
        Int32 = 0x0C,

        /// <summary>Big-endian IEEE 754 single-precision floats (0x0D).</summary>
        Single = 0x0D,

        /// <summary>Big-endian IEEE 754 double-precision floats (0x0E), rounded to float when read.</summary>
        Double = 0x0E,
    }

    /// <summary>The contents of an IDX file as floats: its dimensions (the first one counts the samples) and its values.</summary>
    public sealed class IdxArray
    {
        private readonly int[] _dimensions;

        internal IdxArray(IdxDataType dataType, int[] dimensions, float[] values)
        {
            DataType = dataType;
            _dimensions = dimensions;
            Values = values;
            // The reader refuses dimensions whose sample size does not fit an array, so this cannot overflow.
            SampleSize = checked((int)Idx.SampleSize(dimensions));
        }

        /// <summary>The element type stored in the file.</summary>
        public IdxDataType DataType { get; }

        /// <summary>The dimensions, outermost first: for MNIST images <c>[count, 28, 28]</c>.</summary>
        public IReadOnlyList<int> Dimensions => _dimensions;

        /// <summary>The number of samples, the first dimension.</summary>
        public int Count => _dimensions[0];

        /// <summary>The number of values in one sample, the product of the other dimensions (1 for a one-dimensional file).</summary>
        public int SampleSize { get; }

        /// <summary>Every value, sample after sample, row-major (<see cref="Count"/> × <see cref="SampleSize"/> floats).</summary>
        public float[] Values { get; }

        /// <summary>The values of sample <paramref name="index"/>.</summary>
        /// <param name="index">The sample, in <c>[0, Count)</c>.</param>
        /// <returns>A span over its <see cref="SampleSize"/> values.</returns>
        public ReadOnlySpan<float> GetSample(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Values.AsSpan(index * SampleSize, SampleSize);
        }
    }
}
