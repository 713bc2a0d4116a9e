using System.Collections.Generic;
using System.Linq;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// Variable-length sequences (<c>[Input(maxSteps, features, VariableLength = true)]</c>): each public pass becomes a pair
    /// of public overloads (without lengths: every sample full; with lengths: checked) over one private core that takes the
    /// first length by reference (a null reference for full samples). Inside the core every chunk has a <c>ref int</c>
    /// local <c>lengths</c> that the recurrent layers pass to their kernels; losses over a per-step output count only the
    /// real steps (the mean over them, as a loss on PyTorch's packed data).
    /// </summary>
    internal sealed partial class NetworkEmitter
    {
        /// <summary>True for a network declared with <c>[Input(..., VariableLength = true)]</c>.</summary>
        private bool Variable => _plan.VariableLength;

        /// <summary>
        /// True when a variable-length network's output is a sequence (the last recurrent layer returns every step and only
        /// per-step layers follow): target losses then skip the padding steps.
        /// </summary>
        private bool MaskedLoss => Variable && _plan.Last.Output.IsSequence;

        /// <summary>The floats of one step of a per-step output.</summary>
        private int OutputPerStep => _plan.OutputSize / _plan.MaxSteps;

        /// <summary>The trailing argument a training pass takes in a variable-length network.</summary>
        private string LengthsArgument => Variable ? ", ref lengths" : string.Empty;

        /// <summary>The trailing parameter a training pass takes in a variable-length network.</summary>
        private string LengthsParameter => Variable ? ", ref int lengths" : string.Empty;

        /// <summary>
        /// Opens a public pass. For a fixed-length network: the method itself. For a variable-length one: the public method
        /// (all samples full), its overload with lengths (checked: <paramref name="batch"/> takes a span of one length per
        /// sample, otherwise one <c>int length</c>), then opens the private core both call, whose body the caller writes.
        /// The caller has written the doc comment of the first public method.
        /// </summary>
        /// <param name="returnType">The return type (<c>void</c>, <c>float</c>).</param>
        /// <param name="name">The method name.</param>
        /// <param name="parameters">The parameters (types and names) as declared.</param>
        /// <param name="batch">True for a batched pass (a <c>batchSize</c> parameter).</param>
        private void OpenPass(string returnType, string name, IReadOnlyList<(string Type, string Name)> parameters, bool batch)
        {
            string declared = string.Join(", ", parameters.Select(p => $"{p.Type} {p.Name}"));
            if (!Variable)
            {
                _w.Line(Optimize);
                _w.Open($"public {returnType} {name}({declared})");
                return;
            }

            string arguments = string.Join(", ", parameters.Select(p => p.Name));
            string core = name + "Core";
            string cref = $"{name}({string.Join(", ", parameters.Select(p => p.Type.Replace('<', '{').Replace('>', '}')))})";
            _w.Line($"public {returnType} {name}({declared}) => {core}({arguments}, ref {Vec.Unsafe}.NullRef<int>());");
            _w.Line();
            _w.Line($"/// <inheritdoc cref=\"{cref}\"/>");
            _w.Line("/// <remarks>For sequences of their own lengths: the padding steps beyond each length are ignored, as PyTorch's <c>pack_padded_sequence</c> does.</remarks>");
            foreach ((string _, string parameter) in parameters)
            {
                // Each parameter's own tag (taken from the overload without lengths), so that documentation builds do not
                // warn (CS1573) that only the length parameter is documented here.
                _w.Line($"/// <param name=\"{parameter}\"><inheritdoc cref=\"{cref}\" path=\"/param[@name='{parameter}']/node()\"/></param>");
            }

            if (batch)
            {
                _w.Line($"/// <param name=\"lengths\"><c>batchSize</c> lengths, each in [1, <see cref=\"MaxSteps\"/>]: sample <c>s</c> has <c>lengths[s]</c> real steps.</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A length is outside [1, <see cref=\"MaxSteps\"/>] (the message names the sample and the value).</exception>");
                _w.Open($"public {returnType} {name}({declared}, global::System.ReadOnlySpan<int> lengths)");
                _w.Line($"{Support}.CheckLengths(lengths, batchSize, MaxSteps, nameof(lengths));");
                _w.Line($"{(returnType == "void" ? string.Empty : "return ")}{core}({arguments}, ref {Marshal}.GetReference(lengths));");
            }
            else
            {
                _w.Line($"/// <param name=\"length\">The sample's real steps, in [1, <see cref=\"MaxSteps\"/>].</param>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"length\"/> is outside [1, <see cref=\"MaxSteps\"/>].</exception>");
                _w.Open($"public {returnType} {name}({declared}, int length)");
                _w.Line($"{Support}.CheckLength(length, MaxSteps, nameof(length));");
                _w.Line($"{(returnType == "void" ? string.Empty : "return ")}{core}({arguments}, ref length);");
            }

            _w.Close();
            _w.Line();
            _w.Summary($"The body of both <c>{name}</c> overloads; {(batch ? "<paramref name=\"allLengths\"/> is the first sample's length" : "<paramref name=\"lengths\"/> is the sample's length")}, or a null reference when every sample is full.");
            _w.Line(Optimize);
            _w.Open($"private {returnType} {core}({declared}, ref int {(batch ? "allLengths" : "lengths")})");
        }

        /// <summary>In a chunk loop of a variable-length pass: the local <c>lengths</c>, the chunk's first length (or a null reference).</summary>
        private void WriteChunkLengths()
        {
            if (Variable)
            {
                _w.Line($"ref int lengths = ref {Vec.Unsafe}.IsNullRef(ref allLengths) ? ref allLengths : ref {Vec.Unsafe}.Add(ref allLengths, start); // the chunk's lengths");
            }
        }

        /// <summary>A variable-length network's <c>MaxSteps</c> constant.</summary>
        private void WriteVariableLengthMembers()
        {
            if (!Variable)
            {
                return;
            }

            _w.Line();
            _w.Summary(
                "The longest sequence a sample may hold, the first dimension of the input (<c>[Input(..., VariableLength = true)]</c>);\n" +
                "samples are passed padded to it, with their lengths.");
            _w.Line($"public const int MaxSteps = {_plan.MaxSteps};");
            _w.Line();
            _w.Summary("True: this network takes sequences of their own lengths (see <see cref=\"MaxSteps\"/>).");
            _w.Line("bool global::Compiled.INetwork.VariableLength => true;");
            if (MaskedLoss)
            {
                _w.Line();
                _w.Summary($"True: the output is a sequence of {_plan.MaxSteps} steps of {OutputPerStep}; losses count the real steps' outputs only.");
                _w.Line("bool global::Compiled.INetwork.OutputPerStep => true;");
            }
        }
    }
}
