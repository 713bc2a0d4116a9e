namespace Compiled.Data
{
    /// <summary>How <see cref="Csv"/> reads a numeric CSV file.</summary>
    public sealed class CsvOptions
    {
        /// <summary>The field separator; a comma by default (use <c>';'</c> or <c>'\t'</c> for other files).</summary>
        public char Separator { get; init; } = ',';

        /// <summary>The number of lines to skip at the start of the file, such as 1 for a header line with column names.</summary>
        public int HeaderLines { get; init; }

        /// <summary>
        /// The 0-based column that holds the class label (a non-negative integer); negative values count from the end, so
        /// -1 is the last column. <see langword="null"/> (the default) means the last column. Every other column is a feature.
        /// Not allowed together with <see cref="TargetColumns"/>.
        /// </summary>
        public int? LabelColumn { get; init; }

        /// <summary>
        /// When positive, the file has no label: its last <see cref="TargetColumns"/> columns are the target vector (for
        /// regression) and the others the features. 0 (the default) reads a label column instead.
        /// </summary>
        public int TargetColumns { get; init; }

        /// <summary>Whether <c>NaN</c> and infinities are accepted; by default they are errors (they usually mean missing data).</summary>
        public bool AllowNonFinite { get; init; }
    }
}
