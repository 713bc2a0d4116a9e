using System.Collections.Generic;

namespace Compiled.Generator.Emit.Layers
{
    /// <summary>[Flatten] computes nothing: the data is already stored flat, so its output aliases its input.</summary>
    internal sealed class FlattenEmitter : LayerEmitter
    {
        public override bool IsAlias => true;

        public override IReadOnlyList<SavedValue> SavedValues(LayerContext layer) => System.Array.Empty<SavedValue>();

        public override void EmitForward(SourceWriter writer, LayerContext layer, Vec isa, Handoff input, Handoff output)
        {
        }

        public override void EmitForwardBatch(SourceWriter writer, LayerContext layer, Vec isa, string x, string y, string count)
        {
        }

        public override void EmitTrainForward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
        }

        public override void EmitBackward(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
        }

        public override void EmitInputGradient(SourceWriter writer, LayerContext layer, Vec isa, TrainingRefs refs, string count)
        {
        }
    }
}
