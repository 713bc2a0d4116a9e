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
            string program = Path.Combine(AppContext.BaseDirectory, "Compiled.Tests.Paths.dll");
            Assert.True(File.Exists(program), $"{program} was not built");
            var start = new ProcessStartInfo("dotnet", $"exec \"{program}\" --kernels")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment[variable] = value;
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _output.WriteLine(stdout + stderr);
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                // On an AVX-512 machine each switch selects exactly the intended path.
                Assert.Contains($"SIMD path: {expectedPath}", stdout);
            }

            Assert.True(process.ExitCode == 0, stdout + stderr);
        }
    }
}
