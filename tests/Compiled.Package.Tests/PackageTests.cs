using System;
using System.Collections.Generic;
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
            Assert.Empty(dependencies.Descendants().Where(e => e.Name.LocalName == "dependency"));

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
            using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(_app.AppDirectory, "obj", "project.assets.json")));
            string[] libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal([$"Compiled/{_app.PackageVersion}"], libraries);

            Assert.Empty(_app.Build.Warnings);
            string[] lines = Lines(_app.RunJit.Output);
            Assert.Equal("Input(2) -> Dense(8, Tanh) -> Dense(1, Sigmoid): 33 parameters, 500 epochs", lines[0]);
            Assert.StartsWith("loss ", lines[1], StringComparison.Ordinal);       // EvaluationResult.ToString
            Assert.Contains("accuracy 100.00 %", lines[1], StringComparison.Ordinal); // binary accuracy on sigmoid targets
            Assert.Contains("4 samples", lines[1], StringComparison.Ordinal);
            Assert.Equal("0 xor 0 -> 0.0001", lines[2]);
            Assert.Equal("0 xor 1 -> 0.9995", lines[3]);
            Assert.Equal("1 xor 0 -> 0.9998", lines[4]);
            Assert.Equal("1 xor 1 -> 0.0006", lines[5]);
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

        private static string[] Lines(string output) =>
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        private static IEnumerable<string> Comparable(string output) =>
            Lines(output).Where(line => !line.StartsWith("loss ", StringComparison.Ordinal));
    }
}
