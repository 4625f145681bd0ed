using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>The data every node copy runs on, per reference: datum numbers into the dataset.</summary>
public sealed class ScrubSamples
{
    internal Dictionary<ScrubTreeNode, int[]> Data { get; } = new(ReferenceEqualityComparer.Instance);
    internal Dictionary<ScrubTreeNode, int[]> Others { get; } = new(ReferenceEqualityComparer.Instance);

    public int[] DataOf(ScrubTreeNode node) => Data[node];

    /// <summary>The shared random datum for the node's unclaimed inputs (its own datum when it keeps them).</summary>
    public int[] UnmappedOf(ScrubTreeNode node) => Others.TryGetValue(node, out var other) ? other : Data[node];

    /// <summary>Conditional draws made, and how many of them could only return the parent's own datum (a class of one).</summary>
    public int ConditionalDraws { get; internal set; }
    public int SingletonDraws { get; internal set; }
}

/// <summary>
/// Draws the data of a treeified hypothesis in Redwood's order (anchors §1.5, <c>_sample_into</c>): the root takes
/// the reference (or, as a baseline, a random input); then, in pre-order, each node draws its datum uniformly with
/// replacement from the class of its parent's datum under its condition, then one other-inputs datum shared by all
/// of its unclaimed inputs, then its children. Fixed seed, same draws.
/// </summary>
public static class ScrubSampler
{
    public static ScrubSamples Sample(ScrubTree tree, Dataset dataset, long seed)
    {
        var random = SplitMix64.For(seed, "scrub");
        var samples = new ScrubSamples();
        var classes = new Dictionary<(CausalVariable, PositionSet), EquivalenceClasses>();
        int n = dataset.Count;

        var root = tree.Root;
        var references = Enumerable.Range(0, n).ToArray();
        // Redwood's root cond_sampler: a root that computes a variable (e.g. the label) draws its datum from the
        // reference's class; otherwise the root keeps the reference (ExactSampler), or takes a random one (baselines).
        samples.Data[root] = tree.RootSampling == RootSampling.Random ? Uniform(dataset, random, n)
            : root.Node.Computes is null ? references
            : Conditional(root with { Condition = root.Node.Computes }, references, dataset, random, samples, classes);
        Visit(root, dataset, random, samples, classes, n);
        return samples;
    }

    static void Visit(ScrubTreeNode node, Dataset dataset, SplitMix64 random, ScrubSamples samples,
        Dictionary<(CausalVariable, PositionSet), EquivalenceClasses> classes, int n)
    {
        if (node.DrawsOtherInputs && !node.Components.All(c => c.IsEmbedding))
            samples.Others[node] = Uniform(dataset, random, n);
        var parentData = samples.Data[node];
        foreach (var child in node.Children)
        {
            samples.Data[child] = child.Condition is null
                ? parentData
                : Conditional(child, parentData, dataset, random, samples, classes);
            Visit(child, dataset, random, samples, classes, n);
        }
    }

    static int[] Conditional(ScrubTreeNode child, int[] parentData, Dataset dataset, SplitMix64 random, ScrubSamples samples,
        Dictionary<(CausalVariable, PositionSet), EquivalenceClasses> classes)
    {
        var key = (child.Condition!, child.EdgePositions);
        if (!classes.TryGetValue(key, out var classIndex))
            classes[key] = classIndex = new EquivalenceClasses(dataset, child.Condition!, child.EdgePositions);
        var drawn = new int[parentData.Length];
        for (int i = 0; i < parentData.Length; i++)
        {
            var members = classIndex.MembersOf(parentData[i]);
            if (members.Length == 0) throw EmptyClass(child, classIndex, dataset, parentData[i]);
            drawn[i] = dataset.PoolDatum(members[random.Next(members.Length)]);
            samples.ConditionalDraws++;
            if (members.Length == 1) samples.SingletonDraws++;
        }
        return drawn;
    }

    static EmptyClassException EmptyClass(ScrubTreeNode child, EquivalenceClasses classIndex, Dataset dataset, int datum)
    {
        var (value, at) = classIndex.Describe(datum);
        return new EmptyClassException(child.Node.Name, child.Condition!.Name, CausalVariable.Show(value.Distinct(CausalVariable.ValueComparer).Count() == 1 ? value[0] : value),
            dataset.Datum(datum).Source ?? $"example {datum}", at.Length == 0 ? "(none)" : string.Join(", ", at));
    }

    static int[] Uniform(Dataset dataset, SplitMix64 random, int n)
    {
        var drawn = new int[n];
        for (int i = 0; i < n; i++) drawn[i] = dataset.PoolDatum(random.Next(dataset.Pool.Count));
        return drawn;
    }
}
