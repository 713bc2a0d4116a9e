using System;
using System.Diagnostics;
using System.IO;
using Xunit.Abstractions;

namespace Compiled.Tests
{
    /// <summary>
    /// This machine runs the 512-bit path; these tests run the same end-to-end checks in child processes with 512-bit vectors,
    /// AVX2 or every hardware intrinsic switched off, so the 256-bit, 128-bit and software paths are checked too.
    /// </summary>
    public class SimdPathTests
    {
        private readonly ITestOutputHelper _output;

        public SimdPathTests(ITestOutputHelper output)
        {
            _output = output;
        }

        [Theory]
        [InlineData("DOTNET_PreferredVectorBitWidth", "256", "256-bit")]
        [InlineData("DOTNET_EnableAVX2", "0", "128-bit")] // without fused multiply-add (.NET groups FMA with AVX2)
        [InlineData("DOTNET_PreferredVectorBitWidth", "128", "128-bit")] // with it, as Arm NEON has it
        [InlineData("DOTNET_EnableHWIntrinsic", "0", "software")]
        public void NarrowerPathsPassTheSameChecks(string variable, string value, string expectedPath)
        {
            string program = Path.Combine(AppContext.BaseDirectory, "Compiled.Tests.Paths.dll");
            Assert.True(File.Exists(program), $"{program} was not built");
            var start = new ProcessStartInfo("dotnet", $"exec \"{program}\"")
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
