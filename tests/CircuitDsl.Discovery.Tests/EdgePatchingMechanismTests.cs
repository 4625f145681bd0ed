using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Running;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// The one mechanism every method uses (a mask over edges), checked against the definitions it replaces, on a model
/// with MLPs and LayerNorm (zoo:ioi-2l) as well as on the attention-only hand-set one.
/// </summary>
public class EdgePatchingMechanismTests
{
    static LoadedModel ioi = null!;
    static EdgeDiscovery discovery = null!;

    [OneTimeSetUp]
    public static void Build()
    {
        ioi = ZooCatalog.Load("zoo:ioi-2l");
        var data = IoiData.Create(new IoiTask(), 24, 11, IoiCounterfactual.Abc);
        discovery = new EdgeDiscovery(ioi.Model, new DiscoverySettings(data, MetricSpec.LogitDiff(PositionSet.Named("END")))
        {
            Counterfactual = Interventions.Plan.CounterfactualSource.Paired, BatchSize = 24,
        });
    }

    [OneTimeTearDown]
    public static void Free()
    {
        discovery.Dispose();
        ioi.Dispose();
    }

    [Test]
    public void OneEdgeAblatedInACircuitRunIsExactPatchingOfThatEdge()
    {
        // Exact patching adds source − clean; circuit runs add source − the sender's write in the run itself. With one
        // edge ablated the sender is upstream of every change, so the two agree.
        var exact = discovery.Exact();
        var graph = discovery.Graph;
        var sample = Enumerable.Range(0, graph.Count).Where(e => e % 9 == 0 || graph.Edges[e].Receiver.Kind != ComponentKind.Head).ToArray();
        using var masks = zeros(sample.Length, graph.Count);
        for (int i = 0; i < sample.Length; i++) masks[i, sample[i]] = 1;
        var circuit = discovery.Evaluate(discovery.Settings.Metric, masks);
        for (int i = 0; i < sample.Length; i++)
            Assert.That(circuit[i] - exact.CleanMetric, Is.EqualTo(exact.Scores[sample[i]]).Within(1e-4), graph.Edges[sample[i]].ToString());
    }

    [Test]
    public void TheMaskGradientIsTheReceiverInputGradientTimesTheDifference()
    {
        // EAP's definition: (source − clean)·∂m/∂(receiver input) at the clean run. Here the receivers' inputs are
        // leaf tensors added at their hooks (L1.H2.k, L1.mlp and the logits), independent of the edge mask.
        var model = ioi.Model;
        var data = discovery.Settings.Data;
        var batch = Interventions.Execution.TokenBatch.Range(0, 24);
        var tokens = Interventions.Execution.TokenBatch.Of(data, batch);
        var corrupted = Interventions.Execution.TokenBatch.Of(data, batch, counterfactual: true);
        var graph = discovery.Graph;
        var (cleanLogits, clean, _) = SenderOutputs.Run(model, graph, tokens);
        var (_, source, _) = SenderOutputs.Run(model, graph, corrupted);
        using var metric = DiscoveryMetric.For(discovery.Settings.Metric, [.. batch.Select(i => data.Examples[i])], cleanLogits);

        var p = tokens.shape[1];
        var kInput = zeros(24, p, model.Config.Heads, model.Config.DModel).requires_grad_(true);
        var mlpInput = zeros(24, p, model.Config.DModel).requires_grad_(true);
        var finalInput = zeros(24, p, model.Config.DModel).requires_grad_(true);
        var names = model.Hooks.Layers[1];
        var logits = model.Forward(tokens, new RunOptions
        {
            Gradients = true,
            Interventions =
            [
                Intervention.Custom(names.KInput, (a, _) => a + kInput),
                Intervention.Custom(names.ResidMid, (a, _) => a + mlpInput),
                Intervention.Custom(names.ResidPost, (a, _) => a - mlpInput + finalInput),
            ],
        });
        var grads = autograd.grad([metric.Sums(logits).sum()], [kInput, mlpInput, finalInput]);
        var run = new EdgePatchRun(model, graph);
        var mask = zeros(1, graph.Count).requires_grad_(true);
        var maskGrad = autograd.grad([metric.Sums(run.Forward(tokens, mask, clean, source, EdgeDelta.FromClean, gradients: true)).sum()], [mask])[0];

        var cases = new (Component Receiver, Tensor Gradient)[]
        {
            (Component.Head(1, 2, Channel.Key), grads[0].select(2, 2)),
            (Component.Mlp(1), grads[1]),
            (Component.Logits, grads[2]),
        };
        foreach (var (receiver, gradient) in cases)
            foreach (var sender in graph.SendersOf(receiver))
            {
                int s = graph.Senders.IndexOf(sender);
                double expected = ((source[s] - clean[s]) * gradient).sum().item<float>();
                double actual = maskGrad[0, graph.IndexOf(new Edge(sender, receiver))].item<float>();
                Assert.That(actual, Is.EqualTo(expected).Within(1e-4 + (1e-4 * Math.Abs(expected))), $"{sender} -> {receiver}");
            }
    }

    [TestCase(EdgeAblation.Zero)]
    [TestCase(EdgeAblation.Mean)]
    public void OtherAblationsFindTheHandSetCircuitToo(EdgeAblation ablation)
    {
        using var model = HandSetCircuit.Create();
        var settings = new DiscoverySettings(HandSetCircuit.Data(48, 3), MetricSpec.Loss(PositionSet.Named("repeated"))) { Seed = 1, Ablation = ablation };
        using var found = new EdgeDiscovery(model, settings);
        var scores = found.Exact();
        var kept = scores.AtLeast(1e-6).Select(e => e.ToString()).Order(StringComparer.Ordinal);
        // Zeroing the position embedding breaks the previous-token head's attention; its mean is itself (the same on every input).
        var expected = HandSetCircuit.Circuit.AsEnumerable();
        if (ablation == EdgeAblation.Zero)
            expected = expected.Concat([new(Component.PosEmbed, Component.Head(0, 0, Channel.Query)), new(Component.PosEmbed, Component.Head(0, 0, Channel.Key))]);
        Assert.That(kept, Is.EqualTo(expected.Select(e => e.ToString()).Order(StringComparer.Ordinal)));
    }
}
