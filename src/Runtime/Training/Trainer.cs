using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Schedules;

namespace Compiled.Training
{
    /// <summary>
    /// Trains any <see cref="INetwork"/> with mini-batch gradient descent over an in-memory <see cref="Dataset"/>, and
    /// evaluates a network's loss and accuracy.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each epoch visits every training sample exactly once, in an order re-drawn from <see cref="TrainerOptions.Seed"/>
    /// (unless <see cref="TrainerOptions.Shuffle"/> is off). Each step copies the batch into buffers allocated when
    /// <see cref="Fit"/> starts, calls <see cref="INetwork.ZeroGradients"/>, then <c>BackwardBatch</c> (which adds the
    /// gradient of the batch's mean loss), then, when <see cref="TrainerOptions.ClipGradientValue"/> or
    /// <see cref="TrainerOptions.ClipGradientNorm"/> is set, clips that gradient (<see cref="GradientClipping"/>: by
    /// value first, then by norm), then <see cref="Optimizer.Step(INetwork)"/>, which adds the optimizer's L1 and L2
    /// penalties and weight decay to the clipped gradient. The last batch of an epoch may be partial; it is trained like
    /// the others (PyTorch's <c>drop_last=False</c>).
    /// </para>
    /// <para>
    /// Labels and targets: a labelled data set trains a <see cref="Loss.CrossEntropy"/> network with labels. With a
    /// <see cref="Loss.MeanSquaredError"/> or <see cref="Loss.BinaryCrossEntropy"/> network, each label becomes a one-hot
    /// target vector; for a network with a single output, the label (0 or 1) itself is that output's target, and the
    /// predicted class is 1 when the output is at least 0.5. A data set of target vectors always trains with targets.
    /// </para>
    /// <para>
    /// Accuracy: for labelled data, the fraction of samples whose predicted class is their label (for sequence labelling,
    /// a network with <see cref="INetwork.LabelsPerSample"/> labels per sample and a data set from
    /// <see cref="Dataset.FromSequenceLabels"/>, the fraction of steps, and the loss the mean over steps; real steps only
    /// with lengths); for target vectors and a
    /// <see cref="Loss.BinaryCrossEntropy"/> network, the binary accuracy of Keras (each output and each target counts as
    /// 1 when it is at least 0.5, and the accuracy is the fraction of outputs that match their target); for other target
    /// vectors there is none (<see langword="null"/>).
    /// </para>
    /// <para>
    /// After the first batch, training allocates nothing: not per batch, and not per epoch either when the progress
    /// consumer allocates nothing (apart from growing the history past 1024 epochs).
    /// </para>
    /// <para>
    /// A <see cref="Trainer"/> holds only its options; one instance may run several trainings, one after another or at
    /// the same time on different networks and optimizers.
    /// </para>
    /// </remarks>
    public sealed class Trainer
    {
        /// <summary>The number of samples per forward pass used by <see cref="Evaluate"/> unless told otherwise.</summary>
        public const int DefaultEvaluationBatchSize = 256;

        /// <summary>Creates a trainer with the default <see cref="TrainerOptions"/>.</summary>
        public Trainer()
            : this(new TrainerOptions())
        {
        }

        /// <summary>Creates a trainer.</summary>
        /// <param name="options">The settings; already checked by their setters.</param>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
        public Trainer(TrainerOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            Options = options;
        }

        /// <summary>The settings of this trainer.</summary>
        public TrainerOptions Options { get; }

