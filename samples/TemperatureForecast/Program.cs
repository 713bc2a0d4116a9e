// TemperatureForecast: a causal 1-D convolution stack reads the last 48 hours of Seattle's air temperature and
// forecasts the next hour, as a sensor or audio model would read a window of samples.
//
// Run it with:  dotnet run -c Release --project samples/TemperatureForecast
//
// The series is NOAA's hourly temperature in Seattle during 2010 (../data/seattle-temps.csv.gz, 8,759 hours; the one
// hour skipped where daylight saving time starts is ignored). It is split in time, never shuffled across the splits:
// the first 70% of the year trains, the next 15% validates (early stopping) and the last 15% (mid-November to
// December) tests. Every sample is a window of 48 consecutive hours and the hour right after it; a window may reach
// back into the previous split for its inputs (they are the past, known at forecast time) but every target lies in its
// own split, and the normalisation uses the training part only.
//
// The network forecasts the change over the next hour, which is added to the last reading: a network that outputs 0
// is the naive "same as the last hour" forecast (persistence), the baseline it must beat. Causal convolutions pad on
// the left only, so position t of every layer sees hours up to t; the dilations 1, 2 and 4 widen what one position sees
// to 15 hours, and the dense layer reads all 48 positions of the last one.
//
// At the end it times Forward on one window: the generated code allocates nothing per call, which it checks.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Compiled;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // print 0.4321, never 0,4321

const int Window = 48;
const int Seed = 7;

float[] series = ReadTemperatures(Path.Combine(AppContext.BaseDirectory, "data", "seattle-temps.csv.gz"));
int trainEnd = (int)(series.Length * 0.70), validationEnd = (int)(series.Length * 0.85);

// Normalisation from the training hours only: inputs as z-scores of the temperature, targets as the next hour's change
// divided by the typical hourly change.
(double mean, double std) = MeanAndStd(series.AsSpan(0, trainEnd));
var changes = new float[trainEnd - 1];
for (int t = 1; t < trainEnd; t++)
{
    changes[t - 1] = series[t] - series[t - 1];
}

(_, double changeStd) = MeanAndStd(changes);

Dataset train = Windows(Window, trainEnd);
Dataset validation = Windows(trainEnd, validationEnd);
Dataset test = Windows(validationEnd, series.Length);
Console.WriteLine($"{series.Length:N0} hourly temperatures, {series.Min():F1} to {series.Max():F1} F; windows of {Window} hours");
Console.WriteLine($"chronological split: {train.Count:N0} training, {validation.Count:N0} validation, {test.Count:N0} test forecasts");

var network = new TemperatureConv();
Console.WriteLine($"network: {TemperatureConv.Architecture}, {TemperatureConv.ParameterCount:N0} parameters");
network.InitializeParameters(Seed);

var trainer = new Trainer(new TrainerOptions
{
    Epochs = 60,
    BatchSize = 32,
    Seed = Seed,
    EarlyStopping = new EarlyStopping { Metric = EarlyStoppingMetric.ValidationLoss, Patience = 8 },
});
TrainingHistory history = trainer.Fit(network, new Adam(learningRate: 1e-3f), train, validation);
Console.WriteLine($"trained {history.Epochs.Count} epochs in {history.Elapsed.TotalSeconds:F1} s (Adam 0.001, batches of 32, early stopping on"
    + $" the validation loss); best epoch {history.BestEpoch}, whose parameters are kept");

// Test: the forecast is the last reading plus the predicted change; persistence is the last reading alone.
var predicted = new float[test.Count];
network.ForwardBatch(test.Features, predicted, test.Count);
double modelSquares = 0, persistenceSquares = 0, trendSquares = 0;
for (int i = 0; i < test.Count; i++)
{
    int t = validationEnd + i;
    double forecast = series[t - 1] + predicted[i] * changeStd;
    modelSquares += (forecast - series[t]) * (forecast - series[t]);
    persistenceSquares += (series[t - 1] - series[t]) * (series[t - 1] - series[t]);
    double trend = 2.0 * series[t - 1] - series[t - 2]; // the last hour's change again
    trendSquares += (trend - series[t]) * (trend - series[t]);
}

double modelRmse = Math.Sqrt(modelSquares / test.Count), persistenceRmse = Math.Sqrt(persistenceSquares / test.Count);
Console.WriteLine($"test RMSE over the last {test.Count:N0} hours: network {modelRmse:F4} F, persistence (last value) {persistenceRmse:F4} F,"
    + $" {100 * (1 - modelRmse / persistenceRmse):F1}% lower");
Console.WriteLine($"(for scale: repeating the last hour's change gives {Math.Sqrt(trendSquares / test.Count):F4} F; this series is smooth, so simple"
    + " extrapolation already does well)");

// Inference on one window, as a device would run it on every new reading: no allocation per call.
ReadOnlySpan<float> oneWindow = test.GetFeatures(0);
Span<float> output = stackalloc float[1];
for (int i = 0; i < 10_000; i++)
{
    network.Forward(oneWindow, output); // warm-up: tiered JIT
}

const int Calls = 200_000;
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
long start = Stopwatch.GetTimestamp();
for (int i = 0; i < Calls; i++)
{
    network.Forward(oneWindow, output);
}

TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
Console.WriteLine($"Forward on one window: {elapsed.TotalNanoseconds / Calls:F0} ns per call, {allocated} bytes allocated in {Calls:N0} calls"
    + " (indicative, a plain loop on a shared machine, not a benchmark)");

Console.WriteLine($"test RMSE: {modelRmse:F4} F, persistence: {persistenceRmse:F4} F");
return 0;

// The samples whose targets are the hours [from, to): inputs the 48 hours before each, normalised.
Dataset Windows(int from, int to)
{
    int count = to - from;
    var features = new float[count * Window];
    var targets = new float[count];
    for (int i = 0; i < count; i++)
    {
        int t = from + i;
        for (int k = 0; k < Window; k++)
        {
            features[i * Window + k] = (float)((series[t - Window + k] - mean) / std);
        }

        targets[i] = (float)((series[t] - series[t - 1]) / changeStd);
    }

    return Dataset.FromTargets(features, Window, targets, 1);
}

// Reads the "date,temp" CSV (one row per hour, "2010/01/01 00:00,39.4"): the temperatures in order.
static float[] ReadTemperatures(string path)
{
    using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    var values = new List<float>();
    reader.ReadLine(); // header
    while (reader.ReadLine() is string line)
    {
        values.Add(float.Parse(line.AsSpan(line.IndexOf(',') + 1), CultureInfo.InvariantCulture));
    }

    return values.ToArray();
}

static (double Mean, double Std) MeanAndStd(ReadOnlySpan<float> values)
{
    double sum = 0, squares = 0;
    foreach (float value in values)
    {
        sum += value;
        squares += (double)value * value;
    }

    double mean = sum / values.Length;
    return (mean, Math.Sqrt(squares / values.Length - mean * mean));
}

/// <summary>
/// Three causal convolutions with dilations 1, 2 and 4 over (1 channel, 48 hours), 8 channels each, then one linear
/// output: the next hour's change in temperature (normalised). Causal padding keeps the length at 48.
/// </summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1, 48)]
[Conv1D(8, 3, Activation.ReLU, Causal = true)]
[Conv1D(8, 3, Activation.ReLU, Causal = true, Dilation = 2)]
[Conv1D(8, 3, Activation.ReLU, Causal = true, Dilation = 4)]
[Flatten]
[Dense(1)]
public partial class TemperatureConv
{
}
