using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// A node copy's data under per-position resampling. The copy has <see cref="RowsPerReference"/> rows per
/// reference (one, or one per query position of every head above it whose sources vary by position and that reads
/// it as a key or value); each row holds a world per position: the example the copy's output at that position is
/// computed for. <see cref="Varying"/> says whether a row's worlds can differ between positions. A row made for a
/// head's query q matters only up to q: <see cref="Horizons"/> holds each row's last position that any scored output
/// reads (attention is causal), so the engine may run a row on that prefix alone.
/// </summary>
public sealed record PositionRows(int RowsPerReference, bool Varying, int Length, int[] Worlds, int[] Horizons, int[]? Others)
{
    /// <summary>The world of <paramref name="row"/> at <paramref name="position"/>.</summary>
    public int World(int row, int position) => Worlds[row * Length + position];
}

/// <summary>The per-position data of every node copy, and how the conditional draws went.</summary>
public sealed class PositionSamples
{
    internal Dictionary<ScrubTreeNode, PositionRows> Rows { get; } = new(ReferenceEqualityComparer.Instance);

    public PositionRows Of(ScrubTreeNode node) => Rows[node];

    /// <summary>Conditional draws made, and how many of them could only return the parent's own world (a class of one).</summary>
    public int ConditionalDraws { get; internal set; }
    public int SingletonDraws { get; internal set; }
}

/// <summary>
/// Draws the data of a treeified hypothesis with one source per node copy and position. With W_N[r, p] the world of
/// copy N's row r at position p and v the edge's condition:
/// <list type="bullet">
/// <item>a child read at the reader's own position (a head's q, an MLP, the logits) draws per position:
/// W_C[r, p] uniform over the pool examples x with v(x, p) = v(W_N[r, p], p), at the edge's positions (elsewhere
/// the reader's world);</item>
/// <item>a child read at every key position (a head's k or v) must show query p one world: for each query p it
/// draws one example agreeing with W_N[r, p] on v at every edge position up to p (keys after p are masked), so it
/// gets a row per query position, constant across positions; when the reader's worlds do not vary by position it
/// draws once per row, agreeing on v over the edge's positions, exactly as per example.</item>
/// </list>
/// The root keeps the reference at every position (or draws per position from the reference's class of its
/// variable; or, as a baseline, one random input). Other-inputs data stay one per node copy and row. Fixed seed,
/// same draws.
/// </summary>
public static class PositionSampler
{
    public static PositionSamples Sample(ScrubTree tree, Dataset dataset, long seed)
    {
        var draw = new Draws(tree.Name, dataset, SplitMix64.For(seed, "scrub per position"));
        int n = dataset.Count, length = dataset.Length;
        var root = tree.Root;
        var worlds = new int[n * length];
        bool varying = false;
        for (int i = 0; i < n; i++)
        {
            int reference = tree.RootSampling == RootSampling.Random ? draw.Uniform() : i;
            for (int p = 0; p < length; p++) worlds[i * length + p] = reference;
        }
        // Redwood's label_cond, per position: the root's datum at p shares the reference's value of its variable at p.
        if (tree.RootSampling == RootSampling.Reference && root.Node.Computes is { } variable)
        {
            varying = true;
            for (int i = 0; i < n; i++)
                for (int p = 0; p < length; p++)
                    worlds[i * length + p] = draw.Agreeing(root, variable, draw.At(p), i);
        }
        var horizons = Enumerable.Repeat(length - 1, n).ToArray();
        Visit(root, new PositionRows(1, varying, length, worlds, horizons, null), draw);
        return draw.Samples;
    }

    static void Visit(ScrubTreeNode node, PositionRows rows, Draws draw)
    {
        if (node.DrawsOtherInputs && !node.Components.All(c => c.IsEmbedding))
        {
            var others = new int[rows.Worlds.Length / rows.Length];
            for (int r = 0; r < others.Length; r++) others[r] = draw.Uniform();
            rows = rows with { Others = others };
        }
        draw.Samples.Rows[node] = rows;
        foreach (var child in node.Children)
            Visit(child, child.ReadAcrossPositions ? AcrossPositions(child, rows, draw) : AtPosition(child, rows, draw), draw);
    }

