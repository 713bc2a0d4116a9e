using System;
using Compiled.Schedules;

namespace Compiled.Training
{
    /// <summary>The settings of a <see cref="Trainer"/>. Each setter checks its value, so invalid options never reach training.</summary>
    public sealed class TrainerOptions
    {
        private int _epochs = 10;
        private int _batchSize = 32;
        private ScheduleStepping _scheduleStepping;
        private int _threads = 1;
        private float? _clipGradientNorm;
        private float _clipGradientNormType = 2f;
        private float? _clipGradientValue;

        /// <summary>The number of passes over the training data; positive. Defaults to 10.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
        public int Epochs
        {
            get => _epochs;
            init
            {
                if (value <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The number of epochs must be positive.");
                }

                _epochs = value;
            }
        }

        /// <summary>
        /// The number of samples per optimizer step; positive. Defaults to 32. The last batch of an epoch holds the
        /// remaining samples and may be smaller (PyTorch's <c>drop_last=False</c>); a batch size above the number of
        /// samples gives one full-data batch per epoch.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
        public int BatchSize
        {
            get => _batchSize;
            init
            {
                if (value <= 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The batch size must be positive.");
                }

                _batchSize = value;
            }
        }

        /// <summary>
        /// The seed of the shuffling generator (xoshiro256** seeded by SplitMix64, stable across .NET versions). The same
        /// seed, starting parameters and optimizer give bit-identical training. Defaults to 0.
        /// </summary>
        public int Seed { get; init; }

        /// <summary>Whether to visit the training samples in a new random order each epoch. Defaults to <see langword="true"/>.</summary>
        public bool Shuffle { get; init; } = true;

        /// <summary>
        /// The learning-rate schedule, or <see langword="null"/> (the default) to keep the optimizer's learning rate. Its
        /// base learning rate is the optimizer's <see cref="Optimizers.Optimizer.LearningRate"/> when
        /// <see cref="Trainer.Fit"/> starts.
        /// </summary>
        public ILearningRateSchedule? LearningRateSchedule { get; init; }

        /// <summary>When the schedule advances: after each epoch (the default) or after each batch.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Training.ScheduleStepping"/>.</exception>
        public ScheduleStepping ScheduleStepping
        {
            get => _scheduleStepping;
            init
            {
                if (value is not (ScheduleStepping.PerEpoch or ScheduleStepping.PerBatch))
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown schedule stepping.");
                }

                _scheduleStepping = value;
            }
        }

        /// <summary>Early stopping on a validation metric, or <see langword="null"/> (the default) to train every epoch.</summary>
        public EarlyStopping? EarlyStopping { get; init; }