        /// <summary>Trains <paramref name="network"/> on <paramref name="train"/>.</summary>
        /// <param name="network">The network; its parameters are trained in place, from their current values.</param>
        /// <param name="optimizer">The optimizer, used for this network only.</param>
        /// <param name="train">The training data.</param>
        /// <param name="validation">Data to evaluate after each epoch (needed for early stopping), or <see langword="null"/>.</param>
        /// <param name="progress">Receives a report after every batch and at the end of every epoch, or <see langword="null"/>.</param>
        /// <param name="cancellationToken">Checked before every batch and before each validation pass.</param>
        /// <returns>The metrics of every epoch, the best epoch and why training stopped.</returns>
        /// <remarks>
        /// <para>
        /// Every input is checked before the first step. When a learning-rate schedule is set, its base learning rate is
        /// the optimizer's <see cref="Optimizer.LearningRate"/> when Fit starts; Fit sets the optimizer's learning rate as
        /// the schedule says and sets it back to the base value when it returns or throws, so runs can be repeated.
        /// </para>
        /// <para>
        /// Cancellation throws <see cref="OperationCanceledException"/> (it does not return a partial history; the epoch
        /// reports sent to <paramref name="progress"/> carry the same metrics as the history). The network keeps the
        /// parameters after the last completed step; best parameters are not restored.
        /// </para>
        /// <para>
        /// The features (and target vectors) of both data sets are checked once before training, in one allocation-free
        /// pass: a NaN or infinite value is an <see cref="ArgumentException"/> naming the data set, the sample and the
        /// feature, since it is bad data, not a learning rate too high.
        /// </para>
        /// <para>
        /// A NaN or infinite batch loss throws <see cref="TrainingDivergedException"/> giving the 1-based epoch and batch,
        /// before that batch's optimizer step; parameters that are no longer finite at the end of an epoch, and a NaN or
        /// infinite validation loss, throw it too. The exception carries the <see cref="TrainingHistory"/> of the epochs
        /// that completed (<see cref="TrainingDivergedException.History"/>, with <see cref="StopReason.Diverged"/>), and
        /// with early stopping and <see cref="EarlyStopping.RestoreBestParameters"/> the best epoch's parameters are
        /// restored first, as when training ends normally.
        /// </para>
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="network"/>, <paramref name="optimizer"/> or <paramref name="train"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentException">
        /// A data set does not fit the network (feature count, target count, a label out of range, sample and label counts),
        /// is empty, has a NaN or infinite feature or target, or early stopping is set without suitable validation data.
        /// </exception>
        /// <exception cref="TrainingDivergedException">The loss, the validation loss or the parameters became NaN or infinite.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
        /// <exception cref="InvalidOperationException">The learning-rate schedule returned a negative or non-finite learning rate.</exception>
        public TrainingHistory Fit(
            INetwork network,
            Optimizer optimizer,
            Dataset train,
            Dataset? validation = null,
            IProgress<TrainingProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(optimizer);
            ArgumentNullException.ThrowIfNull(train);
            CheckDataset(network, train, nameof(train));
            if (validation is not null)
            {
                CheckDataset(network, validation, nameof(validation));
            }

            EarlyStopping? earlyStopping = Options.EarlyStopping;
            if (earlyStopping is not null)
            {
                if (validation is null)
                {
                    throw new ArgumentException(
                        "Early stopping watches a validation metric, so it needs a validation data set: pass one to Fit or remove TrainerOptions.EarlyStopping.",
                        nameof(validation));
                }

                if (earlyStopping.Metric == EarlyStoppingMetric.ValidationAccuracy && !HasAccuracy(network, validation))
                {
                    throw new ArgumentException(
                        $"Early stopping on validation accuracy needs a labelled validation data set (or target vectors for a BinaryCrossEntropy network), but this one has target vectors and the network's loss is {network.Loss}; monitor EarlyStoppingMetric.ValidationLoss instead.",
                        nameof(validation));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            var session = new Session(this.Options, network, optimizer, train, validation, progress, cancellationToken);
            return session.Run();
        }

        /// <summary>
        /// Computes a network's mean loss on a data set (by its <see cref="INetwork.Loss"/>, from <see cref="INetwork.ForwardBatch(System.ReadOnlySpan{float}, System.Span{float}, int)"/>
        /// outputs) and its accuracy: for labelled data, and for target vectors with a <see cref="Loss.BinaryCrossEntropy"/> network.
        /// </summary>
        /// <param name="network">The network.</param>
        /// <param name="dataset">The data.</param>
        /// <param name="batchSize">The number of samples per forward pass; positive. It does not change the result.</param>
        /// <returns>The mean loss, the accuracy (labelled data, or binary targets) and the sample count.</returns>
        /// <remarks>
        /// <para>Per-sample losses follow PyTorch (computed in double precision, then averaged over samples):</para>
        /// <list type="bullet">
        /// <item><description><see cref="Loss.MeanSquaredError"/>: the mean over outputs of <c>(y - t)^2</c>.</description></item>
        /// <item><description><see cref="Loss.CrossEntropy"/> (outputs are probabilities): <c>-log p[label]</c>, or <c>-sum_j t_j log p_j</c>
        /// for targets, with each <c>p</c> clamped to at least <see cref="float.Epsilon"/> so a zero probability gives about 103.28, not infinity.</description></item>
        /// <item><description><see cref="Loss.BinaryCrossEntropy"/>: the mean over outputs of <c>-(t log p + (1 - t) log(1 - p))</c>, each
        /// logarithm clamped at -100 as <c>torch.nn.BCELoss</c> does.</description></item>
        /// </list>
        /// <para>
        /// With labels, the MSE and BCE losses use the label's target vector (one-hot, or the label itself for a single
        /// output). The accuracy is the fraction of samples whose predicted class equals the label: the index of the first
        /// largest output, or for a single-output MSE or BCE network, 1 when the output is at least 0.5.
        /// </para>
        /// <para>
        /// With target vectors, a <see cref="Loss.BinaryCrossEntropy"/> network (sigmoid outputs) gets Keras' binary accuracy:
        /// each output is 1 when it is at least 0.5 and 0 otherwise, each target likewise (so 0/1 targets are taken as they
        /// are), and the accuracy is the fraction of all outputs of all samples that match their target. It equals
        /// <c>keras.metrics.BinaryAccuracy(threshold=0.5)</c> for 0/1 targets, except that an output of exactly 0.5 counts as 1
        /// here (as for labels) and as 0 in Keras. Other target-vector data has no accuracy.
        /// </para>
        /// <para>Allocates one output buffer of <paramref name="batchSize"/> samples per call.</para>
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="dataset"/> is <see langword="null"/>.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
        /// <exception cref="ArgumentException">The data set does not fit the network, or has a NaN or infinite feature or target.</exception>
        public static EvaluationResult Evaluate(INetwork network, Dataset dataset, int batchSize = DefaultEvaluationBatchSize)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(dataset);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
            CheckDataset(network, dataset, nameof(dataset));
            int chunk = Math.Min(batchSize, dataset.Count);
            float[] outputs = AllocateFloats((long)chunk * network.OutputSize, nameof(batchSize));
            (double loss, double? accuracy) = EvaluateCore(network, dataset, chunk, outputs);
            return new EvaluationResult(loss, accuracy, dataset.Count);
        }

        private static (double Loss, double? Accuracy) EvaluateCore(INetwork network, Dataset data, int chunk, Span<float> outputs)
        {
            int count = data.Count;
            int inputSize = data.FeatureCount;
            int outputSize = network.OutputSize;
            Loss loss = network.Loss;
            bool binary = IsBinary(network);
            ReadOnlySpan<float> features = data.Features;
            int[]? labels = data.Labels;
            ReadOnlySpan<float> targets = data.Targets;
            int[]? lengths = data.Lengths;
            bool perStep = lengths is not null && network.OutputPerStep;
            bool binaryTargets = labels is null && loss == Loss.BinaryCrossEntropy && !perStep;
            double sum = 0;
            long correct = 0;
            if (labels is not null && network.LabelsPerSample > 1)
            {
                return StepLabelScores(network, data, chunk, outputs);
            }

            if (perStep)
            {
                return (PerStepLoss(network, data, chunk, outputs), null);
            }

            for (int start = 0; start < count;)
            {
                int n = Math.Min(chunk, count - start);
                Span<float> batchOutputs = outputs.Slice(0, n * outputSize);
                if (lengths is not null)
                {
                    network.ForwardBatch(features.Slice(start * inputSize, n * inputSize), batchOutputs, n, lengths.AsSpan(start, n));
                }
                else
                {
                    network.ForwardBatch(features.Slice(start * inputSize, n * inputSize), batchOutputs, n);
                }

                for (int k = 0; k < n; k++)
                {
                    ReadOnlySpan<float> output = batchOutputs.Slice(k * outputSize, outputSize);
                    if (labels is not null)
                    {
                        int label = labels[start + k];
                        sum += LossFunctions.FromLabel(loss, output, label);
                        if (LossFunctions.Predict(output, binary) == label)
                        {
                            correct++;
                        }
                    }
                    else
                    {
                        ReadOnlySpan<float> target = targets.Slice((start + k) * outputSize, outputSize);
                        sum += LossFunctions.FromTarget(loss, output, target);
                        if (binaryTargets)
                        {
                            correct += LossFunctions.CountBinaryMatches(output, target);
                        }
                    }
                }

                start += n;
            }

            double? accuracy = labels is not null ? (double)correct / count
                : binaryTargets ? (double)correct / ((long)count * outputSize)
                : null;
            return (sum / count, accuracy);
        }

        /// <summary>
        /// The loss of a variable-length network whose output is a sequence (<see cref="INetwork.OutputPerStep"/>) on a data
        /// set with lengths: the mean over every real step's outputs of the whole set (the padding steps skipped), as the
        /// network's own <c>BackwardBatch</c> with lengths defines it over a batch.
        /// </summary>
        private static double PerStepLoss(INetwork network, Dataset data, int chunk, Span<float> outputs)
        {
            int inputSize = data.FeatureCount;
            int outputSize = network.OutputSize;
            int perStep = outputSize / network.InputShape[0];
            int[] lengths = data.Lengths!;
            ReadOnlySpan<float> targets = data.Targets;
            double sum = 0;
            long real = 0;
            for (int start = 0; start < data.Count;)
            {
                int n = Math.Min(chunk, data.Count - start);
                Span<float> batchOutputs = outputs.Slice(0, n * outputSize);
                network.ForwardBatch(data.Features.AsSpan(start * inputSize, n * inputSize), batchOutputs, n, lengths.AsSpan(start, n));
                for (int k = 0; k < n; k++)
                {
                    int values = lengths[start + k] * perStep;
                    sum += LossFunctions.FromTarget(network.Loss, batchOutputs.Slice(k * outputSize, values), targets.Slice((start + k) * outputSize, values)) * values;
                    real += values;
                }

                start += n;
            }

            return sum / real;
        }

        /// <summary>
        /// The loss and accuracy of a per-step classifier (sequence labelling, <see cref="INetwork.LabelsPerSample"/> &gt; 1) on
        /// a data set with a label per step: the mean cross-entropy over every step of every sample and the fraction of steps
        /// whose most probable class is their label; with lengths, over the real steps only (padding steps' labels unread).
        /// </summary>
        private static (double Loss, double? Accuracy) StepLabelScores(INetwork network, Dataset data, int chunk, Span<float> outputs)
        {
            int inputSize = data.FeatureCount;
            int outputSize = network.OutputSize;
            int steps = network.LabelsPerSample;
            int classes = outputSize / steps;
            int[] labels = data.Labels!;
            int[]? lengths = data.Lengths;
            double sum = 0;
            long correct = 0;
            long rows = 0;
            for (int start = 0; start < data.Count;)
            {
                int n = Math.Min(chunk, data.Count - start);
                Span<float> batchOutputs = outputs.Slice(0, n * outputSize);
                ReadOnlySpan<float> inputs = data.Features.AsSpan(start * inputSize, n * inputSize);
                if (lengths is not null)
                {
                    network.ForwardBatch(inputs, batchOutputs, n, lengths.AsSpan(start, n));
                }
                else
                {
                    network.ForwardBatch(inputs, batchOutputs, n);
                }

                for (int k = 0; k < n; k++)
                {
                    int sample = start + k;
                    int real = lengths is null ? steps : lengths[sample];
                    for (int t = 0; t < real; t++)
                    {
                        ReadOnlySpan<float> row = batchOutputs.Slice((k * outputSize) + (t * classes), classes);
                        int label = labels[(sample * steps) + t];
                        sum += LossFunctions.FromLabel(Loss.CrossEntropy, row, label);
                        if (LossFunctions.Predict(row, false) == label)
                        {
                            correct++;
                        }
                    }

                    rows += real;
                }

                start += n;
            }

            return (sum / rows, (double)correct / rows);
        }

        /// <summary>Whether labels are the 0/1 target of a single output (a non-cross-entropy network with one output).</summary>
        private static bool IsBinary(INetwork network) => network.OutputSize == 1 && network.Loss != Loss.CrossEntropy;

        /// <summary>Whether a data set has an accuracy on this network: labels, or target vectors for a BCE network (binary accuracy).</summary>
        private static bool HasAccuracy(INetwork network, Dataset data) => data.Labels is not null || network.Loss == Loss.BinaryCrossEntropy;

        private static void CheckDataset(INetwork network, Dataset data, string parameterName)
        {
            Loss loss = network.Loss;
            if (loss is not (Loss.MeanSquaredError or Loss.CrossEntropy or Loss.BinaryCrossEntropy))
            {
                throw new ArgumentException($"The network's loss {loss} is not one the trainer knows.", nameof(network));
            }

            if (data.Count <= 0)
            {
                throw new ArgumentException($"The '{parameterName}' data set is empty: it needs at least one sample.", parameterName);
            }

            if (data.FeatureCount != network.InputSize)
            {
                throw new ArgumentException(
                    $"The '{parameterName}' data set has {data.FeatureCount} features per sample but the network takes {network.InputSize} inputs (InputSize of {network.Architecture}).",
                    parameterName);
            }

            if ((long)data.Count * data.FeatureCount != data.Features.Length)
            {
                throw new ArgumentException(
                    $"The '{parameterName}' data set has {data.Count} samples of {data.FeatureCount} features but {data.Features.Length} feature values; the counts do not match.",
                    parameterName);
            }

            int bad = FiniteValues.IndexOfNonFinite(data.Features);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Feature {bad % data.FeatureCount} of sample {bad / data.FeatureCount} (0-based) in the '{parameterName}' data set is {Describe(data.Features[bad])}: every feature must be a finite number. "
                    + "NaN and infinities usually come from a missing value or a division by zero while preparing the data; nothing was trained.",
                    parameterName);
            }

