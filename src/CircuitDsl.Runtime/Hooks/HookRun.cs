using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Hooks;

/// <summary>
/// One forward pass's view of the hooks: which points are wanted, and what happens at each.
/// A point nobody asks for costs one dictionary probe.
/// </summary>
internal sealed class HookRun
{
    readonly HookNames names;
    readonly Dictionary<string, List<Intervention>> interventions = new(StringComparer.Ordinal);
    readonly ActivationCache? cache;
    readonly Func<string, bool>? cacheFilter;
    readonly long[]? cachePositions;
    readonly bool cacheCopies;

    public HookRun(HookNames names, RunOptions options)
    {
        this.names = names;
        foreach (var intervention in options.Interventions)
        {
            names.Get(intervention.HookName); // unknown names fail before any compute
            if (!interventions.TryGetValue(intervention.HookName, out var list))
                interventions[intervention.HookName] = list = [];
            list.Add(intervention);
        }
        HasCustomInterventions = options.Interventions.Any(i => i is CustomIntervention);
        cache = options.Cache;
        cacheFilter = options.CacheFilter;
        cachePositions = options.CachePositions?.Select(p => (long)p).ToArray();
        cacheCopies = options.CacheCopies;
    }

    /// <summary>Whether some intervention runs a caller's function (which may keep the activations it is given).</summary>
    public bool HasCustomInterventions { get; }

    public bool Wants(string name) =>
        interventions.ContainsKey(name) || (cache is not null && (cacheFilter is null || cacheFilter(name)));

    /// <summary>Applies the interventions at <paramref name="name"/>, records the result if cached, and returns it.</summary>
    public Tensor Fire(string name, Tensor activation)
    {
        if (!Wants(name)) return activation;
        var point = names.Get(name);
        if (interventions.TryGetValue(name, out var list))
            foreach (var intervention in list)
                activation = intervention.Apply(activation, point);
        if (cache is not null && (cacheFilter is null || cacheFilter(name)))
            cache.Store(name, cachePositions is null
                ? activation
                : activation.index_select(point.PositionAxis, tensor(cachePositions, device: activation.device)), cacheCopies);
        return activation;
    }
}
