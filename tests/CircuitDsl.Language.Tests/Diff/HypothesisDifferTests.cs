using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diff;

namespace CircuitDsl.Language.Tests.Diff;

/// <summary>The semantic diff: what a claim says changed, item by item; layout and spelling are not changes.</summary>
public class HypothesisDifferTests
{
    private const string Header = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 512, seed: 7)
        metric loss at repeated
        ablation resample
        baseline resample L1.H0, L1.H1
        let token = x.Tokens[x.Pos]
        let prev_token = x.Tokens[x.Pos - 1]
        group heads = L1.H0, L1.H1

        """;

    private const string Claim = """
        hypothesis h "induction" {
          node out = logits
            from induction
          node induction = heads computes token
            k from prev_head
          node prev_head = L0.H0 computes prev_token
            from embed agreeing on prev_token
          expect scrub recovers >= 0.5
          expect path L0.H0 -> heads.k -> logits effect <= -0.2
        }

        """;

    private static BoundCircuitFile Bind(string text)
    {
        var result = TestSupport.Analyze(text);
        Assert.That(result.File, Is.Not.Null, result.RenderText());
        return result.File!;
    }

    private static FileDiff DiffOf(string old, string @new) => HypothesisDiffer.DiffFiles("main.circuit", Bind(old), "main.circuit", Bind(@new));

    private static ItemChange Single(FileDiff diff) => diff.Hypotheses.Single().Changes.Single();

    [Test]
    public void TheSameClaimHasNoChanges()
    {
        var diff = DiffOf(Header + Claim, Header + Claim);
        Assert.That(diff.Kind, Is.EqualTo(ChangeKind.Unchanged));
        Assert.That(diff.Hypotheses.Single().Expectations.Select(e => e.Kind), Is.All.EqualTo(ChangeKind.Unchanged), "unchanged expectations are kept for runners");
    }

    [Test]
    public void LayoutPercentagesAndComponentOrderAreNotChanges()
    {
        string respelled = Claim.Replace(">= 0.5", ">= 50%").Replace("heads.k ->", "L1.H1.k, L1.H0.k ->");
        string reordered = Header.Replace("L1.H0, L1.H1", "L1.H1, L1.H0").Replace("x.Tokens[x.Pos - 1]", "x.Tokens[\n    x.Pos - 1]");
        var diff = DiffOf(Header + Claim, reordered + respelled);
        Assert.That(diff.Kind, Is.EqualTo(ChangeKind.Unchanged), string.Join("\n", diff.Hypotheses.SelectMany(h => h.Changes)));
    }

    [Test]
    public void AnAddedNodeIsListedWithItsComponents()
    {
        string withNode = Claim.Replace("  expect scrub", "  node extra = L0.H1\n  expect scrub").Replace("    k from prev_head", "    k from prev_head\n    q from extra");
        var changes = DiffOf(Header + Claim, Header + withNode).Hypotheses.Single().Changes;
        Assert.That(changes, Does.Contain(new ItemChange(HypothesisAspect.Node, "extra", ChangeKind.Added, null, "L0.H1")));
        Assert.That(changes, Does.Contain(new ItemChange(HypothesisAspect.Input, "induction.q", ChangeKind.Added, null, "extra")));
    }

    [Test]
    public void AChangedThresholdIsOneChangeWithOldAndNewText()
    {
        var change = Single(DiffOf(Header + Claim, Header + Claim.Replace(">= 0.5", ">= 0.6")));
        Assert.That(change, Is.EqualTo(new ItemChange(HypothesisAspect.Expectation, "scrub", ChangeKind.Changed, "expect scrub recovers >= 0.5", "expect scrub recovers >= 0.6")));
    }

    [Test]
    public void AChangedExpectationPathIsOneChange()
    {
        var diff = DiffOf(Header + Claim, Header + Claim.Replace("L0.H0 -> heads.k", "L0.H1 -> heads.k"));
        Assert.That(Single(diff), Is.EqualTo(new ItemChange(HypothesisAspect.Expectation, "path", ChangeKind.Changed,
            "expect path L0.H0 -> heads.k -> logits effect <= -0.2", "expect path L0.H1 -> heads.k -> logits effect <= -0.2")));
        Assert.That(diff.Hypotheses.Single().Expectations.Select(e => e.Kind), Is.EqualTo(new[] { ChangeKind.Unchanged, ChangeKind.Changed }));
    }

    [Test]
    public void AnEditedInputSourceIsOneChangeOfItsSlot()
    {
        var change = Single(DiffOf(Header + Claim, Header + Claim.Replace("from embed agreeing on prev_token", "from embed, pos_embed agreeing on prev_token")));
        Assert.That(change, Is.EqualTo(new ItemChange(HypothesisAspect.Input, "prev_head", ChangeKind.Changed, "embed agreeing on prev_token", "embed, pos_embed agreeing on prev_token")));
    }

    [Test]
    public void AChangedVariableShowsBothExpressions()
    {
        var change = Single(DiffOf(Header + Claim, Header.Replace("x.Tokens[x.Pos - 1]", "x.Tokens[x.Pos - 2]") + Claim));
        Assert.That(change, Is.EqualTo(new ItemChange(HypothesisAspect.Variable, "prev_token", ChangeKind.Changed, "x.Tokens[x.Pos - 1]", "x.Tokens[x.Pos - 2]")));
    }

    [Test]
    public void AGroupEditShowsInTheGroupAndInExpectationsThatUseIt()
    {
        var changes = DiffOf(Header + Claim, Header.Replace("group heads = L1.H0, L1.H1", "group heads = L1.H0") + Claim).Hypotheses.Single().Changes;
        Assert.That(changes, Does.Contain(new ItemChange(HypothesisAspect.Group, "heads", ChangeKind.Changed, "L1.H0, L1.H1", "L1.H0")));
        Assert.That(changes.Single(c => c.Aspect == HypothesisAspect.Expectation).New, Is.EqualTo("expect path L0.H0 -> L1.H0.k -> logits effect <= -0.2"),
            "same words, other meaning: the canonical form shows what changed");
    }

    [Test]
    public void StatingTheDefaultMethodIsNotAChange()
    {
        Assert.That(DiffOf(Header + Claim, Header + "direction circuit\n" + Claim).Kind, Is.EqualTo(ChangeKind.Unchanged));
        var change = Single(DiffOf(Header + Claim, Header.Replace("ablation resample", "ablation mean") + Claim));
        Assert.That(change, Is.EqualTo(new ItemChange(HypothesisAspect.Method, "ablation", ChangeKind.Changed, "resample", "mean")));
    }

    [Test]
    public void DataAndMetricChangesNameTheArgument()
    {
        var changes = DiffOf(Header + Claim, Header.Replace("seed: 7", "seed: 8").Replace("metric loss at repeated", "metric loss") + Claim).Hypotheses.Single().Changes;
        Assert.That(changes, Is.EqualTo(new[]
        {
            new ItemChange(HypothesisAspect.Data, "seed", ChangeKind.Changed, "7", "8"),
            new ItemChange(HypothesisAspect.Metric, "metric", ChangeKind.Changed, "loss at repeated", "loss"),
        }));
    }

    [Test]
    public void ARenameIsARemovalAndAnAddition()
    {
        var diff = DiffOf(Header + Claim, Header + Claim.Replace("hypothesis h ", "hypothesis g "));
        Assert.That(diff.Hypotheses.Select(h => (h.Name, h.Kind)), Is.EqualTo(new[] { ("g", ChangeKind.Added), ("h", ChangeKind.Removed) }));
        Assert.That(diff.Hypotheses[0].Changes, Has.Some.Matches<ItemChange>(c => c.Aspect == HypothesisAspect.Node && c.Item == "induction" && c.Kind == ChangeKind.Added));
    }

    [Test]
    public void AnAddedFileListsItsHypothesesAsAdded()
    {
        var diff = HypothesisDiffer.DiffFiles(null, null, "main.circuit", Bind(Header + Claim));
        Assert.That((diff.Kind, diff.DisplayPath, diff.Hypotheses.Single().Kind), Is.EqualTo((ChangeKind.Added, "main.circuit", ChangeKind.Added)));
    }
}