            if (data.Lengths is int[] lengths)
            {
                if (!network.VariableLength)
                {
                    throw new ArgumentException(
                        $"The '{parameterName}' data set has sequence lengths but {network.Architecture} takes sequences of one length; declare [Input(maxSteps, features, VariableLength = true)].",
                        parameterName);
                }

                int maxSteps = network.InputShape[0];
                for (int i = 0; i < lengths.Length; i++)
                {
                    if ((uint)(lengths[i] - 1) >= (uint)maxSteps)
                    {
                        throw new ArgumentException(
                            $"Sample {i} (0-based) of the '{parameterName}' data set has the sequence length {lengths[i]}, outside [1, {maxSteps}]: the network's input holds at most {maxSteps} steps.",
                            parameterName);
                    }
                }

                if (network.OutputPerStep && data.Labels is not null && network.LabelsPerSample == 1)
                {
                    throw new ArgumentException(
                        $"The '{parameterName}' data set has labels but the network's output is a sequence ({network.Architecture}); give a target per step (Dataset.FromTargets).",
                        parameterName);
                }
            }

            int outputs = network.OutputSize;
            if (data.Labels is not null && (data.LabelsPerSample != 1 || network.LabelsPerSample != 1))
            {
                CheckStepLabels(network, data, parameterName);
            }
            else if (data.Labels is int[] labels)
            {
                if (labels.Length != data.Count)
                {
                    throw new ArgumentException(
                        $"The '{parameterName}' data set has {data.Count} samples but {labels.Length} labels; there must be exactly one label per sample.",
                        parameterName);
                }

                bool binary = IsBinary(network);
                uint limit = binary ? 2u : (uint)outputs;
                for (int i = 0; i < labels.Length; i++)
                {
                    int label = labels[i];
                    if ((uint)label >= limit)
                    {
                        string rule = loss == Loss.CrossEntropy
                            ? $"the network has {outputs} outputs, one per class, so labels must be in [0, {outputs})"
                            : binary
                                ? $"the network has a single output and loss {loss}, so a label is that output's target and must be 0 or 1"
                                : $"the network's loss is {loss}, so labels become one-hot targets over its {outputs} outputs and must be in [0, {outputs})";
                        throw new ArgumentException(
                            $"Label {label} of sample {i} (0-based) in the '{parameterName}' data set is out of range: {rule}.",
                            parameterName);
                    }
                }
            }
            else if (data.Targets is float[] targets)
            {
                if (data.TargetCount != outputs)
                {
                    throw new ArgumentException(
                        $"The '{parameterName}' data set has targets of {data.TargetCount} values but the network has {outputs} outputs (OutputSize of {network.Architecture}); they must be equal.",
                        parameterName);
                }

                if ((long)data.Count * data.TargetCount != targets.Length)
                {
                    throw new ArgumentException(
                        $"The '{parameterName}' data set has {data.Count} samples but {targets.Length} target values for targets of {data.TargetCount}; the counts do not match.",
                        parameterName);
                }

                bad = FiniteValues.IndexOfNonFinite(targets);
                if (bad >= 0)
                {
                    throw new ArgumentException(
                        $"Target value {bad % data.TargetCount} of sample {bad / data.TargetCount} (0-based) in the '{parameterName}' data set is {Describe(targets[bad])}: every target must be a finite number; nothing was trained.",
                        parameterName);
                }
            }
            else
            {
                throw new ArgumentException($"The '{parameterName}' data set has neither labels nor targets.", parameterName);
            }
        }

