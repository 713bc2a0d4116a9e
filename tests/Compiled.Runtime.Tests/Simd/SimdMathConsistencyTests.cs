using System;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Compiled.Runtime.Tests.Simd
{
    /// <summary>Batch-1 (scalar) and batched (vector) code must give the same bits; MultiplyAdd must be fused.</summary>
    public sealed class SimdMathConsistencyTests
    {
        [Theory]
        [MemberData(nameof(SimdTestSupport.FunctionNames), MemberType = typeof(SimdTestSupport))]
        public void EveryWidthMatchesTheScalarOverloadBitForBit(string name)
        {
            // EvaluateAllWidths asserts the agreement; also run with every lane different from its neighbours.
            SimdTestSupport.EvaluateAllWidths(SimdTestSupport.Get(name), SimdTestSupport.Sweep());
            var shuffled = (float[])SimdTestSupport.Sweep().Clone();
            new Random(7).Shuffle(shuffled);
            SimdTestSupport.EvaluateAllWidths(SimdTestSupport.Get(name), shuffled);
        }

        [Fact]
        public void MultiplyAddIsFusedWhereTheHardwareHasFma()
        {
            // a * a = 1 + 2^-11 + 2^-24 exactly; rounded first it loses the 2^-24.
            float a = 1f + MathF.ScaleB(1f, -12);
            float c = -(1f + MathF.ScaleB(1f, -11));
            float expected = Fma.IsSupported || AdvSimd.IsSupported ? MathF.ScaleB(1f, -24) : 0f;
            Assert.Equal(expected, SimdMath.MultiplyAdd(a, a, c));
            Assert.Equal(expected, SimdMath.MultiplyAdd(Vector128.Create(a), Vector128.Create(a), Vector128.Create(c))[3]);
            Assert.Equal(expected, SimdMath.MultiplyAdd(Vector256.Create(a), Vector256.Create(a), Vector256.Create(c))[7]);
            Assert.Equal(expected, SimdMath.MultiplyAdd(Vector512.Create(a), Vector512.Create(a), Vector512.Create(c))[15]);
        }

        [Fact]
        public void MultiplyAddWidthsAgree()
        {
            var random = new Random(3);
            var x = new float[3 * 16];
            for (int trial = 0; trial < 1000; trial++)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-20, 20)));
                }

                Vector512<float> a = Vector512.Create(x, 0), b = Vector512.Create(x, 16), c = Vector512.Create(x, 32);
                Vector512<float> r512 = SimdMath.MultiplyAdd(a, b, c);
                Vector256<float> lo = SimdMath.MultiplyAdd(a.GetLower(), b.GetLower(), c.GetLower());
                Vector128<float> q = SimdMath.MultiplyAdd(a.GetUpper().GetLower(), b.GetUpper().GetLower(), c.GetUpper().GetLower());
                for (int i = 0; i < 16; i++)
                {
                    float s = SimdMath.MultiplyAdd(x[i], x[16 + i], x[32 + i]);
                    if (Fma.IsSupported || AdvSimd.IsSupported)
                    {
                        Assert.Equal(MathF.FusedMultiplyAdd(x[i], x[16 + i], x[32 + i]), s);
                    }

                    Assert.Equal(s, r512[i]);
                    if (i < 8)
                    {
                        Assert.Equal(s, lo[i]);
                    }
                    else if (i < 12)
                    {
                        Assert.Equal(s, q[i - 8]);
                    }
                }
            }
        }

        [Fact]
        public void WideSourceFilesAreTheVector128FileWithTheWidthRenamed()
        {
            string? dir = FindSourceDirectory();
            Assert.NotNull(dir); // src/Runtime/Simd, found above the test project's recorded folder

            string source = File.ReadAllText(Path.Combine(dir, "SimdMath.Vector128.cs"));
            foreach (string width in new[] { "256", "512" })
            {
                string wide = File.ReadAllText(Path.Combine(dir, $"SimdMath.Vector{width}.cs"));
                Assert.True(
                    source.Replace("Vector128", "Vector" + width, StringComparison.Ordinal) == wide,
                    $"SimdMath.Vector{width}.cs is out of date: regenerate it from SimdMath.Vector128.cs (see its header).");
            }
        }

        private static string? FindSourceDirectory()
        {
            // The test project's folder is recorded at build time (tests/Directory.Build.props); [CallerFilePath] is not
            // usable because CI builds map source paths to /_/.
            string? projectDirectory = typeof(SimdMathConsistencyTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "Compiled.TestProjectDirectory")?.Value;
            string relative = Path.Combine("src", "Runtime", "Simd");
            foreach (string? start in new[] { projectDirectory, AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            {
                for (string? d = start; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
                {
                    string candidate = Path.Combine(d, relative);
                    if (File.Exists(Path.Combine(candidate, "SimdMath.Vector128.cs")))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }
    }
}
