using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Compiled.Training;

namespace FashionMnist;

/// <summary>Draws the loss and accuracy of every epoch as a small self-contained SVG file (no plotting library needed).</summary>
internal static class TrainingCurves
{
    private const double PanelWidth = 420, PanelHeight = 280, Left = 56, Right = 16, Top = 40, Bottom = 44;
    private const string TrainColour = "#1f77b4", TestColour = "#ff7f0e";

    /// <summary>Writes two charts side by side: loss per epoch, and accuracy per epoch, each for training and test.</summary>
    public static void WriteSvg(string path, TrainingHistory history, string title)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{2 * PanelWidth}\" height=\"{PanelHeight + 30}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(Invariant($"<text x=\"{PanelWidth}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n"));

        var trainLoss = new List<double>();
        var testLoss = new List<double>();
        var trainAccuracy = new List<double>();
        var testAccuracy = new List<double>();
        foreach (EpochResult epoch in history.Epochs)
        {
            trainLoss.Add(epoch.TrainLoss);
            testLoss.Add(epoch.ValidationLoss ?? double.NaN);
            trainAccuracy.Add(epoch.TrainAccuracy ?? double.NaN);
            testAccuracy.Add(epoch.ValidationAccuracy ?? double.NaN);
        }

        Panel(svg, 0, "loss (cross-entropy)", trainLoss, testLoss, percent: false);
        Panel(svg, PanelWidth, "accuracy", trainAccuracy, testAccuracy, percent: true);
        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }

    private static void Panel(StringBuilder svg, double x0, string name, List<double> train, List<double> test, bool percent)
    {
        int epochs = train.Count;
        double plotWidth = PanelWidth - Left - Right, plotHeight = PanelHeight - Top - Bottom;
        double left = x0 + Left, top = Top + 30, bottom = top + plotHeight;

        // The vertical range: the data's, widened to whole steps of a round size (1, 2 or 5 times a power of ten).
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        foreach (double value in train.Concat(test))
        {
            if (double.IsFinite(value))
            {
                low = Math.Min(low, value);
                high = Math.Max(high, value);
            }
        }

        if (!(high > low))
        {
            (low, high) = double.IsFinite(low) ? (low - 0.5, high + 0.5) : (0, 1);
        }

        double step = RoundStep((high - low) / 5);
        low = Math.Floor(low / step) * step;
        high = Math.Ceiling(high / step) * step;

        double X(int epoch) => epochs == 1 ? left + (plotWidth / 2) : left + (plotWidth * (epoch - 1) / (epochs - 1));
        double Y(double value) => bottom - (plotHeight * (value - low) / (high - low));

        svg.Append(Invariant($"<text x=\"{left + (plotWidth / 2)}\" y=\"{top - 12}\" text-anchor=\"middle\" font-weight=\"bold\">{name}</text>\n"));

        // Horizontal grid lines with their values, then the epoch ticks.
        for (double value = low; value <= high + (step / 2); value += step)
        {
            string label = percent ? Invariant($"{100 * value:0.#}%") : Invariant($"{value:0.###}");
            svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{Y(value):F1}\" x2=\"{left + plotWidth}\" y2=\"{Y(value):F1}\" stroke=\"#e0e0e0\"/>\n"));
            svg.Append(Invariant($"<text x=\"{left - 6}\" y=\"{Y(value) + 4:F1}\" text-anchor=\"end\" fill=\"#555\">{label}</text>\n"));
        }

        int epochStep = Math.Max(1, (int)RoundStep(epochs / 10.0));
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            if (epoch == 1 || epoch % epochStep == 0)
            {
                svg.Append(Invariant($"<text x=\"{X(epoch):F1}\" y=\"{bottom + 18}\" text-anchor=\"middle\" fill=\"#555\">{epoch}</text>\n"));
            }
        }

        svg.Append(Invariant($"<rect x=\"{left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#999\"/>\n"));
        svg.Append(Invariant($"<text x=\"{left + (plotWidth / 2)}\" y=\"{bottom + 36}\" text-anchor=\"middle\">epoch</text>\n"));

        Series(svg, train, TrainColour, X, Y);
        Series(svg, test, TestColour, X, Y);

        // Legend, at the right of the plot, away from the curves: at the top for the loss (falling curves) and at the
        // bottom for the accuracy (rising ones).
        double legendX = left + plotWidth - 110, legendY = percent ? bottom - 36 : top + 20;
        svg.Append(Invariant($"<rect x=\"{legendX - 8}\" y=\"{legendY - 16}\" width=\"100\" height=\"40\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n"));
        Legend(svg, legendX, legendY, TrainColour, "training");
        Legend(svg, legendX, legendY + 18, TestColour, "test");
    }

    private static void Series(StringBuilder svg, List<double> values, string colour, Func<int, double> x, Func<double, double> y)
    {
        var points = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            if (double.IsFinite(values[i]))
            {
                points.Append(Invariant($"{x(i + 1):F1},{y(values[i]):F1} "));
                svg.Append(Invariant($"<circle cx=\"{x(i + 1):F1}\" cy=\"{y(values[i]):F1}\" r=\"3\" fill=\"{colour}\"/>\n"));
            }
        }

        svg.Append(Invariant($"<polyline points=\"{points.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n"));
    }

    private static void Legend(StringBuilder svg, double x, double y, string colour, string text)
    {
        svg.Append(Invariant($"<line x1=\"{x}\" y1=\"{y - 4}\" x2=\"{x + 24}\" y2=\"{y - 4}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n"));
        svg.Append(Invariant($"<text x=\"{x + 30}\" y=\"{y}\">{text}</text>\n"));
    }

    /// <summary>The smallest of 1, 2 or 5 times a power of ten that is at least <paramref name="rough"/>.</summary>
    private static double RoundStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (double factor in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (factor * power >= rough)
            {
                return factor * power;
            }
        }

        return 10 * power;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
