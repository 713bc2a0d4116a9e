using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Compiled.Generator.Model.Layers;

namespace Compiled.Generator.Shapes
{
    /// <summary>The result of shape inference: a plan, or the issues that prevent one.</summary>
    internal sealed record PlanResult(NetworkPlan? Plan, EquatableArray<ShapeIssue> Issues);

    /// <summary>
    /// The shape step: runs each layer's shape rule in order, lays out the parameters, and checks the rules that span
    /// layers (Softmax placement, loss against the output layer, sizes).
    /// </summary>
    internal static class ShapeInference
    {
        /// <summary>The most parameters a network may have (a float array needs room for them plus padding).</summary>
        public const long MaxParameters = int.MaxValue - 1024;

        /// <summary>The most floats one sample may have at any point of the network.</summary>
        public const long MaxActivation = 1L << 28;

        /// <summary>
        /// The most layer attributes a network may have. Generated code no longer grows with a layer's width (wide layers
        /// call the runtime's shared kernels, small ones are inlined within a per-network budget), but it does grow with
        /// the number of layers, by some tens of lines each (about 23,000 lines at the limit; GeneratedSizeTests); this
        /// limit, far above any real network, keeps a declaration from producing a file the compiler chokes on.
        /// </summary>
        public const int MaxLayers = 1000;

