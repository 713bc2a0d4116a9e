using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Compiled.Tests.Checks
{
    /// <summary>
    /// Reading the PyTorch fixtures (JSON written by the scripts in Fixtures/torch with Debian's PyTorch 1.13) and comparing
    /// against them: shared by every parity test.
    /// </summary>
    public static class TorchFixtures
    {
        /// <summary>The root of <c>Fixtures/torch/<paramref name="fileName"/></c>, copied next to the test assembly.</summary>
        public static JsonElement Load(string fileName) =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", fileName))).RootElement;

        /// <summary>A numeric array property as floats.</summary>
        public static float[] Floats(JsonElement fixture, string property) => fixture.GetProperty(property).EnumerateArray().Select(e => e.GetSingle()).ToArray();

        /// <summary>A string array property.</summary>
        public static string[] Strings(JsonElement fixture, string property) => fixture.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();

        /// <summary>Every value within <c>absolute + relative * |expected|</c> of PyTorch's, naming the first that is not.</summary>
        public static void AssertClose(float[] expected, ReadOnlySpan<float> actual, float absolute, float relative, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                float tolerance = absolute + (relative * Math.Abs(expected[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R}");
            }
        }
    }
}
