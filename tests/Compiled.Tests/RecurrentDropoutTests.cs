using System;
using System.Linq;
using Compiled.Kernels;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>GruDropouts without its dropouts: the same parameters.</summary>
    [Network]
    [Input(5, 3)]
    [GRU(4, NumLayers = 2, ReturnSequences = true)]
    [Dense(2)]
    public partial class GruDropoutsWithout { }

    /// <summary>GruDropouts with both probabilities 0.</summary>
    [Network]
    [Input(5, 3)]
    [GRU(4, NumLayers = 2, Dropout = 0, RecurrentDropout = 0, ReturnSequences = true)]
    [Dense(2)]
    public partial class GruDropoutsZero { }

    /// <summary>
    /// <c>Dropout</c> (PyTorch's, between stacked layers) and <c>RecurrentDropout</c> (Keras', one mask per sequence on
    /// <c>h(t-1)</c>) on the recurrent layers: the identity at inference, nothing with p = 0, masks from the training context.
    /// The gradients with the masks fixed are checked against finite differences of the double-precision reference
    /// (ReferenceRecurrent applies the same masks) by the shared checks on GruDropouts, LstmDropouts and
    /// RnnBidirectionalDropouts (GradientTests, and on every SIMD path through Compiled.Tests.Paths); the thread-count
    /// independence by DropoutTests.TrainingOnTwoThreadsDrawsTheMasksOfOneThreadAndIsReproducible.
    /// </summary>
    public class RecurrentDropoutTests
    {
        [Fact]
        public void InferenceIgnoresBothDropoutsAndTheTrainingContext()
        {
            INetwork network = NetworkCases.Create("GruDropouts");
            Assert.Equal("Input(5, 3) -> GRU(4, layers 2, sequences, dropout 0.3, recurrent dropout 0.4) -> Dense(2, Identity)", network.Architecture);
            float[] inputs = NetworkCases.Inputs(network, 4, seed: 1);
            var before = new float[4 * network.OutputSize];
            network.ForwardBatch(inputs, before, 4);

            network.TrainingContext = new TrainingContext(9, 3, 0);
            network.ZeroGradients();
            network.BackwardBatch(inputs, NetworkCases.Targets(network, 4, seed: 2), 4);
            var after = new float[before.Length];
            network.ForwardBatch(inputs, after, 4);
            Assert.Equal(before, after);

            var plain = new GruDropoutsWithout();
            plain.SetParameters(network.Parameters);
            var expected = new float[before.Length];
            plain.ForwardBatch(inputs, expected, 4);
            Assert.Equal(expected, after);
        }

        [Fact]
        public void ZeroProbabilitiesTrainExactlyAsWithoutDropout()
        {
            INetwork dropped = new GruDropoutsZero();
            INetwork plain = new GruDropoutsWithout();
            dropped.InitializeParameters(3);
            plain.SetParameters(dropped.Parameters);
            Assert.Equal(plain.Architecture, dropped.Architecture);
            float[] inputs = NetworkCases.Inputs(plain, 6, seed: 4);
            float[] targets = NetworkCases.Targets(plain, 6, seed: 5);
            dropped.TrainingContext = new TrainingContext(1, 2, 0);
            dropped.ZeroGradients();
            plain.ZeroGradients();
            float a = dropped.BackwardBatch(inputs, targets, 6);
            float b = plain.BackwardBatch(inputs, targets, 6);
            Assert.Equal(b, a);
            Assert.Equal(plain.Gradients.ToArray(), dropped.Gradients.ToArray());
        }

        [Fact]
        public void MasksDependOnTheContextAndRepeatWithIt()
        {
            INetwork network = NetworkCases.Create("LstmDropouts");
            float[] inputs = NetworkCases.Inputs(network, 5, seed: 6);
            int[] labels = NetworkCases.Labels(network, 5, seed: 7);
            float[] Gradients(TrainingContext context, out float loss)
            {
                network.TrainingContext = context;
                network.ZeroGradients();
                loss = network.BackwardBatch(inputs, labels, 5);
                return network.Gradients.ToArray();
            }

            float[] first = Gradients(new TrainingContext(4, 8, 0), out float loss1);
            float[] again = Gradients(new TrainingContext(4, 8, 0), out float loss2);
            float[] otherStep = Gradients(new TrainingContext(4, 9, 0), out float loss3);
            float[] otherSeed = Gradients(new TrainingContext(5, 8, 0), out _);
            Assert.Equal(first, again);
            Assert.Equal(loss1, loss2);
            Assert.NotEqual(first, otherStep);
            Assert.NotEqual(loss1, loss3);
            Assert.NotEqual(first, otherSeed);

            Assert.True(float.IsFinite(loss1));
        }

        [Theory]
        [InlineData(0.2f)]
        [InlineData(0.5f)]
        public void RecurrentMasksAreInvertedDropoutMasksOfMeanOne(float p)
        {
            // 2,000 sequences x 64 hidden units: every value is 0 or 1 / (1 - p), the zero fraction is p and the mean 1
            // within 5 standard errors, and each value is the Keeps definition (element j of sample s).
            const int hidden = 64, count = 2000, n = hidden * count;
            var mask = new float[n];
            var context = new TrainingContext(7, 11, 3);
            DropoutKernels.Mask(ref mask[0], hidden, count, p, context, 5, 2048);
            float scale = 1f / (1f - p);
            Assert.All(mask, v => Assert.True(v == 0f || v == scale, $"{v} is neither 0 nor {scale}"));
            double error = Math.Sqrt(p * (1 - p) / n);
            double dropped = mask.Count(v => v == 0) / (double)n;
            Assert.True(Math.Abs(dropped - p) <= 5 * error, $"dropped {dropped}, expected {p}");
            Assert.True(Math.Abs(mask.Average() - 1) <= 5 * error * scale, $"mean {mask.Average()}");
            for (int s = 0; s < count; s += 97)
            {
                for (int j = 0; j < hidden; j++)
                {
                    Assert.Equal(DropoutKernels.Keeps(context, 2048, 5 + s, j, p) ? scale : 0f, mask[(s * hidden) + j]);
                }
            }
        }
    }
}
