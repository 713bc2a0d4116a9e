using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Compiled
{
    /// <summary>
    /// Deterministic parameter initialisation: a seeded xoshiro128** generator (the same numbers on every platform and
    /// .NET version) and the schemes of <c>torch.nn.init</c>: Kaiming (He) and Glorot (Xavier), uniform and normal, and
    /// orthogonal. Generated networks call it from <c>InitializeParameters(seed)</c>, one call per tensor, as each layer's
    /// <c>Init</c> and <c>BiasInit</c> say; it can also fill a tensor of an existing network inside <c>EditParameters()</c>.
    /// </summary>
    /// <remarks>
    /// Normal draws use Marsaglia's polar method on 53-bit uniforms, with a logarithm computed from IEEE arithmetic alone
    /// (not the C runtime's), and the orthogonal scheme's QR decomposition runs in double precision in a fixed order, so
    /// every scheme gives the same values on every platform. The generator is not PyTorch's: the values follow PyTorch's
    /// distributions, not its numbers.
    /// </remarks>
    /// <example>
    /// <code>
    /// var random = new ParameterInitializer(seed: 7);
    /// using (ParameterEdit edit = network.EditParameters())
    /// {
    ///     random.Orthogonal(edit.Values.Slice(0, 64 * 64), rows: 64, columns: 64, gain: 1);
    /// }
    /// </code>
    /// </example>
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

        /// <summary>The next double, uniform in [0, 1) with 53 random bits (from two 32-bit draws, the first the high bits).</summary>
        /// <returns>The value.</returns>
        public double NextDouble()
        {
            ulong high = NextUInt();
            ulong low = NextUInt();
            return (((high << 32) | low) >> 11) * (1.0 / (1UL << 53));
        }

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

        /// <summary>
        /// Fills <paramref name="values"/> from the normal distribution <c>N(0, std^2)</c>, as <c>torch.nn.init.normal_</c>
        /// with mean 0. Values are drawn in pairs; for an odd length the last pair's second value is dropped.
        /// </summary>
        /// <param name="values">The values to fill.</param>
        /// <param name="std">The standard deviation; must be finite and non-negative.</param>
        public void Normal(Span<float> values, double std)
        {
            if (!double.IsFinite(std) || std < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be finite and non-negative.");
            }

            int i = 0;
            for (; i + 1 < values.Length; i += 2)
            {
                (double z0, double z1) = NextNormalPair();
                values[i] = (float)(z0 * std);
                values[i + 1] = (float)(z1 * std);
            }

            if (i < values.Length)
            {
                values[i] = (float)(NextNormalPair().Z0 * std);
            }
        }

        /// <summary>
        /// Kaiming (He) normal, <c>torch.nn.init.kaiming_normal_</c> with mode fan_in: <c>N(0, std^2)</c> with
        /// <c>std = gain / sqrt(fanIn)</c> (gain sqrt(2) for ReLU; 1 gives LeCun normal).
        /// </summary>
        /// <param name="values">The weight to fill.</param>
        /// <param name="fanIn">The number of inputs of each output; must be positive.</param>
        /// <param name="gain">The activation's gain.</param>
        public void KaimingNormal(Span<float> values, int fanIn, double gain)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
            Normal(values, gain / Math.Sqrt(fanIn));
        }

        /// <summary>
        /// Glorot (Xavier) normal, <c>torch.nn.init.xavier_normal_</c>: <c>N(0, std^2)</c> with
        /// <c>std = gain * sqrt(2 / (fanIn + fanOut))</c>.
        /// </summary>
        /// <param name="values">The weight to fill.</param>
        /// <param name="fanIn">The number of inputs of each output; must be positive.</param>
        /// <param name="fanOut">The number of outputs; must be positive.</param>
        /// <param name="gain">The activation's gain.</param>
        public void GlorotNormal(Span<float> values, int fanIn, int fanOut, double gain)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanOut);
            Normal(values, gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut)));
        }

        /// <summary>
        /// Orthogonal, <c>torch.nn.init.orthogonal_</c>: <paramref name="values"/> as a row-major <paramref name="rows"/> x
        /// <paramref name="columns"/> matrix becomes <paramref name="gain"/> times a (semi-)orthogonal matrix. A matrix of
        /// standard normal draws (in row-major order), transposed when it has fewer rows than columns, is decomposed as
        /// <c>QR</c> (Householder, in double precision); each column of <c>Q</c> takes the sign of <c>R</c>'s diagonal entry
        /// (PyTorch's <c>q *= sign(diag(r))</c>, which makes the result uniformly distributed), and <c>Q</c>, transposed back,
        /// is the result. The columns are orthonormal when <c>rows &gt;= columns</c>, the rows otherwise.
        /// </summary>
        /// <param name="values">The weight to fill; its length must be <c>rows * columns</c>.</param>
        /// <param name="rows">The number of rows (a weight's outputs); must be positive.</param>
        /// <param name="columns">The number of columns (a weight's inputs); must be positive.</param>
        /// <param name="gain">The scale; must be finite (1 is PyTorch's default).</param>
        public void Orthogonal(Span<float> values, int rows, int columns, double gain)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
            if ((long)rows * columns != values.Length)
            {
                throw new ArgumentException($"The matrix is {rows}x{columns} = {(long)rows * columns} values, but the span has {values.Length}.", nameof(values));
            }

            if (!double.IsFinite(gain))
            {
                throw new ArgumentOutOfRangeException(nameof(gain), gain, "The gain must be finite.");
            }

            // The m x n matrix (m >= n) to decompose, column-major: column j is a[j*m .. j*m + m). The draws fill the
            // rows x columns matrix in row-major order; when rows < columns the matrix is its transpose, whose column-major
            // layout is exactly that order.
            int m = Math.Max(rows, columns);
            int n = Math.Min(rows, columns);
            var a = new double[m * n];
            for (int index = 0; index < a.Length; index += 2)
            {
                (double z0, double z1) = NextNormalPair();
                a[DrawPosition(index, rows, columns)] = z0;
                if (index + 1 < a.Length)
                {
                    a[DrawPosition(index + 1, rows, columns)] = z1;
                }
            }

            double[] q = HouseholderQ(a, m, n);
            if (rows >= columns)
            {
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < columns; j++)
                    {
                        values[(i * columns) + j] = (float)(gain * q[(j * m) + i]);
                    }
                }
            }
            else
            {
                // The result is Q^T: its row r is Q's column r, contiguous in q.
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(gain * q[i]);
                }
            }
        }

        /// <summary>
        /// Where the draw of row-major index <paramref name="index"/> of the rows x columns matrix goes in the column-major
        /// m x n matrix that is decomposed: the matrix itself when rows &gt;= columns (element (i, j) at j*rows + i), its
        /// transpose otherwise (whose column-major layout is the row-major order).
        /// </summary>
        private static int DrawPosition(int index, int rows, int columns) =>
            rows >= columns ? ((index % columns) * rows) + (index / columns) : index;

        /// <summary>
        /// The m x n factor Q (column-major) of the QR decomposition of the column-major m x n matrix <paramref name="a"/>
        /// (m &gt;= n; overwritten), with the signs that make R's diagonal non-negative: the unique such Q for a full-rank
        /// matrix, whatever the algorithm. Householder reflections, every sum in a fixed order.
        /// </summary>
        private static double[] HouseholderQ(double[] a, int m, int n)
        {
            var tau = new double[n];
            var diagonal = new double[n];
            for (int k = 0; k < n; k++)
            {
                Span<double> x = a.AsSpan((k * m) + k, m - k);
                double norm = Math.Sqrt(Dot(x, x));
                double alpha = x[0] > 0 ? -norm : norm; // R's diagonal entry; the sign avoids cancellation in x - alpha e1
                diagonal[k] = alpha;
                if (norm == 0)
                {
                    continue; // a zero column: no reflection (tau 0)
                }

                x[0] -= alpha; // x now holds v = x - alpha e1
                tau[k] = 2.0 / Dot(x, x);
                for (int j = k + 1; j < n; j++)
                {
                    Reflect(x, a.AsSpan((j * m) + k, m - k), tau[k]);
                }
            }

            // Q = H_0 H_1 ... H_(n-1) applied to the first n columns of the identity, the last reflection first; H_k
            // leaves rows above k and the columns before k untouched.
            var q = new double[m * n];
            for (int j = 0; j < n; j++)
            {
                q[(j * m) + j] = 1.0;
            }

            for (int k = n - 1; k >= 0; k--)
            {
                if (tau[k] == 0)
                {
                    continue;
                }

                ReadOnlySpan<double> v = a.AsSpan((k * m) + k, m - k);
                for (int j = k; j < n; j++)
                {
                    Reflect(v, q.AsSpan((j * m) + k, m - k), tau[k]);
                }
            }

            for (int j = 0; j < n; j++)
            {
                if (diagonal[j] < 0)
                {
                    Span<double> column = q.AsSpan(j * m, m);
                    for (int i = 0; i < m; i++)
                    {
                        column[i] = -column[i];
                    }
                }
            }

            return q;
        }

        /// <summary><c>y -= tau (v . y) v</c>: the reflection <c>I - tau v v^T</c> applied to <paramref name="y"/>.</summary>
        private static void Reflect(ReadOnlySpan<double> v, Span<double> y, double tau)
        {
            double s = tau * Dot(v, y);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Element-wise: each element is the scalar loop's multiply then subtract, the same bits.
                ref double vr = ref MemoryMarshal.GetReference(v);
                ref double yr = ref MemoryMarshal.GetReference(y);
                Vector256<double> scale = Vector256.Create(s);
                for (; i + 4 <= y.Length; i += 4)
                {
                    Vector256<double> product = Vector256.Multiply(scale, Vector256.LoadUnsafe(ref vr, (nuint)i));
                    Vector256.Subtract(Vector256.LoadUnsafe(ref yr, (nuint)i), product).StoreUnsafe(ref yr, (nuint)i);
                }
            }

            for (; i < y.Length; i++)
            {
                y[i] -= s * v[i];
            }
        }

        /// <summary>
        /// A dot product in a fixed order, four running sums over the elements of each index modulo 4, added as
        /// <c>(s0 + s1) + (s2 + s3)</c>, then the tail: the same bits with or without 256-bit vectors (whose lanes are the sums).
        /// </summary>
        private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
        {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref double xr = ref MemoryMarshal.GetReference(x);
                ref double yr = ref MemoryMarshal.GetReference(y);
                Vector256<double> sums = Vector256<double>.Zero;
                for (; i + 4 <= x.Length; i += 4)
                {
                    sums = Vector256.Add(sums, Vector256.Multiply(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)));
                }

                s0 = sums.GetElement(0);
                s1 = sums.GetElement(1);
                s2 = sums.GetElement(2);
                s3 = sums.GetElement(3);
            }
            else
            {
                for (; i + 4 <= x.Length; i += 4)
                {
                    s0 += x[i] * y[i];
                    s1 += x[i + 1] * y[i + 1];
                    s2 += x[i + 2] * y[i + 2];
                    s3 += x[i + 3] * y[i + 3];
                }
            }

            double sum = (s0 + s1) + (s2 + s3);
            for (; i < x.Length; i++)
            {
                sum += x[i] * y[i];
            }

            return sum;
        }

        /// <summary>Two independent standard normal draws: Marsaglia's polar method on 53-bit uniforms.</summary>
        private (double Z0, double Z1) NextNormalPair()
        {
            double u, v, s;
            do
            {
                u = (2.0 * NextDouble()) - 1.0;
                v = (2.0 * NextDouble()) - 1.0;
                s = (u * u) + (v * v);
            }
            while (s >= 1.0 || s == 0.0);

            double factor = Math.Sqrt(-2.0 * PortableLog(s) / s);
            return (u * factor, v * factor);
        }

        /// <summary>
        /// The natural logarithm of a positive, normal (not subnormal) double from IEEE arithmetic alone, so that it is the
        /// same on every platform (<see cref="Math.Log(double)"/> is the C runtime's and may differ in the last bit): the
        /// exponent times ln 2, plus <c>2 atanh(t)</c> of the mantissa's <c>t = (m - 1) / (m + 1)</c>, |t| &lt;= 0.172, as a
        /// series to t^23. Accurate to a few units in the last place.
        /// </summary>
        internal static double PortableLog(double value)
        {
            const double Ln2 = 0.69314718055994530942;
            const double Sqrt2 = 1.41421356237309504880;
            long bits = BitConverter.DoubleToInt64Bits(value);
            int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
            double mantissa = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L); // [1, 2)
            if (mantissa > Sqrt2)
            {
                mantissa *= 0.5;
                exponent++;
            }

            double t = (mantissa - 1.0) / (mantissa + 1.0);
            double t2 = t * t;
            double series = 1.0 / 23;
            for (int k = 21; k >= 1; k -= 2)
            {
                series = (1.0 / k) + (t2 * series);
            }

            return (exponent * Ln2) + (2.0 * t * series);
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
