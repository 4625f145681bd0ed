using CircuitDsl.Cli.Discover;
using CircuitDsl.Discovery.Graph;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>How a draft states its kept edges as an interpretation graph rooted at the logits.</summary>
public class DraftGraphTests
{
    static readonly Component L0H0 = Component.Head(0, 0), L0H1 = Component.Head(0, 1), L1H0 = Component.Head(1, 0), L1H1 = Component.Head(1, 1);

    static readonly EdgeGraph AttnOnly = EdgeGraph.For(new Runtime.Model.ModelConfig
    {
        Name = "attn-only-2l", Layers = 2, Heads = 2, DModel = 16, DHead = 8, VocabSize = 20, ContextLength = 10, Normalization = Runtime.Model.Normalization.None,
    });

    // 4 query heads on 2 key/value heads: L1.H2.k is the input of key/value head 1, which L1.H2 and L1.H3 read.
    static readonly EdgeGraph Grouped = EdgeGraph.For(new Runtime.Model.ModelConfig
    {
        Name = "gqa-2l", Layers = 2, Heads = 4, KeyValueHeads = 2, DModel = 16, DHead = 4, DMlp = 32, VocabSize = 20, ContextLength = 10,
        Normalization = Runtime.Model.Normalization.RmsNorm, Positions = Runtime.Model.PositionEmbedding.Rotary,
    });

    static readonly Edge[] Kept =
    [
        new(Component.Embed, L0H0 with { Channel = Channel.Value }),
        new(L0H0, L1H0 with { Channel = Channel.Key }),
        new(Component.Embed, L1H0 with { Channel = Channel.Query }),
        new(L1H0, Component.Logits),
        // A dead end: L1.H1 sends nothing that is kept, so what it reads changes no metric; and then neither does L0.H1's input.
        new(L0H1, L1H1 with { Channel = Channel.Value }),
        new(Component.Embed, L0H1 with { Channel = Channel.Query }),
    ];

    [Test]
    public void DeadEndsAreLeftOutUntilEveryComponentIsRead()
    {
        Assert.That(DraftGraph.Rooted(Kept, AttnOnly), Is.EqualTo(Kept.Take(4)));
    }

    [Test]
    public void TheNodesReadTheirKeptEdgesFromTheRootBack()
    {
        Assert.That(DraftGraph.Nodes(DraftGraph.Rooted(Kept, AttnOnly)), Is.EqualTo(new[]
        {
            "node out = logits", "  from l1_h0",
            "node l1_h0 = L1.H0", "  q from embed", "  k from l0_h0",
            "node l0_h0 = L0.H0", "  v from embed",
        }));
    }

    [Test]
    public void WithoutAnEdgeIntoTheLogitsThereIsNoGraph()
    {
        Assert.That(DraftGraph.Rooted(Kept.Where(e => e.Receiver != Component.Logits), AttnOnly), Is.Empty);
        Assert.That(DraftGraph.Nodes([]), Is.Empty);
    }

    [Test]
    public void TheTreeSizeCountsACopyPerPathFromTheRoot()
    {
        // l1_h0 reads l0_h0 through q and through k: two copies of it, each with a copy of its anonymous embed source.
        Edge[] shared = [new(Component.Embed, L0H0 with { Channel = Channel.Value }), new(L0H0, L1H0 with { Channel = Channel.Query }), new(L0H0, L1H0 with { Channel = Channel.Key }), new(L1H0, Component.Logits)];
        // out (1) + l1_h0 (1 + q: l0_h0 (1 + anonymous embed 1) + k: l0_h0 (2)) = 1 + 5.
        Assert.That(DraftGraph.TreeSize(shared, 100), Is.EqualTo(6));
        Assert.That(DraftGraph.TreeSize(shared, 3), Is.EqualTo(4), "capped just past the limit");
    }

    [Test]
    public void AKeyValueInputIsStatedOnEachHeadOfItsGroupThatIsRead()
    {
        // L1.H3 is read and L1.H2 is not: the k edge into their shared input is no dead end, and goes on L1.H3's node.
        Edge[] kept =
        [
            new(Component.Head(0, 1), Component.Head(1, 2, Channel.Key)),
            new(Component.Embed, Component.Head(1, 3, Channel.Query)),
            new(Component.Head(1, 3), Component.Logits),
            new(Component.Embed, Component.Head(1, 0, Channel.Value)), // L1.H0 and L1.H1 are read by nothing: a dead end
        ];
        var rooted = DraftGraph.Rooted(kept, Grouped);
        Assert.That(rooted, Is.EqualTo(kept.Take(3)));
        Assert.That(DraftGraph.Nodes(DraftGraph.Spelled(rooted, Grouped)), Is.EqualTo(new[]
        {
            "node out = logits", "  from l1_h3",
            "node l1_h3 = L1.H3", "  q from embed", "  k from L0.H1",
        }));
        Assert.That(DraftGraph.PathClaim(kept[0], Grouped), Is.EqualTo("L0.H1 -> L1.H2.k, L1.H3.k"));
        Assert.That(DraftGraph.PathClaim(kept[1], Grouped), Is.EqualTo("embed -> L1.H3.q"));
        Assert.That(DraftGraph.PathClaim(kept[0] with { Position = "END" }, Grouped), Is.EqualTo("L0.H1 at END -> L1.H2.k, L1.H3.k at END"));
    }
}
