using System;
using System.Collections.Generic;
using System.Linq;

namespace Compiled.Tests.Networks
{
    /// <summary>Every test network by name, and seeded random data shaped for it.</summary>
    public static class NetworkCases
    {
        private static readonly Dictionary<string, Func<INetwork>> s_factories = new()
        {
            ["Xor"] = () => new Xor(),
            ["Mlp"] = () => new Mlp(),
            ["Game"] = () => new Game(),
            ["OddClassifier"] = () => new OddClassifier(),
            ["MultiLabel"] = () => new MultiLabel(),
            ["Regressor"] = () => new Regressor(),
            ["SoftmaxMse"] = () => new SoftmaxMse(),
            ["Image"] = () => new Image(),
            ["Wide"] = () => new Wide(),
            ["Line"] = () => new Line(),
            ["Digits"] = () => new Digits(),
            ["SplitGelu"] = () => new SplitGelu(),
            ["SplitImage"] = () => new SplitImage(),
            ["Dropouts"] = () => new Dropouts(),
            ["SplitDropout"] = () => new SplitDropout(),
            ["Norms"] = () => new Norms(),
            ["NormNoAffine"] = () => new NormNoAffine(),
            ["BatchNorms"] = () => new BatchNorms(),
            ["ChannelNorms"] = () => new ChannelNorms(),
            ["SpatialNorm"] = () => new SpatialNorm(),
            ["Tokens"] = () => new Tokens(),
            ["ConvDropout"] = () => new ConvDropout(),
            ["ConvDropout1d"] = () => new ConvDropout1d(),
            ["TokensPadded"] = () => new TokensPadded(),
            ["TokensGru"] = () => new TokensGru(),
            ["PoolMax2D"] = () => new PoolMax2D(),
            ["PoolAvg1D"] = () => new PoolAvg1D(),
            ["PoolMax3D"] = () => new PoolMax3D(),
            ["PoolNormMax"] = () => new PoolNormMax(),
            ["PoolCeil"] = () => new PoolCeil(),
            ["PoolGlobalAvg"] = () => new PoolGlobalAvg(),
            ["PoolWiden"] = () => new PoolWiden(),
            ["ConvSmall2d"] = () => new ConvSmall2d(),
            ["ConvDepthwise"] = () => new ConvDepthwise(),
            ["Conv1dCausal"] = () => new Conv1dCausal(),
            ["Conv3dTiny"] = () => new Conv3dTiny(),
            ["ConvOutput"] = () => new ConvOutput(),
            ["RnnLast"] = () => new RnnLast(),
            ["RnnReluStack"] = () => new RnnReluStack(),
            ["GruLast"] = () => new GruLast(),
            ["GruStack"] = () => new GruStack(),
            ["GruSequenceDense"] = () => new GruSequenceDense(),
            ["LstmLast"] = () => new LstmLast(),
            ["LstmStackSequence"] = () => new LstmStackSequence(),
            ["GruNormDenseLstm"] = () => new GruNormDenseLstm(),
            ["GruBidirectional"] = () => new GruBidirectional(),
            ["LstmBidirectional"] = () => new LstmBidirectional(),
            ["RnnBidirectional"] = () => new RnnBidirectional(),
            ["GruDropouts"] = () => new GruDropouts(),
            ["LstmDropouts"] = () => new LstmDropouts(),
            ["RnnBidirectionalDropouts"] = () => new RnnBidirectionalDropouts(),
            ["DenseBnRelu"] = () => new DenseBnRelu(),
            ["ConvBnReluAvg"] = () => new ConvBnReluAvg(),
            ["ActivationChain"] = () => new ActivationChain(),
            ["SoftmaxLayerMse"] = () => new SoftmaxLayerMse(),
            ["GruWide16"] = () => new GruWide16(),
            ["LstmBidirectional16"] = () => new LstmBidirectional16(),
            ["RnnWide32"] = () => new RnnWide32(),
            ["GruTagger"] = () => new GruTagger(),
            ["CharModel"] = () => new CharModel(),
            ["PanelsWide"] = () => new PanelsWide(),
            ["PanelsFolded"] = () => new PanelsFolded(),
        };

        /// <summary>Networks whose training normalises with batch statistics: a sample's loss depends on the rest of its batch.</summary>
        private static readonly HashSet<string> s_batchCoupled = new() { "BatchNorms", "ChannelNorms", "SpatialNorm", "PoolNormMax", "DenseBnRelu", "ConvBnReluAvg", "PanelsFolded" };

        /// <summary>Networks that cannot train on a single sample (a batch normalisation of one value per channel).</summary>
        private static readonly HashSet<string> s_noSingleSample = new() { "BatchNorms", "ChannelNorms", "DenseBnRelu", "PanelsFolded" };