        /// <summary>
        /// The number of threads that train, from 1 (the default) to 64. Use at most one thread per core.
        /// <para>
        /// With 2, on a network that implements <see cref="ISplitTraining"/> (the generator adds it when the first layer
        /// is a <c>[Dense]</c> with at least 32 units and 16,384 weights, followed by more layers), the first layer's units
        /// are split between the two threads: each keeps its half of that layer's weights, gradients and optimizer state
        /// in its own core's cache, and only activations cross between the cores. The results are bit for bit those of
        /// one thread. So the trainer can also choose: every epoch runs its first 6 batches split, the next 6 on the
        /// calling thread alone, and the rest in whichever way was faster (two cores do not always beat one: a busy or
        /// slowed second core, a slower kind of core); the results are the same either way.
        /// </para>
        /// <para>
        /// Otherwise each batch is split into contiguous parts, one per thread, each computed by a worker network that
        /// shares the parameters (<see cref="INetwork.CreateWorker"/>), and the parts' gradients are combined weighted by
        /// their size before the optimizer step (data parallelism); results equal single-threaded training up to float
        /// rounding and are deterministic for a given thread count. Every batch then hands the updated parameters and
        /// the gradients from core to core, which pays only when the cores exchange data quickly compared with the
        /// batch's arithmetic: on the 2-core AMD EPYC (Zen 5) virtual machine this library is benchmarked on, handing
        /// over 400 KB takes about 90 µs, so measure before relying on it (see the benchmarks' README).
        /// </para>
        /// <para>
        /// A network whose training couples the samples of a batch (<see cref="INetwork.RequiresWholeBatch"/>: one with
        /// <c>[BatchNorm]</c>) is trained on one thread whatever this says: its statistics are the whole batch's, which a
        /// batch split between threads would not give.
        /// </para>
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is outside [1, 64].</exception>
        public int Threads
        {
            get => _threads;
            init
            {
                if (value is < 1 or > 64)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The number of training threads must be between 1 and 64.");
                }

                _threads = value;
            }
        }

        /// <summary>
        /// The largest total norm of each batch's gradient, or <see langword="null"/> (the default) not to clip by norm:
        /// after the batch's gradient is complete and before the optimizer step, the trainer calls
        /// <see cref="GradientClipping.ClipByNorm(INetwork, float, float, bool)"/> with this and
        /// <see cref="ClipGradientNormType"/>, as a PyTorch loop calls <c>torch.nn.utils.clip_grad_norm_</c> between
        /// <c>loss.backward()</c> and <c>optimizer.step()</c>. Finite and &gt;= 0.
        /// </summary>
        /// <remarks>
        /// <para>
        /// The norm is that of the whole gradient of the batch's mean loss, on every path: with
        /// <see cref="Threads"/> above 1 it is taken after the parts have been combined (data parallelism) or after both
        /// halves of the first layer are done (split training), on the training thread, so the clipping itself does not
        /// depend on the number of threads. This is one more pass over the gradient per batch.
        /// </para>
        /// <para>
        /// The optimizer's <see cref="Optimizers.Optimizer.L1"/> and <see cref="Optimizers.Optimizer.L2"/> penalties and
        /// its weight decay are added inside the optimizer step, so they are not clipped, as PyTorch's
        /// <c>weight_decay</c> is not. A non-finite norm is handled as PyTorch does by default
        /// (<c>error_if_nonfinite=False</c>): a NaN gradient makes every gradient NaN, and the trainer's divergence
        /// checks then stop training with <see cref="TrainingDivergedException"/>. When <see cref="ClipGradientValue"/> is
        /// set too, values are clamped first and the norm is taken of the clamped gradient.
        /// </para>
        /// <para>Each batch's <see cref="TrainingProgress"/> report carries the norm before clipping (<see cref="TrainingProgress.GradientNorm"/>).</para>
        /// </remarks>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative or NaN (+infinity only measures the norm, reported in <see cref="TrainingProgress.GradientNorm"/>).</exception>
        public float? ClipGradientNorm
        {
            get => _clipGradientNorm;
            init
            {
                if (value is float maxNorm)
                {
                    GradientClipping.CheckMaxNorm(maxNorm, nameof(value));
                }

                _clipGradientNorm = value;
            }
        }

        /// <summary>
        /// The order of the norm <see cref="ClipGradientNorm"/> limits (PyTorch's <c>norm_type</c>): a positive number,
        /// or <see cref="float.PositiveInfinity"/> for the largest absolute value. Defaults to 2.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative or NaN.</exception>
        public float ClipGradientNormType
        {
            get => _clipGradientNormType;
            init
            {
                GradientClipping.CheckNormType(value, nameof(value));
                _clipGradientNormType = value;
            }
        }

        /// <summary>
        /// The largest magnitude of each gradient value, or <see langword="null"/> (the default) not to clip by value:
        /// after the batch's gradient is complete and before the optimizer step, the trainer clamps every gradient to
        /// <c>[-ClipGradientValue, ClipGradientValue]</c> with <see cref="GradientClipping.ClipByValue(INetwork, float)"/>,
        /// as a PyTorch loop calls <c>torch.nn.utils.clip_grad_value_</c>. Finite and &gt;= 0. When
        /// <see cref="ClipGradientNorm"/> is set too, this clamping comes first.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
        public float? ClipGradientValue
        {
            get => _clipGradientValue;
            init
            {
                if (value is float clipValue)
                {
                    GradientClipping.CheckClipValue(clipValue, nameof(value));
                }

                _clipGradientValue = value;
            }
        }

        /// <summary>
        /// Whether to measure the training accuracy as training goes (of labelled data, and of a
        /// <see cref="Loss.BinaryCrossEntropy"/> network's target vectors). Defaults to <see langword="true"/>.
        /// The accuracy is that of the outputs each batch's loss came from: the training forward pass (in training mode,
        /// so with dropout's masks and batch statistics, and the parameters before that batch's step), which generated
        /// networks hand back from <c>BackwardBatch</c>, as PyTorch and Keras training loops report it; it costs no
        /// extra forward pass (a hand-written <see cref="INetwork"/> without that overload runs one). Other target-vector
        /// data never has an accuracy.
        /// </summary>
        public bool TrackTrainingAccuracy { get; init; } = true;
    }
}
