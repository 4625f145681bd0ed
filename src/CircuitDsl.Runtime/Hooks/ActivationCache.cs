using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Hooks;

/// <summary>
/// Activations recorded during a run. The cache owns its tensors (they are detached from every dispose
/// scope) and frees them when disposed.
/// </summary>
public sealed class ActivationCache : IDisposable
{
    readonly Dictionary<string, Tensor> tensors = new(StringComparer.Ordinal);
    bool disposed;

    public IReadOnlyCollection<string> Names => tensors.Keys;
    public int Count => tensors.Count;

    public bool Contains(string name) => tensors.ContainsKey(name);

    public Tensor this[string name] =>
        tensors.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"activation '{name}' was not cached (check the names filter of the run)");

    public bool TryGet(string name, out Tensor tensor) => tensors.TryGetValue(name, out tensor!);

    /// <summary>
    /// Stores a copy the cache owns (or, without <paramref name="copy"/>, a handle of its own on the activation); a later
    /// store under the same name replaces (and frees) the earlier one.
    /// </summary>
    internal void Store(string name, Tensor activation, bool copy = true)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var owned = (copy ? activation.detach().clone() : activation.detach()).DetachFromDisposeScope();
        if (tensors.Remove(name, out var previous)) previous.Dispose();
        tensors[name] = owned;
    }

    public void Dispose()
    {
        if (disposed) return;
        foreach (var t in tensors.Values) t.Dispose();
        tensors.Clear();
        disposed = true;
    }
}
