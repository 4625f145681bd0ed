using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static CircuitDsl.Interventions.Tests.Support.Scrub;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>
/// Redwood's toy-graph cases (rust_circuit_public tests/causal_scrubbing/test_experiment.py, anchors §6 check 5)
/// on hand-set one-layer models: each graph node is a group of heads, each head reads one input position with a
/// coefficient. Loss = mean |out − label| over 50 references, for several seeds.
/// </summary>
[TestFixture]
public class RedwoodToyGraphTests
{
    static readonly long[] Seeds = [0, 1, 2];

    static double Loss(HookedTransformer model, Interventions.Data.Dataset data, double[] labels, ScrubHypothesis h, long seed)
    {
        using var logits = Scrub.Logits(model, data, h, seed);
        var outs = ToyModels.Outputs(logits);
        return outs.Select((o, i) => Math.Abs(o - labels[i])).Average();
    }

    static void ForEachSeed(HookedTransformer model, Interventions.Data.Dataset data, double[] labels, ScrubHypothesis h, Func<double, bool> expected, string what)
    {
        foreach (long seed in Seeds)
        {
            double loss = Loss(model, data, labels, h, seed);
            Assert.That(expected(loss), Is.True, $"{what}: loss {loss} (seed {seed})");
        }
    }

    static CausalVariable Label(Func<int[], int> f, string name) => CausalVariable.Of(name, x => f(x.Tokens));

    [Test]
    public void TheTrueHypothesisHasLossZero()
    {
        using var model = ToyModels.Sum((0, 2), (1, 3));
        var (data, labels) = ToyModels.Ints(50, 1, x => 2 * x[0] + 3 * x[1]);
        var h = new ScrubHypothesis("identical", Root.Computing(Label(x => 2 * x[0] + 3 * x[1], "label"))
            .From(Heads("A", 0).Computing(Input(0))).From(Heads("B", 1).Computing(Input(1))));
        ForEachSeed(model, data, labels, h, l => l < 1e-4, "C = 2x0 + 3x1 with A' = x0, B' = x1");
    }

    [Test]
    public void ATinyDeviationCostsATinyLoss()
    {
        using var model = ToyModels.Sum((0, 2), (1, 0.001), (1, 3));
        var (data, labels) = ToyModels.Ints(50, 2, x => 2 * x[0] + 3 * x[1]);
        var h = new ScrubHypothesis("tiny", Root.Computing(Label(x => 2 * x[0] + 3 * x[1], "label"))
            .From(Heads("A", 0, 1).Computing(Input(0))).From(Heads("B", 2).Computing(Input(1))));
        ForEachSeed(model, data, labels, h, l => l < 0.01, "A = 2x0 + 0.001x1");
    }

    [Test]
    public void ALargeDeviationCostsALargeLoss()
    {
        using var model = ToyModels.Sum((0, 2), (1, 1), (1, 3));
        var (data, labels) = ToyModels.Ints(50, 3, x => 2 * x[0] + 3 * x[1]);
        var h = new ScrubHypothesis("large", Root.Computing(Label(x => 2 * x[0] + 3 * x[1], "label"))
            .From(Heads("A", 0, 1).Computing(Input(0))).From(Heads("B", 2).Computing(Input(1))));
        ForEachSeed(model, data, labels, h, l => l > 1, "A = 2x0 + x1");
    }

    [Test]
    public void IntermediatesThatCancelAreCaught()
    {
        using var model = ToyModels.Sum((0, 1), (2, 1), (1, 1), (2, -1)); // A = x0 + x2, B = x1 − x2
        var (data, labels) = ToyModels.Ints(50, 4, x => x[0] + x[1]);
        var h = new ScrubHypothesis("cancel", Root.Computing(Label(x => x[0] + x[1], "x0+x1"))
            .From(Heads("A", 0, 1).Computing(Input(0))).From(Heads("B", 2, 3).Computing(Input(1))));
        ForEachSeed(model, data, labels, h, l => l > 1, "A = x0 + x2, B = x1 − x2");
    }

    [Test]
    public void SwappedIntermediatesAreCaught()
    {
        using var model = ToyModels.Sum((0, 2), (1, 1), (0, 1), (1, 2)); // A = 2x0 + x1, B = x0 + 2x1
        var (data, labels) = ToyModels.Ints(50, 5, x => 3 * x[0] + 3 * x[1]);
        var h = new ScrubHypothesis("swapped", Root.Computing(Label(x => 2 * x[0] + 3 * x[1], "2x0+3x1"))
            .From(Heads("A", 0, 1).Computing(Label(x => x[0] + 2 * x[1], "x0+2x1")))
            .From(Heads("B", 2, 3).Computing(Label(x => x[0] + x[1], "x0+x1"))));
        ForEachSeed(model, data, labels, h, l => l > 1, "swapped");
    }

    [Test]
    public void DataCorrelationDoesNotExcuseAnUnclaimedPath()
    {
        using var model = ToyModels.Sum((0, 1), (1, 1)); // C = x0 + x1, and in the data x1 = 2 x0
        var (data, labels) = ToyModels.Ints(50, 6, x => 3 * x[0], r => { int a = r.Next(10); return [a, 2 * a, 0]; });
        var h = new ScrubHypothesis("correlated", Root.Computing(Input(0)).From(Heads("x0", 0).Computing(Input(0))));
        ForEachSeed(model, data, labels, h, l => l > 1, "x1 = 2 x0");
    }

    [Test]
    public void AFeatureSpreadOverTheResidualIsCaught()
    {
        using var model = ToyModels.Sum((0, 1), (1, 1), (1, 1)); // A = x0 + x1 (heads 0, 1), C = A + x1 (head 2)
        var (data, labels) = ToyModels.Ints(50, 7, x => x[0] + 2 * x[1]);
        var embed = InterpretationNode.Of("x0 input", Component.Embed);
        var h = new ScrubHypothesis("spread", Root.Computing(Label(x => x[0] + 2 * x[1], "label"))
            .From(Heads("A", 0, 1).Computing(Input(0)).From(embed, agreeingOn: Input(0)))
            .From(Heads("x1", 2).Computing(Input(1))));
        ForEachSeed(model, data, labels, h, l => l > 1, "spread over the residual");
    }

    [Test]
    public void AnOmittedPathIsResampledByDefaultAndKeptOnRequest()
    {
        using var model = ToyModels.Sum((0, 2), (1, 3));
        var (data, labels) = ToyModels.Ints(50, 8, x => 2 * x[0] + 3 * x[1]);
        var root = Root.Computing(Label(x => 2 * x[0] + 3 * x[1], "label")).From(Heads("A", 0).Computing(Input(0)));
        ForEachSeed(model, data, labels, new ScrubHypothesis("omitted", root), l => l > 1, "B omitted, other inputs resampled");
        ForEachSeed(model, data, labels, new ScrubHypothesis("kept", root.WithUnmapped(UnmappedInputs.Keep)), l => l < 1e-4, "B omitted, other inputs exact");
    }
}
