using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Compiled.Training;

namespace Overfitting;

/// <summary>
/// Draws the training and validation loss of each run in its own panel, side by side, as one small SVG file. The loss
/// axis is logarithmic (a training loss near zero and a validation loss near one fit on the same axis) and shared by
/// every panel, so the panels compare at a glance.
/// </summary>
internal static class LossChart
{
    private const int Width = 400, Height = 318;                  // one panel
    private const int MarginLeft = 60, MarginRight = 14, MarginTop = 74, MarginBottom = 46;
    private const string TrainColour = "#2166ac", ValidationColour = "#d6604d";

    /// <summary>Writes one panel per run, each titled with the run's name.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, TrainingHistory History)> runs, string title)
    {
        // The shared vertical range: whole powers of ten around every finite, positive loss of every run.
        IEnumerable<double> losses = runs.SelectMany(run => run.History.Epochs.SelectMany(e => new[] { e.TrainLoss, e.ValidationLoss ?? double.NaN }));
        double[] positive = losses.Where(loss => double.IsFinite(loss) && loss > 0).ToArray();
        int lowDecade = positive.Length == 0 ? -2 : (int)Math.Floor(Math.Log10(positive.Min()));
        int highDecade = positive.Length == 0 ? 1 : Math.Max(lowDecade + 1, (int)Math.Ceiling(Math.Log10(positive.Max())));

        var svg = new StringBuilder();
        svg.AppendLine(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{runs.Count * Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.AppendLine(F($"<text x=\"{runs.Count * Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">loss per epoch (cross-entropy, log scale): {title}</text>"));
        for (int i = 0; i < runs.Count; i++)
        {
            DrawPanel(svg, i * Width, runs[i].Name, runs[i].History.Epochs, lowDecade, highDecade);
        }

        svg.AppendLine("</svg>");
        File.WriteAllText(path, svg.ToString());
    }

    private static void DrawPanel(StringBuilder svg, int offset, string name, IReadOnlyList<EpochResult> epochs, int lowDecade, int highDecade)
    {
        double left = offset + MarginLeft, right = offset + Width - MarginRight, top = MarginTop, bottom = Height - MarginBottom;

        // Epoch 1 at the left edge, the last epoch at the right; the loss by its logarithm, clamped into the frame.
        double X(int epoch) => left + ((right - left) * (epoch - 1) / Math.Max(1, epochs.Count - 1));
        double Y(double loss)
        {
            double decades = (Math.Log10(Math.Max(loss, Math.Pow(10, lowDecade))) - lowDecade) / (highDecade - lowDecade);
            return bottom - ((bottom - top) * decades);
        }

        svg.AppendLine(F($"<text x=\"{(left + right) / 2}\" y=\"{top - 30}\" text-anchor=\"middle\" font-weight=\"bold\">{name}</text>"));

        // Grid: a labelled line at each power of ten, faint ones at 2x and 5x it.
        for (int decade = lowDecade; decade <= highDecade; decade++)
        {
            foreach (int factor in new[] { 1, 2, 5 })
            {
                double value = factor * Math.Pow(10, decade);
                if (decade == highDecade && factor > 1)
                {
                    break;
                }

                string stroke = factor == 1 ? "#bbb" : "#eee";
                svg.AppendLine(F($"<line x1=\"{left}\" x2=\"{right}\" y1=\"{Y(value):F1}\" y2=\"{Y(value):F1}\" stroke=\"{stroke}\"/>"));
                if (factor == 1)
                {
                    svg.AppendLine(F($"<text x=\"{left - 6}\" y=\"{Y(value) + 4:F1}\" text-anchor=\"end\">{value.ToString("G", CultureInfo.InvariantCulture)}</text>"));
                }
            }
        }

        // Epoch labels: the first, then every 50 (or every tenth of the run, for other lengths).
        int step = Math.Max(1, epochs.Count >= 100 ? 50 : epochs.Count / 10);
        for (int epoch = 1; epoch <= epochs.Count; epoch = epoch == 1 ? step : epoch + step)
        {
            svg.AppendLine(F($"<text x=\"{X(epoch):F1}\" y=\"{bottom + 16}\" text-anchor=\"middle\">{epoch}</text>"));
        }

        svg.AppendLine(F($"<text x=\"{(left + right) / 2}\" y=\"{bottom + 34}\" text-anchor=\"middle\">epoch</text>"));
        svg.AppendLine(F($"<rect x=\"{left}\" y=\"{top}\" width=\"{right - left}\" height=\"{bottom - top}\" fill=\"none\" stroke=\"#666\"/>"));

        svg.AppendLine(Curve(epochs.Select(e => e.TrainLoss), TrainColour, X, Y));
        svg.AppendLine(Curve(epochs.Select(e => e.ValidationLoss ?? double.NaN), ValidationColour, X, Y));

        // A dot on the lowest validation loss, and under the panel's name its value beside the last one: on a log scale
        // a rise after the lowest point is easy to miss.
        int lowest = -1;
        for (int i = 0; i < epochs.Count; i++)
        {
            if (epochs[i].ValidationLoss is double loss && loss > 0 && (lowest < 0 || loss < epochs[lowest].ValidationLoss))
            {
                lowest = i;
            }
        }

        if (lowest >= 0)
        {
            double lowestLoss = epochs[lowest].ValidationLoss!.Value;
            svg.AppendLine(F($"<circle cx=\"{X(lowest + 1):F1}\" cy=\"{Y(lowestLoss):F1}\" r=\"4\" fill=\"{ValidationColour}\"/>"));
            svg.AppendLine(F($"<text x=\"{(left + right) / 2}\" y=\"{top - 10}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{ValidationColour}\">validation loss: lowest {lowestLoss:F3} (epoch {lowest + 1}), last {epochs[^1].ValidationLoss:F3}</text>"));
        }

        // Legend in the lower left corner, where the validation loss never goes and the training loss starts high.
        foreach ((string label, string colour, int row) in new[] { ("training", TrainColour, 0), ("validation", ValidationColour, 1) })
        {
            double y = bottom - 30 + (16 * row);
            svg.AppendLine(F($"<line x1=\"{left + 10}\" x2=\"{left + 30}\" y1=\"{y - 4}\" y2=\"{y - 4}\" stroke=\"{colour}\" stroke-width=\"2\"/>"));
            svg.AppendLine(F($"<text x=\"{left + 36}\" y=\"{y}\">{label}</text>"));
        }
    }

    /// <summary>One loss per epoch as a polyline; epochs without a finite, positive value are left out.</summary>
    private static string Curve(IEnumerable<double> losses, string colour, Func<int, double> x, Func<double, double> y)
    {
        IEnumerable<string> points = losses
            .Select((loss, index) => (loss, epoch: index + 1))
            .Where(point => double.IsFinite(point.loss) && point.loss > 0)
            .Select(point => F($"{x(point.epoch):F1},{y(point.loss):F1}"));
        return F($"<polyline points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
