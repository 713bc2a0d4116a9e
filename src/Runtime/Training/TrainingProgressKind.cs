namespace Compiled.Training
{
    /// <summary>What a <see cref="TrainingProgress"/> report marks.</summary>
    public enum TrainingProgressKind
    {
        /// <summary>A batch was trained (sent after its optimizer step).</summary>
        Batch = 0,

        /// <summary>An epoch ended; the report carries the epoch's final training metrics and its validation metrics.</summary>
        EpochEnd = 1,
    }
}
