using System;
using Compiled.Training;

namespace Compiled.Runtime.Tests.Training.Fakes
{
    /// <summary>Counts reports without allocating; optionally runs a callback per report.</summary>
    internal sealed class CountingProgress : IProgress<TrainingProgress>
    {
        public int BatchReports { get; private set; }

        public int EpochReports { get; private set; }

        public TrainingProgress Last { get; private set; }

        public Action<TrainingProgress>? OnReport { get; init; }

        public void Report(TrainingProgress value)
        {
            if (value.Kind == TrainingProgressKind.Batch)
            {
                BatchReports++;
            }
            else
            {
                EpochReports++;
            }

            Last = value;
            OnReport?.Invoke(value);
        }
    }

    /// <summary>Keeps every report.</summary>
    internal sealed class ListProgress : IProgress<TrainingProgress>
    {
        public System.Collections.Generic.List<TrainingProgress> Reports { get; } = new();

        public void Report(TrainingProgress value) => Reports.Add(value);
    }
}
