using System.Collections.Generic;
using System.Globalization;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Model.Layers;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>
    /// <c>[Activation(f)]</c>: calls into <c>Compiled.Kernels.ActivationKernels</c>, one SIMD pass over the block with the
    /// same activation structs as the dense and convolution kernels. Backward reads the saved output and the layer's input
    /// (the previous layer's saved output), so it stores nothing of its own; Backpropagate's input-gradient chain, which has
    /// no saved outputs, recomputes them from the input. Softmax (last layer only): with CrossEntropy the loss fuses it, so
    /// the training pass keeps the logits (a copy of the input) and the gradient passes through unchanged; otherwise its
    /// Jacobian is applied per sample. At inference, after a <c>[Dense]</c>/<c>[Conv]</c> and a <c>[BatchNorm]</c> folded into
    /// it, the activation is fused into that layer and this one is skipped (see <c>NetworkLayout</c>). Element-wise, it steps
    /// in any layout a streaming network has (a time-major row, a channel-major column, a vector); Softmax only ever sees a
    /// vector (CN0060), which is then the whole step.
    /// </summary>
    internal sealed class ActivationEmitter : LayerEmitter, IStreamingLayer
    {
        private const string Kernels = "global::Compiled.Kernels.ActivationKernels";

        /// <summary>The output; with a fused loss, only the logits (the loss applies the softmax).</summary>
        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) => new[]
        {
            new SavedValue(layer.FusedLoss ? ValueKind.PreActivation : ValueKind.Output, layer.Plan.OutputSize),
        };

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output) =>
            EmitApply(writer, layer, $"ref {input.Memory}", $"ref {output.Memory}", "1");

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count) =>
            EmitApply(writer, layer, x, y, count);

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            if (layer.FusedLoss)
            {
                writer.Line($"{Support}.PackCopy({refs.Input}, {refs.PreActivation}, {count} * {Size(layer)});{Describe(layer)}: logits only, the loss applies the softmax");
                return;
            }

            EmitApply(writer, layer, refs.Input, refs.Output!, count);
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
            if (layer.NeedsInputGradient)
            {
                EmitGradient(writer, layer, refs, refs.Output, count);
            }
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count) =>
            EmitGradient(writer, layer, refs, refs.Output, count);

        public bool CanStep(LayerContext layer) => true;

        /// <summary>One step of its input: the vector, a time-major row (the features) or a channel-major column (the channels).</summary>
        public int StepOutputSize(LayerContext layer)
        {
            Shapes.Shape input = layer.Plan.Input;
            return input.Rank == 1 ? Size(layer) : ChannelMajor(layer) ? input.Dimensions[0] : input.Dimensions[input.Rank - 1];
        }

        public void EmitStep(SourceWriter writer, LayerContext layer, string x, string y, string state) =>
            EmitApply(writer, layer, x, y, "1", StepOutputSize(layer), ", one step");

        /// <summary>Whether the input is a causal convolution's channel-major <c>[C, L]</c> (a step is a column), through element-wise layers.</summary>
        private static bool ChannelMajor(LayerContext layer)
        {
            for (int i = layer.Index - 1; i >= 0; i--)
            {
                switch (layer.Network.Layers[i].Spec)
                {
                    case ConvSpec:
                        return true;
                    case ActivationSpec:
                    case DropoutSpec:
                    case BatchNormSpec:
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>Whether the layer is PyTorch's identity (<c>nn.Identity</c>): inference copies, backward passes the gradient on.</summary>
        private static bool IsIdentity(ActivationSpec spec) => spec.Activation == Activation.Identity;

        private static void EmitApply(SourceWriter writer, LayerContext layer, string x, string y, string count) =>
            EmitApply(writer, layer, x, y, count, Size(layer), string.Empty);

        /// <summary><paramref name="count"/> rows of <paramref name="size"/> floats (a sample, or one step of one).</summary>
        private static void EmitApply(SourceWriter writer, LayerContext layer, string x, string y, string count, int size, string what)
        {
            ActivationSpec spec = Spec(layer);
            string length = count == "1" ? size.ToString(CultureInfo.InvariantCulture) : $"{count} * {size}";
            if (IsIdentity(spec) || spec.Activation == Activation.Softmax)
            {
                writer.Line($"{Support}.PackCopy({x}, {y}, {length});{Describe(layer)}{what}{(IsIdentity(spec) ? ": a copy" : string.Empty)}");
                if (spec.Activation == Activation.Softmax)
                {
                    writer.Line(count == "1"
                        ? $"{Support}.Softmax({y}, {size});"
                        : $"for (int s = 0; s < {count}; s++) {Support}.Softmax(ref {Vec.Unsafe}.Add({y}, s * {size}), {size});");
                }

                return;
            }

            writer.Line($"{Kernels}.Forward({x}, {y}, {length}, {Struct(spec)});{Describe(layer)}{what}");
        }

        /// <summary>dL/dx from dL/dy (in <see cref="TrainingRefs.Gradient"/>) into <see cref="TrainingRefs.InputGradient"/>; <paramref name="output"/> null: recomputed from the input.</summary>
        private static void EmitGradient(SourceWriter writer, LayerContext layer, TrainingRefs refs, string? output, string count)
        {
            ActivationSpec spec = Spec(layer);
            int size = Size(layer);
            if (layer.FusedLoss || IsIdentity(spec))
            {
                writer.Line($"{Support}.PackCopy({refs.Gradient}, {refs.InputGradient}, {count} * {size});{Describe(layer)}: dL/dx = dL/dy{(layer.FusedLoss ? " (the loss gave the gradient with respect to the logits)" : string.Empty)}");
            }
            else if (spec.Activation == Activation.Softmax)
            {
                writer.Line($"{Kernels}.SoftmaxBackward({refs.Input}, {refs.Gradient}, {refs.InputGradient}, {size}, {count});{Describe(layer)}: the softmax Jacobian, per sample");
            }
            else
            {
                writer.Line($"{Kernels}.Backward({refs.Gradient}, {output ?? NullRef}, {refs.Input}, {refs.InputGradient}, {count} * {size}, {Struct(spec)});{Describe(layer)}: dL/dx = dL/dy * f'(x)");
            }
        }

        private static ActivationSpec Spec(LayerContext layer) => (ActivationSpec)layer.Plan.Spec;

        private static int Size(LayerContext layer) => layer.Plan.OutputSize;

        private static string Struct(ActivationSpec spec) => ActivationCode.Struct(spec.Activation, spec.NegativeSlope, spec.Alpha);

        private static string Describe(LayerContext layer) =>
            $" // layer {layer.Index}: {ActivationCode.Describe(Spec(layer).Activation, Spec(layer).NegativeSlope, Spec(layer).Alpha)} over {layer.Plan.Output} ({Size(layer).ToString(CultureInfo.InvariantCulture)} floats per sample)";
    }
}
