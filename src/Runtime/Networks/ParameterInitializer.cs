using System;

namespace Compiled
{
    /// <summary>
    /// Deterministic parameter initialisation: a seeded xoshiro128** generator (the same numbers on every platform and
    /// .NET version) and the Kaiming and Glorot uniform schemes as <c>torch.nn.init</c> defines them.
    /// </summary>
    public sealed class ParameterInitializer
    {
        private uint _s0;
        private uint _s1;
        private uint _s2;
        private uint _s3;

        /// <summary>Creates a generator from a seed; the same seed always yields the same sequence.</summary>
        /// <param name="seed">The seed.</param>
        public ParameterInitializer(int seed)
        {
            ulong state = unchecked((ulong)(long)seed);
            _s0 = (uint)SplitMix(ref state);
            _s1 = (uint)SplitMix(ref state);
            _s2 = (uint)SplitMix(ref state);
            _s3 = (uint)SplitMix(ref state);
        }

        /// <summary>The next float, uniform in [0, 1) with 24 random bits.</summary>
        /// <returns>The value.</returns>
        public float NextFloat() => (NextUInt() >> 8) * (1f / (1 << 24));

        /// <summary>The next 32 random bits.</summary>
        /// <returns>The value.</returns>
        public uint NextUInt()
        {
            uint result = RotateLeft(_s1 * 5, 7) * 9;
            uint t = _s1 << 9;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 11);
            return result;
        }

        /// <summary>Fills <paramref name="values"/> uniformly from <c>[-bound, bound)</c>.</summary>
        /// <param name="values">The values to fill.</param>
        /// <param name="bound">The half-width; must be finite and non-negative.</param>
        public void Uniform(Span<float> values, double bound)
        {
            if (!double.IsFinite(bound) || bound < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be finite and non-negative.");
            }

            float b = (float)bound;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ((2f * NextFloat()) - 1f) * b;
            }
        }

        /// <summary>
        /// Kaiming (He) uniform, <c>torch.nn.init.kaiming_uniform_</c> with mode fan_in: <c>U(-bound, bound)</c> with
        /// <c>bound = gain * sqrt(3 / fanIn)</c> (gain sqrt(2) for ReLU).
        /// </summary>
        /// <param name="values">The weight to fill.</param>
        /// <param name="fanIn">The number of inputs of each output; must be positive.</param>
        /// <param name="gain">The activation's gain.</param>
        public void KaimingUniform(Span<float> values, int fanIn, double gain)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
            Uniform(values, gain * Math.Sqrt(3.0 / fanIn));
        }

        /// <summary>
        /// Glorot (Xavier) uniform, <c>torch.nn.init.xavier_uniform_</c>: <c>U(-bound, bound)</c> with
        /// <c>bound = gain * sqrt(6 / (fanIn + fanOut))</c>.
        /// </summary>
        /// <param name="values">The weight to fill.</param>
        /// <param name="fanIn">The number of inputs of each output; must be positive.</param>
        /// <param name="fanOut">The number of outputs; must be positive.</param>
        /// <param name="gain">The activation's gain.</param>
        public void GlorotUniform(Span<float> values, int fanIn, int fanOut, double gain)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
            Uniform(values, gain * Math.Sqrt(6.0 / ((double)fanIn + fanOut)));
        }

        private static uint RotateLeft(uint value, int count) => (value << count) | (value >> (32 - count));

        private static ulong SplitMix(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
