namespace CircuitDsl.Language.Tests;

/// <summary>
/// What the binder knows of architectures after GPT-2: rotary models have no pos_embed (CD2041); in parallel blocks a
/// head does not feed its own layer's MLP (CD2042); under grouped-query attention a k/v input is the key/value
/// head's, and a hypothesis that tells apart two heads of one group there is warned about (CD2043).
/// </summary>
public class ArchitectureBindingTests
{
    private const string Gqa = "model zoo:gqa-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nbaseline resampled_input\n";
    private const string Parallel = "model zoo:parallel-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nbaseline resampled_input\n";

    private static string[] Codes(string source) => [.. TestSupport.Analyze(source).Diagnostics.Select(d => d.Code)];

    [Test]
    public void PosEmbedIsAnErrorOnARotaryModelOnly()
    {
        var result = TestSupport.Analyze(Gqa + "hypothesis h {\n  expect path pos_embed -> logits effect <= -0.5\n}\n");
        var error = result.Diagnostics.Single(d => d.Code == "CD2041");
        Assert.That(error.Message, Does.Contain("'pos_embed' does not exist").And.Contain("gqa-2l").And.Contain("rotary"));
        Assert.That(Codes("model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, S) at END\nhypothesis h {\n  expect path pos_embed -> logits effect <= -0.5\n}\n"),
            Does.Not.Contain("CD2041"));
    }

    [Test]
    public void AHeadDoesNotFeedItsOwnLayersMlpInAParallelBlock()
    {
        var result = TestSupport.Analyze(Parallel + "hypothesis h {\n  node out = logits\n    from m\n  node m = L1.mlp\n    from L1.H0\n  expect scrub recovers >= 0.5\n}\n");
        var error = result.Diagnostics.Single(d => d.Code == "CD2042");
        Assert.That(error.Message, Does.Contain("L1.H0 cannot feed L1.mlp").And.Contain("parallel blocks"));
        // The previous layer's heads do feed it, and a sequential model allows the same edge.
        Assert.That(Codes(Parallel + "hypothesis h {\n  node out = logits\n    from m\n  node m = L1.mlp\n    from L0.H0\n  expect scrub recovers >= 0.5\n}\n"), Does.Not.Contain("CD2042"));
        Assert.That(Codes("model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, S) at END\nbaseline resampled_input\nhypothesis h {\n  node out = logits\n    from m\n  node m = L1.mlp\n    from L1.H0\n  expect scrub recovers >= 0.5\n}\n"),
            Has.None.EqualTo("CD2042").And.None.EqualTo("CD2014"));
    }

    [Test]
    public void APathIntoOneHeadsKeysOfAGroupIsWarnedAboutNamingTheGroup()
    {
        var result = TestSupport.Analyze(Gqa + "hypothesis h {\n  expect path L0.H0 -> L1.H2.k effect <= -0.5\n}\n");
        var warning = result.Diagnostics.Single(d => d.Code == "CD2043");
        Assert.That(warning.Severity, Is.EqualTo(Diagnostics.DiagnosticSeverity.Warning));
        Assert.That(warning.Message, Does.Contain("L1.H2 and L1.H3").And.Contain("key/value head 1 of layer 1").And.Contain("H2-H3").And.Contain("'L1.H2.k'"));
        Assert.That(result.File, Is.Not.Null, "a warning, not an error");
        // The whole group, queries (one per head), or another model: no warning.
        Assert.That(Codes(Gqa + "hypothesis h {\n  expect path L0.H0 -> L1.H2.k, L1.H3.k effect <= -0.5\n}\n"), Does.Not.Contain("CD2043"));
        Assert.That(Codes(Gqa + "hypothesis h {\n  expect path L0.H0 -> L1.H2.q effect <= -0.5\n}\n"), Does.Not.Contain("CD2043"));
        Assert.That(Codes(Gqa + "hypothesis h {\n  expect path L0.H0 -> L1.H* effect <= -0.5\n}\n"), Does.Not.Contain("CD2043"));
        Assert.That(Codes(Header2L + "hypothesis h {\n  expect path L0.H0 -> L1.H1.k effect <= -0.5\n}\n"), Does.Not.Contain("CD2043"));
        // A whole head as receiver is its q, k and v: its group's value input too.
        Assert.That(Codes(Gqa + "hypothesis h {\n  expect path L0.H0 -> L1.H0 effect <= -0.5\n}\n").Count(c => c == "CD2043"), Is.EqualTo(2));
    }

