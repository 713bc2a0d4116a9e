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
    /// <summary>The generated class's constants, fields, construction, parameter access, packing and <c>INetwork</c> members.</summary>
    internal sealed partial class NetworkEmitter
    {
        // ------------------------------------------------------------------ constants and fields

        private void WriteConstantsAndFields()
        {
            _w.Line();
            _w.Summary("The number of floats in one input sample.");
            _w.Line($"public const int InputSize = {_plan.InputSize};");
            _w.Line();
            _w.Summary("The number of floats in one output sample.");
            _w.Line($"public const int OutputSize = {_plan.OutputSize};");
            _w.Line();
            _w.Summary("The number of trainable parameters.");
            _w.Line($"public const int ParameterCount = {_plan.ParameterCount};");
            _w.Line();
            _w.Summary("The architecture signature, recorded in model files.");
            _w.Line($"public const string Architecture = {Literal(_plan.Architecture)};");
            _w.Line();
            _w.Summary("The loss the <c>Backward</c> methods minimise.");
            _w.Line($"public const global::Compiled.Loss Loss = global::Compiled.Loss.{_plan.Loss};");
            _w.Line();
            _w.Summary("The seed the parameterless constructor initialises the parameters with.");
            _w.Line("public const int DefaultSeed = 42;");
            _w.Line();
            _w.Comment("The parameter and gradient arrays carry 16 floats of padding (vector loads of a tensor's end stay inside); the spans stop at ParameterCount.");
            _w.Line("private const int PaddedLength = ParameterCount + 16;");
            _w.Line($"private const int PackedLength = {_layout.PackedLength}; // the forward kernels' copy of the weights, each transposed to [in, out]");
            if (_layout.PanelLength > 0)
            {
                _w.Line($"private const int PanelLength = {_layout.PanelLength}; // the one-sample forward pass's copy of its large layers' weights, in column panels");
            }

            if (_layout.WholeBatch)
            {
                _w.Line($"private const int WorkspaceLength = {_layout.WorkspaceLength}; // per sample: the training workspace holds each call's whole batch");
            }
            else
            {
                _w.Line($"private const int TrainChunk = {_layout.TrainChunk};");
                _w.Line($"private const int WorkspaceLength = {_layout.WorkspaceLength};");
            }

            if (_layout.IntWorkspaceLength > 0)
            {
                _w.Line($"private const int IntWorkspaceLength = {_layout.IntWorkspaceLength}; // saved indices (max-pooling's argmax){(_layout.WholeBatch ? ", per sample" : string.Empty)}");
            }

            if (_layout.BufferCount > 0)
            {
                _w.Line($"private const int BufferCount = {_layout.BufferCount}; // non-trainable buffers (running statistics)");
            }

            if (_layout.HiddenBuffers > 0)
            {
                _w.Line($"private const int ForwardChunk = {_layout.ForwardChunk};");
                _w.Line($"private const int HiddenWidth = {_layout.MaxHidden};");
            }

            _w.Line();
            _w.Line($"private static readonly global::System.Collections.ObjectModel.ReadOnlyCollection<int> s_inputShape = new(new int[] {{ {string.Join(", ", _plan.InputShape.Dimensions)} }});");
            var tensors = _plan.Layers.SelectMany(l => l.Tensors).ToList();
            _w.Open("private static readonly global::System.Collections.ObjectModel.ReadOnlyCollection<global::Compiled.ParameterTensor> s_tensors = new(new global::Compiled.ParameterTensor[]");
            foreach (TensorPlan tensor in tensors)
            {
                _w.Line($"new global::Compiled.ParameterTensor({Literal(tensor.Name)}, {tensor.Offset}, {string.Join(", ", tensor.Shape.Dimensions)}),");
            }

            _w.Close(");");
            if (_layout.BufferCount > 0)
            {
                _w.Open("private static readonly global::System.Collections.ObjectModel.ReadOnlyCollection<global::Compiled.ParameterTensor> s_buffers = new(new global::Compiled.ParameterTensor[]");
                foreach (TensorPlan buffer in _plan.Layers.SelectMany(l => l.Buffers))
                {
                    string shape = buffer.Shape.Rank == 0 ? string.Empty : ", " + string.Join(", ", buffer.Shape.Dimensions);
                    _w.Line($"new global::Compiled.ParameterTensor({Literal(buffer.Name)}, {buffer.Offset}{shape}),{(buffer.Shape.Rank == 0 ? " // a scalar (int64 in PyTorch)" : string.Empty)}");
                }

                _w.Close(");");
            }

            _w.Line();
            _w.Line("private readonly global::Compiled.NetworkStorage _compiledStorage; // parameters and their packed copy, shared with workers");
            _w.Comment("Gradients and the training workspace start on a 64-byte boundary, like the shared buffers.");
            _w.Line("private readonly float[] _compiledGradients;");
            _w.Line("private readonly int _compiledGradientsOffset;");
            _w.Line("private float[]? _compiledWorkspace;");
            _w.Line("private int _compiledWorkspaceOffset;");
            if (_layout.IntWorkspaceLength > 0)
            {
                _w.Line("private int[]? _compiledIntWorkspace; // the training workspace's int values (saved indices)");
            }

            if (_layout.WholeBatch)
            {
                _w.Line("private int _compiledCapacity; // the samples the training workspace holds (the largest batch so far)");
            }
            if (!_layout.ForwardOnStack || !_layout.ForwardBatchOnStack)
            {
                _w.Line();
                _w.Line("[global::System.ThreadStatic]");
                _w.Line("private static float[]? t_compiledScratch;");
            }
        }

        private void WriteConstructionAndBuffers()
        {
            _w.Line();
            _w.Summary($"Creates the network with its parameters initialised from <see cref=\"DefaultSeed\"/>; it is ready to train.\nOther constructors should chain to this one with <c>: this()</c>.");
            _w.Open($"public {Name}()");
            _w.Line(_layout.PanelLength > 0
                ? $"_compiledStorage = new global::Compiled.NetworkStorage(PaddedLength, PackedLength, {(_layout.BufferCount > 0 ? "BufferCount" : "0")}, PanelLength);"
                : _layout.BufferCount > 0
                ? "_compiledStorage = new global::Compiled.NetworkStorage(PaddedLength, PackedLength, BufferCount);"
                : "_compiledStorage = new global::Compiled.NetworkStorage(PaddedLength, PackedLength);");
            _w.Line("_compiledGradients = global::Compiled.NetworkStorage.AllocateAligned(PaddedLength, out _compiledGradientsOffset);");
            _w.Line("InitializeParameters(DefaultSeed);");
            _w.Close();
            _w.Line();
            _w.Open($"private {Name}(global::Compiled.NetworkStorage sharedStorage)");
            _w.Line("_compiledStorage = sharedStorage;");
            _w.Line("_compiledGradients = global::Compiled.NetworkStorage.AllocateAligned(PaddedLength, out _compiledGradientsOffset);");
            _w.Close();
            _w.Line();
            _w.Summary(
                "All parameters in one flat buffer, in PyTorch state_dict order (see <see cref=\"ParameterTensors\"/>), read-only: write them\n" +
                "through <see cref=\"EditParameters\"/>, so the packed copy of the weights the forward passes read is rebuilt.");
            _w.Line($"public {ReadOnlySpan} Parameters => _compiledStorage.ReadParameters(ParameterCount);");
            _w.Line();
            _w.Summary(
                "Opens a scope in which the parameters may be written; dispose it (<c>using</c>) when done. Every forward and backward pass\n" +
                "after that computes with the new values.");
            _w.Line("/// <returns>The edit; write through its <see cref=\"global::Compiled.ParameterEdit.Values\"/>.</returns>");
            _w.Line("public global::Compiled.ParameterEdit EditParameters() => _compiledStorage.Edit(ParameterCount);");
            _w.Line();
            _w.Summary(_layout.BufferCount > 0
                ? "Increases when an edit of the parameters or of the buffers starts and again when it ends; derived copies record the version they were built from."
                : "Increases when an edit of the parameters starts and again when it ends; derived copies record the version they were built from.");
            _w.Line("public long ParameterVersion => _compiledStorage.Version;");
            _w.Line();
            _w.Summary("What stochastic layers draw their randomness from in the next training calls on this instance (the trainer sets it per batch).");
            _w.Line("public global::Compiled.TrainingContext TrainingContext { get; set; }");
            _w.Line();
            _w.Summary("The accumulated gradient of the loss with respect to each parameter, laid out as <see cref=\"Parameters\"/>.");
            _w.Line($"public {Span} Gradients => new {Span}(_compiledGradients, _compiledGradientsOffset, ParameterCount);");
            _w.Line();
            _w.Summary("The dimensions of one input sample, outermost first.");
            _w.Line("public static global::System.Collections.Generic.IReadOnlyList<int> InputShape => s_inputShape;");
            _w.Line();
            _w.Summary("Every parameter tensor with its name, shape and offset in <see cref=\"Parameters\"/>.");
            _w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::Compiled.ParameterTensor> ParameterTensors => s_tensors;");
            if (_layout.BufferCount > 0)
            {
                _w.Line();
                _w.Summary("Every non-trainable buffer (running statistics, <c>num_batches_tracked</c>) with its state_dict name, shape and offset in <see cref=\"Buffers\"/>.");
                _w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::Compiled.ParameterTensor> BufferTensors => s_buffers;");
                _w.Line();
                _w.Summary(
                    "The non-trainable buffers, laid out as <see cref=\"BufferTensors\"/>, read-only: the training calls update the running statistics;\n" +
                    "write them through <see cref=\"EditBuffers\"/>, so the packed copy the forward passes read is rebuilt.");
                _w.Line($"public {ReadOnlySpan} Buffers => _compiledStorage.ReadBuffers();");
                _w.Line();
                _w.Summary("Opens a scope in which the buffers may be written, versioned like <see cref=\"EditParameters\"/>; dispose it when done.");
                _w.Line("/// <returns>The edit; write through its <see cref=\"global::Compiled.ParameterEdit.Values\"/>.</returns>");
                _w.Line("public global::Compiled.ParameterEdit EditBuffers() => _compiledStorage.EditBuffers();");
            }
            _w.Line();
            _w.Summary("Sets every gradient to zero.");
            _w.Line("public void ZeroGradients() => global::System.Array.Clear(_compiledGradients);");
            _w.Line();
            var tensors = _plan.Layers.SelectMany(l => l.Tensors).ToList();
            _w.Summary(
                tensors.Any(t => t.Declared)
                    ? "Re-initialises the parameters deterministically from <paramref name=\"seed\"/>, each tensor as its layer declares (<c>Init</c>,\n" +
                      "<c>BiasInit</c>; one call per tensor below); the others Kaiming (He) uniform for weights followed by a ReLU-family activation,\n" +
                      "Glorot (Xavier) uniform for the other weights, zero biases."
                    : "Re-initialises the parameters deterministically from <paramref name=\"seed\"/>: Kaiming (He) uniform for layers followed by a\n" +
                      "ReLU-family activation, Glorot (Xavier) uniform for the others, zero biases.");
            _w.Line("/// <param name=\"seed\">The seed; the same seed always gives the same parameters.</param>");
            _w.Line(Optimize);
            _w.Open("public void InitializeParameters(int seed)");
            if (_layout.BufferCount > 0)
            {
                _w.Open("using (global::Compiled.ParameterEdit bufferEdit = EditBuffers()) // the running statistics start over, as PyTorch's reset_running_stats");
                _w.Line($"{Span} buffers = bufferEdit.Values;");
                foreach (TensorPlan buffer in _plan.Layers.SelectMany(l => l.Buffers))
                {
                    _w.Line(buffer.Init == InitKind.Ones
                        ? $"buffers.Slice({buffer.Offset}, {buffer.Length}).Fill(1f); // {buffer.Name}"
                        : $"buffers.Slice({buffer.Offset}, {buffer.Length}).Clear(); // {buffer.Name}");
                }

                _w.Close();
            }

            _w.Line("var random = new global::Compiled.ParameterInitializer(seed);");
            _w.Line("using global::Compiled.ParameterEdit edit = EditParameters();");
            _w.Line($"{Span} parameters = edit.Values;");
            foreach (TensorPlan tensor in tensors)
            {
                string slice = $"parameters.Slice({tensor.Offset}, {tensor.Length})";
                switch (tensor.Init)
                {
                    case InitKind.Zeros:
                        _w.Line($"{slice}.Clear(); // {tensor.Name}");
                        break;
                    case InitKind.Ones:
                        _w.Line($"{slice}.Fill(1f); // {tensor.Name}");
                        break;
                    case InitKind.KaimingUniform:
                        _w.Line($"random.KaimingUniform({slice}, fanIn: {tensor.FanIn}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
                    case InitKind.GlorotUniform:
                        _w.Line($"random.GlorotUniform({slice}, fanIn: {tensor.FanIn}, fanOut: {tensor.FanOut}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
                    case InitKind.KaimingNormal:
                        _w.Line($"random.KaimingNormal({slice}, fanIn: {tensor.FanIn}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
                    case InitKind.GlorotNormal:
                        _w.Line($"random.GlorotNormal({slice}, fanIn: {tensor.FanIn}, fanOut: {tensor.FanOut}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
                    case InitKind.Orthogonal:
                        _w.Line($"random.Orthogonal({slice}, rows: {tensor.Rows}, columns: {tensor.Columns}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
                }

                if (tensor.ZeroRow >= 0)
                {
                    _w.Line($"parameters.Slice({tensor.Offset + ((long)tensor.ZeroRow * tensor.Columns)}, {tensor.Columns}).Clear(); // {tensor.Name} row {tensor.ZeroRow} (padding_idx) starts at zero");
                }
            }

            _w.Close();
            _w.Line();
            _w.Summary(
                "Creates a network that shares this network's parameter buffer (a write through either is seen by both) but has its own\n" +
                "gradients and training workspace, for data-parallel training on another thread.");
            _w.Line("/// <returns>The worker.</returns>");
            _w.Line($"public {Name} CreateWorker() => new {Name}(_compiledStorage);");
            WritePacking();
            if (_layout.PanelLength > 0)
            {
                WritePanelPacking();
            }
            WriteWorkspace();
        }

        private void WriteWorkspace()
        {
            if (_layout.WholeBatch)
            {
                _w.Line();
                _w.Summary(
                    "Grows the training workspace (64-byte aligned) to hold <paramref name=\"count\"/> samples: the training passes take each call's\n" +
                    "whole batch as one chunk, so it is allocated again only when a batch is larger than any before.");
                _w.Open("private void EnsureWorkspace(int count)");
                _w.Line("if (_compiledWorkspace is not null && count <= _compiledCapacity) return;");
                _w.Line("int capacity = global::System.Math.Max(count, _compiledCapacity);");
                _w.Line($"if ((long)capacity * WorkspaceLength > global::System.Array.MaxLength - 16) {Support}.ThrowWorkspaceTooLarge(count, WorkspaceLength);");
                _w.Line("_compiledWorkspace = global::Compiled.NetworkStorage.AllocateAligned(capacity * WorkspaceLength, out _compiledWorkspaceOffset);");
                if (_layout.IntWorkspaceLength > 0)
                {
                    _w.Line("_compiledIntWorkspace = new int[capacity * IntWorkspaceLength];");
                }

                _w.Line("_compiledCapacity = capacity;");
                _w.Close();
                _w.Line();
                _w.Summary("The training workspace, as <see cref=\"EnsureWorkspace\"/> last sized it.");
                _w.Open("private ref float Workspace()");
                _w.Line($"return ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledWorkspace!), _compiledWorkspaceOffset);");
                _w.Close();
                if (_layout.IntWorkspaceLength > 0)
                {
                    _w.Line();
                    _w.Summary("The int part of the training workspace (saved indices), as <see cref=\"EnsureWorkspace\"/> last sized it.");
                    _w.Line($"private ref int IntWorkspace() => ref {Marshal}.GetArrayDataReference(_compiledIntWorkspace!);");
                }

                return;
            }

            _w.Line();
            _w.Summary("The training workspace, allocated (64-byte aligned) on the first training call and kept.");
            _w.Open("private ref float Workspace()");
            _w.Line("_compiledWorkspace ??= global::Compiled.NetworkStorage.AllocateAligned(WorkspaceLength, out _compiledWorkspaceOffset);");
            _w.Line($"return ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledWorkspace), _compiledWorkspaceOffset);");
            _w.Close();
            if (_layout.IntWorkspaceLength > 0)
            {
                _w.Line();
                _w.Summary("The int part of the training workspace (saved indices), allocated on the first training call and kept.");
                _w.Line($"private ref int IntWorkspace() => ref {Marshal}.GetArrayDataReference(_compiledIntWorkspace ??= new int[IntWorkspaceLength]);");
            }
        }

        private void WritePacking() =>
            WriteLockedPack(
                "Rebuilds the forward kernels' packed copy of the weights from the parameters, if stale; concurrent callers wait on a spin lock.",
                "PackWeights",
                "IsStale",
                "Version",
                "MarkPacked",
                () =>
                {
                    _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
                    _w.Line("ref float k = ref _compiledStorage.PackedStart;");
                    if (_layout.BufferCount > 0)
                    {
                        _w.Line($"ref float b = ref {Marshal}.GetReference(_compiledStorage.ReadBuffers()); // the running statistics, folded in too");
                    }

                    foreach ((LayerContext context, LayerEmitter emitter) in _layout.Computing)
                    {
                        emitter.EmitPack(_w, context);
                    }
                });

        private void WritePanelPacking() =>
            WriteLockedPack(
                "Rebuilds the one-sample forward pass's panelled copy from the packed copy, if stale (only that pass reads it: training never builds it).",
                "PackPanels",
                "ArePanelsStale",
                "PackedVersion",
                "MarkPanelled",
                () =>
                {
                    _w.Line("ref float k = ref _compiledStorage.PackedStart;");
                    _w.Line("ref float q = ref _compiledStorage.PanelStart;");
                    foreach ((LayerContext context, LayerEmitter emitter) in _layout.Inference)
                    {
                        emitter.EmitPanelPack(_w, context);
                    }
                });

        /// <summary>
        /// A method that rebuilds a derived copy under the storage's packing lock: if <paramref name="stale"/>, it reads the
        /// <paramref name="version"/> the copy will reflect, writes the copy (<paramref name="body"/>) and records it.
        /// </summary>
        private void WriteLockedPack(string summary, string name, string stale, string version, string mark, Action body)
        {
            _w.Line();
            _w.Summary(summary);
            _w.Line(Optimize);
            _w.Open($"private void {name}()");
            _w.Line("_compiledStorage.EnterPack();");
            _w.Open("try");
            _w.Line($"if (!_compiledStorage.{stale}) return;");
            _w.Line($"long version = _compiledStorage.{version};");
            body();
            _w.Line($"_compiledStorage.{mark}(version);");
            _w.Close();
            _w.Open("finally");
            _w.Line("_compiledStorage.ExitPack();");
            _w.Close();
            _w.Close();
        }

        // ------------------------------------------------------------------ INetwork

        private void WriteInterface()
        {
            _w.Line();
            _w.Line("int global::Compiled.INetwork.InputSize => InputSize;");
            _w.Line("int global::Compiled.INetwork.OutputSize => OutputSize;");
            _w.Line("int global::Compiled.INetwork.ParameterCount => ParameterCount;");
            _w.Line("string global::Compiled.INetwork.Architecture => Architecture;");
            _w.Line("global::Compiled.Loss global::Compiled.INetwork.Loss => Loss;");
            _w.Line("global::System.Collections.Generic.IReadOnlyList<int> global::Compiled.INetwork.InputShape => s_inputShape;");
            _w.Line("global::System.Collections.Generic.IReadOnlyList<global::Compiled.ParameterTensor> global::Compiled.INetwork.ParameterTensors => s_tensors;");
            _w.Line("global::Compiled.INetwork global::Compiled.INetwork.CreateWorker() => CreateWorker();");
            if (_layout.BufferCount > 0)
            {
                _w.Line("global::System.Collections.Generic.IReadOnlyList<global::Compiled.ParameterTensor> global::Compiled.INetwork.BufferTensors => s_buffers;");
                _w.Line($"{ReadOnlySpan} global::Compiled.INetwork.Buffers => Buffers;");
                _w.Line("global::Compiled.ParameterEdit global::Compiled.INetwork.EditBuffers() => EditBuffers();");
            }

            if (ReadsTokenIds)
            {
                _w.Line("global::Compiled.NetworkInputKind global::Compiled.INetwork.InputKind => global::Compiled.NetworkInputKind.TokenIds; // the first layer is an embedding");
            }

            if (_layout.WholeBatch)
            {
                _w.Line("bool global::Compiled.INetwork.RequiresWholeBatch => true; // batch normalisation: a batch split between threads would be normalised per part");
            }
            if (_plan.Loss != Loss.CrossEntropy)
            {
                _w.Line($"float global::Compiled.INetwork.Backward({ReadOnlySpan} input, int label) => {Support}.ThrowLabelsNotSupported(nameof({Name}), Loss);");
                _w.Line($"float global::Compiled.INetwork.BackwardBatch({ReadOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, int batchSize) => {Support}.ThrowLabelsNotSupported(nameof({Name}), Loss);");
            }
        }
    }
}
