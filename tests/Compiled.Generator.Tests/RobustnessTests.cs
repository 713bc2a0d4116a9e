using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Tests
{
    /// <summary>The generator never throws on anything a user can type: it reports diagnostics or generates code that compiles.</summary>
    public class RobustnessTests
    {
        private static readonly string[] s_fragments =
        {
            "[Input(4)]", "[Input(1, 28, 28)]", "[Input]", "[Input(0)]", "[Input(-1, 3)]", "[Input(null)]", "[Input(new int[] { 2, 3 })]", "[Input(int.MaxValue, 2)]",
            "[Dense(3)]", "[Dense(0)]", "[Dense(-5)]", "[Dense(10, Activation.Softmax)]", "[Dense(2, Activation.Sigmoid)]", "[Dense(7, (Activation)99)]",
            "[Dense(4, Activation.LeakyReLU, NegativeSlope = -0.5f)]", "[Dense(4, Activation.ELU, Alpha = float.PositiveInfinity)]", "[Dense(int.MaxValue)]",
            "[Dense(units: 3, activation: Activation.GELU)]", "[Flatten]", "[Dense(1, Activation.Softmax)]", "[Dense(\"x\")]", "[Dense]", "[Dense(1.5)]",
            "[Network]", "[Network(Loss = Loss.CrossEntropy)]", "[Network(Loss = Loss.BinaryCrossEntropy)]", "[Network(Loss = (Loss)(-1))]",
        };

        [Fact]
        public void RandomAttributeCombinationsNeverCrashTheGenerator()
        {
            var random = new Random(20261122);
            for (int round = 0; round < 300; round++)
            {
                var builder = new StringBuilder("using Compiled;\nnamespace Fuzz {\n[Network");
                builder.Append(random.Next(3) switch { 0 => "]", 1 => "(Loss = Loss.CrossEntropy)]", _ => "(Loss = Loss.BinaryCrossEntropy)]" });
                int count = random.Next(0, 6);
                for (int i = 0; i < count; i++)
                {
                    builder.Append(' ').Append(s_fragments[random.Next(s_fragments.Length)]);
                }

                string keyword = random.Next(8) == 0 ? "class" : "partial class";
                builder.Append($"\npublic {keyword} Net{round} {{ }}\n}}\n");
                string source = builder.ToString();
                (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(source);
                if (result.GeneratedSources.Length > 0)
                {
                    var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true).ToList();
                    Assert.True(errors.Count == 0, source + "\n" + string.Join("\n", errors));
                }
            }
        }

        [Fact]
        public void IncompleteCodeBeingTypedNeverCrashesTheGenerator()
        {
            string full = "using Compiled;\nnamespace Demo { [Network(Loss = Loss.CrossEntropy)] [Input(784)] [Dense(128, Activation.ReLU)] [Dense(10, Activation.Softmax)] public partial class Net { } }";
            for (int length = 0; length <= full.Length; length += 3)
            {
                GeneratorHarness.Run(full.Substring(0, length));
            }
        }
    }
}
