using System;
using System.IO;
using System.Linq;
using Compiled.Optimizers;
using Compiled.Serialization;
using Compiled.Tests.Networks;

namespace Compiled.Tests
{
    /// <summary>
    /// A batch normalisation directly after a Dense or convolution without activation is folded into that layer's packed
    /// weights at inference (and the activation layer after it fused): the folded networks give their unfolded twins'
    /// outputs (an identity activation layer in front of the normalisation stops the fold and changes nothing else; a
    /// dropout there does not) within float rounding,
    /// fresh, after training steps (optimizer steps and running statistics both change the fold), after an edit of the
    /// buffers and after loading a model file; training itself is unchanged (the same gradients, bit for bit).
    /// </summary>
    public class BatchNormFoldTests
    {
        public static TheoryData<string> Pairs => new() { "DenseBnRelu", "ConvBnRelu", "GroupedConvBn", "DepthwiseBnSilu", "DenseDropoutBn" };

        [Theory]
        [MemberData(nameof(Pairs))]
        public void FoldedInferenceEqualsUnfolded(string name)
        {
            (INetwork folded, INetwork unfolded) = Create(name);
            AssertSameInference(folded, unfolded, name);
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void TrainingIsUnchangedAndTheFoldFollowsItsSteps(string name)
        {
            (INetwork folded, INetwork unfolded) = Create(name);
            AssertSameInference(folded, unfolded, $"{name} before training"); // packs the folded copy once
            var sgdFolded = new Sgd(0.05f, momentum: 0.9f);
            var sgdUnfolded = new Sgd(0.05f, momentum: 0.9f);
            for (int step = 0; step < 4; step++)
            {
                float[] inputs = NetworkCases.Inputs(folded, 9, 100 + step);
                float[] targets = NetworkCases.Targets(folded, 9, 200 + step);
                folded.ZeroGradients();
                unfolded.ZeroGradients();
                float a = folded.BackwardBatch(inputs, targets, 9);
                float b = unfolded.BackwardBatch(inputs, targets, 9);
                Assert.Equal(b, a);
                Assert.Equal(unfolded.Gradients.ToArray(), folded.Gradients.ToArray());
                sgdFolded.Step(folded);
                sgdUnfolded.Step(unfolded);
                AssertSameInference(folded, unfolded, $"{name} after step {step}");
            }

            Assert.Equal(unfolded.Buffers.ToArray(), folded.Buffers.ToArray());
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void TheFoldFollowsBufferEditsAndModelFiles(string name)
        {
            (INetwork folded, INetwork unfolded) = Create(name);
            AssertSameInference(folded, unfolded, name);
            foreach (INetwork network in new[] { folded, unfolded })
            {
                using ParameterEdit edit = network.EditBuffers();
                foreach (ParameterTensor tensor in network.BufferTensors.Where(t => t.Name.EndsWith(".running_var", StringComparison.Ordinal)))
                {
                    for (int i = 0; i < tensor.Length; i++)
                    {
                        edit.Values[tensor.Offset + i] = 0.25f + (0.5f * i);
                    }
                }
            }

            AssertSameInference(folded, unfolded, $"{name} after an edit of the running variances");
            using var stream = new MemoryStream();
            ModelFile.Save(folded, stream);
            stream.Position = 0;
            INetwork loaded = Create(name).Folded;
            loaded.InitializeParameters(99); // different parameters, already packed once
            AssertFinite(loaded);
            ModelFile.Load(loaded, stream);
            AssertSameInference(loaded, unfolded, $"{name} loaded from a model file");
        }

        private static (INetwork Folded, INetwork Unfolded) Create(string name)
        {
            INetwork folded = name switch
            {
                "DenseBnRelu" => NetworkCases.Create(name, seed: 5),
                "ConvBnRelu" => new ConvBnRelu(),
                "DepthwiseBnSilu" => new DepthwiseBnSilu(),
                "DenseDropoutBn" => new DenseDropoutBn(),
                _ => new GroupedConvBn(),
            };
            INetwork unfolded = name switch
            {
                "DenseBnRelu" => new DenseBnReluUnfolded(),
                "ConvBnRelu" => new ConvBnReluUnfolded(),
                "DepthwiseBnSilu" => new DepthwiseBnSiluUnfolded(),
                "DenseDropoutBn" => new DenseDropoutBnUnfolded(),
                _ => new GroupedConvBnUnfolded(),
            };
            if (name != "DenseBnRelu")
            {
                folded.InitializeParameters(5);
                var random = new Random(5);
                using ParameterEdit edit = folded.EditBuffers();
                foreach (ParameterTensor tensor in folded.BufferTensors.Where(t => !t.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)))
                {
                    for (int i = 0; i < tensor.Length; i++)
                    {
                        edit.Values[tensor.Offset + i] = tensor.Name.EndsWith(".running_mean", StringComparison.Ordinal) ? (float)(random.NextDouble() - 0.5) : (float)(0.5 + random.NextDouble());
                    }
                }
            }

            Assert.Equal(folded.ParameterCount, unfolded.ParameterCount);
            unfolded.SetParameters(folded.Parameters);
            using (ParameterEdit edit = unfolded.EditBuffers())
            {
                folded.Buffers.CopyTo(edit.Values);
            }

            return (folded, unfolded);
        }

        private static void AssertFinite(INetwork network)
        {
            var outputs = new float[3 * network.OutputSize];
            network.ForwardBatch(NetworkCases.Inputs(network, 3, 1), outputs, 3);
            Assert.All(outputs, v => Assert.True(float.IsFinite(v)));
        }

        private static void AssertSameInference(INetwork folded, INetwork unfolded, string what)
        {
            const int Batch = 37;
            float[] inputs = NetworkCases.Inputs(folded, Batch, 42);
            var expected = new float[Batch * folded.OutputSize];
            var actual = new float[Batch * folded.OutputSize];
            unfolded.ForwardBatch(inputs, expected, Batch);
            folded.ForwardBatch(inputs, actual, Batch);
            AssertClose(expected, actual, $"{what} (ForwardBatch)");
            var single = new float[folded.OutputSize];
            for (int s = 0; s < Batch; s += 6)
            {
                folded.Forward(inputs.AsSpan(s * folded.InputSize, folded.InputSize), single);
                AssertClose(expected.AsSpan(s * folded.OutputSize, folded.OutputSize).ToArray(), single, $"{what} (Forward, sample {s})");
            }
        }

        private static void AssertClose(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                // Folding reassociates (W * scale) x against (W x) * scale: float rounding of the sums, no more.
                float tolerance = 2e-5f + (2e-5f * Math.Abs(expected[i]));
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: folded {actual[i]:R}, unfolded {expected[i]:R}");
            }
        }
    }
}
