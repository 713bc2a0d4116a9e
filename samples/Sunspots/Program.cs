// Sunspots: a recurrent network forecasts next year's mean sunspot number from the 20 years before it.
//
// Run it with:  dotnet run -c Release --project samples/Sunspots
//
// 1. The yearly series 1700-2008 (data/sunspots.csv, public domain) becomes windows of 20 years (the input, a sequence
//    [Input(20, 1)]: 20 steps of one feature) and the year after (the target). The last 40 years are the test set.
// 2. A GRU reads each window from a zero state; a Dense turns its last hidden state into the forecast. Trained with Adam
//    and the mean squared error, exact backpropagation through the 20 steps.
// 3. The test error against the naive forecast "next year = this year".
// 4. Streaming: the same network, one year at a time through its generated State and Step, as a real-time caller would
//    run it; after 20 steps from a reset state it forecasts exactly what Forward does for the window.

using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Compiled;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int window = SunspotForecaster.InputSize; // 20 years, one value each
const int testYears = 40;
float[] series = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "sunspots.csv"))
    .Skip(1)
    .Select(line => float.Parse(line.Split(',')[1], CultureInfo.InvariantCulture))
    .ToArray();

// Scaled by the training years' mean and standard deviation (computed without the test years).
int trainEnd = series.Length - testYears;
double mean = series.Take(trainEnd).Average();
double std = Math.Sqrt(series.Take(trainEnd).Select(v => (v - mean) * (v - mean)).Average());
float[] scaled = series.Select(v => (float)((v - mean) / std)).ToArray();

// Windows of 20 years and the year after: the training windows end before the test years; the test windows' targets
// are the 40 test years (their inputs reach back into the training years, as a forecast in 1969 would).
Dataset train = SequenceWindows.Create(scaled.AsSpan(0, trainEnd), features: 1, window);
Dataset test = SequenceWindows.Create(scaled.AsSpan(trainEnd - window), features: 1, window);

var network = new SunspotForecaster();
network.InitializeParameters(seed: 3);
var trainer = new Trainer(new TrainerOptions { Epochs = 150, BatchSize = 16, Seed = 3, TrackTrainingAccuracy = false });
TrainingHistory history = trainer.Fit(network, new Adam(learningRate: 0.005f), train);
Console.WriteLine($"{SunspotForecaster.Architecture}: {SunspotForecaster.ParameterCount} parameters, {train.Count} training windows, {history.Epochs.Count} epochs in {history.Elapsed.TotalSeconds:F1} s");

// Test error in sunspots (unscaled), against "next year = this year".
Span<float> forecast = stackalloc float[1];
double squared = 0, naiveSquared = 0;
for (int i = 0; i < test.Count; i++)
{
    network.Forward(test.GetFeatures(i), forecast);
    int t = trainEnd + i;
    double predicted = (forecast[0] * std) + mean;
    squared += (predicted - series[t]) * (predicted - series[t]);
    naiveSquared += (series[t - 1] - series[t]) * (series[t - 1] - series[t]);
}

double rmse = Math.Sqrt(squared / test.Count);
double naive = Math.Sqrt(naiveSquared / test.Count);

// Streaming: one year at a time. Each forecast restarts from a zero state and feeds the 20 years of its window.
var state = default(SunspotForecaster.State);
Span<float> step = stackalloc float[SunspotForecaster.StepOutputSize];
double largestDifference = 0;
for (int i = 0; i < test.Count; i++)
{
    state.Reset();
    ReadOnlySpan<float> years = test.GetFeatures(i);
    for (int y = 0; y < window; y++)
    {
        network.Step(years.Slice(y, 1), step, ref state);
    }

    network.Forward(years, forecast);
    largestDifference = Math.Max(largestDifference, Math.Abs(step[0] - forecast[0]));
}

Console.WriteLine($"streaming: {test.Count} forecasts of 20 steps each through Step; largest difference from Forward {largestDifference:E1}");
Console.WriteLine($"test years {series.Length - testYears + 1700}-2008: naive RMSE {naive:F4}, GRU RMSE {rmse:F4}");

/// <summary>20 years of one value each, a GRU of 16, its last hidden state to the forecast.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(20, 1)]
[GRU(16)]
[Dense(1)]
public partial class SunspotForecaster
{
}
