using System;
using System.Diagnostics;
using Compiled.Training;

namespace FashionMnist;

/// <summary>
/// Shows training progress on the console: a live bar redrawn in place on a terminal, or one line per epoch when the
/// output goes to a file or a pipe.
/// </summary>
/// <remarks>
/// The trainer calls <see cref="Report"/> synchronously after every batch, on the training thread, so this must be
/// cheap: between redraws (at most ten a second) a report only reads the clock and allocates nothing. (The framework's
/// <c>Progress&lt;T&gt;</c> would instead box every report and post it to the thread pool.)
/// </remarks>
internal sealed class ConsoleProgressBar : IProgress<TrainingProgress>
{
    private const int BarWidth = 24;
    private static readonly long RedrawInterval = Stopwatch.Frequency / 10;

    private readonly bool _interactive = !Console.IsOutputRedirected;
    private long _lastDraw;
    private int _lastLength;

    public void Report(TrainingProgress progress)
    {
        if (progress.Kind == TrainingProgressKind.EpochEnd)
        {
            string summary = $"epoch {progress.Epoch}/{progress.EpochCount}  loss {progress.Loss:F4}  acc {Percent(progress.Accuracy)}"
                + $"  |  test loss {progress.ValidationLoss:F4}  acc {Percent(progress.ValidationAccuracy)}"
                + $"  |  {Duration(progress.Elapsed)}, {progress.SamplesPerSecond:N0} samples/s";
            if (_interactive)
            {
                Draw(summary);
                Console.WriteLine();
                _lastLength = 0;
            }
            else
            {
                Console.WriteLine(summary);
            }

            return;
        }

        if (!_interactive)
        {
            return;
        }

        // Redraw at most every 100 ms, and not right at the start of an epoch, when the rate means little yet.
        long now = Stopwatch.GetTimestamp();
        if (progress.Batch == 1)
        {
            _lastDraw = now;
        }

        if (now - _lastDraw < RedrawInterval && progress.Batch < progress.BatchCount)
        {
            return;
        }

        _lastDraw = now;
        double done = (double)progress.SamplesProcessed / progress.SampleCount;
        int filled = (int)(done * BarWidth);
        string bar = new string('=', filled) + (filled < BarWidth ? ">" + new string(' ', BarWidth - filled - 1) : string.Empty);
        Draw($"epoch {progress.Epoch}/{progress.EpochCount} [{bar}] {100 * done,3:F0}%  loss {progress.Loss:F4}  acc {Percent(progress.Accuracy)}  {progress.SamplesPerSecond,9:N0} samples/s");
    }

    private static string Duration(TimeSpan time) => time.TotalSeconds >= 1 ? $"{time.TotalSeconds:F1} s" : $"{time.TotalMilliseconds:F0} ms";

    private static string Percent(double? fraction) => fraction is double value ? $"{100 * value:F1}%" : "-";

    // Goes back to the start of the line, writes the text (cut to the window's width so that it never wraps) and
    // blanks whatever was left of a longer previous line.
    private void Draw(string text)
    {
        int width = WindowWidth();
        if (width > 1 && text.Length >= width)
        {
            text = text.Substring(0, width - 1);
        }

        Console.Write('\r' + text + new string(' ', Math.Max(0, _lastLength - text.Length)));
        _lastLength = text.Length;
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (Exception exception) when (exception is System.IO.IOException or PlatformNotSupportedException)
        {
            return 0;
        }
    }
}
