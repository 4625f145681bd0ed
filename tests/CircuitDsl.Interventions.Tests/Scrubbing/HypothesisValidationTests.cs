using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Tests.Support;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>Anchors §6 A check 6: malformed correspondences are rejected with a message naming the problem.</summary>
[TestFixture]
public class HypothesisValidationTests
{
    static readonly InterpretationNode Logits = InterpretationNode.Of("out", Component.Logits);
    static InterpretationNode Head(string name, int layer, int head) => InterpretationNode.Of(name, Component.Head(layer, head));

    static string Reject(ScrubHypothesis h)
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        return Assert.Throws<HypothesisException>(() => Treeifier.Treeify(h, new ComponentHooks(model)))!.Message;
    }

    [Test]
    public void InAParallelBlockAHeadDoesNotFeedItsOwnLayersMlp()
    {
        using var model = RandomModels.Create(RandomModels.NeoxLike);
        var hooks = new ComponentHooks(model);
        var sameLayer = InterpretationNode.Of("mlp", Component.Mlp(1)).From(Head("h", 1, 0));
        Assert.That(Assert.Throws<HypothesisException>(() => Treeifier.Treeify(new ScrubHypothesis("h", Logits.From(sameLayer)), hooks))!.Message,
            Does.Contain("parallel blocks").And.Contain("L1.H0"));
        // The previous layer's heads do feed it.
        var earlier = InterpretationNode.Of("mlp", Component.Mlp(1)).From(Head("h", 0, 0));
        Assert.That(Treeifier.Treeify(new ScrubHypothesis("h", Logits.From(earlier)), hooks).Nodes, Has.Count.EqualTo(3));
    }

    [Test]
    public void RotaryModelsHaveNoPositionEmbeddingToMap()
    {
        using var model = RandomModels.Create(RandomModels.LlamaLike);
        var h = new ScrubHypothesis("h", Logits.From(InterpretationNode.Of("mlp", Component.Mlp(0)).From(InterpretationNode.Of("pos", Component.PosEmbed))));
        Assert.That(Assert.Throws<HypothesisException>(() => Treeifier.Treeify(h, new ComponentHooks(model)))!.Message,
            Does.Contain("pos_embed").And.Contain("rotary"));
    }

    [Test]
    public void ZeroOrSeveralRootsAreRejected()
    {
        var a = Head("a", 0, 0);
        Assert.That(Assert.Throws<HypothesisException>(() => ScrubHypothesis.FromNodes("h", [Logits.From(a), Head("b", 1, 0)]))!.Message,
            Does.Contain("2 roots").And.Contain("out").And.Contain("b"));
        Assert.That(Assert.Throws<HypothesisException>(() => ScrubHypothesis.FromNodes("h", []))!.Message, Does.Contain("no root"));
    }

    [Test]
    public void TheRootMustMapTheLogits() =>
        Assert.That(Reject(new ScrubHypothesis("h", Head("a", 1, 0))), Does.Contain("root 'a' must map the logits"));

    [Test]
    public void AComponentTheModelLacksIsRejected() =>
        Assert.That(Reject(new ScrubHypothesis("h", Logits.From(Head("ghost", 7, 0)))), Does.Contain("L7.H0").And.Contain("layers 0..2"));

    [Test]
    public void AChildMustWriteBeforeItsParentReads() =>
        Assert.That(Reject(new ScrubHypothesis("h", Logits.From(Head("early", 0, 0).From(Head("late", 2, 1))))),
            Does.Contain("'early' (L0.H0) cannot read 'late' (L2.H1)"));

    [Test]
    public void AComponentMatchedTwiceIntoTheSameInputIsRejected() =>
        Assert.That(Reject(new ScrubHypothesis("h", Logits.From(Head("x", 2, 0).From(Head("p", 0, 0), Channel.Key).From(Head("p2", 0, 0))))),
            Does.Contain("L0.H0 is mapped twice into L2.H0.k"));

    [Test]
    public void QkvChannelsBelongToHeads() =>
        Assert.That(Reject(new ScrubHypothesis("h", Logits.From(Head("a", 0, 0), Channel.Key))), Does.Contain("not an attention head"));

    [Test]
    public void ACycleIsRejected()
    {
        var a = Head("a", 1, 0);
        var b = Head("b", 0, 0);
        // Records are immutable, so a cycle needs a node that reads a copy of itself by name; the order check catches it first.
        Assert.That(Reject(new ScrubHypothesis("h", Logits.From(a.From(b.From(a))))), Does.Contain("cannot read"));
    }
}
