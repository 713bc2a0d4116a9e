using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;
using Compiled.Generator.Shapes;

using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[MaxPool{n}D]</c>, <c>[AvgPool{n}D]</c>, <c>[GlobalMaxPool]</c>, <c>[GlobalAvgPool]</c>: calls into
    /// <c>Compiled.Kernels.PoolingKernels</c> with the layer's geometry, a <c>static readonly PoolGeometry</c> of constants
    /// this emitter writes once per layer (a global pool is one window over the whole plane). Max pooling saves its argmax
    /// per output in the int workspace (<see cref="ElementType.Int"/>) for the backward pass; average pooling saves only its output.
    /// </summary>
    internal sealed class PoolEmitter : LayerEmitter
    {
        private const string Kernels = "global::Compiled.Kernels.PoolingKernels";
        private const string NullInts = "ref global::System.Runtime.CompilerServices.Unsafe.NullRef<int>()";

        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) => IsMax(layer)
            ? new[] { new SavedValue(ValueKind.Output, layer.Plan.OutputSize), new SavedValue(ValueKind.Own, layer.Plan.OutputSize, ElementType.Int) }
            : new[] { new SavedValue(ValueKind.Output, layer.Plan.OutputSize) };

        public override void EmitKernels(SourceWriter writer, LayerContext layer)
        {
            int[] g = Geometry(layer);
            writer.Line();
            string Dims(int at) => $"{g[at]}x{g[at + 1]}x{g[at + 2]}";
            writer.Comment(
                $"Layer {layer.Index}, {Describe(layer)}: {g[0]} channel(s); as depth x height x width: input {Dims(1)}, output {Dims(4)},\n" +
                $"window {Dims(7)}, stride {Dims(10)}, padding {Dims(13)}, dilation {Dims(16)}.");
            string Triple(int at) => $"{g[at]}, {g[at + 1]}, {g[at + 2]}";
            writer.Line($"private static readonly global::Compiled.Kernels.PoolGeometry {Field(layer)} = new({g[0]}, {Triple(1)}, {Triple(4)}, {Triple(7)}, {Triple(10)}, {Triple(13)}, {Triple(16)});");
        }

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output) =>
            EmitForwardBatch(writer, layer, isa, "ref " + input.Memory, "ref " + output.Memory, "1");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            writer.Line(IsMax(layer)
                ? $"{Kernels}.MaxForward({x}, {y}, {NullInts}, {Field(layer)}, {count});{Comment(layer)}"
                : $"{Kernels}.AvgForward({x}, {y}, {Field(layer)}, {IncludePad(layer)}, {count});{Comment(layer)}");

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line(IsMax(layer)
                ? $"{Kernels}.MaxForward({refs.Input}, {refs.Output}, {refs.Own[0]}, {Field(layer)}, {count});{Comment(layer)}, saving the argmax"
                : $"{Kernels}.AvgForward({refs.Input}, {refs.Output}, {Field(layer)}, {IncludePad(layer)}, {count});{Comment(layer)}");

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            if (layer.NeedsInputGradient)
            {
                EmitInputGradient(writer, layer, isa, refs, count);
            }
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line(IsMax(layer)
                ? $"{Kernels}.MaxBackward({refs.Gradient}, {refs.Own[0]}, {refs.InputGradient}, {Field(layer)}, {count});{Comment(layer)}: dL/dx at the argmax"
                : $"{Kernels}.AvgBackward({refs.Gradient}, {refs.InputGradient}, {Field(layer)}, {IncludePad(layer)}, {count});{Comment(layer)}: dL/dx");

        private static bool IsMax(LayerContext layer) => layer.Plan.Spec switch
        {
            PoolSpec pool => pool.Op == PoolOp.Max,
            GlobalPoolSpec global => global.Op == PoolOp.Max,
            _ => false,
        };

        private static string IncludePad(LayerContext layer) => layer.Plan.Spec is PoolSpec { CountIncludePad: false } ? "false" : "true";

        private static string Field(LayerContext layer) => Parsing.GeneratedMemberNames.WindowFieldPrefix + layer.Index.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// channels, input (d, h, w), output (d, h, w), kernel, stride, padding, dilation: 19 constants. A pool of fewer
        /// spatial dimensions has leading dimensions of 1 (window 1, stride 1, no padding); a global pool is one window of the
        /// whole plane, its positions flattened into the width.
        /// </summary>
        private static int[] Geometry(LayerContext layer)
        {
            Shape input = layer.Plan.Input;
            int channels = input.Dimensions[0];
            if (layer.Plan.Spec is PoolSpec pool)
            {
                int lead = 3 - pool.Dimensions;
                int[] Padded(IEnumerable<int> values, int fill) => Enumerable.Repeat(fill, lead).Concat(values).ToArray();
                return new[] { channels }
                    .Concat(Padded(input.Dimensions.Skip(1), 1))
                    .Concat(Padded(layer.Plan.Output.Dimensions.Skip(1), 1))
                    .Concat(Padded(pool.Kernel, 1))
                    .Concat(Padded(pool.Stride, 1))
                    .Concat(Padded(pool.Padding, 0))
                    .Concat(Padded(Enumerable.Repeat(pool.Dilation, pool.Dimensions), 1))
                    .ToArray();
            }

            int plane = (int)(input.Size / channels);
            return new[] { channels, 1, 1, plane, 1, 1, 1, 1, 1, plane, 1, 1, plane, 0, 0, 0, 1, 1, 1 };
        }

        private static string Describe(LayerContext layer) => layer.Plan.Description;

        private static string Comment(LayerContext layer) =>
            $" // layer {layer.Index}: {Describe(layer)}, {layer.Plan.Input} -> {layer.Plan.Output}";
    }
}
