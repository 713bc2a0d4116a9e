using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Model;
using Compiled.Generator.Shapes;
using static Compiled.Generator.Emit.KernelWriter;

namespace Compiled.Generator.Emit
{
    /// <summary>
    /// Writes the generated partial class of one network: constants, buffers, the public API (<c>Forward</c>,
    /// <c>Backward</c>, their batched forms, initialisation, <c>INetwork</c>), the orchestration that calls each layer's
    /// kernels on the widest SIMD path the machine has, and the layers' kernels themselves.
    /// </summary>
    internal sealed class NetworkEmitter
    {
        /// <summary>Scratch kept on the stack is capped at this many floats (64 KiB); beyond, a per-thread buffer is used.</summary>
        private const int StackScratchLimit = 16 * 1024;

        /// <summary>The training workspace of one chunk is kept under this many floats (64 MiB) by shrinking the chunk.</summary>
        private const long WorkspaceLimit = 16L * 1024 * 1024;

        private const string Span = "global::System.Span<float>";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        private const string Intrinsics = "global::System.Runtime.Intrinsics";

        private static readonly Vec[] s_paths = { Vec.W16, Vec.W8, Vec.W4 };

        private readonly NetworkPlan _plan;
        private readonly List<(LayerContext Context, LayerEmitter Emitter)> _layers = new();
        private readonly List<(LayerContext Context, LayerEmitter Emitter)> _computing = new();
        private SourceWriter _w = new();
        private readonly Dictionary<int, (int Output, int PreActivation)> _workspace = new();
        private readonly int _maxHidden;
        private readonly int _hiddenBuffers;
        private readonly int _forwardChunk;
        private readonly int _trainChunk;
        private readonly int _gradientWidth;
        private int _workspaceLength;
        private int _packedLength;
        private int _gradientA;
        private int _gradientB;

        private NetworkEmitter(NetworkPlan plan)
        {
            _plan = plan;
            var emitters = plan.Layers.Select(l => LayerKinds.EmitterFor(l.Spec)).ToList();
            int lastComputing = emitters.FindLastIndex(e => !e.IsAlias);
            bool anyParametersBefore = false;
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                LayerPlan layer = plan.Layers[i];
                bool isLast = i == lastComputing;
                Activation? activation = layer.Spec.OutputActivation;
                bool fused = isLast && ((plan.Loss == Loss.CrossEntropy && activation == Activation.Softmax) || (plan.Loss == Loss.BinaryCrossEntropy && activation == Activation.Sigmoid));
                var context = new LayerContext(layer, plan, isLast, fused, anyParametersBefore);
                _layers.Add((context, emitters[i]));
                if (!emitters[i].IsAlias)
                {
                    _computing.Add((context, emitters[i]));
                }

                anyParametersBefore |= layer.HasParameters;
            }

            foreach ((LayerContext context, LayerEmitter emitter) in _computing)
            {
                context.PackedOffset = _packedLength;
                _packedLength += emitter.PackedLength(context);
            }

            var hidden = _computing.Where(c => !c.Context.IsLast).Select(c => c.Context.Plan.OutputSize).ToList();
            _maxHidden = hidden.Count == 0 ? 0 : hidden.Max();
            _hiddenBuffers = Math.Min(hidden.Count, 2);
            _forwardChunk = 64;
            while (_forwardChunk > 4 && (long)_forwardChunk * _maxHidden * _hiddenBuffers > StackScratchLimit)
            {
                _forwardChunk /= 2;
            }

            _gradientWidth = Math.Max(plan.OutputSize, _computing.Count == 0 ? 0 : _computing.Max(c => c.Context.Plan.OutputSize));
            _trainChunk = 64;
            while (_trainChunk > 4 && LayOutWorkspace(_trainChunk) > WorkspaceLimit)
            {
                _trainChunk /= 2;
            }

            LayOutWorkspace(_trainChunk);
        }

        private bool ForwardOnStack => (long)_maxHidden * _hiddenBuffers <= StackScratchLimit;

        /// <summary>True when, on the given path, layer <paramref name="i"/> of the computing layers hands its output to the next in vector locals.</summary>
        private bool HandsOverInRegisters(int i, Vec isa)
        {
            (LayerContext context, LayerEmitter emitter) = _computing[i];
            return !context.IsLast
                && emitter.RegisterOutputWidth(context, isa) is not null
                && _computing[i + 1].Emitter.AcceptsRegisterInput(_computing[i + 1].Context);
        }

        /// <summary>True when the single-sample forward pass needs scratch buffers on some path (some hand-over goes through memory).</summary>
        private bool ForwardNeedsScratch =>
            Enumerable.Range(0, _computing.Count - 1).Any(i => s_paths.Any(isa => !HandsOverInRegisters(i, isa)));

        private bool ForwardBatchOnStack => (long)_forwardChunk * _maxHidden * _hiddenBuffers <= StackScratchLimit;

        private string Name => _plan.Type.Name;

        public static string Emit(NetworkPlan plan) => new NetworkEmitter(plan).Write();

        public static string HintName(NetworkPlan plan) => plan.Type.FullName + ".g.cs";

