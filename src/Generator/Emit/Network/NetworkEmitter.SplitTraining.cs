using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Model;
using Compiled.Generator.Emit.Planning;
using Compiled.Generator.Shapes;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>Split training (<c>ISplitTraining</c>): the first layer's units shared between two threads.</summary>
    internal sealed partial class NetworkEmitter
    {
        // ------------------------------------------------------------------ split training

        /// <summary>
        /// True when the first computing layer can have its units split between training threads (ISplitTraining); never for
        /// a network that trains whole batches (batch normalisation), whose chunks split training would cut.
        /// </summary>
        private bool CanSplit => !_layout.WholeBatch && !_plan.VariableLength && !StepClasses && _layout.Computing.Count >= 2 && _layout.Computing[0].Emitter is ISplitUnits split && split.CanSplitUnits(_layout.Computing[0].Context);

        /// <summary>The first unit of each part, then the unit count: two parts, split on a 16-unit (64-byte) boundary.</summary>
        private int[] SplitBoundaries
        {
            get
            {
                int units = _layout.Computing[0].Context.Plan.OutputSize;
                int middle = Math.Max(16, Math.Min(units - 1, ((units / 2) + 8) / 16 * 16));
                return new[] { 0, middle, units };
            }
        }

        private void WriteSplitTraining()
        {
            LayerContext first = _layout.Computing[0].Context;
            var firstEmitter = (ISplitUnits)_layout.Computing[0].Emitter;
            int[] boundaries = SplitBoundaries;
            int parts = boundaries.Length - 1;
            (int firstOutput, int firstPre) = _layout.Saved(first.Index);

            string firstGradient = WorkspaceRef(_layout.GradientOf(first.Index)); // where the first layer's output gradient arrives
            TrainingRefs FirstRefs() => new TrainingRefs(
                "ref x",
                firstOutput >= 0 ? WorkspaceRef(firstOutput) : null,
                firstPre >= 0 ? WorkspaceRef(firstPre) : null,
                firstGradient,
                null);

            _w.Line();
            _w.Comment($"Split training (ISplitTraining): layer {first.Index}'s units are split into {parts} parts at {string.Join(", ", boundaries.Skip(1).Take(parts - 1))};");
            _w.Comment("each part's thread packs, computes and differentiates its own units; the later layers run on part 0's thread.");
            _w.Line($"int global::Compiled.ISplitTraining.SplitParts => {parts};");
            _w.Line("int global::Compiled.ISplitTraining.SplitChunk => TrainChunk;");
            _w.Line($"int global::Compiled.ISplitTraining.SplitUnit(int part) => part <= 0 ? 0 : part == 1 ? {boundaries[1]} : {boundaries[parts]};");
            _w.Line();
            _w.Summary("Split training's own packed copy: the first layer's parts as separate blocks, the later layers as in the regular copy.");
            _w.Line("private float[]? _compiledSplitPacked;");
            _w.Line("private int _compiledSplitPackedOffset;");
            _w.Line("private float[]? _compiledSplitBlocks; // each part's own outputs, pre-activations and output gradient");
            _w.Line("private int _compiledSplitBlocksOffset;");
            // Each part's blocks (outputs, pre-activations, output gradient), 256 bytes apart.
            var blocks = new SplitBlocks[parts];
            int blocksLength = 0;
            for (int part = 0; part < parts; part++)
            {
                int size = ((_layout.TrainChunk * firstEmitter.SplitBlockWidth(first, boundaries[part], boundaries[part + 1])) + 15) / 16 * 16;
                blocks[part] = new SplitBlocks(At("blocks", blocksLength), At("blocks", blocksLength + size + 64), At("blocks", blocksLength + (2 * (size + 64))));
                blocksLength += 3 * (size + 64);
            }

            string blocksLocal = $"ref float blocks = ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledSplitBlocks!), _compiledSplitBlocksOffset);";

            _w.Line();
            _w.Open("void global::Compiled.ISplitTraining.SplitPrepare()");
            _w.Line("Workspace();");
            _w.Line("_compiledSplitPacked ??= global::Compiled.NetworkStorage.AllocateAligned(PackedLength, out _compiledSplitPackedOffset);");
            _w.Line($"_compiledSplitBlocks ??= global::Compiled.NetworkStorage.AllocateAligned({blocksLength}, out _compiledSplitBlocksOffset);");
            _w.Close();
            _w.Line();
            _w.Line($"private ref float SplitPacked() => ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledSplitPacked!), _compiledSplitPackedOffset);");

            _w.Line();
            _w.Open("void global::Compiled.ISplitTraining.SplitPack(int part)");
            _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
            _w.Line("ref float k = ref SplitPacked();");
            _w.Open("if (part == 0)");
            firstEmitter.EmitSplitPack(_w, first, boundaries[0], boundaries[1]);
            foreach ((LayerContext context, LayerEmitter emitter) in _layout.Computing.Skip(1))
            {
                emitter.EmitPack(_w, context);
            }

            _w.Close();
            _w.Open("else");
            firstEmitter.EmitSplitPack(_w, first, boundaries[1], boundaries[2]);
            _w.Close();
            _w.Close();

            string check = $"if ((uint)part >= {parts} || count <= 0 || count > TrainChunk || inputs.Length < (long)count * InputSize) {Support}.ThrowSplitCall(part, {parts}, count, TrainChunk, inputs.Length, InputSize);";
            _w.Line();
            _w.Line(Optimize);
            _w.Open($"void global::Compiled.ISplitTraining.SplitForward(int part, {ReadOnlySpan} inputs, int count)");
            _w.Line(check);
            _w.Line("ref float k = ref SplitPacked();");
            _w.Line(blocksLocal);
            _w.Line($"ref float x = ref {Marshal}.GetReference(inputs);");
            Dispatch(isa =>
            {
                for (int part = 0; part < parts; part++)
                {
                    _w.Open(part == 0 ? "if (part == 0)" : "else");
                    firstEmitter.EmitSplitTrainForward(_w, first, isa, FirstRefs(), "count", part, boundaries[part], boundaries[part + 1], blocks[part]);
                    _w.Close();
                }
            });
            _w.Close();

            foreach (bool labels in new[] { true, false })
            {
                _w.Line();
                _w.Line(Optimize);
                string parameter = labels ? "global::System.ReadOnlySpan<int> labels" : $"{ReadOnlySpan} targets";
                _w.Open($"float global::Compiled.ISplitTraining.SplitRest({parameter}, int count, float scale, global::System.Span<float> outputs)");
                if (labels && _plan.Loss != Loss.CrossEntropy)
                {
                    _w.Line($"return {Support}.ThrowLabelsNotSupported(nameof({Name}), Loss);");
                    _w.Close();
                    continue;
                }

                _w.Line($"if (count <= 0 || count > TrainChunk) {Support}.ThrowSplitCall(0, {parts}, count, TrainChunk, count * InputSize, InputSize);");
                if (labels)
                {
                    _w.Line($"if (labels.Length < count) {Support}.ThrowLength(nameof(labels), count, labels.Length);");
                    _w.Line($"for (int i = 0; i < count; i++) if ((uint)labels[i] >= OutputSize) {Support}.ThrowLabel(nameof(labels), i, labels[i], OutputSize);");
                }
                else
                {
                    _w.Line($"if (targets.Length < count * OutputSize) {Support}.ThrowLength(nameof(targets), (long)count * OutputSize, targets.Length);");
                }

                _w.Line("ref float ws = ref Workspace();");
                _w.Line(blocksLocal);
                for (int part = 0; part < parts; part++)
                {
                    firstEmitter.EmitSplitJoin(_w, first, FirstRefs(), "count", boundaries[part], boundaries[part + 1], blocks[part]);
                }

                _w.Line("SplitForwardRest(count);");
                _w.Line(labels
                    ? $"float loss = LabelLoss(ref {Marshal}.GetReference(labels), count, scale, ref outputs.IsEmpty ? ref {Vec.Unsafe}.NullRef<float>() : ref {Marshal}.GetReference(outputs));"
                    : $"float loss = TargetLoss(ref {Marshal}.GetReference(targets), count, scale, ref outputs.IsEmpty ? ref {Vec.Unsafe}.NullRef<float>() : ref {Marshal}.GetReference(outputs));");
                _w.Line("SplitBackwardRest(count);");
                _w.Line("return loss;");
                _w.Close();
            }

            _w.Line();
            _w.Line(Optimize);
            _w.Open($"void global::Compiled.ISplitTraining.SplitBackward(int part, {ReadOnlySpan} inputs, int count)");
            _w.Line(check);
            _w.Line($"ref float g = ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledGradients), _compiledGradientsOffset);");
            _w.Line("ref float ws = ref Workspace();");
            _w.Line($"ref float x = ref {Marshal}.GetReference(inputs);");
            _w.Line(blocksLocal);
            Dispatch(isa =>
            {
                for (int part = 0; part < parts; part++)
                {
                    _w.Open(part == 0 ? "if (part == 0)" : "else");
                    firstEmitter.EmitSplitBackward(_w, first, isa, FirstRefs(), "count", part, boundaries[part], boundaries[part + 1], blocks[part]);
                    _w.Close();
                }
            });
            _w.Close();

            _w.Line();
            _w.Summary("Split training: the training forward pass of every layer after the first, over one chunk.");
            _w.Line(Optimize);
            _w.Open("private void SplitForwardRest(int count)");
            _w.Line("ref float k = ref SplitPacked();");
            _w.Line("ref float ws = ref Workspace();");
            WriteIntWorkspaceLocal();
            TrainForwardLayers(first: 1, firstSample: "0"); // the runtime sets TrainingContext to each chunk's first sample
            _w.Close();

            _w.Line();
            _w.Summary("Split training: the backward pass of every layer after the first, down to the gradient with respect to the first layer's output.");
            _w.Line(Optimize);
            _w.Open("private void SplitBackwardRest(int count)");
            _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
            _w.Line($"ref float g = ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledGradients), _compiledGradientsOffset);");
            _w.Line("ref float ws = ref Workspace();");
            WriteIntWorkspaceLocal();
            TrainBackwardLayers(lowest: 1, firstSample: "0");
            _w.Close();
        }
    }
}