        public static IEnumerable<object[]> All => s_factories.Keys.Select(name => new object[] { name });

        public static IEnumerable<string> Names => s_factories.Keys;

        /// <summary>
        /// The networks whose training treats each sample independently (every network but those with batch normalisation,
        /// where each sample is normalised with its batch's statistics).
        /// </summary>
        public static IEnumerable<string> IndependentSampleNames => s_factories.Keys.Where(name => !s_batchCoupled.Contains(name));

        /// <summary>True when a training call of one sample is allowed (false for batch normalisation over one value per channel).</summary>
        public static bool TrainsSingleSamples(string name) => !s_noSingleSample.Contains(name);

        /// <summary>Creates the network with seeded parameters whose biases are non-zero (so bias mistakes show).</summary>
        public static INetwork Create(string name, int seed = 1)
        {
            INetwork network = s_factories[name]();
            network.InitializeParameters(seed);
            var random = new Random(seed);
            using (ParameterEdit edit = network.EditParameters())
            {
                Span<float> parameters = edit.Values;
                foreach (ParameterTensor tensor in network.ParameterTensors.Where(t => t.Name.EndsWith(".bias", StringComparison.Ordinal)))
                {
                    for (int i = 0; i < tensor.Length; i++)
                    {
                        parameters[tensor.Offset + i] = (float)((random.NextDouble() - 0.5) * 0.4);
                    }
                }
            }

            // Running statistics away from their initial zeros and ones, so mixing up running and batch statistics shows.
            using (ParameterEdit edit = network.EditBuffers())
            {
                Span<float> buffers = edit.Values;
                foreach (ParameterTensor tensor in network.BufferTensors)
                {
                    for (int i = 0; i < tensor.Length; i++)
                    {
                        buffers[tensor.Offset + i] = tensor.Name.EndsWith(".running_mean", StringComparison.Ordinal) ? (float)((random.NextDouble() - 0.5) * 0.6)
                            : tensor.Name.EndsWith(".running_var", StringComparison.Ordinal) ? (float)(0.5 + random.NextDouble())
                            : 3f;
                    }
                }
            }

            return network;
        }

        /// <summary>Normal features, or for networks that read token ids, ids spread over the vocabulary (the embedding's rows).</summary>
        public static float[] Inputs(INetwork network, int batch, int seed)
        {
            if (network.InputKind != NetworkInputKind.TokenIds)
            {
                return Normal(batch * network.InputSize, seed);
            }

            int vocabulary = network.ParameterTensors[0].Shape[0];
            var random = new Random(seed + 3000);
            return Enumerable.Range(0, batch * network.InputSize).Select(_ => (float)random.Next(vocabulary)).ToArray();
        }

        /// <summary>Targets fitting the loss: probabilities for cross-entropy, [0, 1] for BCE, normal values for MSE.</summary>
        public static float[] Targets(INetwork network, int batch, int seed)
        {
            var random = new Random(seed + 1000);
            int n = network.OutputSize;
            var targets = new float[batch * n];
            for (int s = 0; s < batch; s++)
            {
                Span<float> t = targets.AsSpan(s * n, n);
                switch (network.Loss)
                {
                    case Loss.CrossEntropy:
                        int classes = n / network.LabelsPerSample; // a distribution per sample, or per step
                        for (int row = 0; row < n; row += classes)
                        {
                            double sum = 0;
                            for (int j = row; j < row + classes; j++)
                            {
                                t[j] = (float)random.NextDouble();
                                sum += t[j];
                            }

                            for (int j = row; j < row + classes; j++)
                            {
                                t[j] = (float)(t[j] / sum);
                            }
                        }

                        break;
                    case Loss.BinaryCrossEntropy:
                        for (int j = 0; j < n; j++)
                        {
                            t[j] = (float)random.NextDouble();
                        }

                        break;
                    default:
                        for (int j = 0; j < n; j++)
                        {
                            t[j] = (float)((random.NextDouble() * 2) - 1);
                        }

                        break;
                }
            }

            return targets;
        }

        /// <summary>Labels for a cross-entropy network: one per sample, or one per step for a per-step classifier (<see cref="INetwork.LabelsPerSample"/>).</summary>
        public static int[] Labels(INetwork network, int batch, int seed)
        {
            var random = new Random(seed + 2000);
            int perSample = network.LabelsPerSample;
            return Enumerable.Range(0, batch * perSample).Select(_ => random.Next(network.OutputSize / perSample)).ToArray();
        }

        public static float[] Normal(int count, int seed)
        {
            var random = new Random(seed);
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double u1 = 1 - random.NextDouble();
                double u2 = random.NextDouble();
                values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }

            return values;
        }
    }
}
