using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Compiled.Benchmarks.Reporting
{
    /// <summary>
    /// The CPU as <c>lscpu</c> names it (model name, family and model from /proc/cpuinfo on Linux; PROCESSOR_IDENTIFIER or
    /// the architecture elsewhere), and the external figures measured on a CPU of the same kind, if any.
    /// </summary>
    public sealed record MachineKind(string ModelName, int? Family, int? Model)
    {
        /// <summary>The machine this process runs on.</summary>
        public static MachineKind Current { get; } = Read();

        /// <summary>"AMD EPYC (family 26, model 2)", or the model name alone when family and model are unknown.</summary>
        public string Description => Family is { } f && Model is { } m
            ? string.Create(CultureInfo.InvariantCulture, $"{ModelName} (family {f}, model {m})")
            : ModelName;

        /// <summary>
        /// RTNeural's compile-time API on a CPU of this kind (one core, its best correct back end, light load), as the issues
        /// that set the bars measured it; null on a CPU kind nobody measured it on, where the rows carry no RTNeural bar.
        /// </summary>
        public RtNeuralReference? RtNeural => (Family, Model) switch
        {
            (26, 2) => new RtNeuralReference("AMD Zen 5, AVX-512", XorNs: 15.0, GameNs: 74.4),
            (25, 1) => new RtNeuralReference("AMD Zen 3, AVX2", XorNs: 22.8, GameNs: 195),
            _ => null,
        };

        private static MachineKind Read()
        {
            try
            {
                string[] lines = File.ReadAllLines("/proc/cpuinfo");
                string? Field(string key) => lines.FirstOrDefault(l => l.Split(':', 2)[0].Trim() == key)?.Split(':', 2)[1].Trim();
                if (Field("model name") is { } name)
                {
                    return new MachineKind(name, Number(Field("cpu family")), Number(Field("model")));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }

            return new MachineKind(Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? $"unknown {RuntimeInformation.ProcessArchitecture} CPU", null, null);
        }

        private static int? Number(string? text) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
    }

    /// <summary>RTNeural's batch-1 forward times (ns) on one kind of CPU: the figures the Xor and Game rows must beat.</summary>
    public sealed record RtNeuralReference(string Machine, double XorNs, double GameNs);
}
