using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;

using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[Embedding(vocabulary, dimension)]</c>: the network's first layer reads token ids. Every call that takes inputs
    /// checks them first (<c>EmbeddingKernels.CheckIds</c>); the passes are calls into <c>Compiled.Kernels.EmbeddingKernels</c>:
    /// a row copy per token forward, a row addition per token backward (only the rows used). The forward passes read the
    /// table from the packed copy, like every layer's forward.
    /// </summary>
    internal sealed class EmbeddingEmitter : LayerEmitter, IStreamingLayer, IStreamingInput
    {
        private const string Kernels = "global::Compiled.Kernels.EmbeddingKernels";

        public override bool ReadsTokenIds => true;

        /// <summary>Its output, the next layer's input; backward reads the ids from the network's input.</summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) =>
            new[] { new SavedValue(ValueKind.Output, layer.Plan.OutputSize) };

        public override int PackedLength(LayerContext layer) => layer.Plan.Tensors[0].Length;

        public override void EmitPack(SourceWriter writer, LayerContext layer) =>
            writer.Line($"{Support}.PackCopy({At("p", layer.Plan.Tensors[0].Offset)}, {At("k", layer.PackedOffset)}, {layer.Plan.Tensors[0].Length});{Describe(layer)}: weight");

        public override void EmitInputCheck(SourceWriter writer, LayerContext layer, string inputs, string parameter) =>
            writer.Line($"{Kernels}.CheckIds({inputs}, InputSize, {Spec(layer).Vocabulary}, {parameter});{Describe(layer)}: every id an integer in [0, {Spec(layer).Vocabulary})");

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output) =>
            writer.Line($"{Kernels}.Forward(ref {input.Memory}, {At("k", layer.PackedOffset)}, ref {output.Memory}, {Arguments(layer, "1")});{Describe(layer)}");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            writer.Line($"{Kernels}.Forward({x}, {At("k", layer.PackedOffset)}, {y}, {Arguments(layer, count)});{Describe(layer)}");

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.Forward({refs.Input}, {At("k", layer.PackedOffset)}, {refs.Output}, {Arguments(layer, count)});{Describe(layer)}");

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            writer.Line($"{Kernels}.Backward({refs.Input}, {refs.Gradient}, {At("g", layer.Plan.Tensors[0].Offset)}, {Arguments(layer, count)}, {Spec(layer).PaddingIndex});{Describe(layer)}: dweight[id] += dL/dy");
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            writer.Line($"{Kernels}.ClearInputGradient({refs.InputGradient}, {count} * {layer.Plan.InputSize});{Describe(layer)}: token ids are not differentiable, dL/dx = 0");

        /// <summary>Streams on a sequence of token ids (<c>[Input(steps)]</c>): one id per step.</summary>
        public bool CanStep(LayerContext layer) => layer.Plan.Input.Rank == 1;

        public int StepOutputSize(LayerContext layer) => Spec(layer).Dimension;

        /// <summary>One token id per step.</summary>
        public int StepInputSize(LayerContext layer) => 1;

        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state) =>
            writer.Line($"{Kernels}.Forward({x}, {At("k", layer.PackedOffset)}, {y}, 1, {Spec(layer).Dimension}, 1);{Describe(layer)}, one token");

        private static EmbeddingSpec Spec(LayerContext layer) => (EmbeddingSpec)layer.Plan.Spec;

        private static string Arguments(LayerContext layer, string count) =>
            $"{layer.Plan.InputSize}, {Spec(layer).Dimension}, {count}";

        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: Embedding({Spec(layer).Vocabulary.ToString(CultureInfo.InvariantCulture)}, {Spec(layer).Dimension.ToString(CultureInfo.InvariantCulture)}), {layer.Plan.InputSize} ids -> {layer.Plan.Output}";
    }
}
