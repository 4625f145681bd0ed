using CircuitDsl.Zoo.Scoring;
using CircuitDsl.Zoo.Tasks;
using CircuitDsl.Zoo.Training;

namespace CircuitDsl.Zoo.Tests;

/// <summary>The shipped models do what their cards claim, measured afresh on held-out sequences.</summary>
public class ShippedModelTests
{
    static RepeatedTokensEvaluation Evaluate(string name, ulong seed = 99)
    {
        using var loaded = ZooCatalog.Load(ZooCatalog.Prefix + name);
        return InductionScores.Evaluate(loaded.Model, ZooRecipes.RepeatedTokens.Generate(512, seed));
    }

    static IReadOnlyList<string> CardRole(string name, string role)
    {
        using var loaded = ZooCatalog.Load(ZooCatalog.Prefix + name);
        return loaded.Card!["roles"]![role]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
    }

    [Test]
    public void TheTwoLayerModelHasAPreviousTokenHeadAndInductionHeads()
    {
        var evaluation = Evaluate("attn-only-2l");
        var previousTokenHeads = CardRole("attn-only-2l", "previous_token");
        var inductionHeads = CardRole("attn-only-2l", "induction");
        Assert.That(previousTokenHeads, Is.Not.Empty);
        Assert.That(inductionHeads, Is.Not.Empty);
        foreach (var label in previousTokenHeads)
            Assert.That(evaluation.Heads.Single(h => h.Label == label).PreviousToken, Is.GreaterThan(0.9), label);
        foreach (var label in inductionHeads)
            Assert.That(evaluation.Heads.Single(h => h.Label == label).Induction, Is.GreaterThan(0.85), label);
        Assert.That(previousTokenHeads, Has.All.StartsWith("L0."));
        Assert.That(inductionHeads, Has.All.StartsWith("L1."));
    }

    [Test]
    public void TheTwoLayerModelPredictsRepeatsAndNotFirstOccurrences()
    {
        var evaluation = Evaluate("attn-only-2l");
        Assert.That(evaluation.RepeatedLoss, Is.LessThan(0.1 * evaluation.UniformLoss));
        Assert.That(evaluation.FirstOccurrenceLoss, Is.EqualTo(evaluation.UniformLoss).Within(10).Percent);
    }

    [Test]
    public void TheOneLayerControlDoesNotReachTheRepeatLoss()
    {
        var control = Evaluate("attn-only-1l");
        var twoLayer = Evaluate("attn-only-2l");
        Assert.That(control.RepeatedLoss, Is.GreaterThan(0.1 * control.UniformLoss));
        Assert.That(control.RepeatedLoss, Is.GreaterThan(5 * twoLayer.RepeatedLoss));
    }

    [Test]
    public void TheCardRecordsWhatTheWeightsMeasure()
    {
        using var loaded = ZooCatalog.Load("zoo:attn-only-2l");
        var card = loaded.Card!;
        var evaluation = InductionScores.Evaluate(loaded.Model,
            ZooRecipes.RepeatedTokens.Generate(ZooTrainer.EvaluationExamples, ZooTrainer.EvaluationSeed));
        Assert.That(card["evaluation"]!["repeated_loss"]!.GetValue<double>(), Is.EqualTo(evaluation.RepeatedLoss).Within(1e-3));
        foreach (var head in card["heads"]!.AsArray())
        {
            var measured = evaluation.Heads.Single(h => h.Label == head!["head"]!.GetValue<string>());
            Assert.That(head!["induction_score"]!.GetValue<double>(), Is.EqualTo(measured.Induction).Within(1e-3));
            Assert.That(head["previous_token_score"]!.GetValue<double>(), Is.EqualTo(measured.PreviousToken).Within(1e-3));
        }
    }
}
