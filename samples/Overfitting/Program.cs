// Overfitting: a network far bigger than its data learns the training set by heart, and dropout plus weight decay
// hold it back.
//
// Run it with:  dotnet run -c Release --project samples/Overfitting
//
// Three networks of the same 85,002 weights (64 -> 256 -> 256 -> 10) train for 200 epochs on only 300 of the 1,797
// digits and are validated on the other 1,497 after every epoch. What to look for:
// - plain: the training loss falls steadily to 0.0001, three orders of magnitude below the validation loss. The
//   validation loss is lowest at epoch 45 and then creeps up (0.154 to 0.174) while the training loss keeps falling,
//   and the validation accuracy stalls near 96% from epoch 40: the network only grows more confident, also on the
//   digits it gets wrong. That widening gap is over-fitting.
// - regularized: the same network with dropout after each hidden layer and weight decay. Its training loss (measured
//   with dropout on) stays near 0.02, a decade under the validation loss instead of three, and its validation loss
//   keeps improving until about epoch 130 and ends about 20% under the plain network's.
// - + batch norm: the regularized network with batch normalisation after each hidden layer. On batches of 32 out of
//   300 samples its batch statistics are noisy: its validation loss is lowest at epoch 167 (0.141) and ends at 0.161,
//   between the other two. Batch normalisation mostly speeds up and steadies the training of deep networks; as a
//   regularizer of a small one it adds little here.
// The digits are an easy data set: the validation accuracies end within half a point of each other, so watch the
// losses. Measured without dropout, the regularized network fits its 300 digits too (the summary shows both), so what
// regularization buys here is a better validation loss, not a worse fit.
// The curves are also drawn to bin/Release/net10.0/out/overfitting.svg (the path is printed); open it in a browser.
// Everything is seeded, so each run prints the same figures; it takes a few seconds.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Compiled;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;
using Overfitting;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // print 0.9731, never 0,9731
var clock = Stopwatch.StartNew();

const int Seed = 42;             // the split, the initial weights, the shuffling and the dropout masks
const int TrainingSamples = 300; // 30 of each digit
const int Epochs = 200;          // 300 samples in batches of 32: 10 optimizer steps an epoch, 2,000 in all
const int PrintEvery = 10;       // rows of the table

// 1. Data: each CSV row is 64 pixel intensities (0 to 16, row by row) followed by the digit, 0 to 9.
Dataset digits = Csv.Read(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
Normalization.Scale(digits, 1f / 16); // pixels to [0, 1]

// A small training set on purpose: the stratified split's smaller part (30 of each digit) is the one trained on, and
// every other digit validates. Same seed, same split.
(Dataset validation, Dataset train) = digits.StratifiedSplit(validationFraction: (double)TrainingSamples / digits.Count, seed: Seed);
Console.WriteLine($"{digits.Count} digits: {train.Count} to train on, {validation.Count} to validate on");

// 2. The runs to compare: a name, a network (declared at the bottom of this file) and its optimizer. Each run starts
//    from the weights of InitializeParameters(Seed) and trains with the same trainer settings, so the only differences
//    are the ones declared here.
//
//    Weight decay as a PyTorch user would write it: torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1),
//    decoupled weight decay (every step shrinks every parameter, biases included as in PyTorch's default, by
//    lr * weight_decay), rather than Adam with an L2 penalty in the gradient, which Adam's per-parameter scaling
//    weakens exactly for the weights with large gradients.
var runs = new List<Run>
{
    new("plain", new PlainNetwork(), new Adam(learningRate: 1e-3f)),
    new("regularized", new RegularizedNetwork(), new AdamW(learningRate: 1e-3f, weightDecay: 0.1)),
    new("+ batch norm", new BatchNormNetwork(), new AdamW(learningRate: 1e-3f, weightDecay: 0.1)),

    // The table, the summary and the picture take any number of runs: declare a network at the bottom, add a line.
};

foreach (Run run in runs)
{
    run.Network.InitializeParameters(Seed);
}

// Dropout has no parameters, so with one seed the plain and regularized networks start from the very same weights.
foreach (Run run in runs)
{
    bool sameStart = run.Network.Parameters.SequenceEqual(runs[0].Network.Parameters);
    Console.WriteLine($"{run.Name,-12} {run.Network.Architecture}, {run.Network.ParameterCount:N0} parameters, " +
        $"{run.Optimizer.GetType().Name}{(run != runs[0] && sameStart ? $", same initial weights as {runs[0].Name}" : string.Empty)}");
}

Console.WriteLine();

// The training accuracy is not shown, so it is not measured (that saves an extra forward pass per batch).
var trainer = new Trainer(new TrainerOptions { Epochs = Epochs, BatchSize = 32, Seed = Seed, TrackTrainingAccuracy = false });
foreach (Run run in runs)
{
    run.History = trainer.Fit(run.Network, run.Optimizer, train, validation);
}

// 3. The curves side by side. A run's training loss is the mean over each epoch's batches as they were trained, so
//    with dropout it is measured with dropout on (as a PyTorch loop's running loss is); the validation figures are
//    measured after the epoch, with dropout off.
PrintTable(runs, PrintEvery);

// 4. Summary. The gap is measured once more at the end, on both sets, with the trained network at inference (dropout
//    off), so that it compares like with like; the last epoch's training loss as trained (dropout on) is shown beside it.
Console.WriteLine("summary");
foreach (Run run in runs)
{
    IReadOnlyList<EpochResult> epochs = run.History!.Epochs;
    EpochResult best = epochs.MaxBy(epoch => epoch.ValidationAccuracy!.Value); // the first epoch with the best accuracy
    EpochResult lowest = epochs[run.History.BestEpoch - 1];                      // the Trainer's best: lowest validation loss
    double trainLoss = Trainer.Evaluate(run.Network, train).Loss;
    double validationLoss = Trainer.Evaluate(run.Network, validation).Loss;
    Console.WriteLine($"  {run.Name,-12} best validation accuracy {best.ValidationAccuracy:F4} at epoch {best.Epoch}; " +
        $"lowest validation loss {lowest.ValidationLoss:F4} at epoch {lowest.Epoch}, {validationLoss:F4} at the end");
    Console.WriteLine($"  {string.Empty,-12} final gap {validationLoss - trainLoss:F4}: validation loss {validationLoss:F4} - training loss {trainLoss:F4} " +
        $"(as trained: {epochs[^1].TrainLoss:F4})");
}

Console.WriteLine();

// 5. The picture, next to the program whatever the working directory.
string svgPath = Path.Combine(AppContext.BaseDirectory, "out", "overfitting.svg");
Directory.CreateDirectory(Path.GetDirectoryName(svgPath)!);
LossChart.Write(svgPath, runs.Select(run => (run.Name, run.History!)).ToList(), $"{train.Count} training digits, {validation.Count:N0} validation digits");
Console.WriteLine($"curves written to {svgPath}");
Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F2} s");

