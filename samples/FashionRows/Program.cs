// FashionRows: an LSTM reads each Fashion-MNIST image one row at a time, the recipe of benchmarks/pytorch/rnn.py.
//
// Run it with:  dotnet run -c Release --project samples/FashionRows [-- --data DIR] [--seed N] [--epochs N]
//
// The classic sequential-image task: a 28x28 image is a sequence of 28 steps of 28 pixels (top row first); an LSTM with
// 128 hidden units reads them and the hidden state after the last row goes through a dense layer to the 10 classes
// (PyTorch: nn.LSTM(28, 128, batch_first=True) then nn.Linear(128, 10) on out[:, -1]). Cross-entropy, Adam with learning
// rate 0.001, batches of 64, 3 epochs, pixels divided by 255 and nothing else. The LSTM is initialised as nn.LSTM
// (weights and biases uniform in +-1/sqrt(128)); the dense layer keeps this library's default (Xavier weights, zero
// bias) rather than nn.Linear's, as the LeNet5 sample does.
//
// PyTorch 1.13 with that recipe (rnn.py, seeds 1, 2, 3): test accuracy 0.8561, 0.8491, 0.8457, median 0.8491.
//
// The network is the same class as the benchmark's LstmTrainStep64 row; trained, it also streams: FashionRows.Step
// classifies an image as its rows arrive (shown at the end). It reads Fashion-MNIST from /usr/share/datasets/fashion-mnist
// (Debian package dataset-fashion-mnist) or from the folder given with --data. Without it, it explains how to get it and
// reads the 8x8 digits that ship with the samples row by row instead (8 steps of 8 pixels).
//
// The training pipeline, progress bar and SVG curves are the FashionMnist sample's files, compiled in here too (see
// FashionRows.csproj); the model and the curves are written to out/ next to the program.

using System;
using System.Globalization;
using System.IO;
using Compiled;
using Compiled.Data;
using FashionMnist;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // print 0.8731, never 0,8731

string dataFolder = FashionMnistFiles.DefaultFolder;
int seed = Pipeline.DefaultSeed;
int epochs = 3;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--data" && i + 1 < args.Length)
    {
        dataFolder = args[++i];
    }
    else if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], out seed))
    {
        i++;
    }
    else if (args[i] == "--epochs" && i + 1 < args.Length && int.TryParse(args[i + 1], out epochs) && epochs > 0)
    {
        i++;
    }
    else
    {
        Console.Error.WriteLine("usage: FashionRows [--data DIR] [--seed N] [--epochs N]   (DIR holds the four Fashion-MNIST IDX files, gzipped or not)");
        return 2;
    }
}

string[]? paths = FashionMnistFiles.Find(dataFolder);

double accuracy;
if (paths is not null)
{
    // The IDX files hold bytes 0..255; scaleToUnitRange divides them by 255. Each image is 784 values, row by row, which is
    // exactly the (28 steps, 28 features) sequence the network declares.
    Console.WriteLine($"Fashion-MNIST from {dataFolder}, read row by row: 28 steps of 28 pixels");
    Dataset train = Idx.ReadDataset(paths[0], paths[1], scaleToUnitRange: true);
    Dataset test = Idx.ReadDataset(paths[2], paths[3], scaleToUnitRange: true);
    string[] classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    var network = new FashionRows();
    accuracy = Pipeline.Run(network, train, test, classes, epochs, "fashion-rows", seed);
    StreamOneImage(network, test, classes);
}
else
{
    Console.WriteLine("Meanwhile, here is the same pipeline on the 8x8 digits that ship with the samples, read row by row");
    Console.WriteLine("(8 steps of 8 pixels) by a smaller LSTM (DigitRows below).");
    Console.WriteLine();

    Dataset digits = Csv.Read(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
    Normalization.Scale(digits, 1f / 16);
    (Dataset train, Dataset test) = digits.StratifiedSplit(validationFraction: 0.2, seed: 42);
    string[] classes = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // The digits set is 40 times smaller than Fashion-MNIST, so it needs more epochs for as many optimizer steps.
    accuracy = Pipeline.Run(new DigitRows(), train, test, classes, epochs: 30, "fashion-rows-digits", seed);
}

Console.WriteLine($"test accuracy: {accuracy:F4}");
return 0;

// The trained network, one row at a time: Step takes a row, carries the LSTM's state in a struct the caller owns, and
// after the 28th row its output is what Forward gives for the whole image. Nothing is allocated per step.
static void StreamOneImage(FashionRows network, Dataset test, string[] classes)
{
    var state = default(FashionRows.State);
    var probabilities = new float[FashionRows.StepOutputSize];
    ReadOnlySpan<float> image = test.Features.AsSpan(0, FashionRows.InputSize);
    Console.Write("streaming the first test image row by row, best guess after rows");
    for (int row = 0; row < 28; row++)
    {
        network.Step(image.Slice(row * FashionRows.StepInputSize, FashionRows.StepInputSize), probabilities, ref state);
        if ((row + 1) % 7 == 0)
        {
            int best = 0;
            for (int c = 1; c < probabilities.Length; c++)
            {
                best = probabilities[c] > probabilities[best] ? c : best;
            }

            Console.Write($" {row + 1}: {classes[best]} ({probabilities[best]:P0})");
        }
    }

    Console.WriteLine($"; label: {classes[test.Labels![0]]}");
    Console.WriteLine();
}

/// <summary>
/// Fashion-MNIST read row by row, as benchmarks/pytorch/rnn.py defines it: (28 steps, 28 pixels) → LSTM(128), the last
/// step's hidden state → Dense(10, Softmax), cross-entropy on the logits.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(28, 28)]
[LSTM(128)]
[Dense(10, Activation.Softmax)]
public partial class FashionRows
{
}

/// <summary>The 8x8 digits read row by row, used when Fashion-MNIST is not installed: (8 steps, 8 pixels) → LSTM(64) → 10.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(8, 8)]
[LSTM(64)]
[Dense(10, Activation.Softmax)]
public partial class DigitRows
{
}
