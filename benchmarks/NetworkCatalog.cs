using System;
using System.Collections.Generic;
using Compiled.Benchmarks.Networks;

namespace Compiled.Benchmarks
{
    /// <summary>The networks of the benchmark contract.</summary>
    public enum NetworkName
    {
        Xor,
        Game,
        Mlp,
        Mlp2,
    }

    /// <summary>One dense layer as the run-time baselines see it.</summary>
    public readonly record struct LayerSpec(int Inputs, int Units, Activation Activation);

    /// <summary>An architecture the baselines interpret at run time: the same one the attributes declare.</summary>
    public sealed class NetworkSpec
    {
        public NetworkSpec(string name, int inputs, Loss loss, params (int Units, Activation Activation)[] layers)
        {
            Name = name;
            InputSize = inputs;
            Loss = loss;
            var list = new LayerSpec[layers.Length];
            int width = inputs;
            long macs = 0;
            long inputGradientMacs = 0;
            int parameters = 0;
            for (int i = 0; i < layers.Length; i++)
            {
                list[i] = new LayerSpec(width, layers[i].Units, layers[i].Activation);
                macs += (long)width * layers[i].Units;
                inputGradientMacs += i > 0 ? (long)width * layers[i].Units : 0;
                parameters += (width * layers[i].Units) + layers[i].Units;
                width = layers[i].Units;
            }

            Layers = list;
            OutputSize = width;
            MultiplyAddsPerSample = macs;
            TrainingMultiplyAddsPerSample = (2 * macs) + inputGradientMacs;
            ParameterCount = parameters;
        }

        public string Name { get; }

        public int InputSize { get; }

        public int OutputSize { get; }

        public Loss Loss { get; }

        public IReadOnlyList<LayerSpec> Layers { get; }

        /// <summary>Multiply-adds of one forward pass of one sample (weights only; biases and activations not counted).</summary>
        public long MultiplyAddsPerSample { get; }

        /// <summary>
        /// Multiply-adds a training step really does per sample: forward, weight gradients (as many again) and the input
        /// gradient of every layer but the first (no one needs the gradient with respect to the network's input). Between
        /// 2.0x (Mlp) and 2.7x (Game) the forward count, where the reported GFLOP/s convention says 3x.
        /// </summary>
        public long TrainingMultiplyAddsPerSample { get; }

        public int ParameterCount { get; }
    }

    /// <summary>The four contract networks: their run-time description and their generated type.</summary>
    public static class NetworkCatalog
    {
        public static readonly NetworkSpec Xor = new("Xor", 2, Loss.MeanSquaredError, (4, Activation.Sigmoid), (1, Activation.Sigmoid));

        public static readonly NetworkSpec Game = new("Game", 16, Loss.MeanSquaredError, (32, Activation.Tanh), (32, Activation.Tanh), (4, Activation.Identity));

        public static readonly NetworkSpec Mlp = new("Mlp", 784, Loss.CrossEntropy, (128, Activation.ReLU), (10, Activation.Softmax));

        public static readonly NetworkSpec Mlp2 = new("Mlp2", 784, Loss.CrossEntropy, (64, Activation.ReLU), (64, Activation.ReLU), (10, Activation.Softmax));

        public static NetworkSpec Spec(NetworkName name) => name switch
        {
            NetworkName.Xor => Xor,
            NetworkName.Game => Game,
            NetworkName.Mlp => Mlp,
            NetworkName.Mlp2 => Mlp2,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        public static INetwork CreateGenerated(NetworkName name) => name switch
        {
            NetworkName.Xor => new Networks.Xor(),
            NetworkName.Game => new Networks.Game(),
            NetworkName.Mlp => new Networks.Mlp(),
            NetworkName.Mlp2 => new Networks.Mlp2(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
