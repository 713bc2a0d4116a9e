using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace Compiled.Data
{
    /// <summary>
    /// Reads numeric CSV files into a <see cref="Dataset"/>: one sample per line, features then (by default) a class label
    /// in the last column, or a target vector in the last columns.
    /// </summary>
    /// <remarks>
    /// Numbers use the invariant culture (<c>1.5</c>, <c>-2e-3</c>); fields may be surrounded by spaces or double
    /// quotes; blank lines are skipped; gzip-compressed files are decompressed transparently (recognised by their magic
    /// bytes). Every row must have the same number of fields. Errors are <see cref="DataFormatException"/>s giving the
    /// file, the 1-based line and the 1-based column.
    /// </remarks>
    public static class Csv
    {
        /// <summary>Reads a numeric CSV file (plain or gzip-compressed) into a data set.</summary>
        /// <param name="path">The file.</param>
        /// <param name="options">Separator, header lines, label or target columns; defaults: comma, no header, label last.</param>
        /// <returns>The data set.</returns>
        /// <exception cref="ArgumentException">The options are inconsistent.</exception>
        /// <exception cref="DataFormatException">A value is not a number, a row has the wrong number of fields, a label is invalid, or there are no rows.</exception>
        /// <exception cref="IOException">The file cannot be opened or read.</exception>
        public static Dataset Read(string path, CsvOptions? options = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(stream, options, path);
        }

        /// <summary>Reads numeric CSV from a stream (plain or gzip-compressed, UTF-8) into a data set.</summary>
        /// <param name="stream">The stream, left open.</param>
        /// <param name="options">Separator, header lines, label or target columns.</param>
        /// <param name="sourceName">A name for error messages, such as the file name.</param>
        /// <returns>The data set.</returns>
        /// <exception cref="ArgumentException">The options are inconsistent.</exception>
        /// <exception cref="DataFormatException">The data is malformed.</exception>
        public static Dataset Read(Stream stream, CsvOptions? options = null, string? sourceName = null)
        {
            ArgumentNullException.ThrowIfNull(stream);
            Stream data = Decompression.OpenMaybeGzip(stream, out _);
            try
            {
                using var reader = new StreamReader(data, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
                return Read(reader, options, sourceName);
            }
            catch (InvalidDataException exception)
            {
                throw new DataFormatException($"{Describe(sourceName)} has invalid gzip data: {exception.Message.TrimEnd('.')}.", sourceName, null, null, exception);
            }
            finally
            {
                if (!ReferenceEquals(data, stream))
                {
                    data.Dispose();
                }
            }
        }

        /// <summary>Reads numeric CSV text into a data set.</summary>
        /// <param name="reader">The text, read to its end; left open.</param>
        /// <param name="options">Separator, header lines, label or target columns.</param>
        /// <param name="sourceName">A name for error messages, such as the file name.</param>
        /// <returns>The data set.</returns>
        /// <exception cref="ArgumentException">The options are inconsistent.</exception>
        /// <exception cref="DataFormatException">The data is malformed.</exception>
        public static Dataset Read(TextReader reader, CsvOptions? options = null, string? sourceName = null)
        {
            ArgumentNullException.ThrowIfNull(reader);
            options ??= new CsvOptions();
            ArgumentOutOfRangeException.ThrowIfNegative(options.HeaderLines, nameof(options));
            ArgumentOutOfRangeException.ThrowIfNegative(options.TargetColumns, nameof(options));
            if (options.TargetColumns > 0 && options.LabelColumn is not null)
            {
                throw new ArgumentException($"{nameof(CsvOptions.LabelColumn)} and {nameof(CsvOptions.TargetColumns)} cannot both be set: a data set has either labels or targets.", nameof(options));
            }

            if (options.Separator is '"' or '\r' or '\n' or '.' or '-' or '+' || char.IsAsciiDigit(options.Separator))
            {
                throw new ArgumentException($"'{options.Separator}' cannot separate numeric fields.", nameof(options));
            }

            string source = Describe(sourceName);
            var features = new List<float>();
            var labels = new List<int>();
            var targets = new List<float>();
            int columns = -1;
            long firstRow = 0;
            int labelIndex = -1;
            long lineNumber = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                if (lineNumber <= options.HeaderLines || string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                ReadOnlySpan<char> rest = line;
                if (columns < 0)
                {
                    columns = rest.Count(options.Separator) + 1;
                    firstRow = lineNumber;
                    if (options.TargetColumns > 0)
                    {
                        if (columns <= options.TargetColumns)
                        {
                            throw Error(sourceName, lineNumber, null, $"has {columns} columns, but {options.TargetColumns} target columns and at least one feature need {options.TargetColumns + 1}");
                        }
                    }
                    else
                    {
                        int requested = options.LabelColumn ?? -1;
                        labelIndex = requested < 0 ? columns + requested : requested;
                        if (labelIndex < 0 || labelIndex >= columns)
                        {
                            throw Error(sourceName, lineNumber, null, $"has {columns} columns, so there is no label column {requested}");
                        }

                        if (columns < 2)
                        {
                            throw Error(sourceName, lineNumber, null, "has a single column: there is a label but no feature (check the separator)");
                        }
                    }
                }

                int column = 0;
                int targetStart = options.TargetColumns > 0 ? columns - options.TargetColumns : int.MaxValue;
                while (true)
                {
                    int end = rest.IndexOf(options.Separator);
                    ReadOnlySpan<char> field = end < 0 ? rest : rest.Slice(0, end);
                    if (column >= columns)
                    {
                        throw Error(sourceName, lineNumber, column + 1, $"has more fields than the {columns} of line {firstRow}");
                    }

                    field = Unquote(field.Trim());
                    if (column == labelIndex)
                    {
                        labels.Add(ParseLabel(field, sourceName, lineNumber, column + 1));
                    }
                    else
                    {
                        float value = ParseNumber(field, options, sourceName, lineNumber, column + 1);
                        (column >= targetStart ? targets : features).Add(value);
                    }

                    column++;
                    if (end < 0)
                    {
                        break;
                    }

                    rest = rest.Slice(end + 1);
                }

                if (column != columns)
                {
                    throw Error(sourceName, lineNumber, column, $"has {column} fields but line {firstRow} has {columns}");
                }
            }

            if (columns < 0)
            {
                throw new DataFormatException($"{source} has no data rows.", sourceName);
            }

            if (options.TargetColumns > 0)
            {
                return Dataset.FromTargets(features.ToArray(), columns - options.TargetColumns, targets.ToArray(), options.TargetColumns);
            }

            return Dataset.FromLabels(features.ToArray(), columns - 1, labels.ToArray());
        }

        private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field) =>
            field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Trim() : field;

        private static float ParseNumber(ReadOnlySpan<char> field, CsvOptions options, string? name, long line, int column)
        {
            if (field.IsEmpty)
            {
                throw Error(name, line, column, "has an empty field where a number is expected");
            }

            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            {
                string hint = line == 1 && options.HeaderLines == 0 ? $" (if the first line holds column names, set {nameof(CsvOptions)}.{nameof(CsvOptions.HeaderLines)} = 1)" : string.Empty;
                throw Error(name, line, column, $"has '{field.ToString()}', which is not a number{hint}");
            }

            if (!options.AllowNonFinite && !float.IsFinite(value))
            {
                throw Error(name, line, column, $"has '{field.ToString()}', which is not a finite float (set {nameof(CsvOptions)}.{nameof(CsvOptions.AllowNonFinite)} to accept it)");
            }

            return value;
        }

        private static int ParseLabel(ReadOnlySpan<char> field, string? name, long line, int column)
        {
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || value > int.MaxValue || value != Math.Floor(value))
            {
                throw Error(name, line, column, $"has the label '{field.ToString()}', which is not a non-negative integer class index");
            }

            return (int)value;
        }

        private static DataFormatException Error(string? name, long line, int? column, string problem)
        {
            string where = column is null ? $"line {line}" : $"line {line}, column {column}";
            return new DataFormatException($"{Describe(name)}, {where}: the row {problem}.", name, line, column);
        }

        private static string Describe(string? name) => name is null ? "The CSV data" : $"The CSV file '{name}'";
    }
}
