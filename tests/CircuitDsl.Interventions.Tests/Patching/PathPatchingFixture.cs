using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Patching;

/// <summary>One model, a batch of paired data, its cached clean and corrupted runs, and both path patchers.</summary>
internal sealed class PathPatchingFixture : IDisposable
{
    public PathPatchingFixture(ModelConfig config, int count = 6)
    {
        Model = RandomModels.Create(config);
        Hooks = new ComponentHooks(Model);
        Data = RandomModels.Data(config, count, 17);
        References = TokenBatch.Range(0, count);
        Runs = new RunCache(Model, Hooks.StandardHooks());
        Clean = Runs.Get(Data, References);
        Corrupted = Runs.Get(Data, References, counterfactual: true);
    }

    public HookedTransformer Model { get; }
    public ComponentHooks Hooks { get; }
    public Dataset Data { get; }
    public int[] References { get; }
    public RunCache Runs { get; }
    public CachedRun Clean { get; }
    public CachedRun Corrupted { get; }
    public Tensor CleanTokens => TokenBatch.Of(Data, References);
    public Tensor CorruptedTokens => TokenBatch.Of(Data, References, counterfactual: true);

    public IEnumerable<PatchEndpoint> AllHeads() =>
        from l in Enumerable.Range(0, Model.Config.Layers) from h in Enumerable.Range(0, Model.Config.Heads)
        select PatchEndpoint.At(Component.Head(l, h));

    /// <summary>The fast patcher's final streams [b, p, d] (the dense form, every position) for each variant, copied out of its scope.</summary>
    public Tensor[] FastFinal(PathPatchSpec receivers, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, int maxRows = 256) =>
        Collect(receivers, variants, maxRows, streams => streams.Residual);

    public Tensor FastFinal(PathPatchSpec spec) => FastFinal(spec, [spec.Senders])[0];

    /// <summary>The fast patcher's logits for each variant: its final streams unembedded in full.</summary>
    public Tensor[] Fast(PathPatchSpec receivers, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, int maxRows = 256) =>
        Collect(receivers, variants, maxRows, streams => streams.Logits(Model));

    Tensor[] Collect(PathPatchSpec receivers, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, int maxRows, Func<FinalStream, Tensor> read)
    {
        var result = new Tensor[variants.Count];
        new PathPatcher(Hooks) { MaxRows = maxRows }.Run(receivers, variants, Clean, Corrupted, Data.Examples, (indices, streams) =>
        {
            using var scope = NewDisposeScope();
            var values = read(streams);
            for (int k = 0; k < indices.Count; k++) result[indices[k]] = values[k].clone().DetachFromDisposeScope();
        });
        return result;
    }

    public Tensor Fast(PathPatchSpec spec) => Fast(spec, [spec.Senders])[0];

    public Tensor Literal(PathPatchSpec spec)
    {
        var literal = new LiteralPathPatcher(Hooks);
        using var scope = NewDisposeScope();
        var (clean, corrupted) = literal.Cache(CleanTokens, CorruptedTokens);
        using (clean)
        using (corrupted)
            return literal.Run(spec, CleanTokens, clean, corrupted, Data.Examples).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Runs.Dispose();
        Model.Dispose();
    }
}