        /// <summary>The labels of a data set for sequence labelling: as many per sample as the network takes, each real step's a class.</summary>
        private static void CheckStepLabels(INetwork network, Dataset data, string parameterName)
        {
            int steps = network.LabelsPerSample;
            if (data.LabelsPerSample != steps)
            {
                string what = steps == 1
                    ? $"{network.Architecture} takes one label per sample (Dataset.FromLabels)"
                    : $"{network.Architecture} classifies each of its {steps} steps, so it takes {steps} labels per sample (Dataset.FromSequenceLabels(features, featureCount, labels, {steps}))";
                throw new ArgumentException(
                    $"The '{parameterName}' data set has {data.LabelsPerSample} label(s) per sample but {what}.",
                    parameterName);
            }

            int[] labels = data.Labels!;
            if (labels.Length != (long)data.Count * steps)
            {
                throw new ArgumentException(
                    $"The '{parameterName}' data set has {data.Count} samples of {steps} labels but {labels.Length} labels; it needs {(long)data.Count * steps}.",
                    parameterName);
            }

            int classes = network.OutputSize / steps;
            for (int i = 0; i < data.Count; i++)
            {
                int real = data.Lengths is int[] lengths ? lengths[i] : steps;
                for (int t = 0; t < real; t++)
                {
                    int label = labels[(i * steps) + t];
                    if ((uint)label >= (uint)classes)
                    {
                        throw new ArgumentException(
                            $"Label {label} of sample {i}, step {t} (0-based) in the '{parameterName}' data set is out of range: the network has {classes} classes per step, so labels must be in [0, {classes}).",
                            parameterName);
                    }
                }
            }
        }

