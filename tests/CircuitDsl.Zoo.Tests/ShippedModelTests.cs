using CircuitDsl.Runtime.Model;
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

    // The weakest role holder's score on another seed: attn-only-2l's heads are sharper than llama-2l's, whose
    // second previous-token head (L0.H1) scores 0.67 and whose weakest induction head (L1.H0) 0.68.
    [TestCase("attn-only-2l", 0.9, 0.85)]
    [TestCase("llama-2l", 0.6, 0.6)]
    public void TheTwoLayerModelsHaveAPreviousTokenHeadAndInductionHeads(string name, double previousTokenFloor, double inductionFloor)
    {
        var evaluation = Evaluate(name);
        var previousTokenHeads = CardRole(name, "previous_token");
        var inductionHeads = CardRole(name, "induction");
        Assert.That(previousTokenHeads, Is.Not.Empty);
        Assert.That(inductionHeads, Is.Not.Empty);
        foreach (var label in previousTokenHeads)
            Assert.That(evaluation.Heads.Single(h => h.Label == label).PreviousToken, Is.GreaterThan(previousTokenFloor), label);
        foreach (var label in inductionHeads)
            Assert.That(evaluation.Heads.Single(h => h.Label == label).Induction, Is.GreaterThan(inductionFloor), label);
        Assert.That(previousTokenHeads, Has.All.StartsWith("L0."));
        Assert.That(inductionHeads, Has.All.StartsWith("L1."));
    }

    [TestCase("attn-only-2l")]
    [TestCase("llama-2l")]
    public void TheTwoLayerModelsPredictRepeatsAndNotFirstOccurrences(string name)
    {
        var evaluation = Evaluate(name);
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

    [TestCase("attn-only-2l")]
    [TestCase("attn-only-1l")]
    [TestCase("llama-2l")]
    public void TheCardRecordsWhatTheWeightsMeasure(string name)
    {
        using var loaded = ZooCatalog.Load(ZooCatalog.Prefix + name);
        var card = loaded.Card!;
        var evaluation = InductionScores.Evaluate(loaded.Model,
            ZooRecipes.RepeatedTokens.Generate(ZooTrainer.EvaluationExamples, ZooTrainer.EvaluationSeed));
        Assert.That(card["evaluation"]!["repeated_loss"]!.GetValue<double>(), Is.EqualTo(evaluation.RepeatedLoss).Within(1e-3));
        foreach (var head in card["heads"]!.AsArray())
        {
            var measured = evaluation.Heads.Single(h => h.Label == head!["head"]!.GetValue<string>());
            Assert.That(head!["induction_score"]!.GetValue<double>(), Is.EqualTo(measured.Induction).Within(1e-3));
            Assert.That(head["previous_token_score"]!.GetValue<double>(), Is.EqualTo(measured.PreviousToken).Within(1e-3));
            // Cards written before the two-back score was added lack it.
            if (head.AsObject().ContainsKey("two_back_score"))
                Assert.That(head["two_back_score"]!.GetValue<double>(), Is.EqualTo(measured.TwoBack).Within(1e-3));
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
    [Test]
    public void TheLlamaModelHasTheLlamaArchitectureAndNoBiases()
    {
        using var loaded = ZooCatalog.Load("zoo:llama-2l");
        var config = loaded.Model.Config;
        Assert.That(config, Is.EqualTo(ZooRecipes.Llama2L.Config with { Name = config.Name }));
        Assert.That((config.Normalization, config.Positions, config.KvHeads, config.GatedMlp, config.Activation),
            Is.EqualTo((Normalization.RmsNorm, PositionEmbedding.Rotary, 2, true, Activation.Silu)));
        var parameters = loaded.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.That(parameters.Keys, Has.None.StartsWith("pos_embed"));
        Assert.That(parameters.Keys, Has.None.EndsWith(".b"), "RMSNorm has no bias");
        Assert.That(parameters["blocks.0.attn.W_K"].shape, Is.EqualTo(new long[] { 2, 64, 16 }), "one key matrix per key/value head");
        Assert.That(parameters["blocks.0.mlp.W_gate"].shape, Is.EqualTo(new long[] { 64, 176 }));
        foreach (var (name, p) in parameters.Where(p => Trainer.IsBias(p.Key)))
            Assert.That(p.abs().max().item<float>(), Is.Zero, name);
        Assert.That(loaded.Card!["training"]!["biases"]!.GetValue<string>(), Does.StartWith("none"));
    }

    [Test]
    public void TheLlamaCardNamesEachHeadsKeyValueHeadAndTwoBackScore()
    {
        using var loaded = ZooCatalog.Load("zoo:llama-2l");
        var heads = loaded.Card!["heads"]!.AsArray();
        Assert.That(heads, Has.Count.EqualTo(8));
        foreach (var head in heads)
        {
            int h = int.Parse(head!["head"]!.GetValue<string>().Split(".H")[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(head["key_value_head"]!.GetValue<int>(), Is.EqualTo(h / 2), head["head"]!.GetValue<string>());
            Assert.That(head.AsObject().ContainsKey("two_back_score"), head["head"]!.GetValue<string>());
        }
        using var gpt2Style = ZooCatalog.Load("zoo:attn-only-2l");
        Assert.That(gpt2Style.Card!["heads"]![0]!.AsObject().ContainsKey("key_value_head"), Is.False, "only under grouped-query attention");
    }
}
