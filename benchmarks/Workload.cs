using System;
using System.Linq;
using Compiled.Benchmarks.Baselines;

namespace Compiled.Benchmarks
{
    /// <summary>
    /// One network in its three implementations with identical parameters, and seeded data shaped for it: one sample, a
    /// batch of inputs, labels (cross-entropy networks) or targets (MSE networks), and an output buffer per implementation.
    /// </summary>
    public sealed class Workload
    {
        public const int BatchSize = 64;

        public const float LearningRate = 1e-3f;

        private Workload(NetworkName name, int seed)
        {
            Name = name;
            Spec = NetworkCatalog.Spec(name);
            Generated = NetworkCatalog.CreateGenerated(name);
            if (Generated.ParameterCount != Spec.ParameterCount || Generated.InputSize != Spec.InputSize || Generated.OutputSize != Spec.OutputSize)
            {
                throw new InvalidOperationException(
                    $"{name}: the generated network ({Generated.Architecture}, {Generated.ParameterCount} parameters) does not match the baselines' description ({Spec.ParameterCount} parameters).");
            }

            // Seeded weights, and biases made non-zero so that a bias mistake shows in the cross-checks.
            Generated.InitializeParameters(seed);
            var random = new Random(seed);
            using (ParameterEdit edit = Generated.EditParameters())
            {
                Span<float> parameters = edit.Values;
                foreach (ParameterTensor tensor in Generated.ParameterTensors.Where(t => t.Name.EndsWith(".bias", StringComparison.Ordinal)))
                {
                    for (int i = 0; i < tensor.Length; i++)
                    {
                        parameters[tensor.Offset + i] = (float)((random.NextDouble() - 0.5) * 0.2);
                    }
                }
            }

            InitialParameters = Generated.Parameters.ToArray();
            Naive = new NaiveNetwork(Spec);
            Naive.LoadParameters(InitialParameters);
            Dynamic = new DynamicNetwork(Spec, BatchSize);
            Dynamic.LoadParameters(InitialParameters);

            // Image-like inputs in [0, 1) for the 784-input classifiers, [-1, 1) for the small networks.
            bool image = Spec.InputSize == 784;
            Input = Uniform(random, Spec.InputSize, image ? 0f : -1f, 1f);
            Inputs = Uniform(random, BatchSize * Spec.InputSize, image ? 0f : -1f, 1f);
            Labels = new int[BatchSize];
            for (int s = 0; s < BatchSize; s++)
            {
                Labels[s] = random.Next(Spec.OutputSize);
            }

            Activation last = Spec.Layers[^1].Activation;
            Targets = Uniform(random, BatchSize * Spec.OutputSize, last == Activation.Sigmoid ? 0f : -1f, 1f);
            GeneratedOutput = new float[Spec.OutputSize];
            NaiveOutput = new float[Spec.OutputSize];
            DynamicOutput = new float[Spec.OutputSize];
            GeneratedOutputs = new float[BatchSize * Spec.OutputSize];
            NaiveOutputs = new float[BatchSize * Spec.OutputSize];
            DynamicOutputs = new float[BatchSize * Spec.OutputSize];
        }

        public NetworkName Name { get; }

        public NetworkSpec Spec { get; }

        public INetwork Generated { get; }

        public NaiveNetwork Naive { get; }

        public DynamicNetwork Dynamic { get; }

        /// <summary>The parameters all three started from, PyTorch layout.</summary>
        public float[] InitialParameters { get; }

        public float[] Input { get; }

        public float[] Inputs { get; }

        public int[] Labels { get; }

        public float[] Targets { get; }

        public bool UsesLabels => Spec.Loss == Loss.CrossEntropy;

        public float[] GeneratedOutput { get; }

        public float[] NaiveOutput { get; }

        public float[] DynamicOutput { get; }

        public float[] GeneratedOutputs { get; }

        public float[] NaiveOutputs { get; }

        public float[] DynamicOutputs { get; }

        public static Workload Create(NetworkName name, int seed = 1) => new(name, seed);

        /// <summary>Puts every implementation back on the initial parameters (training benchmarks do so periodically).</summary>
        public void RestoreParameters()
        {
            Generated.SetParameters(InitialParameters);
            Naive.LoadParameters(InitialParameters);
            Dynamic.LoadParameters(InitialParameters);
        }

        private static float[] Uniform(Random random, int length, float low, float high)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = low + ((high - low) * (float)random.NextDouble());
            }

            return values;
        }
    }
}
