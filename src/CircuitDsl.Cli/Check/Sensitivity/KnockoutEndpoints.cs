using System.Collections.Immutable;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Check.Sensitivity;

/// <summary>
/// What a knockout ablates under a granularity, as the compiler's lowering writes it: <c>direction circuit</c> ablates
/// every head and MLP no node maps (and, per position, a mapped component off the positions its nodes claim);
/// <c>direction complement</c> ablates what the nodes map (per position, at the positions they claim).
/// </summary>
internal static class KnockoutEndpoints
{
    public static ImmutableArray<PatchEndpoint> For(BoundHypothesis bound, Granularity granularity)
    {
        bool perPosition = granularity == Granularity.Position;
        var claimed = new Dictionary<Component, List<PositionSet>>();
        foreach (var node in bound.Graph!.Nodes)
            foreach (var component in node.Components.Where(c => c.Kind is ComponentKind.Head or ComponentKind.Mlp))
                (claimed.TryGetValue(component.AsOutput, out var sets) ? sets : claimed[component.AsOutput] = []).Add(node.Positions);
        var direction = bound.Method.Direction.Value;
        var endpoints = ImmutableArray.CreateBuilder<PatchEndpoint>();
        foreach (var component in Components(bound.Model))
        {
            bool mapped = claimed.TryGetValue(component, out var sets);
            bool everywhere = !perPosition || !mapped || sets!.Any(s => s.IsAll);
            var positions = everywhere ? PositionSet.All : new PositionSet([.. sets!.SelectMany(s => s.Selectors).Distinct()]);
            if (direction == KnockoutDirection.Complement && mapped) endpoints.Add(new PatchEndpoint(component, positions));
            else if (direction == KnockoutDirection.Circuit && !mapped) endpoints.Add(new PatchEndpoint(component, PositionSet.All));
            else if (direction == KnockoutDirection.Circuit && !everywhere) endpoints.Add(new PatchEndpoint(component, PositionSet.All.Except(positions)));
        }
        return endpoints.ToImmutable();
    }

    static IEnumerable<Component> Components(ModelShape model)
    {
        for (int layer = 0; layer < model.Layers; layer++)
        {
            for (int head = 0; head < model.HeadsPerLayer; head++) yield return Component.Head(layer, head);
            if (model.HasMlps) yield return Component.Mlp(layer);
        }
    }
}
