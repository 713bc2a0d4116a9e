using Compiled.Generator.Model;

namespace Compiled.Generator.Shapes
{
    /// <summary>
    /// A network after shape inference: every layer's input and output shape and where its parameters live. This is
    /// what the emitters read; it is equatable so the emit step is skipped when nothing changed.
    /// </summary>
    internal sealed record NetworkPlan(
        TypeSpec Type,
        Loss Loss,
        Shape InputShape,
        EquatableArray<LayerPlan> Layers,
        int ParameterCount,
        string Architecture)
    {
        public int InputSize => (int)InputShape.Size;

        /// <summary>
        /// <c>[Input(..., VariableLength = true)]</c>: the generated methods take each sample's length and the recurrent layers
        /// pass it to their kernels; the first input dimension is the longest sequence.
        /// </summary>
        public bool VariableLength { get; init; }

        /// <summary>The padded steps of a variable-length input (its first dimension); 0 for other networks.</summary>
        public int MaxSteps => VariableLength ? InputShape.Dimensions[0] : 0;

        public int OutputSize => (int)Layers[Layers.Count - 1].Output.Size;

        public LayerPlan Last => Layers[Layers.Count - 1];

        /// <summary>The floats of the non-trainable buffers (every layer's, one after another); 0 for most networks.</summary>
        public int BufferCount => System.Linq.Enumerable.Sum(Layers, l => System.Linq.Enumerable.Sum(l.Buffers, b => b.Length));
    }

    /// <summary>One layer after shape inference.</summary>
    /// <param name="Index">The layer's index among the layer attributes; tensor names start with it.</param>
    /// <param name="Spec">The layer as declared.</param>
    /// <param name="Input">The shape of one sample entering the layer.</param>
    /// <param name="Output">The shape of one sample leaving it.</param>
    /// <param name="Tensors">Its parameter tensors, in state_dict order.</param>
    /// <param name="Description">How the layer appears in the architecture signature.</param>
    internal sealed record LayerPlan(int Index, LayerSpec Spec, Shape Input, Shape Output, EquatableArray<TensorPlan> Tensors, string Description)
    {
        public int InputSize => (int)Input.Size;

        public int OutputSize => (int)Output.Size;

        public bool HasParameters => Tensors.Count > 0;

        /// <summary>Its non-trainable buffers (running statistics), in state_dict order, with offsets into <c>Buffers</c>.</summary>
        public EquatableArray<TensorPlan> Buffers { get; init; } = EquatableArray<TensorPlan>.Empty;
    }

    /// <summary>How a tensor's initial values are drawn: one runtime call each (<c>Compiled.ParameterInitializer</c>).</summary>
    internal enum InitKind
    {
        /// <summary>Every value 0.</summary>
        Zeros,

        /// <summary><c>U(-b, b)</c>, <c>b = gain * sqrt(3 / fanIn)</c>.</summary>
        KaimingUniform,

        /// <summary><c>U(-b, b)</c>, <c>b = gain * sqrt(6 / (fanIn + fanOut))</c>.</summary>
        GlorotUniform,

        /// <summary><c>N(0, std^2)</c>, <c>std = gain / sqrt(fanIn)</c>.</summary>
        KaimingNormal,

        /// <summary><c>N(0, std^2)</c>, <c>std = gain * sqrt(2 / (fanIn + fanOut))</c>.</summary>
        GlorotNormal,

        /// <summary><c>orthogonal_</c> of the tensor as a matrix (first dimension by the rest), times the gain.</summary>
        Orthogonal,

        /// <summary>Every value 1.</summary>
        Ones,
    }

    /// <summary>One parameter tensor: its name, shape, offset in the flat buffer and initialisation.</summary>
    /// <param name="Name">The state_dict name, e.g. <c>0.weight</c>.</param>
    /// <param name="Shape">Its dimensions.</param>
    /// <param name="Offset">Where it starts in <c>Parameters</c>.</param>
    /// <param name="Init">How it is initialised.</param>
    /// <param name="FanIn">The fan-in used by the initialiser.</param>
    /// <param name="FanOut">The fan-out used by the initialiser.</param>
    /// <param name="Gain">The gain used by the initialiser (sqrt(2) for ReLU, ...).</param>
    /// <param name="Declared">True when the layer's attribute chose the initialiser (<c>Init</c>, <c>BiasInit</c>), false for the kind's default.</param>
    internal sealed record TensorPlan(string Name, Shape Shape, int Offset, InitKind Init, int FanIn, int FanOut, double Gain, bool Declared = false)
    {
        public int Length => (int)Shape.Size;

        /// <summary>The number of rows when the tensor is read as a matrix: its first dimension.</summary>
        public int Rows => Shape.Dimensions[0];

        /// <summary>The number of columns when the tensor is read as a matrix: the product of the other dimensions.</summary>
        public int Columns => Length / Rows;

        public int End => Offset + Length;

        /// <summary>A row (first index) set back to zero after initialisation, or -1: an embedding's <c>padding_idx</c>.</summary>
        public int ZeroRow { get; init; } = -1;
    }
}