        private long LayOutWorkspace(int chunk)
        {
            _workspace.Clear();
            long offset = 0;
            foreach ((LayerContext context, LayerEmitter emitter) in _computing)
            {
                TrainingBuffers buffers = emitter.TrainingBuffersFor(context);
                long size = (long)chunk * context.Plan.OutputSize;
                int output = -1;
                int pre = -1;
                if (buffers.Output)
                {
                    output = (int)Math.Min(offset, int.MaxValue);
                    offset += size;
                }

                if (buffers.PreActivation)
                {
                    pre = (int)Math.Min(offset, int.MaxValue);
                    offset += size;
                }

                _workspace[context.Index] = (output, pre);
            }

            _gradientA = (int)Math.Min(offset, int.MaxValue);
            offset += (long)chunk * _gradientWidth;
            _gradientB = (int)Math.Min(offset, int.MaxValue);
            offset += (long)chunk * _gradientWidth;
            _workspaceLength = (int)Math.Min(offset, int.MaxValue);
            return offset;
        }

        private string Write()
        {
            _w.Line("// <auto-generated/>");
            _w.Line($"// Generated by Compiled.Generator from the attributes on {_plan.Type.FullName}. Edit the attributes, not this file.");
            _w.Line("#nullable enable");
            _w.Line();
            bool hasNamespace = _plan.Type.Namespace.Length > 0;
            if (hasNamespace)
            {
                _w.Open($"namespace {_plan.Type.Namespace}");
            }

            foreach (ContainingTypeSpec containing in _plan.Type.ContainingTypes)
            {
                _w.Open($"partial {containing.Keyword} {containing.Name}");
            }

            WriteClass();
            foreach (ContainingTypeSpec unused in _plan.Type.ContainingTypes)
            {
                _w.Close();
            }

            if (hasNamespace)
            {
                _w.Close();
            }

            return _w.ToString();
        }

        private void WriteClass()
        {
            _w.Doc(
                $"<remarks>\n" +
                $"Generated network <c>{Escape(_plan.Architecture)}</c>, loss {_plan.Loss}, {_plan.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters.\n" +
                "<see cref=\"Forward\"/> and <see cref=\"ForwardBatch\"/> keep their scratch on the stack" +
                (ForwardOnStack && ForwardBatchOnStack ? string.Empty : " (or, for layers this wide, in a buffer allocated once per thread)") +
                " and only read the parameters, so one instance may run inference on several threads at once.\n" +
                "The <c>Backward</c> methods write <see cref=\"Gradients\"/> and a training workspace owned by the instance: use one instance per\n" +
                "training thread (<see cref=\"CreateWorker\"/> makes one that shares the parameters).\n" +
                "</remarks>");
            _w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Compiled.Generator\", \"" + typeof(NetworkEmitter).Assembly.GetName().Version + "\")]");
            _w.Open($"partial {_plan.Type.Keyword} {Name} : global::Compiled.INetwork{(CanSplit ? ", global::Compiled.ISplitTraining" : string.Empty)}");
            WriteLayout();
            WriteConstantsAndFields();
            WriteConstructionAndBuffers();
            WriteForward();
            WriteForwardBatch();
            WriteBackward();
            WriteBackpropagate();
            WriteTrainingCore();
            WriteInterface();
            if (CanSplit)
            {
                WriteSplitTraining();
            }
            if (_hiddenBuffers > 0 && ForwardOnStack && ForwardNeedsScratch)
            {
                _w.Line();
                _w.Summary($"The hidden activations of one sample ({_hiddenBuffers} buffer(s) of {_maxHidden} floats), kept on the stack by <see cref=\"Forward\"/>.");
                _w.Line($"[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Sequential, Size = {_maxHidden * _hiddenBuffers * 4})]");
                _w.Open("private struct ForwardScratch");
                _w.Line("#pragma warning disable CS0169 // the field marks where the buffer starts; the layout's Size gives its length");
                _w.Line("private float _first;");
                _w.Line("#pragma warning restore CS0169");
                _w.Close();
            }

            // Kernels a layer kind writes for its own sizes (none for Dense: it calls the runtime's shared kernels).
            SourceWriter main = _w;
            _w = new SourceWriter(main.Indent);
            foreach ((LayerContext context, LayerEmitter emitter) in _computing)
            {
                emitter.EmitKernels(_w, context);
            }

            string kernels = _w.ToString();
            _w = main;
            if (kernels.Trim().Length > 0)
            {
                _w.Line();
                _w.Comment("------------------------------------------------------------------ layer kernels");
                _w.Raw(kernels);
            }