    [Test]
    public void ScrubbingAHeadOnASandwichNormModelIsAnErrorButMlpsAndPathsAreNot()
    {
        const string Sandwich = "model zoo:sandwich-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\n";
        var result = TestSupport.Analyze(Sandwich + "baseline resampled_input\nhypothesis h {\n  node out = logits\n    from ind\n  node ind = L1.H0, L1.H1\n  expect scrub recovers >= 0.5\n}\n");
        var error = result.Diagnostics.Single(d => d.Code == "CD2044");
        Assert.That(error.Message, Does.Contain("L1.H0 (node 'ind')").And.Contain("sandwich norms").And.Contain("not a sum of head outputs"));
        var baseline = TestSupport.Analyze(Sandwich + "baseline resample L1.H0\nhypothesis h {\n  node out = logits\n    from L0.mlp\n  expect scrub recovers >= 0.5\n}\n");
        Assert.That(baseline.Diagnostics.Single(d => d.Code == "CD2044").Message, Does.Contain("the baseline"), baseline.RenderText());
        Assert.That(Codes(Sandwich + "baseline resampled_input\nhypothesis h {\n  node out = logits\n    from m\n  node m = L1.mlp\n    from L0.mlp\n  expect scrub recovers >= 0.5\n}\n"), Does.Not.Contain("CD2044"));
        Assert.That(Codes(Sandwich + "hypothesis h {\n  node out = logits\n    from L1.H0, L1.H1\n  expect path L0.H0 -> L1.H0, L1.H1 effect <= -0.5\n}\n"), Does.Not.Contain("CD2044"));
    }

    private const string Header2L = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\n";

    [Test]
    public void DifferentInputsClaimedForTwoHeadsOfAGroupAreWarnedAbout()
    {
        // L1.H0 and L1.H1 share key/value head 0: keys from prev for one and nothing claimed for the other.
        var oneHead = TestSupport.Analyze(Gqa + "hypothesis h {\n  node out = logits\n    from ind\n  node ind = L1.H0\n    k from prev\n  node prev = L0.H0\n  expect scrub recovers >= 0.5\n}\n");
        var warning = oneHead.Diagnostics.Single(d => d.Code == "CD2043");
        Assert.That(warning.Message, Does.Contain("L1.H0 and L1.H1").And.Contain("'ind' reads 'prev'").And.Contain("claims none"));
        // Two nodes with one head each: the copies differ even with the same source.
        var twoNodes = Gqa + "hypothesis h {\n  node out = logits\n    from a, b\n  node a = L1.H0\n    k from prev\n  node b = L1.H1\n    k from prev\n  node prev = L0.H0\n  expect scrub recovers >= 0.5\n}\n";
        Assert.That(Codes(twoNodes), Does.Contain("CD2043"));
        // The whole group in one node, with the same inputs: nothing told apart.
        var together = Gqa + "hypothesis h {\n  node out = logits\n    from ind\n  node ind = L1.H0, L1.H1\n    k from prev\n  node prev = L0.H0\n  expect scrub recovers >= 0.5\n}\n";
        Assert.That(Codes(together), Does.Not.Contain("CD2043"));
        // Queries are per head: claiming one head's query input alone is fine.
        var query = Gqa + "hypothesis h {\n  node out = logits\n    from ind\n  node ind = L1.H0\n    q from prev\n  node prev = L0.H0\n  expect scrub recovers >= 0.5\n}\n";
        Assert.That(Codes(query), Does.Not.Contain("CD2043"));
    }
}
