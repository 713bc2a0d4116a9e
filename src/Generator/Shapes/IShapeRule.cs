using System.Collections.Generic;
using Compiled.Generator.Diagnostics;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Shapes
{
    /// <summary>The shape rule of one layer kind: from the input shape to the output shape and the parameter tensors.</summary>
    internal interface IShapeRule
    {
        /// <summary>
        /// Infers the layer's output shape and its tensors (named <c>{index}.weight</c>, ... with offsets from
        /// <see cref="ShapeContext.ParameterOffset"/>), or reports why it cannot.
        /// </summary>
        LayerShape? Infer(LayerSpec spec, Shape input, ShapeContext context);

        /// <summary>The layer as it appears in the architecture signature, e.g. <c>Dense(128, ReLU)</c>.</summary>
        string Describe(LayerSpec spec);

        /// <summary>
        /// How many modules the layer is in the equivalent <c>torch.nn.Sequential</c> (a dense layer with an activation is
        /// <c>Linear</c> then the activation: two); tensor names use the Sequential index, as PyTorch's <c>state_dict</c> does.
        /// </summary>
        int ModuleCount(LayerSpec spec);
    }

    /// <summary>What a shape rule produces for one layer.</summary>
    internal sealed record LayerShape(Shape Output, EquatableArray<TensorPlan> Tensors)
    {
        /// <summary>
        /// Its non-trainable buffers (running statistics), in state_dict order, with offsets from
        /// <see cref="ShapeContext.BufferOffset"/> into the network's buffer block; none for most kinds.
        /// </summary>
        public EquatableArray<TensorPlan> Buffers { get; init; } = EquatableArray<TensorPlan>.Empty;
    }

    /// <summary>Where a shape rule is: which layer, the next free parameter offset, and a place to report issues.</summary>
    internal sealed class ShapeContext
    {
        private readonly List<ShapeIssue> _issues;

        public ShapeContext(List<ShapeIssue> issues)
        {
            _issues = issues;
        }

        public int LayerIndex { get; set; }

        /// <summary>The layer's index in the equivalent <c>torch.nn.Sequential</c>; tensor names start with it.</summary>
        public int ModuleIndex { get; set; }

        public int LayerCount { get; set; }

        /// <summary>The layer before this one (null for the first), for messages that name where an input came from.</summary>
        public LayerSpec? PreviousLayer { get; set; }

        public long ParameterOffset { get; set; }

        /// <summary>The next free offset in the network's buffer block (non-trainable tensors such as running statistics).</summary>
        public int BufferOffset { get; set; }

        public bool IsLast => LayerIndex == LayerCount - 1;

        /// <summary>The network's loss (a per-step Softmax over a sequence is allowed with cross-entropy only).</summary>
        public Loss Loss { get; set; }

        public void Report(DiagnosticDescriptor descriptor, string? argument, params object[] messageArgs) =>
            _issues.Add(new ShapeIssue(descriptor.Id, LayerIndex, argument, DiagnosticInfo.Create(descriptor, null, messageArgs).MessageArgs));
    }
}
