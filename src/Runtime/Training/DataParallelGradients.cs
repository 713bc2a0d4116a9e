using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace Compiled.Training
{
    /// <summary>
    /// Computes the gradient of a batch's mean loss, and applies the optimizer step, on several threads: the batch is split into contiguous parts, each
    /// thread runs <c>BackwardBatch</c> on its part with its own worker network (sharing the parameters, see
    /// <see cref="INetwork.CreateWorker"/>), and the parts' gradients are combined into the main network's
    /// <see cref="INetwork.Gradients"/> weighted by their share of the batch, each thread reducing one slice of the
    /// parameters. Threads are started once and wait for work through a <see cref="WorkSignal"/>; nothing is allocated
    /// per batch.
    /// </summary>
    /// <remarks>
    /// The result equals the single-threaded gradient up to float rounding (the sum is taken in another order); it is
    /// deterministic for a given thread count. Between <see cref="Compute"/> and <see cref="Step"/> the main network's
    /// gradient is complete, and the trainer clips it there (<see cref="GradientClipping"/>) on its own thread.
    /// </remarks>
    internal sealed class DataParallelGradients : IDisposable
    {
        private readonly INetwork[] _networks;
        private readonly Thread[] _threads;
        private readonly WorkSignal _signal = new();
        private readonly int[] _starts;
        private readonly int[] _counts;
        private readonly float[] _losses;
        private readonly long[] _allocatedBytes;
        private readonly int _inputSize;
        private readonly int _outputSize;
        private int _computing;
        private int _reducing;
        private ExceptionDispatchInfo? _failure;

        // The current job, set by the main thread before it bumps the generation.
        private ReadOnlyMemory<float> _inputs;
        private int[] _labels = Array.Empty<int>();
        private readonly int _labelsPerSample; // one label per sample, or per step (sequence labelling)
        private float[] _targets = Array.Empty<float>();
        private int[]? _lengths;
        private bool _useLabels;
        private float[]? _outputs; // null, or the batch's training outputs (for the accuracy), each thread writing its part
        private int _batch;
        private bool _updating;
        private Optimizers.Optimizer? _optimizer;
        private long _step;
        private TrainingContext _context;

        public DataParallelGradients(INetwork network, int threads)
        {
            _inputSize = network.InputSize;
            _outputSize = network.OutputSize;
            _labelsPerSample = network.LabelsPerSample;
            _networks = new INetwork[threads];
            _networks[0] = network;
            for (int t = 1; t < threads; t++)
            {
                _networks[t] = network.CreateWorker();
            }

            _starts = new int[threads];
            _counts = new int[threads];
            _losses = new float[threads];
            _allocatedBytes = new long[threads];
            _threads = new Thread[threads];
            for (int t = 1; t < threads; t++)
            {
                int index = t;

                // The generation is read here, not when the thread starts running: a batch may be posted before that.
                int generation = _signal.Generation;
                _threads[t] = new Thread(() => WorkerLoop(index, generation)) { IsBackground = true, Name = $"Compiled trainer worker {t}" };
                _threads[t].Start();
            }
        }

        public int Threads => _networks.Length;

        /// <summary>For tests: the bytes each thread had allocated (its own counter) when it last finished a batch.</summary>
        internal long AllocatedBytes(int thread) => Volatile.Read(ref _allocatedBytes[thread]);

        /// <summary>Computes the gradient of the mean loss of the first <paramref name="batch"/> samples into the main network; returns the mean loss.</summary>
        /// <remarks>Each thread's network gets <c>context</c> shifted to the first sample of its share of the batch.</remarks>
        /// <param name="inputs">The batch's inputs.</param>
        /// <param name="labels">Its labels (with <paramref name="useLabels"/>).</param>
        /// <param name="targets">Its targets (without).</param>
        /// <param name="useLabels">Whether to train with labels.</param>
        /// <param name="batch">The samples.</param>
        /// <param name="context">The batch's training context.</param>
        /// <param name="lengths">The samples' sequence lengths, or null (samples of one length).</param>
        /// <param name="outputs">Null, or receives the batch's training outputs (for the accuracy), each thread writing its part.</param>
        public float Compute(ReadOnlyMemory<float> inputs, int[] labels, float[] targets, bool useLabels, int batch, TrainingContext context, int[]? lengths = null, float[]? outputs = null)
        {
            _lengths = lengths;
            _context = context;
            _outputs = outputs;
            int threads = Math.Min(Threads, batch);
            for (int t = 0, start = 0; t < Threads; t++)
            {
                int count = t < threads ? (batch / threads) + (t < batch % threads ? 1 : 0) : 0;
                _starts[t] = start;
                _counts[t] = count;
                start += count;
            }

            _inputs = inputs;
            _labels = labels;
            _targets = targets;
            _useLabels = useLabels;
            _batch = batch;
            _updating = false;
            Run();

            double loss = 0;
            for (int t = 0; t < Threads; t++)
            {
                loss += (double)_losses[t] * _counts[t];
            }

            return (float)(loss / batch);
        }

        /// <summary>
        /// Applies one optimizer step to the main network's parameters from the gradients <see cref="Compute"/> left,
        /// each thread updating its own slice of the buffer (every update rule is element-wise).
        /// </summary>
        public void Step(Optimizers.Optimizer optimizer)
        {
            _optimizer = optimizer;
            _step = optimizer.BeginParallelStep(_networks[0].ParameterCount);
            _updating = true;

            // One edit around the whole parallel update: its end versions the packed weights after every slice is written.
            using ParameterEdit edit = _networks[0].EditParameters();
            Run();
        }

        private void Run()
        {
            Volatile.Write(ref _computing, Threads);
            Volatile.Write(ref _reducing, Threads);
            _signal.Post();
            Work(0);
            SpinUntilZero(ref _reducing);
            if (_failure is { } failure)
            {
                _failure = null;
                failure.Throw();
            }
        }

        public void Dispose()
        {
            _signal.Stop();
            for (int t = 1; t < Threads; t++)
            {
                _threads[t].Join();
            }
        }

        private void WorkerLoop(int index, int seen)
        {
            while (true)
            {
                seen = _signal.Wait(seen);
                if (_signal.Stopping)
                {
                    return;
                }

                Work(index);
            }
        }

        private void Work(int index)
        {
            if (_updating)
            {
                try
                {
                    (int begin, int end) = Slice(index, _networks[0].ParameterCount);
                    if (begin < end)
                    {
                        _optimizer!.UpdateSlice(ParameterAccess.Writable(_networks[0].Parameters), _networks[0].Gradients, begin, end - begin, _step);
                    }
                }
                catch (Exception exception)
                {
                    _failure ??= ExceptionDispatchInfo.Capture(exception);
                }

                Volatile.Write(ref _allocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
                Interlocked.Decrement(ref _reducing);
                return;
            }

            try
            {
                if (_counts[index] > 0)
                {
                    INetwork network = _networks[index];
                    int start = _starts[index];
                    int count = _counts[index];
                    network.ZeroGradients();
                    network.TrainingContext = _context.Skip(start);
                    ReadOnlySpan<float> inputs = _inputs.Span.Slice(start * _inputSize, count * _inputSize);
                    Span<float> outputs = _outputs is null ? Span<float>.Empty : _outputs.AsSpan(start * _outputSize, count * _outputSize);
                    if (_lengths is int[] lengths)
                    {
                        // No outputs overload with lengths: the accuracy's outputs come from an inference pass before the step.
                        ReadOnlySpan<int> part = lengths.AsSpan(start, count);
                        if (!outputs.IsEmpty)
                        {
                            network.ForwardBatch(inputs, outputs, count, part);
                        }

                        _losses[index] = _useLabels
                            ? network.BackwardBatch(inputs, (ReadOnlySpan<int>)_labels.AsSpan(start * _labelsPerSample, count * _labelsPerSample), count, part)
                            : network.BackwardBatch(inputs, (ReadOnlySpan<float>)_targets.AsSpan(start * _outputSize, count * _outputSize), count, part);
                    }
                    else
                    {
                        _losses[index] = _useLabels
                            ? network.BackwardBatch(inputs, (ReadOnlySpan<int>)_labels.AsSpan(start * _labelsPerSample, count * _labelsPerSample), count, outputs)
                            : network.BackwardBatch(inputs, (ReadOnlySpan<float>)_targets.AsSpan(start * _outputSize, count * _outputSize), count, outputs);
                    }
                }
            }
            catch (Exception exception)
            {
                _failure ??= ExceptionDispatchInfo.Capture(exception);
            }

            Interlocked.Decrement(ref _computing);
            SpinUntilZero(ref _computing);
            try
            {
                Reduce(index);
            }
            catch (Exception exception)
            {
                _failure ??= ExceptionDispatchInfo.Capture(exception);
            }

            Volatile.Write(ref _allocatedBytes[index], GC.GetAllocatedBytesForCurrentThread());
            Interlocked.Decrement(ref _reducing);
        }

        /// <summary>Writes the weighted sum of every part's gradient into the main network, for this thread's slice of the parameters.</summary>
        private void Reduce(int index)
        {
            Span<float> total = _networks[0].Gradients;
            (int begin, int end) = Slice(index, total.Length);
            if (begin >= end)
            {
                return;
            }

            Span<float> target = total[begin..end];
            float weight0 = (float)_counts[0] / _batch;
            Scale(target, weight0);
            for (int t = 1; t < Threads; t++)
            {
                if (_counts[t] > 0)
                {
                    AddScaled(target, _networks[t].Gradients[begin..end], (float)_counts[t] / _batch);
                }
            }
        }

        /// <summary>This thread's share of a buffer: contiguous, in multiples of 16 floats (64 bytes).</summary>
        private (int Begin, int End) Slice(int index, int length)
        {
            int slice = (((length + Threads - 1) / Threads) + 15) & ~15;
            int begin = Math.Min(length, index * slice);
            return (begin, Math.Min(length, begin + slice));
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static void Scale(Span<float> values, float factor)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref float v = ref MemoryMarshal.GetReference(values);
                for (; i + 8 <= values.Length; i += 8)
                {
                    (Vector256.LoadUnsafe(ref v, (nuint)i) * factor).StoreUnsafe(ref v, (nuint)i);
                }
            }

            for (; i < values.Length; i++)
            {
                values[i] *= factor;
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float factor)
        {
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref float t = ref MemoryMarshal.GetReference(target);
                ref float s = ref MemoryMarshal.GetReference(source);
                for (; i + 8 <= target.Length; i += 8)
                {
                    (Vector256.LoadUnsafe(ref t, (nuint)i) + (Vector256.LoadUnsafe(ref s, (nuint)i) * factor)).StoreUnsafe(ref t, (nuint)i);
                }
            }

            for (; i < target.Length; i++)
            {
                target[i] += source[i] * factor;
            }
        }

        private static void SpinUntilZero(ref int counter)
        {
            int spins = 0;
            while (Volatile.Read(ref counter) != 0)
            {
                WorkSignal.Pause(ref spins);
            }
        }
    }
}
