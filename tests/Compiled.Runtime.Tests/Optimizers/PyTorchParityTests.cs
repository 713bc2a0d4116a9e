using System;
using System.Linq;
using Compiled.Optimizers;
using Xunit.Abstractions;

namespace Compiled.Runtime.Tests.Optimizers
{
    /// <summary>Every optimizer against torch.optim 1.13 runs stored in Fixtures/optim/optimizers.json.</summary>
    public sealed class PyTorchParityTests
    {
        private const double Relative = 1e-6;
        private const double Absolute = 1e-7;

        private readonly ITestOutputHelper _output;

        public PyTorchParityTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void FixturesCoverEveryOptimizerAndBothSizes()
        {
            string[] kinds = { "Sgd", "Adam", "AdamW", "RMSprop", "Adagrad" };
            foreach (string kind in kinds)
            {
                Assert.Contains(OptimizerFixtures.Cases, c => c.Optimizer == kind && c.Initial.Length == 37);
                Assert.Contains(OptimizerFixtures.Cases, c => c.Optimizer == kind && c.Initial.Length == 1000);
            }
        }

        [Theory]
        [MemberData(nameof(OptimizerFixtures.CaseNamesAndWidths), MemberType = typeof(OptimizerFixtures))]
        public void MatchesPyTorchStepByStep(string name, int vectorBits)
        {
            OptimizerCase c = OptimizerFixtures.Get(name);
            Optimizer optimizer = c.Create();
            optimizer.MaxVectorBits = vectorBits;
            long ulps = Run(c, optimizer);
            _output.WriteLine($"{name} at {vectorBits} bits: at most {ulps} ulp from PyTorch.");
        }

        [Theory]
        [MemberData(nameof(OptimizerFixtures.CaseNames), MemberType = typeof(OptimizerFixtures))]
        public void ResetForgetsAllStateAndMatchesAgain(string name)
        {
            OptimizerCase c = OptimizerFixtures.Get(name);
            Optimizer optimizer = c.Create();

            // Train on something else first (other length, other values), then reset.
            float[] other = Enumerable.Range(0, 53).Select(i => (float)Math.Sin(i)).ToArray();
            float[] otherGradients = Enumerable.Range(0, 53).Select(i => (float)Math.Cos(i)).ToArray();
            for (int k = 0; k < 3; k++)
            {
                optimizer.Step(other, otherGradients);
            }

            Assert.Equal(3, optimizer.StepCount);
            optimizer.Reset();
            Assert.Equal(0, optimizer.StepCount);
            Run(c, optimizer);
        }

        private static long Run(OptimizerCase c, Optimizer optimizer)
        {
            float[] parameters = (float[])c.Initial.Clone();
            long ulps = 0;
            for (int k = 0; k < c.Steps; k++)
            {
                optimizer.LearningRate = c.LearningRates[k];
                optimizer.Step(parameters, c.Gradients[k]);
                Assert.Equal(k + 1, optimizer.StepCount);
                if (c.Expected.TryGetValue(k + 1, out float[]? expected))
                {
                    FloatAssert.Close(expected, parameters, Relative, Absolute, $"{c.Name}, step {k + 1}");
                    ulps = Math.Max(ulps, FloatAssert.MaxUlps(expected, parameters));
                }
            }

            return ulps;
        }
    }
}