            _w.Close();
        }

        // ------------------------------------------------------------------ layout comment

        private void WriteLayout()
        {
            var lines = new List<string>
            {
                _plan.Architecture,
                $"loss: {_plan.Loss}; {_plan.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters, stored as PyTorch's state_dict (each weight [out, in] row-major, then its bias)",
                string.Empty,
                $"input: {_plan.InputShape} = {_plan.InputSize} floats per sample",
            };
            foreach ((LayerContext context, LayerEmitter _) in _layers)
            {
                LayerPlan layer = context.Plan;
                lines.Add($"layer {layer.Index}: {layer.Description,-28} {layer.Input} -> {layer.Output}");
                foreach (TensorPlan tensor in layer.Tensors)
                {
                    lines.Add($"    {tensor.Name,-12} [{string.Join(", ", tensor.Shape.Dimensions)}]".PadRight(36) + $"Parameters[{tensor.Offset} .. {tensor.End})");
                }
            }

            lines.Add(string.Empty);
            lines.Add($"Training workspace, for chunks of {_trainChunk} samples ({_workspaceLength.ToString("N0", CultureInfo.InvariantCulture)} floats):");
            foreach ((LayerContext context, LayerEmitter _) in _computing)
            {
                (int output, int pre) = _workspace[context.Index];
                if (output >= 0)
                {
                    lines.Add($"    layer {context.Index} outputs         [{_trainChunk}, {context.Plan.OutputSize}] at {output}");
                }

                if (pre >= 0)
                {
                    lines.Add($"    layer {context.Index} {(context.FusedLoss ? "logits         " : "pre-activations")} [{_trainChunk}, {context.Plan.OutputSize}] at {pre}");
                }
            }

            lines.Add($"    gradients A, B        [{_trainChunk}, {_gradientWidth}] at {_gradientA} and {_gradientB}");
            _w.Line();
            _w.Comment(string.Join("\n", lines));
        }

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
            _w.Comment("The parameter and gradient arrays carry 16 floats of padding so that a vector load of a tensor's last\nelements never leaves the array; the spans handed out stop at ParameterCount.");
            _w.Line("private const int PaddedLength = ParameterCount + 16;");
            _w.Line($"private const int PackedLength = {_packedLength}; // the forward kernels' copy of the weights, each transposed to [in, out]");
            _w.Line($"private const int TrainChunk = {_trainChunk};");
            _w.Line($"private const int WorkspaceLength = {_workspaceLength};");
            if (_hiddenBuffers > 0)
            {
                _w.Line($"private const int ForwardChunk = {_forwardChunk};");
                _w.Line($"private const int HiddenWidth = {_maxHidden};");
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
            _w.Line();
            _w.Line("private readonly global::Compiled.NetworkStorage _compiledStorage; // parameters and their packed copy, shared with workers");
            _w.Comment("Gradients and the training workspace start on a 64-byte boundary, like the shared buffers.");
            _w.Line("private readonly float[] _compiledGradients;");
            _w.Line("private readonly int _compiledGradientsOffset;");
            _w.Line("private float[]? _compiledWorkspace;");
            _w.Line("private int _compiledWorkspaceOffset;");
            if (!ForwardOnStack || !ForwardBatchOnStack)
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
            _w.Line("_compiledStorage = new global::Compiled.NetworkStorage(PaddedLength, PackedLength);");
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
            _w.Summary("Increases when an edit of the parameters starts and again when it ends; derived copies record the version they were built from.");
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
            _w.Line();
            _w.Summary("Sets every gradient to zero.");
            _w.Line("public void ZeroGradients() => global::System.Array.Clear(_compiledGradients);");
            _w.Line();
            _w.Summary(
                "Re-initialises the parameters deterministically from <paramref name=\"seed\"/>: Kaiming (He) uniform for layers followed by a\n" +
                "ReLU-family activation, Glorot (Xavier) uniform for the others, zero biases.");
            _w.Line("/// <param name=\"seed\">The seed; the same seed always gives the same parameters.</param>");
            _w.Line(Optimize);
            _w.Open("public void InitializeParameters(int seed)");
            _w.Line("var random = new global::Compiled.ParameterInitializer(seed);");
            _w.Line("using global::Compiled.ParameterEdit edit = EditParameters();");
            _w.Line($"{Span} parameters = edit.Values;");
            foreach (TensorPlan tensor in _plan.Layers.SelectMany(l => l.Tensors))
            {
                string slice = $"parameters.Slice({tensor.Offset}, {tensor.Length})";
                switch (tensor.Init)
                {
                    case InitKind.Zeros:
                        _w.Line($"{slice}.Clear(); // {tensor.Name}");
                        break;
                    case InitKind.KaimingUniform:
                        _w.Line($"random.KaimingUniform({slice}, fanIn: {tensor.FanIn}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
                    case InitKind.GlorotUniform:
                        _w.Line($"random.GlorotUniform({slice}, fanIn: {tensor.FanIn}, fanOut: {tensor.FanOut}, gain: {Double(tensor.Gain)}); // {tensor.Name}");
                        break;
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
            WriteWorkspace();
        }

        private void WriteWorkspace()
        {
            _w.Line();
            _w.Summary("The training workspace, allocated (64-byte aligned) on the first training call and kept.");
            _w.Open("private ref float Workspace()");
            _w.Line("_compiledWorkspace ??= global::Compiled.NetworkStorage.AllocateAligned(WorkspaceLength, out _compiledWorkspaceOffset);");
            _w.Line($"return ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledWorkspace), _compiledWorkspaceOffset);");
            _w.Close();
        }

        private void WritePacking()
        {
            _w.Line();
            _w.Summary(
                "Rebuilds the packed copy of the weights that the forward kernels read, from the parameters. Called by the forward passes\n" +
                "when the parameters may have changed; a spin lock keeps concurrent callers from packing at the same time.");
            _w.Line(Optimize);
            _w.Open("private void PackWeights()");
            _w.Line("_compiledStorage.EnterPack();");
            _w.Open("try");
            _w.Line("if (!_compiledStorage.IsStale) return;");
            _w.Line("long version = _compiledStorage.Version;");
            _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            foreach ((LayerContext context, LayerEmitter emitter) in _computing)
            {
                emitter.EmitPack(_w, context);
            }

            _w.Line("_compiledStorage.MarkPacked(version);");
            _w.Close();
            _w.Open("finally");
            _w.Line("_compiledStorage.ExitPack();");
            _w.Close();
            _w.Close();
        }

        // ------------------------------------------------------------------ forward

        private void WriteForward()
        {
            _w.Line();
            _w.Summary("Runs the network on one sample. Allocates nothing; safe to call from several threads at once.");
            _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"output\">Receives <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line(Optimize);
            _w.Open($"public void Forward({ReadOnlySpan} input, {Span} output)");
            _w.Line($"if (input.Length != InputSize) {Support}.ThrowLength(nameof(input), InputSize, input.Length);");
            _w.Line($"if (output.Length != OutputSize) {Support}.ThrowLength(nameof(output), OutputSize, output.Length);");
            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            _w.Line($"ref float x = ref {Marshal}.GetReference(input);");
            _w.Line($"ref float y = ref {Marshal}.GetReference(output);");
            if (_hiddenBuffers > 0 && ForwardNeedsScratch)
            {
                int scratch = _maxHidden * _hiddenBuffers;
                if (ForwardOnStack)
                {
                    // A fixed-size struct rather than stackalloc: no stack cookie, and the span arguments stay in registers.
                    _w.Line($"ForwardScratch scratch = default; // hidden activations: {_hiddenBuffers} buffer(s) of {_maxHidden}");
                    _w.Line($"ref float h0 = ref {Vec.Unsafe}.As<ForwardScratch, float>(ref scratch);");
                }
                else
                {
                    _w.Line($"ref float h0 = ref {Marshal}.GetArrayDataReference(t_compiledScratch ??= new float[{scratch}]); // hidden activations, too wide for the stack: one buffer per thread");
                }

                if (_hiddenBuffers > 1)
                {
                    _w.Line($"ref float h1 = ref {Vec.Unsafe}.Add(ref h0, {_maxHidden});");
                }
            }

            Dispatch(isa =>
            {
                // Small consecutive layers hand their outputs over in vector locals; the others through the scratch buffers.
                Handoff current = Handoff.InMemory("x");
                int hiddenIndex = 0;
                for (int i = 0; i < _computing.Count; i++)
                {
                    (LayerContext context, LayerEmitter emitter) = _computing[i];
                    Handoff next;
                    Vec? width = context.IsLast ? null : emitter.RegisterOutputWidth(context, isa);
                    if (context.IsLast)
                    {
                        next = Handoff.InMemory("y");
                    }
                    else if (width is not null && HandsOverInRegisters(i, isa))
                    {
                        string[] names = KernelWriter.Names($"h{context.Index}v", (context.Plan.OutputSize + width.Lanes - 1) / width.Lanes);
                        _w.Line($"{width.T} {string.Join(", ", names)};");
                        next = Handoff.InRegisters(width, names);
                    }
                    else
                    {
                        next = Handoff.InMemory($"h{hiddenIndex++ % 2}");
                    }

                    emitter.EmitForward(_w, context, isa, current, next);
                    current = next;
                }
            });

            _w.Close();
        }

        private void WriteForwardBatch()
        {
            _w.Line();
            _w.Summary(
                "Runs the network on <paramref name=\"batchSize\"/> samples stored one after another. Allocates nothing; safe to call from\n" +
                "several threads at once.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputs\">Receives <paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive.</exception>");
            _w.Line(Optimize);
            _w.Open($"public void ForwardBatch({ReadOnlySpan} inputs, {Span} outputs, int batchSize)");
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            _w.Line($"if (outputs.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(outputs), batchSize, OutputSize, outputs.Length);");
            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            _w.Line($"ref float x0 = ref {Marshal}.GetReference(inputs);");
            _w.Line($"ref float y0 = ref {Marshal}.GetReference(outputs);");
            if (_hiddenBuffers > 0)
            {
                long scratch = (long)_forwardChunk * _maxHidden * _hiddenBuffers;
                if (ForwardBatchOnStack)
                {
                    _w.Line($"{Span} scratch = stackalloc float[{scratch}]; // hidden activations of {_forwardChunk} samples: {_hiddenBuffers} buffer(s) of [{_forwardChunk}, {_maxHidden}]");
                    _w.Line($"ref float h0 = ref {Marshal}.GetReference(scratch);");
                }
                else
                {
                    long perThread = Math.Max(scratch, (long)_maxHidden * _hiddenBuffers);
                    _w.Line($"float[] scratchArray = t_compiledScratch is {{ Length: >= {perThread} }} current ? current : (t_compiledScratch = new float[{perThread}]); // too wide for the stack: one buffer per thread");
                    _w.Line($"ref float h0 = ref {Marshal}.GetArrayDataReference(scratchArray);");
                }

                if (_hiddenBuffers > 1)
                {
                    _w.Line($"ref float h1 = ref {Vec.Unsafe}.Add(ref h0, {(long)_forwardChunk * _maxHidden});");
                }
            }

            string chunk = _hiddenBuffers > 0 ? "ForwardChunk" : "batchSize";
            _w.Open($"for (int start = 0; start < batchSize; start += {chunk})");
            _w.Line($"int count = global::System.Math.Min({chunk}, batchSize - start);");
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref x0, (nint)start * InputSize);");
            _w.Line($"ref float y = ref {Vec.Unsafe}.Add(ref y0, (nint)start * OutputSize);");
            Dispatch(isa =>
            {
                string current = "ref x";
                int hiddenIndex = 0;
                foreach ((LayerContext context, LayerEmitter emitter) in _computing)
                {
                    string next = context.IsLast ? "ref y" : $"ref h{hiddenIndex++ % 2}";
                    emitter.EmitForwardBatch(_w, context, isa, current, next, "count");
                    current = next;
                }
            });
            _w.Close();
            _w.Close();
        }

        // ------------------------------------------------------------------ backward (public)

        private void WriteBackward()
        {
            bool labels = _plan.Loss == Loss.CrossEntropy;
            string lossDefinition = _plan.Loss switch
            {
                Loss.CrossEntropy => "cross-entropy (<c>-sum_j t_j log p_j</c>)",
                Loss.BinaryCrossEntropy => "binary cross-entropy (the mean over outputs)",
                _ => "mean squared error (the mean over outputs)",
            };

            _w.Line();
            _w.Summary(
                $"Runs the network on one sample in training mode, returns its {lossDefinition} and adds (+=) its gradient with respect to\n" +
                "every parameter into <see cref=\"Gradients\"/>. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"target\">The target output, <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <returns>The loss of this sample.</returns>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line(Optimize);
            _w.Open($"public float Backward({ReadOnlySpan} input, {ReadOnlySpan} target)");
            _w.Line($"if (input.Length != InputSize) {Support}.ThrowLength(nameof(input), InputSize, input.Length);");
            _w.Line($"if (target.Length != OutputSize) {Support}.ThrowLength(nameof(target), OutputSize, target.Length);");
            _w.Line($"ref float x = ref {Marshal}.GetReference(input);");
            _w.Line("TrainForward(ref x, 1);");
            _w.Line($"float loss = TargetLoss(ref {Marshal}.GetReference(target), 1, 1f);");
            _w.Line("TrainBackward(ref x, 1);");
            _w.Line("return loss;");
            _w.Close();

            _w.Line();
            _w.Summary(
                $"Training step over <paramref name=\"batchSize\"/> samples: returns the mean {lossDefinition} and adds the gradient of the\n" +
                "mean loss (PyTorch's reduction \"mean\") into <see cref=\"Gradients\"/>. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"targets\"><paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <returns>The mean loss over the batch.</returns>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive.</exception>");
            _w.Line(Optimize);
            _w.Open($"public float BackwardBatch({ReadOnlySpan} inputs, {ReadOnlySpan} targets, int batchSize)");
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            _w.Line($"if (targets.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(targets), batchSize, OutputSize, targets.Length);");
            _w.Line("float scale = 1f / batchSize;");
            _w.Line("double total = 0;");
            _w.Open("for (int start = 0; start < batchSize; start += TrainChunk)");
            _w.Line("int count = global::System.Math.Min(TrainChunk, batchSize - start);");
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
            _w.Line("TrainForward(ref x, count);");
            _w.Line($"total += TargetLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(targets), (nint)start * OutputSize), count, scale);");
            _w.Line("TrainBackward(ref x, count);");
            _w.Close();
            _w.Line("return (float)(total / batchSize);");
            _w.Close();

            if (labels)
            {
                _w.Line();
                _w.Summary(
                    "Runs the network on one sample in training mode, returns its cross-entropy <c>-log p[label]</c> and adds its gradient\n" +
                    "into <see cref=\"Gradients\"/>. Allocates nothing after the first training call.");
                _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
                _w.Line("/// <param name=\"label\">The class, in [0, <see cref=\"OutputSize\"/>).</param>");
                _w.Line("/// <returns>The loss of this sample.</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">The input has the wrong length.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The label is out of range.</exception>");
                _w.Line(Optimize);
                _w.Open($"public float Backward({ReadOnlySpan} input, int label)");
                _w.Line($"if (input.Length != InputSize) {Support}.ThrowLength(nameof(input), InputSize, input.Length);");
                _w.Line($"if ((uint)label >= OutputSize) {Support}.ThrowLabel(nameof(label), 0, label, OutputSize);");
                _w.Line($"ref float x = ref {Marshal}.GetReference(input);");
                _w.Line("TrainForward(ref x, 1);");
                _w.Line("float loss = LabelLoss(ref label, 1, 1f);");
                _w.Line("TrainBackward(ref x, 1);");
                _w.Line("return loss;");
                _w.Close();

                _w.Line();
                _w.Summary(
                    "Training step over <paramref name=\"batchSize\"/> labelled samples: returns the mean cross-entropy and adds the gradient of\n" +
                    "the mean loss into <see cref=\"Gradients\"/>. Every label is checked before anything is computed. Allocates nothing after\n" +
                    "the first training call.");
                _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
                _w.Line("/// <param name=\"labels\"><paramref name=\"batchSize\"/> classes, each in [0, <see cref=\"OutputSize\"/>).</param>");
                _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
                _w.Line("/// <returns>The mean loss over the batch.</returns>");
                _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
                _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive or a label is out of range.</exception>");
                _w.Line(Optimize);
                _w.Open($"public float BackwardBatch({ReadOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, int batchSize)");
                _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
                _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
                _w.Line($"if (labels.Length != batchSize) {Support}.ThrowLength(nameof(labels), batchSize, labels.Length);");
                _w.Line($"for (int i = 0; i < labels.Length; i++) if ((uint)labels[i] >= OutputSize) {Support}.ThrowLabel(nameof(labels), i, labels[i], OutputSize);");
                _w.Line("float scale = 1f / batchSize;");
                _w.Line("double total = 0;");
                _w.Open("for (int start = 0; start < batchSize; start += TrainChunk)");
                _w.Line("int count = global::System.Math.Min(TrainChunk, batchSize - start);");
                _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
                _w.Line("TrainForward(ref x, count);");
                _w.Line($"total += LabelLoss(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(labels), start), count, scale);");
                _w.Line("TrainBackward(ref x, count);");
                _w.Close();
                _w.Line("return (float)(total / batchSize);");
                _w.Close();
            }
        }

        // ------------------------------------------------------------------ backward from any loss

        /// <summary>
        /// <c>Backpropagate</c> and <c>BackpropagateBatch</c>: the training forward pass, the caller's gradient with respect
        /// to the outputs brought to the last layer's backward input (through the activation a fused loss would have
        /// skipped), the usual backward pass, then, when asked, the gradient with respect to the network's input.
        /// </summary>
        private void WriteBackpropagate()
        {
            LayerContext last = _computing[_computing.Count - 1].Context;
            LayerContext first = _computing[0].Context;
            int n = _plan.OutputSize;

            _w.Line();
            _w.Summary(
                "The backward pass for any loss over <paramref name=\"batchSize\"/> samples: given dL/d(output) for each sample, adds the sum over\n" +
                "the samples of dL/d(parameters) into <see cref=\"Gradients\"/> and, unless <paramref name=\"inputGradients\"/> is empty, writes\n" +
                "dL/d(input) for each sample. Allocates nothing after the first training call.");
            _w.Line("/// <param name=\"inputs\"><paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputGradients\"><paramref name=\"batchSize\"/> x <see cref=\"OutputSize\"/> floats: the gradient with respect to the outputs.</param>");
            _w.Line("/// <param name=\"inputGradients\">Empty, or <paramref name=\"batchSize\"/> x <see cref=\"InputSize\"/> floats that receive the gradient with respect to the inputs.</param>");
            _w.Line("/// <param name=\"batchSize\">The number of samples; must be positive.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"batchSize\"/> is not positive.</exception>");
            _w.Line(Optimize);
            _w.Open($"public void BackpropagateBatch({ReadOnlySpan} inputs, {ReadOnlySpan} outputGradients, {Span} inputGradients, int batchSize)");
            _w.Line($"if (batchSize <= 0) {Support}.ThrowBatchSize(batchSize);");
            _w.Line($"if (inputs.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputs), batchSize, InputSize, inputs.Length);");
            _w.Line($"if (outputGradients.Length != (long)batchSize * OutputSize) {Support}.ThrowBatchLength(nameof(outputGradients), batchSize, OutputSize, outputGradients.Length);");
            _w.Line($"if (!inputGradients.IsEmpty && inputGradients.Length != (long)batchSize * InputSize) {Support}.ThrowBatchLength(nameof(inputGradients), batchSize, InputSize, inputGradients.Length);");
            _w.Open("for (int start = 0; start < batchSize; start += TrainChunk)");
            _w.Line("int count = global::System.Math.Min(TrainChunk, batchSize - start);");
            _w.Line($"ref float x = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputs), (nint)start * InputSize);");
            _w.Line("TrainForward(ref x, count);");
            _w.Line("ref float ws = ref Workspace();");
            _w.Line($"ref float dy = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(outputGradients), (nint)start * OutputSize);");
            (int lastOutput, int lastPre) = _workspace[last.Index];
            Activation? lastActivation = last.Plan.Spec.OutputActivation;
            if (!last.FusedLoss)
            {
                _w.Line($"{Support}.PackCopy(ref dy, {WorkspaceRef(_gradientA)}, count * {n}); // dL/dy, where the loss gradient would be");
            }
            else if (lastActivation == Activation.Softmax)
            {
                _w.Line($"for (int s = 0; s < count; s++) {Support}.SoftmaxOutputGradient(ref {Vec.Unsafe}.Add({WorkspaceRef(lastPre)}, s * {n}), ref {Vec.Unsafe}.Add(ref dy, s * {n}), ref {Vec.Unsafe}.Add({WorkspaceRef(_gradientA)}, s * {n}), {n}); // dL/dz through the softmax the loss would have fused");
            }
            else
            {
                _w.Line($"{Support}.SigmoidOutputGradient({WorkspaceRef(lastPre)}, ref dy, {WorkspaceRef(_gradientA)}, count * {n}); // dL/dz through the sigmoid the loss would have fused");
            }

            _w.Line("TrainBackward(ref x, count);");
            bool inA = true;
            for (int i = _computing.Count - 1; i > 0; i--)
            {
                inA = !inA;
            }

            TensorPlan weight = first.Plan.Tensors[0];
            _w.Open("if (!inputGradients.IsEmpty)");
            _w.Line($"ref float dx = ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(inputGradients), (nint)start * InputSize);");
            _w.Line($"{Support}.DenseInputGradient(ref {Vec.Unsafe}.Add(ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount)), {weight.Offset}), {WorkspaceRef(inA ? _gradientA : _gradientB)}, ref dx, {first.Plan.InputSize}, {first.Plan.OutputSize}, count); // dL/dx = dz W of layer {first.Index}");
            _w.Close();
            _w.Close();
            _w.Close();

            _w.Line();
            _w.Summary("The backward pass for any loss on one sample; see <see cref=\"BackpropagateBatch\"/>.");
            _w.Line("/// <param name=\"input\">One sample, <see cref=\"InputSize\"/> floats.</param>");
            _w.Line("/// <param name=\"outputGradient\"><see cref=\"OutputSize\"/> floats: the gradient with respect to the output.</param>");
            _w.Line("/// <param name=\"inputGradient\">Empty, or <see cref=\"InputSize\"/> floats that receive the gradient with respect to the input.</param>");
            _w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
            _w.Line($"public void Backpropagate({ReadOnlySpan} input, {ReadOnlySpan} outputGradient, {Span} inputGradient) => BackpropagateBatch(input, outputGradient, inputGradient, 1);");
        }

        // ------------------------------------------------------------------ training core

        private string WorkspaceRef(int offset) => offset == 0 ? "ref ws" : $"ref {Vec.Unsafe}.Add(ref ws, {offset})";

        /// <summary>The training buffer holding a layer's output: the input for the first layer, else the last computing layer's output before it.</summary>
        private string InputRefOf(LayerContext layer)
        {
            string current = "ref x";
            foreach ((LayerContext context, LayerEmitter _) in _computing)
            {
                if (context.Index == layer.Index)
                {
                    return current;
                }

                current = WorkspaceRef(_workspace[context.Index].Output);
            }

            return current;
        }

        private void WriteTrainingCore()
        {
            _w.Line();
            _w.Summary("Training forward pass over one chunk of <paramref name=\"count\"/> samples: fills the workspace with what the backward pass reads.");
            _w.Line(Optimize);
            _w.Open("private void TrainForward(ref float x, int count)");
            _w.Line("if (_compiledStorage.IsStale) PackWeights();");
            _w.Line("ref float k = ref _compiledStorage.PackedStart;");
            _w.Line("ref float ws = ref Workspace();");
            TrainForwardLayers(first: 0);
            _w.Close();

            WriteLossMethod(labels: false);
            if (_plan.Loss == Loss.CrossEntropy)
            {
                WriteLossMethod(labels: true);
            }

            _w.Line();
            _w.Summary("Training backward pass over one chunk: from the loss gradient in gradients A, adds every parameter gradient into <see cref=\"Gradients\"/>.");
            _w.Line(Optimize);
            _w.Open("private void TrainBackward(ref float x, int count)");
            _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
            _w.Line($"ref float g = ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledGradients), _compiledGradientsOffset);");
            _w.Line("ref float ws = ref Workspace();");
            if (_computing.All(c => !c.Context.Plan.HasParameters))
            {
                _w.Line("_ = count; // no layer has parameters");
            }
            else
            {
                TrainBackwardLayers(lowest: 0);
            }

            _w.Close();
        }

        /// <summary>Writes the training forward calls of the computing layers from index <paramref name="first"/> on, on every SIMD path.</summary>
        private void TrainForwardLayers(int first)
        {
            Dispatch(isa =>
            {
                foreach ((LayerContext context, LayerEmitter emitter) in _computing.Skip(first))
                {
                    (int output, int pre) = _workspace[context.Index];
                    var refs = new TrainingRefs(
                        InputRefOf(context),
                        output >= 0 ? WorkspaceRef(output) : null,
                        pre >= 0 ? WorkspaceRef(pre) : null,
                        WorkspaceRef(_gradientA),
                        null);
                    emitter.EmitTrainForward(_w, context, isa, refs, "count");
                }
            });
        }

        /// <summary>
        /// Writes the backward calls from the last computing layer down to index <paramref name="lowest"/> (or to the first
        /// that needs no input gradient), the gradient alternating between buffers A and B, on every SIMD path.
        /// </summary>
        private void TrainBackwardLayers(int lowest)
        {
            Dispatch(isa =>
            {
                bool inA = true;
                for (int i = _computing.Count - 1; i >= lowest; i--)
                {
                    (LayerContext context, LayerEmitter emitter) = _computing[i];
                    (int output, int pre) = _workspace[context.Index];
                    var refs = new TrainingRefs(
                        InputRefOf(context),
                        output >= 0 ? WorkspaceRef(output) : null,
                        pre >= 0 ? WorkspaceRef(pre) : null,
                        WorkspaceRef(inA ? _gradientA : _gradientB),
                        context.NeedsInputGradient ? WorkspaceRef(inA ? _gradientB : _gradientA) : null);
                    emitter.EmitBackward(_w, context, isa, refs, "count");
                    if (!context.NeedsInputGradient)
                    {
                        break;
                    }

                    inA = !inA;
                }
            });
        }

        private void WriteLossMethod(bool labels)
        {
            LayerContext last = _computing[_computing.Count - 1].Context;
            int n = _plan.OutputSize;
            (int lastOutput, int lastPre) = _workspace[last.Index];
            string source = WorkspaceRef(last.FusedLoss ? lastPre : lastOutput);

            _w.Line();
            _w.Summary(labels
                ? "The summed cross-entropy of one chunk given labels; writes (p - onehot) * scale, the gradient with respect to the logits, to gradients A."
                : $"The summed loss of one chunk given targets; writes scale times its gradient with respect to the {(last.FusedLoss ? "logits" : "outputs")} to gradients A.");
            string targetParameter = labels ? "ref int labels" : "ref float targets";
            _w.Line(Optimize);
            _w.Open($"private float {(labels ? "LabelLoss" : "TargetLoss")}({targetParameter}, int count, float scale)");
            _w.Line("ref float ws = ref Workspace();");
            _w.Line("float sum = 0f;");
            _w.Open("for (int s = 0; s < count; s++)");
            string at(string reference) => $"ref {Vec.Unsafe}.Add({reference}, s * {n})";
            string gradient = at(WorkspaceRef(_gradientA));
            string output = at(source);
            string call = _plan.Loss switch
            {
                Loss.CrossEntropy when labels => $"{Support}.SoftmaxCrossEntropy({output}, {n}, {Vec.Unsafe}.Add(ref labels, s), {gradient}, scale)",
                Loss.CrossEntropy => $"{Support}.SoftmaxCrossEntropy({output}, {n}, {at("ref targets")}, {gradient}, scale)",
                Loss.BinaryCrossEntropy => $"{Support}.SigmoidBinaryCrossEntropy({output}, {n}, {at("ref targets")}, {gradient}, scale)",
                _ => $"{Support}.MeanSquaredError({output}, {n}, {at("ref targets")}, {gradient}, scale)",
            };
            _w.Line($"sum += {call};");
            _w.Close();
            _w.Line("return sum;");
            _w.Close();
        }

        // ------------------------------------------------------------------ split training

        /// <summary>True when the first computing layer can have its units split between training threads (ISplitTraining).</summary>
        private bool CanSplit => _computing.Count >= 2 && _computing[0].Emitter.CanSplitUnits(_computing[0].Context);

        /// <summary>The first unit of each part, then the unit count: two parts, split on a 16-unit (64-byte) boundary.</summary>
        private int[] SplitBoundaries
        {
            get
            {
                int units = _computing[0].Context.Plan.OutputSize;
                int middle = Math.Max(16, Math.Min(units - 1, ((units / 2) + 8) / 16 * 16));
                return new[] { 0, middle, units };
            }
        }

        private void WriteSplitTraining()
        {
            (LayerContext first, LayerEmitter firstEmitter) = _computing[0];
            int[] boundaries = SplitBoundaries;
            int parts = boundaries.Length - 1;
            (int firstOutput, int firstPre) = _workspace[first.Index];

            // The buffer the first layer's output gradient arrives in: the backward pass alternates between A and B.
            bool inA = true;
            for (int i = _computing.Count - 1; i >= 1; i--)
            {
                inA = !inA;
            }

            string firstGradient = WorkspaceRef(inA ? _gradientA : _gradientB);
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
            string BlockRef(int offset) => offset == 0 ? "ref blocks" : $"ref {Vec.Unsafe}.Add(ref blocks, {offset})";
            for (int part = 0; part < parts; part++)
            {
                int size = ((_trainChunk * firstEmitter.SplitBlockWidth(first, boundaries[part], boundaries[part + 1])) + 15) / 16 * 16;
                blocks[part] = new SplitBlocks(BlockRef(blocksLength), BlockRef(blocksLength + size + 64), BlockRef(blocksLength + (2 * (size + 64))));
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
            foreach ((LayerContext context, LayerEmitter emitter) in _computing.Skip(1))
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
                _w.Open($"float global::Compiled.ISplitTraining.SplitRest({parameter}, int count, float scale)");
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
                    ? $"float loss = LabelLoss(ref {Marshal}.GetReference(labels), count, scale);"
                    : $"float loss = TargetLoss(ref {Marshal}.GetReference(targets), count, scale);");
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
            TrainForwardLayers(first: 1);
            _w.Close();

            _w.Line();
            _w.Summary("Split training: the backward pass of every layer after the first, down to the gradient with respect to the first layer's output.");
            _w.Line(Optimize);
            _w.Open("private void SplitBackwardRest(int count)");
            _w.Line($"ref float p = ref {Marshal}.GetReference(_compiledStorage.ReadParameters(ParameterCount));");
            _w.Line($"ref float g = ref {Vec.Unsafe}.Add(ref {Marshal}.GetArrayDataReference(_compiledGradients), _compiledGradientsOffset);");
            _w.Line("ref float ws = ref Workspace();");
            TrainBackwardLayers(lowest: 1);
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
            if (_plan.Loss != Loss.CrossEntropy)
            {
                _w.Line($"float global::Compiled.INetwork.Backward({ReadOnlySpan} input, int label) => {Support}.ThrowLabelsNotSupported(nameof({Name}), Loss);");
                _w.Line($"float global::Compiled.INetwork.BackwardBatch({ReadOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, int batchSize) => {Support}.ThrowLabelsNotSupported(nameof({Name}), Loss);");
            }
        }

        // ------------------------------------------------------------------ helpers

        /// <summary>
        /// Writes the body once per SIMD path, behind the hardware checks the JIT folds to constants; when every path would
        /// emit the same code (small layers), writes it once.
        /// </summary>
        private void Dispatch(Action<Vec> body)
        {
            var texts = new List<string>();
            SourceWriter main = _w;
            foreach (Vec isa in s_paths)
            {
                _w = new SourceWriter();
                body(isa);
                texts.Add(_w.ToString());
            }

            _w = main;
            if (texts.Distinct().Count() == 1)
            {
                body(s_paths[0]);
                return;
            }

            for (int i = 0; i < s_paths.Length; i++)
            {
                string header = i == 0
                    ? $"if ({Intrinsics}.Vector512.IsHardwareAccelerated)"
                    : i == 1 ? $"else if ({Intrinsics}.Vector256.IsHardwareAccelerated)" : "else";
                _w.Open(header);
                body(s_paths[i]);
                _w.Close();
            }
        }

        private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

        private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        private static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
