namespace CircuitDsl.Language.Tests;

/// <summary>
/// What the engine can run is decided once, in the binder: every expectation that binds lowers and runs, and every
/// one that cannot run is a diagnostic at its own span (the lowering and the engine only assert).
/// </summary>
public class PlanValidationTests
{
    private const string Gpt2 = "model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, S) at END\n";
    private const string Induction = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nbaseline resampled_input\n";
    private const string Graph = "  node out = logits\n    from L1.H0\n";

    [TestCase("expect scrub metric <= 5")]
    [TestCase("expect knockout metric >= 1")]
    [TestCase("expect knockout recovers >= 0.5")]
    [TestCase("expect path L0.H0 -> logits metric >= 1")]
    [TestCase("expect path L0.H0 -> L5.H1.k -> logits effect <= -0.1")]
    [TestCase("expect path L0.H0, L0.mlp at END -> L5.H1 at END effect <= -0.1")]
    [TestCase("expect model metric >= 1")]
    public void WhatTheEngineRunsBinds(string expectation)
    {
        var result = TestSupport.Analyze(Gpt2 + "baseline resampled_input\nablation mean\ndirection circuit\nhypothesis h {\n" + Graph + "  " + expectation + "\n}\n");

        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, result.RenderText());
    }

    [TestCase("embed -> L0.H0.v -> L1.H0.k", 2)]
    [TestCase("embed -> L0.H0 -> L1.H1 -> logits", 3)]
    [TestCase("L0.H0 -> L1.H0.q -> L1.H1.k", 2)]
    public void APathWithMoreThanOnePatchedStepIsRefused(string path, int steps)
    {
        var result = TestSupport.Analyze(Induction + $"hypothesis h {{\n  expect path {path} effect <= -0.5\n}}\n");

        var diagnostic = result.Diagnostics.Single(d => d.Code == "CD2039");
        Assert.That(diagnostic.Message, Does.Contain($"has {steps} steps after its senders"));
        Assert.That(diagnostic.Span.Line, Is.EqualTo(6));
    }

    [TestCase("L0.H0 -> L1.mlp", "L1.mlp is neither")]
    [TestCase("L0.H0 -> L2.H1.k, L3.mlp", "L3.mlp is neither")]
    [TestCase("L0.H0 -> L2.H1.k, logits", "mixes them with L2.H1.k")]
    [TestCase("L0.mlp -> logits, L5.H3", "mixes them with L5.H3")]
    public void AReceiverStepOtherThanHeadInputsOrTheLogitsIsRefused(string path, string message)
    {
        var result = TestSupport.Analyze(Gpt2 + $"hypothesis h {{\n  expect path {path} effect <= -0.5\n}}\n");

        var diagnostic = result.Diagnostics.Single(d => d.Code == "CD2040");
        Assert.That(diagnostic.Message, Does.Contain(message));
    }

    [Test]
    public void ALogitDifferenceAgainstTheDataOrderSaysWhichOrderToWrite()
    {
        var result = TestSupport.Analyze("model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(S, IO) at END\nhypothesis h {\n  expect model metric >= 1\n}\n");

        var diagnostic = result.Diagnostics.Single(d => d.Code == "CD2038");
        Assert.That(diagnostic.Message, Does.Contain("logit_diff(IO, S)"));
        Assert.That(diagnostic.Span.Line, Is.EqualTo(3));
    }

    [Test]
    public void AnUnknownAnswerIsOnlyThatError()
    {
        var result = TestSupport.Analyze("model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, X) at END\nhypothesis h {\n  expect model metric >= 1\n}\n");

        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain("CD2023").And.No.Contain("CD2038"));
    }

    [TestCase("expect knockout recovers >= 0.5", ExpectationSubject.Knockout, Statistic.Fraction)]
    [TestCase("expect knockout metric >= 1", ExpectationSubject.Knockout, Statistic.Metric)]
    [TestCase("expect scrub recovers >= 0.5", ExpectationSubject.Scrub, Statistic.Recovers)]
    [TestCase("expect path L0.H0 -> logits effect <= -0.1", ExpectationSubject.Path, Statistic.Effect)]
    [TestCase("expect model metric >= 1", ExpectationSubject.Model, Statistic.Metric)]
    public void TheBinderResolvesTheWordToTheStatisticTheCheckReports(string statement, ExpectationSubject subject, Statistic reported)
    {
        var result = TestSupport.Analyze(Gpt2 + "baseline resampled_input\nablation mean\ndirection circuit\nhypothesis h {\n" + Graph + "  " + statement + "\n}\n");

        var expectation = result.File!.Hypotheses.Single().Expectations.Single();
        Assert.That((expectation.Subject, expectation.Statistic), Is.EqualTo((subject, reported)));
        Assert.That(Language.Diff.HypothesisText.Expectation(expectation), Is.EqualTo(statement), "the file's own word is what a diff shows");
    }
}