    static PositionRows AtPosition(ScrubTreeNode child, PositionRows parent, Draws draw)
    {
        if (child.Condition is null) return parent with { Others = null };
        int length = parent.Length;
        var worlds = new int[parent.Worlds.Length];
        for (int r = 0; r < worlds.Length / length; r++)
            for (int p = 0; p < length; p++)
            {
                int world = parent.World(r, p);
                worlds[r * length + p] = draw.Reads(child, world, p) ? draw.Agreeing(child, child.Condition, draw.At(p), world) : world;
            }
        return new PositionRows(parent.RowsPerReference, true, length, worlds, parent.Horizons, null);
    }

    static PositionRows AcrossPositions(ScrubTreeNode child, PositionRows parent, Draws draw)
    {
        int length = parent.Length, parentRows = parent.Worlds.Length / length;
        int fan = parent.Varying ? length : 1;
        draw.Bound(child, (long)parent.RowsPerReference * fan, (long)parentRows * fan * length);
        var worlds = new int[parentRows * fan * length];
        var horizons = new int[parentRows * fan];
        for (int r = 0; r < parentRows; r++)
            for (int q = 0; q < fan; q++)
            {
                horizons[r * fan + q] = parent.Varying ? Math.Min(parent.Horizons[r], q) : parent.Horizons[r];
                int world = parent.World(r, q);
                int source = child.Condition is null ? world
                    : draw.Agreeing(child, child.Condition, parent.Varying ? draw.UpTo(child.EdgePositions, q) : child.EdgePositions, world);
                Array.Fill(worlds, source, (r * fan + q) * length, length);
            }
        return new PositionRows(parent.RowsPerReference * fan, false, length, worlds, horizons, null);
    }

    /// <summary>The random stream, the class indices (one per variable and position set) and the draws made.</summary>
    sealed class Draws(string hypothesis, Dataset dataset, SplitMix64 random)
    {
        public void Bound(ScrubTreeNode child, long rowsPerExample, long draws) => PerPositionLimits.Check(hypothesis, child.Path, rowsPerExample, draws);

        readonly Dictionary<(CausalVariable, PositionSet), EquivalenceClasses> classes = new();
        readonly Dictionary<(PositionSet, int), PositionSet> prefixes = new();
        readonly Dictionary<(PositionSet, int), bool> reads = new();
        readonly PositionSet[] single = Enumerable.Range(0, dataset.Length).Select(p => PositionSet.At(p)).ToArray();

        public PositionSamples Samples { get; } = new();

        public PositionSet At(int position) => single[position];

        /// <summary>The edge's positions up to query position <paramref name="q"/>: what a head at q reads of its keys.</summary>
        public PositionSet UpTo(PositionSet edge, int q)
        {
            if (!prefixes.TryGetValue((edge, q), out var set))
            {
                var prefix = PositionSet.At([.. Enumerable.Range(0, q + 1)]);
                prefixes[(edge, q)] = set = edge.IsAll ? prefix : edge.Intersect(prefix);
            }
            return set;
        }

        /// <summary>Whether the reader reads the child at <paramref name="position"/> (the edge's positions, resolved on the reader's world).</summary>
        public bool Reads(ScrubTreeNode child, int world, int position)
        {
            if (child.EdgePositions.IsAll) return true;
            if (!reads.TryGetValue((child.EdgePositions, world * dataset.Length + position), out bool inside))
                reads[(child.EdgePositions, world * dataset.Length + position)] = inside =
                    child.EdgePositions.Resolve(dataset.Datum(world)).Contains(position);
            return inside;
        }

        public int Uniform() => dataset.PoolDatum(random.Next(dataset.Pool.Count));

        /// <summary>A pool example, uniform with replacement, that shares <paramref name="world"/>'s value of the variable at the positions.</summary>
        public int Agreeing(ScrubTreeNode node, CausalVariable variable, PositionSet positions, int world)
        {
            if (!classes.TryGetValue((variable, positions), out var index))
                classes[(variable, positions)] = index = new EquivalenceClasses(dataset, variable, positions);
            var members = index.MembersOf(world);
            if (members.Length == 0)
            {
                var (value, at) = index.Describe(world);
                throw new EmptyClassException(node.Node.Name, variable.Name,
                    CausalVariable.Show(value.Distinct(CausalVariable.ValueComparer).Count() == 1 ? value[0] : value),
                    dataset.Datum(world).Source ?? $"example {world}", at.Length == 0 ? "(none)" : string.Join(", ", at));
            }
            Samples.ConditionalDraws++;
            if (members.Length == 1) Samples.SingletonDraws++;
            return dataset.PoolDatum(members[random.Next(members.Length)]);
        }
    }
}
