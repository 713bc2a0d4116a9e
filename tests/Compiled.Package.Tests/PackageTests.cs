using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Compiled.Package.Tests
{
    /// <summary>
    /// The one Compiled package, used as a new user would: <c>dotnet add package Compiled</c> from a local source into a
    /// fresh console app, which then builds warning-free, trains a network, saves and reloads it, and publishes with
    /// NativeAOT without a trimming or AOT warning and with the same outputs.
    /// </summary>
    public class PackageTests : IClassFixture<PackagedAppFixture>
    {
        private readonly PackagedAppFixture _app;
        private readonly ITestOutputHelper _output;

        public PackageTests(PackagedAppFixture app, ITestOutputHelper output)
        {
            _app = app;
            _output = output;
        }

        [Fact]
        public void OnePackageHoldsTheRuntimeTheAttributesAndTheGenerator()
        {
            string package = Path.Combine(_app.Feed, $"Compiled.{_app.PackageVersion}.nupkg");
            using ZipArchive archive = ZipFile.OpenRead(package);
            string[] files = archive.Entries.Select(e => e.FullName).ToArray();
            _output.WriteLine(string.Join("\n", files));
            Assert.Contains("analyzers/dotnet/cs/Compiled.Generator.dll", files);
            Assert.Contains("lib/net8.0/Compiled.Runtime.dll", files);
            Assert.Contains("lib/net8.0/Compiled.Runtime.xml", files);
            Assert.Contains("lib/net8.0/Compiled.Attributes.dll", files);
            Assert.Contains("lib/net8.0/Compiled.Attributes.xml", files);
            Assert.Contains("README.md", files);
            Assert.DoesNotContain(files, f => f.StartsWith("lib/", StringComparison.Ordinal) && f.Contains("Generator", StringComparison.Ordinal));
            Assert.DoesNotContain(files, f => f.EndsWith(".pdb", StringComparison.Ordinal));

            using Stream nuspecStream = archive.Entries.Single(e => e.FullName == "Compiled.nuspec").Open();
            XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal("Compiled", Element("id"));
            Assert.Equal("MIT", Element("license"));
            Assert.Equal("README.md", Element("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Element("description")));
            Assert.Contains("source-generator", Element("tags"), StringComparison.Ordinal);
            XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("https://github.com/compiled-nn/compiled", repository.Attribute("url")?.Value);
            Assert.False(string.IsNullOrEmpty(repository.Attribute("commit")?.Value));

            // No package dependencies: the attributes and the generator are inside, not separate packages.
            XElement dependencies = metadata.Elements().Single(e => e.Name.LocalName == "dependencies");
            Assert.DoesNotContain(dependencies.Descendants(), e => e.Name.LocalName == "dependency");

            using ZipArchive symbols = ZipFile.OpenRead(Path.ChangeExtension(package, ".snupkg"));
            string[] symbolFiles = symbols.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("lib/net8.0/Compiled.Runtime.pdb", symbolFiles);
            Assert.Contains("lib/net8.0/Compiled.Attributes.pdb", symbolFiles);
        }

        [Fact]
        public void AFreshAppReferencingOnlyThePackageBuildsTrainsSavesAndReloads()
        {
            _output.WriteLine(_app.Log);

            // The app's restore resolved exactly one package: Compiled, at this run's version.
            Assert.Equal([$"Compiled/{_app.PackageVersion}"], _app.RestoredPackages);

            Assert.Empty(_app.Build.Warnings);
            string[] lines = Lines(_app.RunJit.Output);
            Assert.Equal("Input(2) -> Dense(8, Tanh) -> Dense(1, Sigmoid): 33 parameters, 500 epochs", lines[0]);
            Assert.StartsWith("loss ", lines[1], StringComparison.Ordinal);       // EvaluationResult.ToString
            Assert.Contains("accuracy 100.00 %", lines[1], StringComparison.Ordinal); // binary accuracy on sigmoid targets
            Assert.Contains("4 samples", lines[1], StringComparison.Ordinal);
            for (int i = 0; i < 4; i++)
            {
                // "a xor b -> output": trained, each output is within 0.05 of a XOR b (the digits depend on the SIMD path).
                string[] parts = lines[2 + i].Split(' ');
                Assert.Equal((i >> 1).ToString(CultureInfo.InvariantCulture), parts[0]);
                Assert.Equal((i & 1).ToString(CultureInfo.InvariantCulture), parts[2]);
                float expected = (i >> 1) ^ (i & 1);
                Assert.InRange(float.Parse(parts[4], CultureInfo.InvariantCulture), expected - 0.05f, expected + 0.05f);
            }

            Assert.Equal("reloaded: identical outputs", lines[6]);
            Assert.Equal("accuracy: 1.0000", lines[7]);
        }

        [Fact]
        public void NativeAotPublishHasNoWarningsAndTheSameOutputs()
        {
            string output = Path.Combine(_app.Root, "aot");
            CommandResult publish = _app.Run(
                "dotnet",
                ["publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true", "-o", output, "--disable-build-servers"],
                _app.AppDirectory);
            _output.WriteLine($"$ {publish.CommandLine}   ({publish.Elapsed.TotalSeconds:F1} s)\n{publish.Output}");
            Assert.Empty(publish.Warnings);

            string native = Path.Combine(output, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "App.exe" : "App");
            CommandResult run = _app.Run(native, [], _app.AppDirectory);
            _output.WriteLine(run.Output);

            // The printed outputs (four decimals), the reload check and the accuracy match the JIT run; the loss printed
            // by EvaluationResult keeps more digits, where the two compilers' SIMD paths may differ in the last place.
            Assert.Equal(Comparable(_app.RunJit.Output), Comparable(run.Output));
            Assert.Contains("reloaded: identical outputs", run.Output, StringComparison.Ordinal);
        }

        /// <summary>
        /// <c>dotnet publish -p:PublishAot=true</c> (or <c>PublishTrimmed</c>) on an app with project references hands those
        /// properties to every referenced project as global properties; on netstandard2.0 they fail the build (NETSDK1207,
        /// NETSDK1124), so those projects keep them local and off.
        /// </summary>
        [Theory]
        [InlineData("src/Attributes/Compiled.Attributes.csproj")]
        [InlineData("src/Generator/Compiled.Generator.csproj")]
        public void NetStandardProjectsIgnorePublishAotAndTrimmingFromTheCommandLine(string project)
        {
            CommandResult result = _app.Run(
                "dotnet",
                ["msbuild", Path.Combine(_app.RepositoryRoot, project), "-getProperty:PublishAot", "-getProperty:PublishTrimmed",
                 "-getProperty:IsAotCompatible", "-getProperty:IsTrimmable",
                 "-p:PublishAot=true", "-p:PublishTrimmed=true", "-p:IsAotCompatible=true", "-p:IsTrimmable=true"],
                _app.RepositoryRoot);
            using JsonDocument json = JsonDocument.Parse(result.Output);
            foreach (JsonProperty property in json.RootElement.GetProperty("Properties").EnumerateObject())
            {
                Assert.True(property.Value.GetString() == "false", $"{property.Name} is '{property.Value.GetString()}' in {project}");
            }
        }

        private static string[] Lines(string output) =>
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        private static IEnumerable<string> Comparable(string output) =>
            Lines(output).Where(line => !line.StartsWith("loss ", StringComparison.Ordinal));
    }
}
