using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Training
{
    /// <summary>Finds NaN and infinite values in data sets before training.</summary>
    internal static class FiniteValues
    {
        /// <summary>
        /// The index of the first NaN or infinite value of <paramref name="values"/>, or -1 when every value is finite:
        /// one vectorised pass (<c>x - x</c> is 0 for every finite <c>x</c>, NaN otherwise), no allocation. Compiled fully
        /// optimised at its first call (no tiering: a long first pass would otherwise go through on-stack replacement).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int IndexOfNonFinite(ReadOnlySpan<float> values)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
            {
                ref float start = ref MemoryMarshal.GetReference(values);
                int last = values.Length - Vector<float>.Count;
                for (; i <= last; i += Vector<float>.Count)
                {
                    Vector<float> v = Vector.LoadUnsafe(ref start, (nuint)i);
                    if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                    {
                        break;
                    }
                }
            }

            for (; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
