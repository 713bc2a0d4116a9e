// Digits: classify 8x8 handwritten digits with a small network, then save it, reload it and check the reloaded copy.
//
// Run it with:  dotnet run -c Release --project samples/Digits
//
// The data (1,797 digits, see samples/data/README.md) ships with the sample, so this runs anywhere in a few seconds.

using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Compiled;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Serialization;
using Compiled.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // print 0.9731, never 0,9731

// 1. Data: each CSV row is 64 pixel intensities (0 to 16, row by row) followed by the digit, 0 to 9.
Dataset digits = Csv.Read(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
Normalization.Scale(digits, 1f / 16); // pixels to [0, 1]

// Hold out 20% of every digit for testing; the same seed always gives the same split.
(Dataset train, Dataset test) = digits.StratifiedSplit(validationFraction: 0.2, seed: 42);
Console.WriteLine($"{digits.Count} digits: {train.Count} to train on, {test.Count} held out to test");

// 2. Network: DigitsNetwork is declared at the bottom of this file; its constructor initialises the parameters
//    deterministically (from DigitsNetwork.DefaultSeed).
var network = new DigitsNetwork();
Console.WriteLine($"network: {DigitsNetwork.Architecture}, {DigitsNetwork.ParameterCount:N0} parameters");
Console.WriteLine();

// 3. Train: Adam, mini-batches of 32, 30 passes over the training set. The test set is evaluated after every epoch.
var trainer = new Trainer(new TrainerOptions { Epochs = 30, BatchSize = 32, Seed = 42 });
TrainingHistory history = trainer.Fit(network, new Adam(learningRate: 1e-3f), train, validation: test);

Console.WriteLine("epoch  train loss  train acc  test loss  test acc");
foreach (EpochResult epoch in history.Epochs)
{
    if (epoch.Epoch == 1 || epoch.Epoch % 5 == 0)
    {
        Console.WriteLine($"{epoch.Epoch,5}  {epoch.TrainLoss,10:F4}  {100 * epoch.TrainAccuracy,8:F1}%  {epoch.ValidationLoss,9:F4}  {100 * epoch.ValidationAccuracy,7:F1}%");
    }
}

Console.WriteLine($"trained in {history.Elapsed.TotalSeconds:F2} s ({history.Epochs[^1].SamplesPerSecond:N0} samples/s)");
Console.WriteLine();

// 4. Save the model, then load it into a new, untrained network.
//    The file goes next to the program, in bin/Release/net10.0/out/, whatever the working directory.
string modelPath = Path.Combine(AppContext.BaseDirectory, "out", "digits.cmpl");
Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
ModelFile.Save(network, modelPath);
Console.WriteLine($"saved {new FileInfo(modelPath).Length:N0} bytes to {modelPath}");

var reloaded = new DigitsNetwork();
ModelFile.Load(reloaded, modelPath);

// Run both networks over the whole test set in one batch and compare the outputs bit for bit.
float[] outputs = new float[test.Count * DigitsNetwork.OutputSize];
float[] reloadedOutputs = new float[outputs.Length];
network.ForwardBatch(test.Features, outputs, test.Count);
reloaded.ForwardBatch(test.Features, reloadedOutputs, test.Count);
bool identical = MemoryMarshal.AsBytes(outputs.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(reloadedOutputs.AsSpan()));
Console.WriteLine(identical
    ? $"reloaded model: all {outputs.Length:N0} test outputs are bit-for-bit identical to the trained network's"
    : "reloaded model: outputs DIFFER from the trained network's");
Console.WriteLine();

// 5. Look at the predictions: a few test digits, then the confusion matrix.
int[] predicted = new int[test.Count];
for (int i = 0; i < test.Count; i++)
{
    predicted[i] = ArgMax(outputs.AsSpan(i * DigitsNetwork.OutputSize, DigitsNetwork.OutputSize));
}

// The first four test digits, and the first mistake if there is one after them.
int mistake = 4;
for (int i = 4; i < test.Count; i++)
{
    if (predicted[i] != test.Labels![i])
    {
        mistake = i;
        break;
    }
}

int[] shown = [0, 1, 2, 3, mistake];
PrintDigits(test, shown, predicted, outputs);
PrintConfusionMatrix(test.Labels!, predicted);

double accuracy = Trainer.Evaluate(network, test).Accuracy!.Value;
Console.WriteLine($"test accuracy: {accuracy:F4}");
return identical ? 0 : 1;

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++)
    {
        if (values[i] > values[best])
        {
            best = i;
        }
    }

    return best;
}

// Draws the chosen 8x8 test images side by side in text, each with its label, the prediction and its probability.
static void PrintDigits(Dataset test, int[] samples, int[] predicted, float[] outputs)
{
    Console.WriteLine("a few test digits: true digit -> predicted digit (probability)");
    const string shades = " .:-=+*#%@";
    for (int row = 0; row < 8; row++)
    {
        foreach (int sample in samples)
        {
            ReadOnlySpan<float> pixels = test.GetFeatures(sample);
            for (int column = 0; column < 8; column++)
            {
                char shade = shades[(int)MathF.Round(pixels[(row * 8) + column] * (shades.Length - 1))];
                Console.Write(new string(shade, 2));
            }

            Console.Write("    ");
        }

        Console.WriteLine();
    }

    foreach (int sample in samples)
    {
        int guess = predicted[sample];
        float probability = outputs[(sample * DigitsNetwork.OutputSize) + guess];
        string mark = guess == test.Labels![sample] ? string.Empty : " WRONG";
        Console.Write($"{$"{test.Labels[sample]} -> {guess} ({probability * 100:F0}%){mark}",-20}");
    }

    Console.WriteLine();
    Console.WriteLine();
}

// Rows are the true digits, columns the predicted ones: every count off the diagonal is a mistake.
static void PrintConfusionMatrix(int[] labels, int[] predicted)
{
    var counts = new int[10, 10];
    for (int i = 0; i < labels.Length; i++)
    {
        counts[labels[i], predicted[i]]++;
    }

    Console.WriteLine("confusion matrix (rows: true digit, columns: predicted digit)");
    Console.WriteLine("       0   1   2   3   4   5   6   7   8   9  accuracy");
    for (int digit = 0; digit < 10; digit++)
    {
        Console.Write($"  {digit} ");
        int total = 0;
        for (int guess = 0; guess < 10; guess++)
        {
            total += counts[digit, guess];
            Console.Write(counts[digit, guess] == 0 ? "   ." : $"{counts[digit, guess],4}");
        }

        Console.WriteLine($"  {100.0 * counts[digit, digit] / total,7:F1}%");
    }

    Console.WriteLine();
}

/// <summary>64 pixels in, 64 ReLU hidden units, a softmax over the 10 digits; trained with cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class DigitsNetwork
{
}
