using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Compiled.Training
{
    /// <summary>
    /// Two-thread training of a network that implements <see cref="ISplitTraining"/>: the first layer's units are split
    /// in two parts, one per thread. Each thread gathers its own copy of the batch from the (read-only) data set, packs,
    /// computes and differentiates its units, and applies the optimizer to their parameters; the main thread also runs
    /// the rest of the network. So each core keeps its half of the first layer's weights, gradients and optimizer state
    /// in its own cache, and only the layer's activations and their gradients (a few kilobytes per batch) cross between
    /// the cores. Results are bit for bit those of one thread. Nothing is allocated per batch.
    /// </summary>
    /// <remarks>
    /// Per batch: both threads zero their gradients and run the first layer's forward pass on the chunk; each then
    /// prefetches its copy of the next batch (where it would wait); the main thread waits for the worker, runs the rest
    /// of the network (forward, loss, backward); the worker waits for that, and both run their part of the first layer's
    /// backward pass. <see cref="Step"/> then has both threads update their
    /// own parameters and pack them for the next batch (the first batch packs before its forward pass). The worker
    /// waits for work through a <see cref="WorkSignal"/>. When <see cref="Compute"/> returns, the worker has finished and
    /// the whole gradient is in the network, so the trainer clips it there (<see cref="GradientClipping"/>), on the main
    /// thread, before <see cref="Step"/>; this reads (and, when clipping scales, writes) the worker's half of the first
    /// layer's gradient from the other core.
    /// </remarks>
    internal sealed class SplitTraining : IDisposable
    {
        private const int Parts = 2;

        private readonly ISplitTraining _network;
        private readonly float[] _features;
        private readonly int _inputSize;
        private readonly int _outputSize;
        private readonly int _chunk;
        private readonly Memory<float> _workerInputs; // 64-byte aligned, like the trainer's batch buffer
        private readonly (int Start, int Length)[][] _ranges;
        private readonly Thread _worker;
        private readonly object _gate = new(); // guards _failure
        private readonly WorkSignal _signal = new();
        private readonly long[] _allocatedBytes = new long[Parts];
        private long _packedVersion = -1; // the parameter version the split copy of the weights was packed from
        private bool _repack; // this batch's parts repack their units first (the parameters changed since the last Step)
        private volatile bool _aborted;
        private ExceptionDispatchInfo? _failure;

        // Progress of the current job, reset by the main thread before it posts the job.
        private int _forwardsDone;
        private int _restsDone;
        private int _workerFinished;

        // The current job.
        private bool _updating;
        private int[] _order = Array.Empty<int>();
        private int _orderStart;
        private int _batch;
        private Optimizers.Optimizer? _optimizer;
        private long _step;

        public SplitTraining(ISplitTraining network, float[] features, int batchSize)
        {
            if (network.SplitParts != Parts)
            {
                throw new ArgumentException($"Split training runs {Parts} parts; the network has {network.SplitParts}.", nameof(network));
            }

            _network = network;
            _features = features;
            _inputSize = network.InputSize;
            _outputSize = network.OutputSize;
            _chunk = network.SplitChunk;
            _workerInputs = Trainer.AllocateAlignedFloats((long)batchSize * _inputSize, nameof(batchSize));
            _ranges = OwnedRanges(network);
            network.SplitPrepare();
            // The generation is read here, not when the thread starts running: a batch may be posted before that.
            int generation = _signal.Generation;
            _worker = new Thread(() => WorkerLoop(generation)) { IsBackground = true, Name = "Compiled split-training worker" };
            _worker.Start();
        }

        /// <summary>
        /// The parameters (and gradients) each part owns: its rows of the first layer's weight and its entries of the bias;
        /// part 0 also everything after the first layer.
        /// </summary>
        internal static (int Start, int Length)[][] OwnedRanges(ISplitTraining network)
        {
            ParameterTensor weight = network.ParameterTensors[0];
            ParameterTensor bias = network.ParameterTensors[1];
            int inputs = weight.Shape[1];
            int units = network.SplitUnit(Parts);
            var ranges = new (int Start, int Length)[Parts][];
            for (int part = 0; part < Parts; part++)
            {
                int begin = network.SplitUnit(part);
                int end = network.SplitUnit(part + 1);
                var own = new System.Collections.Generic.List<(int, int)>
                {
                    (weight.Offset + (begin * inputs), (end - begin) * inputs),
                    (bias.Offset + begin, end - begin),
                };
                if (part == 0)
                {
                    own.Add((0, weight.Offset));
                    own.Add((bias.Offset + units, network.ParameterCount - (bias.Offset + units)));
                }

                ranges[part] = own.FindAll(r => r.Item2 > 0).ToArray();
            }

            return ranges;
        }

        /// <summary>
        /// Starts the batch at positions <c>[start, start + batch)</c> of <paramref name="order"/> on the worker, which
        /// gathers its copy of it while the caller gathers its own; <see cref="Compute"/> follows.
        /// </summary>
        public void Begin(int[] order, int start, int batch)
        {
            _order = order;
            _orderStart = start;
            _batch = batch;
            _updating = false;
            _repack = _packedVersion != _network.ParameterVersion;
            Post();
        }

        /// <summary>
        /// Computes the gradient of the mean loss of the batch given to <see cref="Begin"/> into the network; the main
        /// thread's copy of the batch is in <paramref name="inputs"/>.
        /// </summary>
        /// <param name="inputs">The main thread's copy of the batch.</param>
        /// <param name="labels">The batch's labels, when <paramref name="useLabels"/>.</param>
        /// <param name="targets">The batch's targets, otherwise.</param>
        /// <param name="useLabels">Whether the loss takes labels.</param>
        /// <param name="outputs">Null, or receives the batch's training outputs (for the accuracy).</param>
        /// <returns>The mean loss.</returns>
        public float Compute(ReadOnlyMemory<float> inputs, int[] labels, float[] targets, bool useLabels, float[]? outputs = null)
        {
            int batch = _batch;

            // Stochastic layers (dropout) are in the rest of the network, which runs here chunk by chunk: each chunk sees
            // the batch's context shifted to its first sample, so the masks are those one BackwardBatch call would draw.
            TrainingContext context = _network.TrainingContext;
            double total = 0;
            try
            {
                Span<float> gradients = _network.Gradients;
                foreach ((int s, int length) in _ranges[0])
                {
                    gradients.Slice(s, length).Clear();
                }

                if (_repack)
                {
                    _network.SplitPack(0);
                }

                float scale = 1f / batch;
                int chunks = 0;
                for (int c0 = 0; c0 < batch; c0 += _chunk, chunks++)
                {
                    int count = Math.Min(_chunk, batch - c0);
                    ReadOnlySpan<float> x = inputs.Span.Slice(c0 * _inputSize, count * _inputSize);
                    _network.SplitForward(0, x, count);
                    if (c0 == 0)
                    {
                        // This thread's copy of the next batch, asked of memory while the worker finishes its forward pass.
                        PrefetchNext();
                    }

                    if (!WaitUntil(ref _forwardsDone, chunks + 1))
                    {
                        break;
                    }

                    _network.TrainingContext = context.Skip(c0);
                    Span<float> chunkOutputs = outputs is null ? Span<float>.Empty : outputs.AsSpan(c0 * _outputSize, count * _outputSize);
                    total += useLabels
                        ? _network.SplitRest((ReadOnlySpan<int>)labels.AsSpan(c0, count), count, scale, chunkOutputs)
                        : _network.SplitRest((ReadOnlySpan<float>)targets.AsSpan(c0 * _outputSize, count * _outputSize), count, scale, chunkOutputs);
                    Volatile.Write(ref _restsDone, chunks + 1);
                    _network.SplitBackward(0, x, count);
                }
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
            finally
            {
                _network.TrainingContext = context;
            }

            Finish();
            Volatile.Write(ref _allocatedBytes[0], GC.GetAllocatedBytesForCurrentThread());
            return (float)(total / batch);
        }

        /// <summary>Applies one optimizer step, each thread updating the parameters its part owns.</summary>
        public void Step(Optimizers.Optimizer optimizer)
        {
            _optimizer = optimizer;
            _step = optimizer.BeginParallelStep(_network.ParameterCount);
            _updating = true;
            using (ParameterEdit edit = _network.EditParameters())
            {
                // Both parts write their own ranges and repack their own units inside this one edit; when it ends, the split
                // copy is exactly the parameters at the new version (any later write, from a progress callback or another
                // thread, bumps the version again and the next batch repacks).
                Post();
                try
                {
                    Update(0);
                }
                catch (Exception exception)
                {
                    Fail(exception);
                }

                Finish();
            }

            _packedVersion = _network.ParameterVersion;
            Volatile.Write(ref _allocatedBytes[0], GC.GetAllocatedBytesForCurrentThread());
        }

        /// <summary>For tests: the bytes each part's thread had allocated (its own counter) when it last finished a job.</summary>
        internal long AllocatedBytes(int part) => Volatile.Read(ref _allocatedBytes[part]);

        public void Dispose()
        {
            _aborted = true; // a job left half done (an exception between Begin and Compute) ends too
            _signal.Stop();
            _worker.Join();
        }

        private void Post()
        {
            Volatile.Write(ref _forwardsDone, 0);
            Volatile.Write(ref _restsDone, 0);
            Volatile.Write(ref _workerFinished, 0);
            _aborted = false;
            _signal.Post();
        }

        /// <summary>
        /// Prefetches the next batch of the order (if the epoch has one) for the calling thread. Each thread asks for its
        /// own copy where it would otherwise wait for the other (issuing a batch's prefetches takes ~15 µs of the thread
        /// on Fashion-MNIST: they wait on memory once the core's miss buffers are full).
        /// </summary>
        private void PrefetchNext() =>
            BatchPrefetch.Rows(_features, _inputSize, _order, _orderStart + _batch, Math.Min(_batch, _order.Length - _orderStart - _batch));

        /// <summary>Waits for the worker to finish the job, then rethrows the first failure of either thread.</summary>
        private void Finish()
        {
            int spins = 0;
            while (Volatile.Read(ref _workerFinished) == 0)
            {
                WorkSignal.Pause(ref spins);
            }

            if (_failure is { } failure)
            {
                _failure = null;
                failure.Throw();
            }
        }

        private void Fail(Exception exception)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(exception);
            }

            _aborted = true;
        }

        /// <summary>Spins until <paramref name="counter"/> reaches <paramref name="target"/>; false if the job was aborted.</summary>
        private bool WaitUntil(ref int counter, int target)
        {
            int spins = 0;
            while (Volatile.Read(ref counter) < target)
            {
                if (_aborted)
                {
                    return false;
                }

                WorkSignal.Pause(ref spins);
            }

            return true;
        }

        private void Update(int part)
        {
            Span<float> parameters = ParameterAccess.Writable(_network.Parameters); // inside Step's edit
            ReadOnlySpan<float> gradients = _network.Gradients;
            foreach ((int start, int length) in _ranges[part])
            {
                _optimizer!.UpdateSlice(parameters, gradients, start, length, _step);
            }

            // Pack the part's new weights now, while they are in this core's cache, for the next batch.
            _network.SplitPack(part);
        }

        private void WorkerLoop(int seen)
        {
            while (true)
            {
                seen = _signal.Wait(seen);
                if (_signal.Stopping)
                {
                    return;
                }

                try
                {
                    if (_updating)
                    {
                        Update(1);
                    }
                    else
                    {
                        WorkerCompute();
                    }
                }
                catch (Exception exception)
                {
                    Fail(exception);
                }

                Volatile.Write(ref _allocatedBytes[1], GC.GetAllocatedBytesForCurrentThread());
                Volatile.Write(ref _workerFinished, 1);
            }
        }

        private void WorkerCompute()
        {
            Span<float> gradients = _network.Gradients;
            foreach ((int s, int length) in _ranges[1])
            {
                gradients.Slice(s, length).Clear();
            }

            // Gather this thread's own copy of the batch from the data set, so that it never reads the main thread's.
            int inputSize = _inputSize;
            ReadOnlySpan<float> features = _features;
            Span<float> inputs = _workerInputs.Span;
            for (int k = 0; k < _batch; k++)
            {
                features.Slice(_order[_orderStart + k] * inputSize, inputSize).CopyTo(inputs.Slice(k * inputSize, inputSize));
            }

            if (_repack)
            {
                _network.SplitPack(1);
            }

            int chunks = 0;
            for (int c0 = 0; c0 < _batch; c0 += _chunk, chunks++)
            {
                int count = Math.Min(_chunk, _batch - c0);
                ReadOnlySpan<float> x = inputs.Slice(c0 * inputSize, count * inputSize);
                _network.SplitForward(1, x, count);
                Volatile.Write(ref _forwardsDone, chunks + 1);
                if (c0 == 0)
                {
                    // This thread's copy of the next batch, asked of memory while the main thread runs the rest of the network.
                    PrefetchNext();
                }

                if (!WaitUntil(ref _restsDone, chunks + 1))
                {
                    return;
                }

                _network.SplitBackward(1, x, count);
            }
        }

    }
}
