using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Text;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>
    /// <c>--paths</c>: the same suites once per vector path this machine accelerates (widest, then the 256-bit path with
    /// <c>DOTNET_EnableAVX512=0</c>, then the 128-bit path, Arm NEON's width, with <c>DOTNET_PreferredVectorBitWidth=128</c>), each in a
    /// child process of this program, then one table of the generated rows side by side: median and share of that path's
    /// own FMA peak, and the 128-bit path's time over the 256-bit path's (the bar: at most 2.2x).
    /// </summary>
    public static class PathRuns
    {
        /// <summary>The 128-bit path's time may be at most this multiple of the 256-bit path's.</summary>
        public const double NarrowOverWide = 2.2;

        private const string RowsFile = "Compiled-rows.csv";

        /// <summary>
        /// The paths and the runtime settings that select each: the 256-bit path without AVX-512 at all (an AVX2 machine: 16
        /// registers); the 128-bit path by the preferred vector width alone, so that it keeps the fused multiply-add and the
        /// registers the machine has, as Arm NEON (32 registers of 128 bits, with FMA) does. <c>DOTNET_EnableAVX2=0</c> would
        /// also take the fused multiply-add away (.NET groups FMA with AVX2), which no NEON machine lacks: the optimizers'
        /// fused updates then fall back to a software FMA one float at a time (Adam on Mlp 8 times slower).
        /// </summary>
        private static readonly (string Name, string[] Settings)[] Paths =
        {
            ("512-bit", Array.Empty<string>()), ("256-bit", new[] { "DOTNET_EnableAVX512=0" }), ("128-bit", new[] { "DOTNET_PreferredVectorBitWidth=128" }),
        };

        /// <summary>Writes the rows of one run (the generated ones and the baselines) for <see cref="Run"/> to read back.</summary>
        public static void WriteRows(string directory, IReadOnlyList<ResultRow> rows, MachineBounds bounds)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"# {MachineBounds.PeakWidth},{bounds.PeakGflops:R}");
            foreach (ResultRow row in rows)
            {
                Work work = Work.Of(row.Operation, row.Network)!.Value;
                text.AppendLine(CultureInfo.InvariantCulture, $"{row.Operation},{row.Network},{row.Implementation},{row.MedianNs:R},{row.InterquartileNs:R},{work.Flops / row.MedianNs:R}");
            }

            File.WriteAllText(Path.Combine(directory, RowsFile), text.ToString());
        }

        /// <summary>Runs the children and prints (and writes) the side-by-side table. Returns the process exit code.</summary>
        public static int Run(IReadOnlyList<string> childArguments, string directory)
        {
            var widths = new List<(string Name, string Width, double Peak, Dictionary<(string, string), double> Medians)>();
            foreach ((string name, string[] settings) in Paths)
            {
                bool accelerated = name switch
                {
                    "512-bit" => Vector512.IsHardwareAccelerated,
                    "256-bit" => Vector256.IsHardwareAccelerated,
                    _ => Vector128.IsHardwareAccelerated,
                };
                if (!accelerated)
                {
                    continue;
                }

                var environment = settings.ToList();
                Console.WriteLine($"// * {name} path: {(environment.Count == 0 ? "no switch" : string.Join(", ", environment))} *");
                string rowsPath = Path.Combine(directory, RowsFile);
                File.Delete(rowsPath);
                int code = Child(childArguments, environment);
                if (code != 0 || !File.Exists(rowsPath))
                {
                    Console.Error.WriteLine($"The {name} run failed (exit code {code}); stopping.");
                    return code != 0 ? code : 1;
                }

                string summary = Path.Combine(directory, "Compiled-summary.md");
                File.Copy(summary, Path.Combine(directory, $"Compiled-summary-{name}.md"), overwrite: true);
                string[] lines = File.ReadAllLines(rowsPath);
                string[] head = lines[0].TrimStart('#', ' ').Split(',');
                var medians = lines.Skip(1).Select(l => l.Split(','))
                    .Where(f => f[2] == "Generated")
                    .ToDictionary(f => (f[0], f[1]), f => double.Parse(f[3], CultureInfo.InvariantCulture));
                widths.Add((name, head[0], double.Parse(head[1], CultureInfo.InvariantCulture), medians));
            }

            string table = Render(widths);
            Console.WriteLine();
            Console.WriteLine("// * Compiled paths summary *");
            Console.WriteLine(table);
            string path = Path.Combine(directory, "Compiled-paths.md");
            File.WriteAllText(path, table);
            Console.WriteLine($"Written to {path}");
            return 0;
        }

        private static string Render(List<(string Name, string Width, double Peak, Dictionary<(string, string), double> Medians)> widths)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"CPU {MachineKind.Current.Description}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Generated rows per vector path; % = GFLOP/s over that path's own measured FMA peak ({string.Join(", ", widths.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Name}: {w.Peak:0.0} GFLOP/s")))}).");
            text.AppendLine();
            text.Append("| Operation | Network |");
            foreach (var w in widths)
            {
                text.Append(CultureInfo.InvariantCulture, $" {w.Name} | % |");
            }

            bool ratio = widths.Any(w => w.Name == "256-bit") && widths.Any(w => w.Name == "128-bit");
            text.AppendLine(ratio ? " 128-bit / 256-bit | Met (<= 2.2x) |" : string.Empty);
            text.Append("|---|---|");
            text.Append(string.Concat(Enumerable.Repeat("---:|---:|", widths.Count)));
            text.AppendLine(ratio ? "---:|---|" : string.Empty);
            foreach ((string operation, string network) in widths.SelectMany(w => w.Medians.Keys).Distinct())
            {
                text.Append(CultureInfo.InvariantCulture, $"| {operation} | {network} |");
                foreach (var w in widths)
                {
                    if (w.Medians.TryGetValue((operation, network), out double ns))
                    {
                        double gflops = Enum.TryParse(network, out NetworkName name) && Work.Of(operation, name) is { } work ? work.Flops / ns : double.NaN;
                        text.Append(CultureInfo.InvariantCulture, $" {ResultTable.FormatTime(ns)} | {100 * gflops / w.Peak:0.0}% |");
                    }
                    else
                    {
                        text.Append(" - | - |");
                    }
                }

                if (ratio)
                {
                    var wide = widths.First(w => w.Name == "256-bit").Medians;
                    var narrow = widths.First(w => w.Name == "128-bit").Medians;
                    if (wide.TryGetValue((operation, network), out double a) && narrow.TryGetValue((operation, network), out double b))
                    {
                        text.Append(CultureInfo.InvariantCulture, $" {b / a:0.00}x | {(b / a <= NarrowOverWide ? "met" : "NOT met")} |");
                    }
                    else
                    {
                        text.Append(" - | - |");
                    }
                }

                text.AppendLine();
            }

            return text.ToString();
        }

        private static int Child(IReadOnlyList<string> arguments, IReadOnlyList<string> settings)
        {
            string host = Environment.ProcessPath ?? "dotnet";
            var start = new ProcessStartInfo(host) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                start.ArgumentList.Add(typeof(PathRuns).Assembly.Location);
            }

            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (string setting in settings)
            {
                int equals = setting.IndexOf('=', StringComparison.Ordinal);
                start.Environment[setting[..equals]] = setting[(equals + 1)..];
            }

            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
            process.WaitForExit();
            return process.ExitCode;
        }
    }
}