        private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";

        private static float[] AllocateFloats(long length, string parameterName)
        {
            if (length > Array.MaxLength)
            {
                throw new ArgumentException($"A batch buffer would need {length} floats, more than an array can hold; use a smaller batch size.", parameterName);
            }

            return new float[length];
        }

        /// <summary>
        /// A batch buffer that starts on a 64-byte boundary (a cache line, and the widest vector), so that the kernels'
        /// vector loads of its rows never straddle two lines (<see cref="NetworkStorage.AllocateAligned"/>: pinned).
        /// </summary>
        internal static Memory<float> AllocateAlignedFloats(long length, string parameterName)
        {
            if (length > Array.MaxLength - 16)
            {
                throw new ArgumentException($"A batch buffer would need {length} floats, more than an array can hold; use a smaller batch size.", parameterName);
            }

            float[] array = NetworkStorage.AllocateAligned((int)length, out int offset);
            return array.AsMemory(offset, (int)length);
        }

        /// <summary>How a batch's expected outputs reach <c>BackwardBatch</c>.</summary>
        private enum Supervision
        {
            /// <summary>Labels, to a cross-entropy network.</summary>
            Labels,

            /// <summary>Labels turned into target vectors, for an MSE or BCE network.</summary>
            LabelsAsTargets,

            /// <summary>The data set's target vectors.</summary>
            Targets,
        }

        /// <summary>One call to <see cref="Fit"/>: its buffers, generator and counters, all allocated when it starts.</summary>
        private sealed class Session
        {
            private readonly TrainerOptions _options;
            private readonly INetwork _network;
            private readonly Optimizer _optimizer;
            private readonly Dataset _train;
            private readonly Dataset? _validation;
            private readonly IProgress<TrainingProgress>? _progress;
            private readonly CancellationToken _cancellationToken;
            private readonly ILearningRateSchedule? _schedule;
            private readonly float _baseLearningRate;
            private readonly Supervision _supervision;
            private readonly bool _binary;
            private readonly bool _trackAccuracy;
            private readonly int _accuracyUnitsPerSample;
            private readonly int _labelsPerSample; // one label per sample, or one per step (sequence labelling)
            private readonly int _inputSize;
            private readonly int _outputSize;
            private readonly int _sampleCount;
            private readonly int _batchSize;
            private readonly int _batchCount;
            private readonly int _validationChunk;
            private readonly int[] _order;
            private readonly Memory<float> _inputs; // 64-byte aligned (AllocateAlignedFloats)
            private readonly int[] _labels;
            private readonly float[] _targets;
            private readonly int[]? _lengths; // the batch's sequence lengths, for a data set with lengths
            private readonly float[] _outputs;
            private readonly float? _clipValue;
            private readonly float? _clipNorm;
            private readonly float _clipNormType;
            private DeterministicRandom _random;
            private DataParallelGradients? _parallel;
            private SplitTraining? _split;
            private readonly SplitChoice _splitChoice = new();
            private bool _splitBatch; // whether the current batch runs split (the split trainer exists and the choice says so)
            private int _scheduleStep;
            private long _trainingStep; // the optimizer steps taken so far: TrainingContext.Step
            private float _lastLearningRate;
            private float? _gradientNorm; // the last batch's total gradient norm before clipping, when clipping by norm

