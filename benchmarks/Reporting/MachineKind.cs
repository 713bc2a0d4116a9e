using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        /// RTNeural's compile-time API on a CPU of this kind, built for the widest vector width this process runs (one core,
        /// light load); null on a CPU kind or width nobody measured it on, where the rows carry no RTNeural bar.
        /// </summary>
        /// <remarks>
        /// Zen 5, 512-bit: the figures of issues #9 and #13 (Xor, Game, GRU step), stricter than our own build of RTNeural's
        /// xsimd back end on this machine (19.0, 122.4, 79.2 ns), which gives the LSTM step. Zen 5, 256- and 128-bit: that
        /// build with <c>-mavx2 -mfma</c> and with <c>-msse4.2</c> (RTNeural's headers with xsimd 8.1, Google Benchmark, the
        /// median of three processes each, 2026-12-02, load 0.4-1.0; see benchmarks/README.md). Zen 3: issues #9 and #13.
        /// </remarks>
        public RtNeuralReference? RtNeural => (Family, Model, WidestBits) switch
        {
            (26, 2, 512) => new RtNeuralReference("AMD Zen 5, AVX-512", XorNs: 15.0, GameNs: 74.4, GruStepNs: 59.8, LstmStepNs: 119.5),
            (26, 2, 256) => new RtNeuralReference("AMD Zen 5, AVX2 build", XorNs: 16.1, GameNs: 122.2, GruStepNs: 88.0, LstmStepNs: 128.0),
            (26, 2, 128) => new RtNeuralReference("AMD Zen 5, SSE4.2 build", XorNs: 20.4, GameNs: 190.8, GruStepNs: 149.2, LstmStepNs: 221.2),
            (25, 1, 256) => new RtNeuralReference("AMD Zen 3, AVX2", XorNs: 22.8, GameNs: 195, GruStepNs: 113, LstmStepNs: 156),
            _ => null,
        };

        /// <summary>The widest vector width this process accelerates, in bits.</summary>
        public static int WidestBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

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

    /// <summary>
    /// RTNeural's times (ns) on one kind of CPU and vector width: batch-1 forward of Xor and Game, one streaming step of
    /// GRU(8→16)+Dense(16→1) and LSTM(8→16)+Dense(16→1); the figures those rows must beat.
    /// </summary>
    public sealed record RtNeuralReference(string Machine, double XorNs, double GameNs, double GruStepNs, double LstmStepNs);
}
