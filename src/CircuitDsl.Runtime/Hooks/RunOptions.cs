namespace CircuitDsl.Runtime.Hooks;

/// <summary>What a forward pass records and changes, and which part of the model it runs.</summary>
public sealed record RunOptions
{
    public static readonly RunOptions Plain = new();

    /// <summary>Changes applied, in order, at their hook points.</summary>
    public IReadOnlyList<Intervention> Interventions { get; init; } = [];

    /// <summary>Receives the activations whose names pass <see cref="CacheFilter"/>.</summary>
    public ActivationCache? Cache { get; init; }

    /// <summary>Which hook names the cache records; null records every hook point of the model.</summary>
    public Func<string, bool>? CacheFilter { get; init; }

    /// <summary>
    /// True (the default): the cache keeps copies. False: it keeps the activations themselves, saving a copy per
    /// cached hook; the caller must then not change them in place, and a cached embedding may share the weights' storage.
    /// </summary>
    public bool CacheCopies { get; init; } = true;

    /// <summary>Record only these positions (on the position axis) of each cached activation; null keeps all.</summary>
    public IReadOnlyList<int>? CachePositions { get; init; }

    /// <summary>Stop before this block and return its residual input (resid_pre) instead of the logits.</summary>
    public int? StopAtLayer { get; init; }

    /// <summary>
    /// Build the autograd graph (attribution methods); otherwise the pass runs under no_grad. (Not inference
    /// mode: its tensors could never meet a parameter in autograd again, and cached activations often do.)
    /// </summary>
    public bool Gradients { get; init; }
}
