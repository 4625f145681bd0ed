using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Support;

/// <summary>Runs one hypothesis's scrubbed forward over a whole (small) dataset in one batch, for unit tests.</summary>
internal static class Scrub
{
    public static Tensor Logits(HookedTransformer model, Dataset data, ScrubHypothesis hypothesis, long seed)
    {
        var hooks = new ComponentHooks(model);
        var tree = Treeifier.Treeify(hypothesis, hooks);
        var samples = ScrubSampler.Sample(tree, data, seed);
        using var runs = new RunCache(model, hooks.StandardHooks());
        using var scope = NewDisposeScope();
        return new ScrubEvaluator(hooks, data, runs).Logits(tree, samples, 0, data.Count).clone().MoveToOuterDisposeScope();
    }

    public static CausalVariable Input(int index) => CausalVariable.Of($"x{index}", x => x.Tokens[index]);

    public static InterpretationNode Heads(string name, params int[] heads) =>
        InterpretationNode.Of(name, heads.Select(h => Component.Head(0, h)).ToArray());

    public static InterpretationNode Root => InterpretationNode.Of("out", Component.Logits);
}
