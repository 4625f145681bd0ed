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

    [Test]
    public void TheIoiModelNamesTheIndirectObject()
    {
        using var loaded = ZooCatalog.Load("zoo:ioi-2l");
        var evaluation = IoiScores.Evaluate(loaded.Model, new IoiTask().Generate(512, seed: 99));
        Assert.That(evaluation.PositiveFraction, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(evaluation.MeanLogitDiff, Is.GreaterThan(2));
        Assert.That(evaluation.PositiveFractionByTemplate, Has.Count.EqualTo(IoiTemplates.All.Count));
        Assert.That(evaluation.PositiveFractionByTemplate.Select(t => t.PositiveFraction), Has.All.GreaterThanOrEqualTo(0.9));
    }

    [Test]
    public void TheParensModelClassifiesEveryKindOfString()
    {
        using var loaded = ZooCatalog.Load("zoo:parens-3l");
        var evaluation = ParensScores.Evaluate(loaded.Model, new ParensTask().Generate(1024, seed: 99));
        Assert.That(evaluation.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(evaluation.AccuracyByKind.Select(k => k.Kind), Is.EquivalentTo(Enum.GetValues<ParensKind>()));
        Assert.That(evaluation.AccuracyByKind.Select(k => k.Accuracy), Has.All.GreaterThanOrEqualTo(0.9));
    }

    [TestCase("ioi-2l", "mean_logit_diff_io_minus_s")]
    [TestCase("parens-3l", "mean_logit_diff_correct_minus_wrong")]
    public void TheTaskModelsCardsRecordWhatTheWeightsMeasure(string name, string figure)
    {
        using var loaded = ZooCatalog.Load(ZooCatalog.Prefix + name);
        var recipe = ZooRecipes.Find(name)!;
        var measured = recipe.Task.Evaluate(loaded.Model, ZooTrainer.EvaluationExamples, ZooTrainer.EvaluationSeed);
        Assert.That(loaded.Card!["evaluation"]![figure]!.GetValue<double>(),
            Is.EqualTo(measured.CardSections["evaluation"]![figure]!.GetValue<double>()).Within(1e-3));
        Assert.That(loaded.Model.Config, Is.EqualTo(recipe.Config with { Name = loaded.Model.Config.Name }));
    }
}
