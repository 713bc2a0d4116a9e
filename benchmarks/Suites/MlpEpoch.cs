using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.Baselines;
using Compiled.Data;
using Compiled.Optimizers;
using Compiled.Training;

namespace Compiled.Benchmarks.Suites
{
    /// <summary>Where the Fashion-MNIST training set is looked for.</summary>
    public static class FashionMnist
    {
        public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

        /// <summary>The directory: <c>FASHION_MNIST_DIR</c> if set, else <see cref="DefaultDirectory"/>.</summary>
        public static string Directory => Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") is { Length: > 0 } dir ? dir : DefaultDirectory;

        public static string Images => Path.Combine(Directory, "train-images-idx3-ubyte.gz");

        public static string Labels => Path.Combine(Directory, "train-labels-idx1-ubyte.gz");

        public static bool IsPresent => File.Exists(Images) && File.Exists(Labels);

        public static string MissingMessage =>
            $"Fashion-MNIST not found ({Images} and {Labels}); the MlpEpoch benchmarks are skipped. Set FASHION_MNIST_DIR to the folder holding the IDX gzip files to run them.";

        public static Dataset Load() => Idx.ReadDataset(Images, Labels, scaleToUnitRange: true);
    }

    /// <summary>
    /// One whole Fashion-MNIST training epoch (60,000 images) of Mlp at batch 64 with Adam 1e-3: the generated network
    /// through <see cref="Trainer"/> (shuffling, gathering each batch, TrackTrainingAccuracy off); the baselines through the
    /// same loop written by hand (shuffle, gather, zero gradients, backward, their own Adam). Each invocation trains one more
    /// epoch from where the previous one left off.
    /// </summary>
    public class MlpEpoch
    {
        private Dataset _train = null!;
        private Workload _workload = null!;
        private INetwork _generated = null!;
        private Adam _adam = null!;
        private Trainer _trainer = null!;
        private Trainer _trainerTwoThreads = null!;
        private INetwork _generatedTwoThreads = null!;
        private Adam _adamTwoThreads = null!;
        private NaiveNetwork _naive = null!;
        private DynamicNetwork _dynamic = null!;
        private int[] _order = null!;
        private float[] _batchInputs = null!;
        private int[] _batchLabels = null!;
        private Random _shuffle = null!;

        public const int Batch = Workload.BatchSize;

        [GlobalSetup]
        public void Setup()
        {
            if (!FashionMnist.IsPresent)
            {
                throw new InvalidOperationException(FashionMnist.MissingMessage);
            }

            Verification.VerifyOrThrow(NetworkName.Mlp);
            Console.WriteLine("// Correctness guard passed for Mlp.");
            _train = FashionMnist.Load();
            _workload = Workload.Create(NetworkName.Mlp);
            _generated = _workload.Generated;
            _naive = _workload.Naive;
            _dynamic = _workload.Dynamic;
            _adam = new Adam(Workload.LearningRate);
            _trainer = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = Batch, Shuffle = true, Seed = 1, TrackTrainingAccuracy = false });

            // The same training on two threads (data-parallel: each batch split in two, gradients combined, the
            // optimizer step applied in two slices), on its own copy of the network so both rows start alike.
            _generatedTwoThreads = Workload.Create(NetworkName.Mlp).Generated;
            _adamTwoThreads = new Adam(Workload.LearningRate);
            _trainerTwoThreads = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = Batch, Shuffle = true, Seed = 1, TrackTrainingAccuracy = false, Threads = 2 });
            _order = new int[_train.Count];
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            _batchInputs = new float[Batch * _train.FeatureCount];
            _batchLabels = new int[Batch];
            _shuffle = new Random(1);
            Console.WriteLine($"// Fashion-MNIST: {_train.Count} training images of {_train.FeatureCount} pixels.");
            Console.WriteLine($"// Alignment (address mod 64): parameters {Alignment.Of(_generated.Parameters)}, gradients {Alignment.Of(_generated.Gradients)}.");
        }

        [Benchmark]
        public double Naive() => HandWrittenEpoch(naive: true);

        [Benchmark]
        public double Dynamic() => HandWrittenEpoch(naive: false);

        [Benchmark]
        public TrainingHistory Generated() => _trainer.Fit(_generated, _adam, _train);

        /// <summary>The generated network through <see cref="Trainer"/> with <c>Threads = 2</c>.</summary>
        [Benchmark]
        public TrainingHistory GeneratedTwoThreads() => _trainerTwoThreads.Fit(_generatedTwoThreads, _adamTwoThreads, _train);

        /// <summary>What Trainer does for one epoch, written out for a baseline: shuffle, gather each batch, step.</summary>
        private double HandWrittenEpoch(bool naive)
        {
            int count = _train.Count;
            int features = _train.FeatureCount;
            int[] labels = _train.Labels!;
            ReadOnlySpan<float> all = _train.Features;
            _shuffle.Shuffle(_order);
            double loss = 0;
            for (int start = 0; start < count; start += Batch)
            {
                int n = Math.Min(Batch, count - start);
                for (int s = 0; s < n; s++)
                {
                    int index = _order[start + s];
                    all.Slice(index * features, features).CopyTo(_batchInputs.AsSpan(s * features));
                    _batchLabels[s] = labels[index];
                }

                ReadOnlySpan<float> inputs = _batchInputs.AsSpan(0, n * features);
                ReadOnlySpan<int> batchLabels = _batchLabels.AsSpan(0, n);
                if (naive)
                {
                    _naive.ZeroGradients();
                    loss += _naive.BackwardBatch(inputs, batchLabels, n) * n;
                    _naive.AdamStep(Workload.LearningRate);
                }
                else
                {
                    _dynamic.ZeroGradients();
                    loss += _dynamic.BackwardBatch(inputs, batchLabels, n) * n;
                    _dynamic.AdamStep(Workload.LearningRate);
                }
            }

            return loss / count;
        }
    }
}