            public Session(TrainerOptions options, INetwork network, Optimizer optimizer, Dataset train, Dataset? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
            {
                _options = options;
                _network = network;
                _optimizer = optimizer;
                _train = train;
                _validation = validation;
                _progress = progress;
                _cancellationToken = cancellationToken;
                _schedule = options.LearningRateSchedule;
                _baseLearningRate = optimizer.LearningRate;
                _lastLearningRate = optimizer.LearningRate;
                _inputSize = network.InputSize;
                _outputSize = network.OutputSize;
                _sampleCount = train.Count;
                _batchSize = Math.Min(options.BatchSize, _sampleCount);
                _batchCount = (_sampleCount / _batchSize) + (_sampleCount % _batchSize == 0 ? 0 : 1);
                _binary = IsBinary(network);
                _supervision = train.Labels is null ? Supervision.Targets
                    : network.Loss == Loss.CrossEntropy ? Supervision.Labels
                    : Supervision.LabelsAsTargets;
                // Per-step targets with lengths have no accuracy; labels per step count their real steps (CountCorrect).
                _trackAccuracy = options.TrackTrainingAccuracy && HasAccuracy(network, train) && !(train.Lengths is not null && network.OutputPerStep && network.LabelsPerSample == 1);
                _lengths = train.Lengths is null ? null : new int[_batchSize];
                _labelsPerSample = train.Labels is null ? 1 : train.LabelsPerSample;
                _accuracyUnitsPerSample = train.Labels is null ? _outputSize : _labelsPerSample;
                _validationChunk = validation is null ? 0 : Math.Min(options.BatchSize, validation.Count);
                _random = new DeterministicRandom(unchecked((ulong)(long)options.Seed));
                _clipValue = options.ClipGradientValue;
                _clipNorm = options.ClipGradientNorm;
                _clipNormType = options.ClipGradientNormType;

                _order = new int[_sampleCount];
                for (int i = 0; i < _order.Length; i++)
                {
                    _order[i] = i;
                }

                _inputs = AllocateAlignedFloats((long)_batchSize * _inputSize, nameof(options));
                _labels = train.Labels is null ? Array.Empty<int>() : new int[_batchSize * _labelsPerSample];
                _targets = _supervision == Supervision.Labels ? Array.Empty<float>() : AllocateFloats((long)_batchSize * _outputSize, nameof(options));
                int outputRows = Math.Max(_trackAccuracy ? _batchSize : 0, _validationChunk);
                _outputs = AllocateFloats((long)outputRows * _outputSize, nameof(options));
            }

            public TrainingHistory Run()
            {
                // Two threads on a network whose first layer can be split: each thread owns half of that layer (its
                // weights stay in its core's cache). Otherwise several threads split each batch (data parallelism). A
                // network that needs whole batches (batch normalisation: statistics over the batch, running statistics
                // updated once per batch) trains on this thread whatever Threads says, so its result is Threads = 1's.
                // A loss over the real steps of a sequence output weighs each sample by its length, not 1 / batch: one thread.
                int threads = _network.RequiresWholeBatch || (_lengths is not null && _network.OutputPerStep) ? 1 : _options.Threads;
                using SplitTraining? split = threads == 2 && _network is ISplitTraining splittable
                    ? new SplitTraining(splittable, _train.Features, _batchSize)
                    : null;
                using DataParallelGradients? parallel = threads > 1 && split is null ? new DataParallelGradients(_network, threads) : null;
                _split = split;
                _parallel = parallel;
                long runStart = Stopwatch.GetTimestamp();
                int epochCount = _options.Epochs;
                EarlyStopping? earlyStopping = _options.EarlyStopping;
                bool higherIsBetter = earlyStopping?.Metric == EarlyStoppingMetric.ValidationAccuracy;
                double minDelta = earlyStopping?.MinDelta ?? 0;
                float[]? bestParameters = earlyStopping is { RestoreBestParameters: true } ? new float[_network.Parameters.Length] : null;
                float[]? bestBuffers = bestParameters is null ? null : new float[_network.Buffers.Length];
                var epochs = new List<EpochResult>(Math.Min(epochCount, 1024));
                int bestEpoch = 0;
                double best = double.NaN;
                int epochsWithoutImprovement = 0;
                StopReason stopReason = StopReason.Completed;
                TrainingDivergedException? diverged = null;
                try
                {
                    if (_schedule is not null)
                    {
                        SetScheduledLearningRate(0);
                    }

                    for (int epoch = 1; epoch <= epochCount; epoch++)
                    {
                        EpochResult result = RunEpoch(epoch);
                        epochs.Add(result);

                        double monitored = earlyStopping is not null
                            ? (higherIsBetter ? result.ValidationAccuracy!.Value : result.ValidationLoss!.Value)
                            : result.ValidationLoss ?? result.TrainLoss;
                        bool improved = !double.IsNaN(monitored) && (bestEpoch == 0
                            || (higherIsBetter ? monitored > best + minDelta : monitored < best - minDelta));
                        if (improved)
                        {
                            best = monitored;
                            bestEpoch = epoch;
                            epochsWithoutImprovement = 0;
                            if (bestParameters is not null)
                            {
                                _network.Parameters.CopyTo(bestParameters);
                                _network.Buffers.CopyTo(bestBuffers);
                            }
                        }
                        else
                        {
                            epochsWithoutImprovement++;
                        }

                        _progress?.Report(new TrainingProgress(
                            TrainingProgressKind.EpochEnd,
                            epoch,
                            epochCount,
                            _batchCount,
                            _batchCount,
                            _sampleCount,
                            _sampleCount,
                            result.TrainLoss,
                            result.TrainAccuracy,
                            result.LearningRate,
                            result.Elapsed,
                            result.SamplesPerSecond,
                            result.ValidationLoss,
                            result.ValidationAccuracy,
                            null));

                        if (earlyStopping is not null && epochsWithoutImprovement >= earlyStopping.Patience)
                        {
                            stopReason = StopReason.EarlyStopped;
                            break;
                        }

                        if (_schedule is not null && _options.ScheduleStepping == ScheduleStepping.PerEpoch && epoch < epochCount)
                        {
                            SetScheduledLearningRate(++_scheduleStep);
                        }
                    }
                }
                catch (TrainingDivergedException exception)
                {
                    // Stop as the success path does (best parameters restored, history kept), then rethrow with the history.
                    diverged = exception;
                    stopReason = StopReason.Diverged;
                }
                finally
                {
                    if (_schedule is not null)
                    {
                        _optimizer.LearningRate = _baseLearningRate;
                    }
                }

                bool restored = false;
                if (bestParameters is not null && bestEpoch > 0 && (bestEpoch != epochs.Count || diverged is not null))
                {
                    _network.SetParameters(bestParameters);
                    _network.SetBuffers(bestBuffers);
                    restored = true;
                }

                var history = new TrainingHistory(epochs.AsReadOnly(), bestEpoch, stopReason, restored, Stopwatch.GetElapsedTime(runStart));
                if (diverged is not null)
                {
                    diverged.Attach(history);
                    ExceptionDispatchInfo.Throw(diverged);
                }

                return history;
            }

            private EpochResult RunEpoch(int epoch)
            {
                long epochStart = Stopwatch.GetTimestamp();
                if (_options.Shuffle)
                {
                    _random.Permutation(_order);
                }

                double lossSum = 0;
                long correct = 0;
                long counted = 0; // what the accuracy is a fraction of: samples, outputs, or (real) steps
                int seen = 0;
                for (int batch = 0; batch < _batchCount; batch++)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    int n = Math.Min(_batchSize, _sampleCount - seen);
                    long batchStart = Stopwatch.GetTimestamp();
                    _splitBatch = _split is not null && _splitChoice.UseSplit(batch);
                    if (_splitBatch)
                    {
                        _split!.Begin(_order, seen, n);
                    }

                    FillBatch(seen, n);
                    if (!_splitBatch)
                    {
                        // Split training prefetches each thread's copy of the next batch itself, where the thread would wait.
                        BatchPrefetch.Rows(_train.Features, _inputSize, _order, seen + n, Math.Min(_batchSize, _sampleCount - seen - n));
                    }
                    float loss = ComputeGradients(n);
                    if (_trackAccuracy)
                    {
                        correct += CountCorrect(n);
                        counted += AccuracyUnits(n);
                    }

                    if (!float.IsFinite(loss))
                    {
                        throw TrainingDivergedException.NonFiniteLoss(loss, epoch, _options.Epochs, batch + 1, _batchCount);
                    }

                    ClipGradients();
                    _lastLearningRate = _optimizer.LearningRate;
                    if (_splitBatch)
                    {
                        _split!.Step(_optimizer);
                    }
                    else if (_parallel is not null)
                    {
                        _parallel.Step(_optimizer);
                    }
                    else
                    {
                        _optimizer.Step(_network);
                    }

                    if (_split is not null)
                    {
                        _splitChoice.Record(batch, Stopwatch.GetTimestamp() - batchStart);
                    }
                    lossSum += (double)loss * n;
                    seen += n;
                    if (_schedule is not null && _options.ScheduleStepping == ScheduleStepping.PerBatch)
                    {
                        SetScheduledLearningRate(++_scheduleStep);
                    }

                    if (_progress is not null)
                    {
                        TimeSpan elapsed = Stopwatch.GetElapsedTime(epochStart);
                        _progress.Report(new TrainingProgress(
                            TrainingProgressKind.Batch,
                            epoch,
                            _options.Epochs,
                            batch + 1,
                            _batchCount,
                            seen,
                            _sampleCount,
                            lossSum / seen,
                            _trackAccuracy ? (double)correct / counted : null,
                            _lastLearningRate,
                            elapsed,
                            Rate(seen, elapsed),
                            null,
                            null,
                            _gradientNorm));
                    }
                }

                TimeSpan trainingTime = Stopwatch.GetElapsedTime(epochStart);
                CheckParametersFinite(epoch);

                double? validationLoss = null;
                double? validationAccuracy = null;
                if (_validation is not null)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    (double loss, double? accuracy) = EvaluateCore(_network, _validation, _validationChunk, _outputs);
                    if (!double.IsFinite(loss))
                    {
                        throw TrainingDivergedException.NonFiniteValidationLoss(loss, epoch, _options.Epochs);
                    }

                    validationLoss = loss;
                    validationAccuracy = accuracy;
                }

