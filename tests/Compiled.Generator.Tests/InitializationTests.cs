using System;
using Compiled.Testing;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace Compiled.Generator.Tests
{
    /// <summary>
    /// A layer's <c>Init</c> and <c>BiasInit</c>: the generated code compiles, and the network it builds starts from
    /// parameters with the requested distributions (statistics to four standard errors, computed from each distribution).
    /// </summary>
    public class InitializationTests
    {
        private const string Declaration =
            "using Compiled;\nnamespace Demo\n{\n" +
            "    [Network]\n" +
            "    [Input(1000)]\n" +
            "    [Dense(400, Activation.Tanh, Init = Initializer.XavierNormal, BiasInit = Initializer.PyTorchDefault)]\n" +
            "    [Dense(300, Activation.ReLU, Init = Initializer.HeUniform, BiasInit = Initializer.Ones)]\n" +
            "    [Dense(200, Activation.LeakyReLU, NegativeSlope = 0.2f, Init = Initializer.HeNormal, BiasInit = Initializer.LeCunUniform)]\n" +
            "    [Dense(250, Init = Initializer.Orthogonal, BiasInit = Initializer.Zeros)]\n" +
            "    public partial class Net { }\n}\n";

        [Fact]
        public void InitialParametersHaveTheDeclaredDistributions()
        {
            INetwork network = Create(Declaration, "Demo.Net");
            float[] p = network.Parameters.ToArray();
            float[] Tensor(string name)
            {
                ParameterTensor tensor = network.ParameterTensors.Single(t => t.Name == name);
                return p.AsSpan(tensor.Offset, tensor.Length).ToArray();
            }

            // 0: Tanh (gain 5/3), 1000 -> 400. xavier_normal_: std = gain sqrt(2 / (fan_in + fan_out)).
            Statistics.CheckNormal(Tensor("0.weight"), 5.0 / 3.0 * Math.Sqrt(2.0 / 1400));

            // nn.Linear's bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
            Statistics.CheckUniform(Tensor("0.bias"), 1 / Math.Sqrt(1000));

            // 2: ReLU (gain sqrt 2), 400 -> 300. kaiming_uniform_: bound = gain sqrt(3 / fan_in).
            Statistics.CheckUniform(Tensor("2.weight"), Math.Sqrt(2) * Math.Sqrt(3.0 / 400));
            Assert.All(Tensor("2.bias"), v => Assert.Equal(1f, v));

            // 4: LeakyReLU(0.2) (gain sqrt(2 / 1.04)), 300 -> 200. kaiming_normal_: std = gain / sqrt(fan_in).
            Statistics.CheckNormal(Tensor("4.weight"), Math.Sqrt(2.0 / (1 + (0.2 * 0.2))) / Math.Sqrt(300));

            // LeCun uniform on the bias: the layer's fan_in, gain 1.
            Statistics.CheckUniform(Tensor("4.bias"), Math.Sqrt(3.0 / 300));

            // 6: Identity, 200 -> 250: orthogonal_ of a tall 250 x 200 weight, orthonormal columns.
            float[] w = Tensor("6.weight");
            double worst = 0;
            for (int a = 0; a < 200; a++)
            {
                for (int b = a; b < 200; b++)
                {
                    double dot = 0;
                    for (int i = 0; i < 250; i++)
                    {
                        dot += (double)w[(i * 200) + a] * w[(i * 200) + b];
                    }

                    worst = Math.Max(worst, Math.Abs(dot - (a == b ? 1 : 0)));
                }
            }

            Assert.True(worst < 1e-5, $"W^T W deviates from I by {worst:E2}");
            Assert.All(Tensor("6.bias"), v => Assert.Equal(0f, v));
        }

        [Fact]
        public void EveryInitializerCompilesOnAWeightAndEveryOneButOrthogonalOnABias()
        {
            string[] names = { "Default", "PyTorchDefault", "XavierUniform", "XavierNormal", "HeUniform", "HeNormal", "LeCunUniform", "LeCunNormal", "Orthogonal", "Zeros", "Ones" };
            string layers = string.Concat(names.Select(n => $"[Dense(3, Activation.SiLU, Init = Initializer.{n}, BiasInit = Initializer.{(n == "Orthogonal" ? "Ones" : n)})] "));
            INetwork network = Create($"using Compiled;\nnamespace Demo {{ [Network] [Input(4)] {layers}public partial class Net {{ }} }}", "Demo.Net");
            Assert.Equal((4 * 3) + 3 + (10 * ((3 * 3) + 3)), network.ParameterCount);
            Assert.All(network.Parameters.ToArray(), v => Assert.True(float.IsFinite(v)));
        }

        [Fact]
        public void TheOrthogonalBiasMessageNamesTheLayerAndTheVector()
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run("using Compiled;\n[Network] [Input(4)] [Dense(5)] [Dense(3, BiasInit = Initializer.Orthogonal)] public partial class Net { }");
            string message = Assert.Single(result.Diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("the bias of [Dense] at layer 1, a vector of 3", message, StringComparison.Ordinal);
        }

        [Fact]
        public void InitializeParametersIsDeterministicForASeed()
        {
            INetwork network = Create(Declaration, "Demo.Net");
            float[] first = network.Parameters.ToArray();
            network.InitializeParameters(7);
            float[] seven = network.Parameters.ToArray();
            network.InitializeParameters(42); // the DefaultSeed the constructor used
            Assert.Equal(first, network.Parameters.ToArray());
            Assert.NotEqual(first, seven);
            network.InitializeParameters(7);
            Assert.Equal(seven, network.Parameters.ToArray());
        }

        [Fact]
        public void DefaultWrittenOutGeneratesTheSameCodeAsNothingWritten()
        {
            const string Plain = "using Compiled;\nnamespace Demo { [Network] [Input(5)] [Dense(4, Activation.Tanh)] [Dense(3, Activation.ReLU)] public partial class Net { } }";
            string written = Plain
                .Replace("Activation.Tanh)", "Activation.Tanh, Init = Initializer.Default, BiasInit = Initializer.Default)", StringComparison.Ordinal)
                .Replace("Activation.ReLU)", "Activation.ReLU, BiasInit = Initializer.Default)", StringComparison.Ordinal);
            Assert.Equal(Generated(Plain), Generated(written));
        }

        [Fact]
        public void ExplicitInitializersCallTheRuntimeWithPyTorchsGains()
        {
            string source = Generated(
                "using Compiled;\nnamespace Demo { [Network] [Input(5)] " +
                "[Dense(4, Activation.Tanh, Init = Initializer.XavierUniform)] " +
                "[Dense(6, Activation.GELU, Init = Initializer.HeNormal, BiasInit = Initializer.HeUniform)] " +
                "[Dense(3, Activation.Sigmoid, Init = Initializer.LeCunNormal, BiasInit = Initializer.XavierNormal)] " +
                "[Dense(2, Init = Initializer.PyTorchDefault)] public partial class Net { } }");
            Assert.Contains("random.GlorotUniform(parameters.Slice(0, 20), fanIn: 5, fanOut: 4, gain: 1.6666666666666667); // 0.weight", source, StringComparison.Ordinal);
            Assert.Contains("parameters.Slice(20, 4).Clear(); // 0.bias", source, StringComparison.Ordinal);
            Assert.Contains("random.KaimingNormal(parameters.Slice(24, 24), fanIn: 4, gain: 1.4142135623730951); // 2.weight", source, StringComparison.Ordinal);
            Assert.Contains("random.KaimingUniform(parameters.Slice(48, 6), fanIn: 4, gain: 1.4142135623730951); // 2.bias", source, StringComparison.Ordinal);
            Assert.Contains("random.KaimingNormal(parameters.Slice(54, 18), fanIn: 6, gain: 1); // 4.weight", source, StringComparison.Ordinal);
            Assert.Contains("random.GlorotNormal(parameters.Slice(72, 3), fanIn: 6, fanOut: 3, gain: 1); // 4.bias", source, StringComparison.Ordinal);
            Assert.Contains("random.KaimingUniform(parameters.Slice(75, 6), fanIn: 3, gain: " + Math.Sqrt(1.0 / 3.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "); // 6.weight", source, StringComparison.Ordinal);
            Assert.Contains("parameters.Slice(81, 2).Clear(); // 6.bias", source, StringComparison.Ordinal);
            Assert.Contains("each tensor as its layer declares", source, StringComparison.Ordinal);
        }

        [Fact]
        public void ConvolutionsInitialiseWithPyTorchsFans()
        {
            // Conv2d(4, 64, 3, groups=2): fan_in = 4/2 * 3 * 3 = 18; PyTorch's default is U(-1/sqrt(18), 1/sqrt(18)) for
            // both tensors. Then the library's default after ReLU: kaiming_uniform_ with gain sqrt(2), fan_in = 64 * 9, zero bias.
            INetwork network = Create(
                "using Compiled;\nnamespace Demo { [Network] [Input(4, 10, 10)] " +
                "[Conv2D(64, 3, Groups = 2, Init = Initializer.PyTorchDefault, BiasInit = Initializer.PyTorchDefault)] " +
                "[Conv2D(32, 3, Activation.ReLU)] [Flatten] [Dense(2)] public partial class Net { } }",
                "Demo.Net");
            float[] p = network.Parameters.ToArray();
            float[] Tensor(string name)
            {
                ParameterTensor tensor = network.ParameterTensors.Single(t => t.Name == name);
                return p.AsSpan(tensor.Offset, tensor.Length).ToArray();
            }

            Assert.Equal(new[] { 64, 2, 3, 3 }, network.ParameterTensors.Single(t => t.Name == "0.weight").Shape.ToArray());
            Statistics.CheckUniform(Tensor("0.weight"), 1 / Math.Sqrt(18));
            Statistics.CheckUniform(Tensor("0.bias"), 1 / Math.Sqrt(18));
            Statistics.CheckUniform(Tensor("1.weight"), Math.Sqrt(2) * Math.Sqrt(3.0 / 576));
            Assert.All(Tensor("1.bias"), v => Assert.Equal(0f, v));
            Assert.Equal(new[] { "0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias" }, network.ParameterTensors.Select(t => t.Name).ToArray());
        }

        /// <summary>The generated source for one network, which must come without diagnostics.</summary>
        private static string Generated(string source)
        {
            (GeneratorRunResult result, _) = GeneratorHarness.Run(source);
            Assert.Empty(result.Diagnostics);
            return Assert.Single(result.GeneratedSources).SourceText.ToString();
        }

        /// <summary>Generates, compiles and loads a network (in a collectible context), and creates it with its parameterless constructor.</summary>
        private static INetwork Create(string source, string typeName)
        {
            (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
            Assert.Empty(result.Diagnostics);

            // As CompilationTests: no warning at the highest level, the test's own undocumented declarations aside.
            var problems = output.GetDiagnostics()
                .Where(d => d.Severity >= DiagnosticSeverity.Warning && !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.StartsWith("Source", StringComparison.Ordinal) == true))
                .ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            using var stream = new MemoryStream();
            EmitResult emitted = output.Emit(stream);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            stream.Position = 0;
            var context = new AssemblyLoadContext(nameof(InitializationTests), isCollectible: true);
            Assembly assembly = context.LoadFromStream(stream);
            return (INetwork)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!)!;
        }
    }
}