        public static PlanResult Infer(NetworkSpec? spec)
        {
            if (spec is null)
            {
                return new PlanResult(null, EquatableArray<ShapeIssue>.Empty);
            }

            var issues = new List<ShapeIssue>();
            var context = new ShapeContext(issues) { LayerCount = spec.Layers.Count, Loss = spec.Loss };
            var input = new Shape(spec.InputShape);
            string name = spec.Type.Name;
            if (spec.Layers.Count > MaxLayers)
            {
                issues.Add(Issue(DiagnosticDescriptors.TooManyLayers, ShapeIssue.NetworkTarget, null, name, spec.Layers.Count, MaxLayers));
                return Fail(issues);
            }

            if (input.Size > MaxActivation)
            {
                issues.Add(Issue(DiagnosticDescriptors.TooLarge, ShapeIssue.InputTarget, null, "The input size", name, input.Size, MaxActivation));
                return Fail(issues);
            }

            var layers = new List<LayerPlan>();
            Shape current = input;
            for (int i = 0; i < spec.Layers.Count; i++)
            {
                LayerSpec layer = spec.Layers[i];
                IShapeRule rule = LayerKinds.ShapeRuleFor(layer);
                context.LayerIndex = i;
                context.PreviousLayer = i > 0 ? spec.Layers[i - 1] : null;
                int before = issues.Count;
                LayerShape? shape = rule.Infer(layer, current, context);
                long layerParameters = shape?.Tensors.Sum(t => t.Shape.Size) ?? 0;
                if (shape is null)
                {
                    if (issues.Count == before)
                    {
                        issues.Add(Issue(DiagnosticDescriptors.TooLarge, i, null, "The parameter count", name, "more than " + MaxParameters.ToString(System.Globalization.CultureInfo.InvariantCulture), MaxParameters));
                    }

                    return Fail(issues);
                }

                if (context.ParameterOffset + layerParameters > MaxParameters)
                {
                    issues.Add(Issue(DiagnosticDescriptors.TooLarge, i, null, "The parameter count", name, context.ParameterOffset + layerParameters, MaxParameters));
                    return Fail(issues);
                }

                if (shape.Output.Size > MaxActivation)
                {
                    issues.Add(Issue(DiagnosticDescriptors.TooLarge, i, null, $"The output size of layer {i}", name, shape.Output.Size, MaxActivation));
                    return Fail(issues);
                }

                layers.Add(new LayerPlan(i, layer, current, shape.Output, shape.Tensors, rule.Describe(layer)) { Buffers = shape.Buffers });
                context.ParameterOffset += layerParameters;
                context.BufferOffset += shape.Buffers.Sum(b => b.Length);
                context.ModuleIndex += rule.ModuleCount(layer);
                current = shape.Output;
            }

            if (layers.All(l => l.Spec.IsReshape))
            {
                issues.Add(Issue(DiagnosticDescriptors.NoLayers, ShapeIssue.ClassTarget, null, name));
                return Fail(issues);
            }

            CheckLoss(spec, layers.Last(l => !l.Spec.IsReshape), issues);
            if (spec.VariableLength)
            {
                CheckVariableLength(spec, layers, input, issues);
            }

            if (issues.Count > 0)
            {
                return Fail(issues);
            }

            string architecture = "Input(" + string.Join(", ", spec.InputShape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")"
                + string.Concat(layers.Select(l => " -> " + l.Description));
            var plan = new NetworkPlan(spec.Type, spec.Loss, input, layers.ToEquatableArray(), (int)context.ParameterOffset, architecture) { VariableLength = spec.VariableLength };
            return new PlanResult(plan, EquatableArray<ShapeIssue>.Empty);
        }

        private static void CheckLoss(NetworkSpec spec, LayerPlan last, List<ShapeIssue> issues)
        {
            Activation? activation = last.Spec.OutputActivation;
            string activationName = activation?.ToString() ?? $"none ([{last.Spec.KindName}] is last)";
            switch (spec.Loss)
            {
                case Loss.CrossEntropy when activation != Activation.Softmax:
                    issues.Add(Issue(DiagnosticDescriptors.CrossEntropyNeedsSoftmax, last.Index, "activation", activationName));
                    break;
                case Loss.CrossEntropy when last.Output.Size / last.Output.Steps < 2: // per step for a sequence output (one label per step)
                    issues.Add(Issue(DiagnosticDescriptors.TooFewClasses, last.Index, "units", last.Output.Size / last.Output.Steps));
                    break;
                case Loss.BinaryCrossEntropy when activation != Activation.Sigmoid:
                    issues.Add(Issue(DiagnosticDescriptors.BinaryCrossEntropyNeedsSigmoid, last.Index, "activation", activationName));
                    break;
            }
        }

        /// <summary>
        /// <c>[Input(..., VariableLength = true)]</c>: a sequence input (or token ids before an embedding), a recurrent layer to
        /// read it, and before the last recurrent layer only layers that work step by step (so padding never mixes with real steps).
        /// </summary>
        private static void CheckVariableLength(NetworkSpec spec, List<LayerPlan> layers, Shape input, List<ShapeIssue> issues)
        {
            bool embedding = layers[0].Spec is EmbeddingSpec;
            if (embedding ? input.Rank != 1 : input.Rank != 2)
            {
                issues.Add(Issue(DiagnosticDescriptors.VariableLengthInputRank, ShapeIssue.InputTarget, "VariableLength", spec.Type.Name, "(" + string.Join(", ", spec.InputShape) + ")"));
                return;
            }

            int lastRecurrent = layers.FindLastIndex(l => l.Spec is RecurrentSpec);
            if (lastRecurrent < 0)
            {
                issues.Add(Issue(DiagnosticDescriptors.VariableLengthWithoutRecurrent, ShapeIssue.InputTarget, "VariableLength", spec.Type.Name));
                return;
            }

            for (int i = 0; i < lastRecurrent; i++)
            {
                LayerSpec layer = layers[i].Spec;
                if (layer is not (EmbeddingSpec or DenseSpec or RecurrentSpec or DropoutSpec { SpatialRank: 0 }))
                {
                    issues.Add(Issue(DiagnosticDescriptors.VariableLengthMixesSteps, i, null, layer.KindName, i, lastRecurrent));
                }
            }
        }

        private static PlanResult Fail(List<ShapeIssue> issues) => new(null, issues.ToEquatableArray());

        private static ShapeIssue Issue(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int layer, string? argument, params object[] args) =>
            new(descriptor.Id, layer, argument, DiagnosticInfo.Create(descriptor, null, args).MessageArgs);
    }
}
