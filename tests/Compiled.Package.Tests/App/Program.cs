// The console app that Compiled.Package.Tests builds against the packed Compiled package, as a new user would write it:
// a network declared with attributes, trained, evaluated, saved, reloaded. Not compiled into the test project.
using System.Globalization;
using Compiled;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Serialization;
using Compiled.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];
Dataset xor = Dataset.FromTargets(inputs, featureCount: 2, targets, targetCount: 1);

var network = new Xor();
var trainer = new Trainer(new TrainerOptions { Epochs = 500, BatchSize = 4, Shuffle = false });
TrainingHistory history = trainer.Fit(network, new Adam(learningRate: 0.05f), xor);
Console.WriteLine($"{Xor.Architecture}: {Xor.ParameterCount} parameters, {history.Epochs.Count} epochs");
EvaluationResult result = Trainer.Evaluate(network, xor);
Console.WriteLine(result);

string path = Path.Combine(Path.GetTempPath(), $"xor-{Environment.ProcessId}.cmpl");
ModelFile.Save(network, path);
var reloaded = new Xor();
ModelFile.Load(reloaded, path);
File.Delete(path);

Span<float> output = stackalloc float[Xor.OutputSize];
Span<float> again = stackalloc float[Xor.OutputSize];
bool identical = true;
for (int i = 0; i < xor.Count; i++)
{
    ReadOnlySpan<float> sample = xor.GetFeatures(i);
    network.Forward(sample, output);
    reloaded.Forward(sample, again);
    identical &= BitConverter.SingleToInt32Bits(output[0]) == BitConverter.SingleToInt32Bits(again[0]);
    Console.WriteLine($"{sample[0]} xor {sample[1]} -> {output[0]:F4}");
}

Console.WriteLine(identical ? "reloaded: identical outputs" : "reloaded: DIFFERENT outputs");
Console.WriteLine($"accuracy: {result.Accuracy:F4}");

[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class Xor { }
