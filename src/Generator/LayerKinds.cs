using System;
using System.Collections.Generic;
using Compiled.Generator.Emit;
using Compiled.Generator.Emit.Layers;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;
using Compiled.Generator.Parsing;
using Compiled.Generator.Parsing.Layers;
using Compiled.Generator.Shapes;
using Compiled.Generator.Shapes.Layers;

namespace Compiled.Generator
{
    /// <summary>
    /// The one place that lists the layer kinds: for each, its spec type, parser, shape rule and emitter.
    /// Adding a layer kind is adding those four files and one line here.
    /// </summary>
    internal static class LayerKinds
    {
        private static readonly LayerKind[] s_all =
        {
            LayerKind.Create<DenseSpec>(new DenseParser(), new DenseShapeRule(), new DenseEmitter()),
            LayerKind.Create<FlattenSpec>(new FlattenParser(), new FlattenShapeRule(), new FlattenEmitter()),
            LayerKind.Create<DropoutSpec>(new DropoutParser(), new DropoutShapeRule(), new DropoutEmitter()),
            LayerKind.Create<DropoutSpec>(new DropoutParser(1), new DropoutShapeRule(), new DropoutEmitter()),
            LayerKind.Create<DropoutSpec>(new DropoutParser(2), new DropoutShapeRule(), new DropoutEmitter()),
            LayerKind.Create<DropoutSpec>(new DropoutParser(3), new DropoutShapeRule(), new DropoutEmitter()),
            LayerKind.Create<LayerNormSpec>(new LayerNormParser(), new LayerNormShapeRule(), new LayerNormEmitter()),
            LayerKind.Create<BatchNormSpec>(new BatchNormParser(), new BatchNormShapeRule(), new BatchNormEmitter()),
            LayerKind.Create<EmbeddingSpec>(new EmbeddingParser(), new EmbeddingShapeRule(), new EmbeddingEmitter()),
            LayerKind.Create<PoolSpec>(new PoolParser(PoolOp.Max, 1), new PoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<PoolSpec>(new PoolParser(PoolOp.Max, 2), new PoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<PoolSpec>(new PoolParser(PoolOp.Max, 3), new PoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<PoolSpec>(new PoolParser(PoolOp.Avg, 1), new PoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<PoolSpec>(new PoolParser(PoolOp.Avg, 2), new PoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<PoolSpec>(new PoolParser(PoolOp.Avg, 3), new PoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<GlobalPoolSpec>(new GlobalPoolParser(PoolOp.Avg), new GlobalPoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<GlobalPoolSpec>(new GlobalPoolParser(PoolOp.Max), new GlobalPoolShapeRule(), new PoolEmitter()),
            LayerKind.Create<ConvSpec>(new ConvParser(1), new ConvShapeRule(), new ConvEmitter()),
            LayerKind.Create<ConvSpec>(new ConvParser(2), new ConvShapeRule(), new ConvEmitter()),
            LayerKind.Create<ConvSpec>(new ConvParser(3), new ConvShapeRule(), new ConvEmitter()),
            LayerKind.Create<RecurrentSpec>(RecurrentParser.SimpleRnn, new RecurrentShapeRule(), new RecurrentEmitter()),
            LayerKind.Create<RecurrentSpec>(RecurrentParser.Gru, new RecurrentShapeRule(), new RecurrentEmitter()),
            LayerKind.Create<RecurrentSpec>(RecurrentParser.Lstm, new RecurrentShapeRule(), new RecurrentEmitter()),
            LayerKind.Create<ActivationSpec>(new ActivationParser(), new ActivationShapeRule(), new ActivationEmitter()),
        };

        public static ILayerParser? FindParser(string attributeMetadataName)
        {
            foreach (LayerKind kind in s_all)
            {
                if (kind.Parser.AttributeMetadataName == attributeMetadataName)
                {
                    return kind.Parser;
                }
            }

            return null;
        }

        public static IShapeRule ShapeRuleFor(LayerSpec spec) => For(spec).ShapeRule;

        public static LayerEmitter EmitterFor(LayerSpec spec) => For(spec).Emitter;

        private static LayerKind For(LayerSpec spec)
        {
            foreach (LayerKind kind in s_all)
            {
                if (kind.SpecType == spec.GetType())
                {
                    return kind;
                }
            }

            throw new InvalidOperationException($"No layer kind is registered for {spec.GetType().Name}.");
        }

        private sealed class LayerKind
        {
            private LayerKind(Type specType, ILayerParser parser, IShapeRule shapeRule, LayerEmitter emitter)
            {
                SpecType = specType;
                Parser = parser;
                ShapeRule = shapeRule;
                Emitter = emitter;
            }

            public Type SpecType { get; }

            public ILayerParser Parser { get; }

            public IShapeRule ShapeRule { get; }

            public LayerEmitter Emitter { get; }

            public static LayerKind Create<TSpec>(ILayerParser parser, IShapeRule shapeRule, LayerEmitter emitter)
                where TSpec : LayerSpec => new(typeof(TSpec), parser, shapeRule, emitter);
        }
    }
}
