using System;
using System.Diagnostics;
using System.IO;
using Xunit.Abstractions;

namespace Compiled.Runtime.Tests.Kernels
{
    /// <summary>
    /// This machine runs the 512-bit path; these tests run the kernel checks in child processes (Compiled.Tests.Paths
    /// --kernels) with AVX-512, AVX2 or every hardware intrinsic switched off, so each width's specialisation of the generic
    /// kernels is checked too.
    /// </summary>
    public class KernelPathTests
    {
        private readonly ITestOutputHelper _output;

        public KernelPathTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Theory]
        [InlineData("DOTNET_EnableAVX512", "0", "256-bit")] // .NET 10's switch (DOTNET_EnableAVX512F is no longer read)
        [InlineData("DOTNET_PreferredVectorBitWidth", "256", "256-bit")]
        [InlineData("DOTNET_EnableAVX2", "0", "128-bit")] // also without FMA, which .NET groups with AVX2
        [InlineData("DOTNET_PreferredVectorBitWidth", "128", "128-bit")] // with FMA, as on Arm NEON
        [InlineData("DOTNET_EnableHWIntrinsic", "0", "software")]
        public void KernelChecksPassOnNarrowerPaths(string variable, string value, string expectedPath)
        {
            (int exitCode, string stdout) = RunPaths("--kernels", variable, value);
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                // On an AVX-512 machine each switch selects exactly the intended path.
                Assert.Contains($"SIMD path: {expectedPath}", stdout);
            }

            Assert.True(exitCode == 0, stdout);
        }

        /// <summary>
        /// Every path with fused multiply-add gives the activations the same bits: exp(-|x|) (Sigmoid, Softplus, SiLU,
        /// GELU) scales by 2^n with vscalefps under AVX-512 and through the exponent field elsewhere, and both are exact.
        /// Without FMA (AVX2 off) the roundings differ by design and are not compared.
        /// </summary>
        [Theory]
        [InlineData("DOTNET_EnableAVX512", "0")]
        [InlineData("DOTNET_PreferredVectorBitWidth", "128")]
        public void ActivationsGiveTheSameBitsOnEveryPathWithFma(string variable, string value)
        {
            (int widestExit, string widest) = RunPaths("--activation-bits", null, null);
            (int narrowExit, string narrow) = RunPaths("--activation-bits", variable, value);
            Assert.True(widestExit == 0 && narrowExit == 0, widest + narrow);
            string[] Hashes(string output) => Array.FindAll(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), line => !line.StartsWith("SIMD path", StringComparison.Ordinal));
            Assert.Equal(5, Hashes(widest).Length);
            Assert.Equal(Hashes(widest), Hashes(narrow));
        }

        /// <summary>Runs Compiled.Tests.Paths with <paramref name="argument"/>, one environment variable set (or none); its exit code and output.</summary>
        private (int ExitCode, string Output) RunPaths(string argument, string? variable, string? value)
        {
            string program = Path.Combine(AppContext.BaseDirectory, "Compiled.Tests.Paths.dll");
            Assert.True(File.Exists(program), $"{program} was not built");
            var start = new ProcessStartInfo("dotnet", $"exec \"{program}\" {argument}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (variable is not null)
            {
                start.Environment[variable] = value;
            }

            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _output.WriteLine(stdout + stderr);
            return (process.ExitCode, stdout + stderr);
        }
    }
}
