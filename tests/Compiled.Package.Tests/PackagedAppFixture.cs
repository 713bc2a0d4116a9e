using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace Compiled.Package.Tests
{
    /// <summary>
    /// Packs the Compiled package once, into a temporary folder, and builds a fresh console app against it the way a user
    /// would: a project with no reference, <c>dotnet add package Compiled</c>, <c>dotnet build</c>.
    /// </summary>
    /// <remarks>
    /// Isolation from other runs and from the machine's package cache: the package gets a version used once
    /// (<c>0.0.0-localtest.TIMESTAMP.PID</c>), restores go to a private packages folder (<c>NUGET_PACKAGES</c>), and
    /// the machine's global packages folder is only a read-only fallback, so the SDK's own packages (the NativeAOT
    /// compiler) are not downloaded again. The package's build output goes to a private artifacts folder, so packing
    /// never touches the bin/ and obj/ folders that the solution's build is using at the same time.
    /// </remarks>
    public sealed class PackagedAppFixture : IDisposable
    {
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
        private readonly StringBuilder _log = new();

        public PackagedAppFixture()
        {
            RepositoryRoot = FindRepositoryRoot();
            Root = Path.Combine(Path.GetTempPath(), $"compiled-package-test-{Guid.NewGuid():N}");
            Feed = Path.Combine(Root, "feed");
            AppDirectory = Path.Combine(Root, "app");
            PackagesFolder = Path.Combine(Root, "packages");
            Directory.CreateDirectory(Feed);
            Directory.CreateDirectory(AppDirectory);
            Directory.CreateDirectory(PackagesFolder);
            PackageVersion = string.Create(CultureInfo.InvariantCulture, $"0.0.0-localtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
            TargetFramework = string.Create(CultureInfo.InvariantCulture, $"net{Environment.Version.Major}.0");

            try
            {
                Pack = Run(
                    "dotnet",
                    ["pack", Path.Combine(RepositoryRoot, "src", "Runtime", "Compiled.Runtime.csproj"), "-c", "Release", "-o", Feed,
                     $"-p:PackageVersion={PackageVersion}", "--disable-build-servers"],
                    RepositoryRoot,
                    new Dictionary<string, string> { ["COMPILED_ARTIFACTS"] = Path.Combine(Root, "artifacts") });
                WriteApp();
                AddPackage = Run("dotnet", ["add", "package", "Compiled", "--version", PackageVersion], AppDirectory);
                Build = Run("dotnet", ["build", "-c", "Release", "--disable-build-servers"], AppDirectory);
                using (JsonDocument assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppDirectory, "obj", "project.assets.json"))))
                {
                    RestoredPackages = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
                }

                string app = Path.Combine(AppDirectory, "bin", "Release", TargetFramework, "App.dll");
                RunJit = Run("dotnet", [app], AppDirectory);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>The folder holding the repository (its Compiled.sln).</summary>
        public string RepositoryRoot { get; }

        /// <summary>The temporary folder of this run; deleted on dispose.</summary>
        public string Root { get; }

        /// <summary>The local package source the package is packed into.</summary>
        public string Feed { get; }

        /// <summary>The console app's folder.</summary>
        public string AppDirectory { get; }

        /// <summary>The private global packages folder of the app's restores.</summary>
        public string PackagesFolder { get; }

        /// <summary>The package version of this run.</summary>
        public string PackageVersion { get; }

        /// <summary>The app's target framework: the one the tests run on.</summary>
        public string TargetFramework { get; }

        /// <summary>The packages the app's build restored (<c>id/version</c>, from its project.assets.json), before any publish.</summary>
        public IReadOnlyList<string> RestoredPackages { get; }

        public CommandResult Pack { get; }

        public CommandResult AddPackage { get; }

        public CommandResult Build { get; }

        public CommandResult RunJit { get; }

        /// <summary>Every command run so far, with its output; for test failure messages and the test log.</summary>
        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        /// <summary>Runs a command with a clean environment (no variables of the test host's own build), failing on a non-zero exit code or after 5 minutes.</summary>
        public CommandResult Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // dotnet test runs this process inside an MSBuild and VSTest session; their variables must not leak into the
            // child builds, which are a user's builds.
            foreach (string name in start.Environment.Keys.ToArray())
            {
                if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                    || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                    || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
                    || name is "DOTNET_HOST_PATH" or "COMPILED_ARTIFACTS" or "NUGET_PACKAGES")
                {
                    start.Environment.Remove(name);
                }
            }

            start.Environment["NUGET_PACKAGES"] = PackagesFolder;
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            if (environment is not null)
            {
                foreach (KeyValuePair<string, string> pair in environment)
                {
                    start.Environment[pair.Key] = pair.Value;
                }
            }

            string commandLine = fileName + " " + string.Join(" ", arguments);
            var output = new StringBuilder();
            var stopwatch = Stopwatch.StartNew();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"'{commandLine}' did not finish within {CommandTimeout.TotalMinutes} minutes.\n{output}");
            }

            process.WaitForExit(); // flushes the redirected output
            var result = new CommandResult(commandLine, process.ExitCode, output.ToString(), stopwatch.Elapsed);
            lock (_log)
            {
                _log.Append(CultureInfo.InvariantCulture, $"$ {commandLine}   ({result.Elapsed.TotalSeconds:F1} s, exit code {result.ExitCode})\n{result.Output}\n");
            }

            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{commandLine}' exited with code {result.ExitCode}:\n{result.Output}");
            }

            return result;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder must not fail the tests.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static void Append(StringBuilder output, string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        private void WriteApp()
        {
            // Restore from the local folder (only it has this version) and from the machine's usual sources, which the
            // SDK needs for its own packages; read packages the machine already has from its global folder.
            string fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="compiled-local" value="{Feed}" />
                  </packageSources>
                  <fallbackPackageFolders>
                    <add key="machine" value="{fallback}" />
                  </fallbackPackageFolders>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(AppDirectory, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>{TargetFramework}</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                </Project>
                """);
            using Stream program = typeof(PackagedAppFixture).Assembly.GetManifestResourceStream("Compiled.Package.Tests.App.Program.cs")
                ?? throw new InvalidOperationException("The app's Program.cs is not embedded in the test assembly.");
            using FileStream target = File.Create(Path.Combine(AppDirectory, "Program.cs"));
            program.CopyTo(target);
        }

        private static string FindRepositoryRoot()
        {
            string? projectDirectory = typeof(PackagedAppFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "Compiled.TestProjectDirectory")?.Value;
            if (projectDirectory is null)
            {
                throw new InvalidOperationException("The test assembly does not record its source folder (AssemblyMetadata Compiled.TestProjectDirectory).");
            }

            string root = Path.GetFullPath(Path.Combine(projectDirectory, "..", ".."));
            if (!File.Exists(Path.Combine(root, "Compiled.sln")))
            {
                throw new InvalidOperationException($"No Compiled.sln in {root}.");
            }

            return root;
        }
    }

    /// <summary>One finished command: its command line, exit code, interleaved output and duration.</summary>
    public sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
    {
        /// <summary>The lines of MSBuild, compiler, trimming and AOT warnings (<c>: warning XX1234</c>).</summary>
        public IReadOnlyList<string> Warnings => Output.Split('\n')
            .Where(line => line.Contains(": warning ", StringComparison.Ordinal))
            .Select(line => line.Trim())
            .Distinct()
            .ToArray();
    }
}