// The last line, for scripts: each run's final validation accuracy.
Console.WriteLine(string.Join(", ", runs.Select(run => $"{run.Name} validation accuracy: {run.History!.Epochs[^1].ValidationAccuracy:F4}")));

// One table row every `every` epochs (and the first): training loss, validation loss and accuracy of each run.
static void PrintTable(List<Run> runs, int every)
{
    const string Columns = "  train loss  val loss  val acc";
    string names = string.Concat(runs.Select(run => $" |{run.Name.PadLeft((Columns.Length + run.Name.Length) / 2).PadRight(Columns.Length)}"));
    Console.WriteLine(("epoch" + names).TrimEnd());
    Console.WriteLine("     " + string.Concat(runs.Select(_ => " |" + Columns)));
    int epochCount = runs[0].History!.Epochs.Count;
    for (int epoch = 1; epoch <= epochCount; epoch++)
    {
        if (epoch != 1 && epoch % every != 0)
        {
            continue;
        }

        Console.Write($"{epoch,5}");
        foreach (Run run in runs)
        {
            EpochResult result = run.History!.Epochs[epoch - 1];
            Console.Write($" |  {result.TrainLoss,10:F4}  {result.ValidationLoss,8:F4}  {100 * result.ValidationAccuracy,6:F1}%");
        }

        Console.WriteLine();
    }

    Console.WriteLine();
}

/// <summary>One network to train, its optimizer and, once trained, what the trainer recorded.</summary>
internal sealed class Run(string name, INetwork network, Optimizer optimizer)
{
    public string Name { get; } = name;

    public INetwork Network { get; } = network;

    public Optimizer Optimizer { get; } = optimizer;

    public TrainingHistory? History { get; set; }
}

/// <summary>Far too big for 300 samples: 85,002 parameters, two wide ReLU layers and a softmax; cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(256, Activation.ReLU)]
[Dense(256, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class PlainNetwork
{
}

/// <summary>
/// The same layers and parameters, with dropout after each hidden layer: in training half the activations are zeroed
/// (a new mask every step) and the others doubled; at inference it is the plain network.
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(256, Activation.ReLU)]
[Dropout(0.5)]
[Dense(256, Activation.ReLU)]
[Dropout(0.5)]
[Dense(10, Activation.Softmax)]
public partial class RegularizedNetwork
{
}

/// <summary>
/// The regularized network with batch normalisation after each hidden layer (nn.BatchNorm1d(256)): in training each
/// unit is normalised over the batch, at inference with the running statistics it gathered. 1,024 more parameters
/// (each BatchNorm's weight and bias) and 1,026 buffers (running mean and variance, the batch count).
/// </summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(256, Activation.ReLU)]
[BatchNorm]
[Dropout(0.5)]
[Dense(256, Activation.ReLU)]
[BatchNorm]
[Dropout(0.5)]
[Dense(10, Activation.Softmax)]
public partial class BatchNormNetwork
{
}
