using System.Collections.Immutable;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Language.Diff;

/// <summary>What happened to an item (a file, a hypothesis, a node, an expectation...) between two versions.</summary>
public enum ChangeKind
{
    /// <summary>The same in both versions.</summary>
    Unchanged,

    /// <summary>Only in the new version.</summary>
    Added,

    /// <summary>Only in the old version.</summary>
    Removed,

    /// <summary>In both versions, with a different meaning.</summary>
    Changed,
}

/// <summary>The part of a hypothesis an item belongs to, in the order reports list them.</summary>
public enum HypothesisAspect
{
    /// <summary>The quoted description.</summary>
    Description,

    /// <summary>The model reference.</summary>
    Model,

    /// <summary>The task and its arguments.</summary>
    Data,

    /// <summary>The metric and where it is read.</summary>
    Metric,

    /// <summary>A method choice (ablation, direction, baseline, unmapped, granularity).</summary>
    Method,

    /// <summary>A named causal variable (<c>let</c>).</summary>
    Variable,

    /// <summary>A named set of components (<c>group</c>).</summary>
    Group,

    /// <summary>A named node of the interpretation graph.</summary>
    Node,

    /// <summary>An input clause of a node: an edge of the interpretation graph.</summary>
    Input,

    /// <summary>A component claimed unimportant.</summary>
    Unimportant,

    /// <summary>An expectation.</summary>
    Expectation,
}

/// <summary>
/// One item that differs: e.g. node <c>induction</c> changed from <c>L1.H0, L1.H1</c> to <c>L1.H0, L1.H1 at repeated</c>.
/// <see cref="Old"/> is null for an added item, <see cref="New"/> for a removed one. Values are written the way the
/// language writes them.
/// </summary>
public sealed record ItemChange(HypothesisAspect Aspect, string Item, ChangeKind Kind, string? Old, string? New);

/// <summary>
/// An expectation matched across the two versions, changed or not, with both bound expectations: what a runner
/// needs to measure each side and show the results next to each other.
/// </summary>
public sealed record ExpectationPair(BoundExpectation? Old, BoundExpectation? New, ChangeKind Kind);

/// <summary>
/// How one hypothesis (keyed by name: a rename is a removal and an addition) differs between two versions.
/// <see cref="Changes"/> holds only the items that differ, in <see cref="HypothesisAspect"/> order;
/// <see cref="Expectations"/> holds every expectation of either version, unchanged ones included.
/// </summary>
public sealed record HypothesisDiff(
    string Name,
    ChangeKind Kind,
    BoundHypothesis? Old,
    BoundHypothesis? New,
    ImmutableArray<ItemChange> Changes,
    ImmutableArray<ExpectationPair> Expectations);

/// <summary>
/// How the hypotheses of one file differ. <see cref="OldPath"/> is null for an added file, <see cref="NewPath"/>
/// for a removed one; <see cref="Hypotheses"/> lists every hypothesis of either version, unchanged ones included.
/// </summary>
public sealed record FileDiff(string? OldPath, string? NewPath, ChangeKind Kind, ImmutableArray<HypothesisDiff> Hypotheses)
{
    /// <summary>The file as people should read it: its path, or <c>old -> new</c> when the two paths differ.</summary>
    public string DisplayPath => OldPath is null || NewPath is null || OldPath == NewPath ? (NewPath ?? OldPath)! : $"{OldPath} -> {NewPath}";

    /// <summary>The hypotheses that were added, removed or changed.</summary>
    public IEnumerable<HypothesisDiff> Differing => Hypotheses.Where(h => h.Kind != ChangeKind.Unchanged);
}