                return new EpochResult(
                    epoch,
                    lossSum / _sampleCount,
                    _trackAccuracy ? (double)correct / counted : null,
                    validationLoss,
                    validationAccuracy,
                    _lastLearningRate,
                    Stopwatch.GetElapsedTime(epochStart),
                    Rate(_sampleCount, trainingTime));
            }

            /// <summary>Copies the samples at positions <c>[start, start + n)</c> of this epoch's order into the batch buffers.</summary>
            private void FillBatch(int start, int n)
            {
                int inputSize = _inputSize;
                int outputSize = _outputSize;
                ReadOnlySpan<float> features = _train.Features;
                Span<float> inputs = _inputs.Span;
                int[]? labels = _train.Labels;
                ReadOnlySpan<float> targets = _train.Targets;
                for (int k = 0; k < n; k++)
                {
                    int sample = _order[start + k];
                    features.Slice(sample * inputSize, inputSize).CopyTo(inputs.Slice(k * inputSize, inputSize));
                    if (_lengths is not null)
                    {
                        _lengths[k] = _train.Lengths![sample];
                    }

                    switch (_supervision)
                    {
                        case Supervision.Labels:
                            labels.AsSpan(sample * _labelsPerSample, _labelsPerSample).CopyTo(_labels.AsSpan(k * _labelsPerSample));
                            break;
                        case Supervision.LabelsAsTargets:
                            _labels[k] = labels![sample];
                            LossFunctions.WriteLabelTarget(labels[sample], _targets.AsSpan(k * outputSize, outputSize));
                            break;
                        default:
                            targets.Slice(sample * outputSize, outputSize).CopyTo(_targets.AsSpan(k * outputSize, outputSize));
                            break;
                    }
                }
            }

