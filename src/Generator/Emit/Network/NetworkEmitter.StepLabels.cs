using Compiled.Generator.Model;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// Per-step classification (sequence labelling): a cross-entropy network whose last layer is a per-step
    /// <c>[Dense(classes, Activation.Softmax)]</c> over a sequence takes one label per step, <see cref="LabelsPerSample"/>
    /// per sample, and its loss is the mean over the rows (steps) of every sample, the real steps only with lengths:
    /// PyTorch's <c>F.cross_entropy(logits.reshape(-1, C), labels.reshape(-1), ignore_index=...)</c>.
    /// </summary>
    internal sealed partial class NetworkEmitter
    {
        /// <summary>True when the loss is cross-entropy over a per-step output: one label (or target distribution) per step.</summary>
        private bool StepClasses => _plan.Loss == Loss.CrossEntropy && _plan.Last.Output.IsSequence;

        /// <summary>The rows the loss sees in one sample: its steps for <see cref="StepClasses"/>, else 1.</summary>
        private int LabelsPerSample => StepClasses ? _plan.Last.Output.Steps : 1;

        /// <summary>The length of one loss row: the classes of a step, or the whole output.</summary>
        private int LossRow => _plan.OutputSize / LabelsPerSample;

        /// <summary>What one real step of a masked loss counts for in its mean: one row (cross-entropy per step) or its outputs.</summary>
        private int MaskUnits => StepClasses ? 1 : OutputPerStep;

        /// <summary>The divisor of a batch's summed loss: the samples, or their rows for <see cref="StepClasses"/>.</summary>
        private string BatchRows => StepClasses ? $"((long)batchSize * {LabelsPerSample})" : "batchSize";

        /// <summary><c>INetwork.LabelsPerSample</c>, when it is not the default 1.</summary>
        private void WriteLabelsPerSample()
        {
            if (!StepClasses)
            {
                return;
            }

            _w.Line();
            _w.Summary($"The labels one sample takes: one per step of the {LabelsPerSample}-step output, each in [0, {LossRow}) (sequence labelling).");
            _w.Line($"public const int LabelsPerSample = {LabelsPerSample};");
            _w.Line("int global::Compiled.INetwork.LabelsPerSample => LabelsPerSample;");
        }
    }
}
