using System;
using System.Numerics;

namespace Compiled.Training
{
    /// <summary>
    /// xoshiro256** (Blackman and Vigna) seeded through SplitMix64: a small, fast generator whose stream is fixed by its
    /// definition, so shuffles are identical on every .NET version and platform (unlike <see cref="Random"/>).
    /// </summary>
    internal struct DeterministicRandom
    {
        private ulong _s0;
        private ulong _s1;
        private ulong _s2;
        private ulong _s3;

        /// <summary>Seeds the generator: the four state words are four consecutive SplitMix64 outputs from <paramref name="seed"/>.</summary>
        public DeterministicRandom(ulong seed)
        {
            ulong x = seed;
            _s0 = SplitMix64(ref x);
            _s1 = SplitMix64(ref x);
            _s2 = SplitMix64(ref x);
            _s3 = SplitMix64(ref x);
        }

        /// <summary>The next 64 random bits.</summary>
        public ulong NextUInt64()
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>A uniformly distributed integer in <c>[0, exclusiveMax)</c>, without modulo bias (Lemire's method).</summary>
        public int NextInt(int exclusiveMax)
        {
            ulong range = (ulong)exclusiveMax;
            ulong high = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low < range)
            {
                ulong threshold = (0UL - range) % range;
                while (low < threshold)
                {
                    high = Math.BigMul(NextUInt64(), range, out low);
                }
            }

            return (int)high;
        }

        /// <summary>Fills <paramref name="order"/> with <c>0, 1, ..., n-1</c> and shuffles it (Fisher–Yates, last to first).</summary>
        public void Permutation(Span<int> order)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        private static ulong SplitMix64(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
