// FashionMnist: a 784-128-10 network learns to tell apart 10 kinds of clothing from 28x28 greyscale images.
//
// Run it with:  dotnet run -c Release --project samples/FashionMnist [-- --data DIR]
//
// It reads Fashion-MNIST (60,000 training and 10,000 test images) from /usr/share/datasets/fashion-mnist, where the
// Debian package dataset-fashion-mnist installs it, or from the folder given with --data. Without it, it explains how
// to get it and runs the same pipeline on the small digits data set that ships with the samples instead.
//
// Training shows a live progress bar (ConsoleProgressBar.cs); at the end the model and an SVG of the training curves
// (TrainingCurves.cs) are written to out/ next to the program.

using System;
using System.Globalization;
using System.IO;
using Compiled;
using Compiled.Data;
using FashionMnist;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // print 0.8731, never 0,8731

string dataFolder = FashionMnistFiles.DefaultFolder;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--data" && i + 1 < args.Length)
    {
        dataFolder = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: FashionMnist [--data DIR]   (DIR holds the four Fashion-MNIST IDX files, gzipped or not)");
        return 2;
    }
}

string[]? paths = FashionMnistFiles.Find(dataFolder);

double accuracy;
if (paths is not null)
{
    // The IDX files hold bytes 0..255; scaleToUnitRange divides them by 255, as torchvision's ToTensor does.
    Console.WriteLine($"Fashion-MNIST from {dataFolder}");
    Dataset train = Idx.ReadDataset(paths[0], paths[1], scaleToUnitRange: true);
    Dataset test = Idx.ReadDataset(paths[2], paths[3], scaleToUnitRange: true);
    string[] classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    accuracy = Pipeline.Run(new FashionMlp(), train, test, classes, epochs: 5, "fashion-mnist");
}
else
{
    Console.WriteLine("Meanwhile, here is the same pipeline on the 8x8 digits that ship with the samples (a network with 64 inputs).");
    Console.WriteLine();

    Dataset digits = Csv.Read(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
    Normalization.Scale(digits, 1f / 16);
    (Dataset train, Dataset test) = digits.StratifiedSplit(validationFraction: 0.2, seed: 42);
    string[] classes = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    // The digits set is 40 times smaller than Fashion-MNIST, so it needs more epochs for as many optimizer steps.
    accuracy = Pipeline.Run(new DigitsMlp(), train, test, classes, epochs: 30, "digits");
}

Console.WriteLine($"test accuracy: {accuracy:F4}");
return 0;

/// <summary>The network of this sample: 784 pixels, 128 ReLU hidden units, a softmax over the 10 classes.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class FashionMlp
{
}

/// <summary>The same network shaped for the 64 pixels of the 8x8 digits, used when Fashion-MNIST is not installed.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class DigitsMlp
{
}