            /// <summary>
            /// Counts the predictions of the batch's training outputs (which <see cref="ComputeGradients"/> left in the output
            /// buffer) that match the labels, or for binary targets the outputs that match their targets.
            /// </summary>
            private int CountCorrect(int n)
            {
                int outputSize = _outputSize;
                Span<float> outputs = _outputs.AsSpan(0, n * outputSize);
                int correct = 0;
                if (_supervision == Supervision.Targets)
                {
                    return LossFunctions.CountBinaryMatches(outputs, _targets.AsSpan(0, n * outputSize));
                }

                int rowSize = outputSize / _labelsPerSample; // a sample's outputs, or one step's classes
                for (int k = 0; k < n; k++)
                {
                    int real = _lengths is not null && _labelsPerSample > 1 ? _lengths[k] : _labelsPerSample; // a label per step: the real steps only
                    for (int r = k * _labelsPerSample; r < (k * _labelsPerSample) + real; r++)
                    {
                        if (LossFunctions.Predict(outputs.Slice(r * rowSize, rowSize), _binary) == _labels[r])
                        {
                            correct++;
                        }
                    }
                }

                return correct;
            }

            /// <summary>What the batch's accuracy counts: its samples, its outputs (binary targets), or its (real) steps (a label per step).</summary>
            private long AccuracyUnits(int n)
            {
                if (_lengths is null || _labelsPerSample == 1)
                {
                    return (long)n * _accuracyUnitsPerSample;
                }

                long steps = 0;
                for (int k = 0; k < n; k++)
                {
                    steps += _lengths[k];
                }

                return steps;
            }

            /// <summary>
            /// Leaves the gradient of the batch's mean loss (the <paramref name="n"/> samples gathered into the batch
            /// buffers; split training was given them by <see cref="SplitTraining.Begin"/>) in the network's <see cref="INetwork.Gradients"/>
            /// and returns that mean loss: on this thread, or split training on two threads (<see cref="SplitTraining"/>),
            /// or data-parallel on several (<see cref="DataParallelGradients"/>).
            /// </summary>
            private float ComputeGradients(int n)
            {
                var context = new TrainingContext(_options.Seed, _trainingStep++, 0);
                _network.TrainingContext = context;
                if (_splitBatch)
                {
                    return _split!.Compute(_inputs, _labels, _targets, _supervision == Supervision.Labels, _trackAccuracy ? _outputs : null);
                }

                if (_parallel is not null)
                {
                    return _parallel.Compute(_inputs, _labels, _targets, _supervision == Supervision.Labels, n, context, _lengths, _trackAccuracy ? _outputs : null);
                }

                _network.ZeroGradients();
                ReadOnlySpan<float> inputs = _inputs.Span.Slice(0, n * _inputSize);
                Span<float> outputs = _trackAccuracy ? _outputs.AsSpan(0, n * _outputSize) : Span<float>.Empty;
                if (_lengths is not null)
                {
                    // No outputs overload with lengths: the accuracy's outputs come from an inference pass before the step.
                    ReadOnlySpan<int> lengths = _lengths.AsSpan(0, n);
                    if (!outputs.IsEmpty)
                    {
                        _network.ForwardBatch(inputs, outputs, n, lengths);
                    }

                    return _supervision == Supervision.Labels
                        ? _network.BackwardBatch(inputs, (ReadOnlySpan<int>)_labels.AsSpan(0, n * _labelsPerSample), n, lengths)
                        : _network.BackwardBatch(inputs, (ReadOnlySpan<float>)_targets.AsSpan(0, n * _outputSize), n, lengths);
                }

                return _supervision == Supervision.Labels
                    ? _network.BackwardBatch(inputs, (ReadOnlySpan<int>)_labels.AsSpan(0, n * _labelsPerSample), n, outputs)
                    : _network.BackwardBatch(inputs, (ReadOnlySpan<float>)_targets.AsSpan(0, n * _outputSize), n, outputs);
            }

            /// <summary>
            /// Clips the batch's complete gradient, which <see cref="ComputeGradients"/> left in the network on every path
            /// (one thread, split or data-parallel), before the optimizer step: by value, then by norm, as set in the
            /// options. It runs on this thread over the whole buffer, so it is the same whatever the number of threads.
            /// </summary>
            private void ClipGradients()
            {
                if (_clipValue is float clipValue)
                {
                    GradientClipping.ClipByValue(_network.Gradients, clipValue);
                }

                if (_clipNorm is float maxNorm)
                {
                    _gradientNorm = GradientClipping.ClipByNorm(_network.Gradients, maxNorm, _clipNormType);
                }
            }

            private void CheckParametersFinite(int epoch)
            {
                ReadOnlySpan<float> parameters = _network.Parameters;
                for (int i = 0; i < parameters.Length; i++)
                {
                    if (!float.IsFinite(parameters[i]))
                    {
                        throw TrainingDivergedException.NonFiniteParameters(i, epoch, _options.Epochs, _batchCount);
                    }
                }
            }

            private void SetScheduledLearningRate(int step)
            {
                float learningRate = _schedule!.GetLearningRate(_baseLearningRate, step);
                if (!float.IsFinite(learningRate) || learningRate < 0f)
                {
                    throw new InvalidOperationException(
                        $"The learning-rate schedule returned {learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)} for step {step} (base learning rate {_baseLearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}); a learning rate must be finite and non-negative.");
                }

                _optimizer.LearningRate = learningRate;
            }

            private static double Rate(int samples, TimeSpan elapsed)
            {
                double seconds = elapsed.TotalSeconds;
                return seconds > 0 ? samples / seconds : 0;
            }
        }
    }
}
