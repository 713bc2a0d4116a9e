using System;

namespace Compiled
{
    /// <summary>
    /// A scope in which a network's parameters (or buffers) may be written. Obtain one from
    /// <see cref="INetwork.EditParameters"/> in a <c>using</c> statement; when it is disposed, the network knows its
    /// weights changed, and every copy derived from them (the packed weights the forward kernels read, the split-training
    /// copy) is rebuilt before it is next used.
    /// </summary>
    /// <remarks>
    /// <para>
    /// This is the only way to write parameters: <see cref="INetwork.Parameters"/> is read-only, so a span kept from it
    /// cannot change the weights behind the forward pass's back. The optimizers, the trainer, model files, safetensors
    /// import and <see cref="INetwork.InitializeParameters"/> all write through an edit.
    /// </para>
    /// <para>
    /// Write only while the edit is open: <see cref="Values"/> is a view of the live buffer, and a write after
    /// <see cref="Dispose"/> is not seen by the derived copies. The edit is a <c>ref struct</c>, so it (and the span) cannot be
    /// stored in a field or outlive the method that opened it. A forward pass that runs on another thread while an edit
    /// is open may see some of the new values and some of the old; every forward pass after the edit ends sees all the new ones.
    /// </para>
    /// <example>
    /// <code>
    /// using (ParameterEdit edit = network.EditParameters())
    /// {
    ///     Span&lt;float&gt; p = edit.Values;
    ///     ReadOnlySpan&lt;float&gt; g = network.Gradients;
    ///     for (int i = 0; i &lt; p.Length; i++) p[i] -= 0.01f * g[i];
    /// }
    /// </code>
    /// </example>
    /// </remarks>
    public ref struct ParameterEdit
    {
        private readonly NetworkStorage? _storage;
        private bool _disposed;

        /// <summary>
        /// Creates an edit over <paramref name="values"/>. Networks create their own; a hand-written <see cref="INetwork"/>
        /// with no derived copies may pass <see langword="null"/> for <paramref name="storage"/>.
        /// </summary>
        /// <param name="values">The buffer being edited.</param>
        /// <param name="storage">The storage whose version the end of the edit bumps, or <see langword="null"/>.</param>
        public ParameterEdit(Span<float> values, NetworkStorage? storage)
        {
            Values = values;
            _storage = storage;
            _disposed = false;
        }

        /// <summary>The values being edited (the network's parameters, or its buffers), in <c>state_dict</c> order.</summary>
        public Span<float> Values { get; }

        /// <summary>Ends the edit: the network's derived copies of the weights are rebuilt before their next use.</summary>
        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _storage?.EndEdit();
            }
        }
    }
}
