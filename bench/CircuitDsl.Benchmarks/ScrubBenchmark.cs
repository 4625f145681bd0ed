using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Benchmark 5c: causal scrubbing of the shipped induction model with one source per node copy and position
/// against one per node copy. Each alternative is a whole experiment (sampling, the scrubbed runs, the shared
/// baseline, the bootstrap); a third alternative scrubs with the baseline itself, so its time is what every
/// scrub check costs besides its own hypothesis. Interleaved runs, medians; then the recovered fractions on the
/// README's data (256 examples, seed 11, scrub seed 3).
/// </summary>
public static class ScrubBenchmark
{
    static readonly CausalVariable Token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
    static readonly CausalVariable PrevToken = CausalVariable.Of("prev_token", x => x.Tokens[x.Pos - 1]);
    static readonly CausalVariable NextToken = CausalVariable.Of("next_token", x => x.Tokens[x.Pos + 1]);
    static readonly Component[] InductionHeads = [Component.Head(1, 0), Component.Head(1, 1)];
    static ScrubBaseline Baseline => ScrubBaseline.ResampleInputsOf(InductionHeads);

    public static void Run(TextWriter output, int repetitions)
    {
        using var zoo = ZooCatalog.Load("zoo:attn-only-2l");
        var model = zoo.Model;
        int threads = TorchThreads.For(model); // as `circuit check` runs it: one thread for this model
        set_num_threads(threads);
        var runner = new ExperimentRunner(model);
        var metric = MetricSpec.Loss(PositionSet.Named("repeated"));

        output.WriteLine("## Causal scrubbing per position (zoo:attn-only-2l, refined induction hypothesis, loss at repeated positions)");
        output.WriteLine();
        output.WriteLine("| examples × positions | batch | torch threads | per example ms | per position ms | baseline only ms | per position / per example (less baseline only) |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int count in new[] { 64, 256 })
        {
            var data = RepeatedTokensData.Create(new RepeatedTokensTask(), count, 11);
            ExperimentPlan Plan(ScrubHypothesis h) => new("bench", data, metric, [new ScrubCheck("scrub", h, Baseline)]) { Seed = 3, BatchSize = 64 };
            var perExample = Plan(Refined(ResamplingGranularity.PerExample));
            var perPosition = Plan(Refined(ResamplingGranularity.PerPosition));
            var baselineOnly = Plan(Baseline.AsHypothesis());
            var times = Timing.MedianMilliseconds(count > 64 ? Math.Max(3, repetitions / 4) : repetitions,
                () => runner.Run(perExample), () => runner.Run(perPosition), () => runner.Run(baselineOnly));
            output.WriteLine($"| {count} × {data.Length} | 64 | {threads} | {Timing.F(times[0], "0")} | {Timing.F(times[1], "0")} | {Timing.F(times[2], "0")} | " +
                             $"{Timing.F((times[1] - times[2]) / (times[0] - times[2]), "0.0")}x |");
        }
        output.WriteLine();

        var readme = RepeatedTokensData.Create(new RepeatedTokensTask(), 256, 11);
        output.WriteLine("| hypothesis (256 examples, seed 11, scrub seed 3) | per example: recovers, IIA | per position: recovers, IIA | per position draws (from classes of one) |");
        output.WriteLine("|---|---|---|---|");
        foreach (var (name, build) in new (string, Func<ResamplingGranularity, ScrubHypothesis>)[]
                 {
                     ("naive", r => Naive(r)), ("refined", r => Refined(r)), ("refined, key path dropped", r => Refined(r, dropKeyPath: true)),
                     ("refined, key from L0.H1", r => Refined(r, keySource: Component.Head(0, 1))),
                 })
        {
            var result = runner.Run(new ExperimentPlan("bench", readme, metric,
                [new ScrubCheck("per example", build(ResamplingGranularity.PerExample), Baseline), new ScrubCheck("per position", build(ResamplingGranularity.PerPosition), Baseline)]) { Seed = 3 });
            string Cell(CheckResult c) => $"{c[Statistic.Recovers].Value:0.000} [{c[Statistic.Recovers].Low:0.000}, {c[Statistic.Recovers].High:0.000}], {c[Statistic.Iia].Value:0.000}";
            output.WriteLine($"| {name} | {Cell(result["per example"])} | {Cell(result["per position"])} | {result["per position"].Method["conditional draws"].Replace(", i.e. the parent's own input", "")} |");
        }
        output.WriteLine();
    }

    static InterpretationNode Embed(string name) => InterpretationNode.Of(name, Component.Embed);

    static InterpretationNode PrevHead(Component source) =>
        InterpretationNode.Of("prev_head", source).Computing(PrevToken).From(Embed("embed→prev"), agreeingOn: PrevToken);

    static ScrubHypothesis Hypothesis(string name, InterpretationNode induction, ResamplingGranularity resampling) =>
        new(name, InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction)) { Resampling = resampling };

    static ScrubHypothesis Naive(ResamplingGranularity resampling) => Hypothesis("naive", InterpretationNode.Of("induction", InductionHeads).Computing(NextToken)
        .From(Embed("embed→q"), Channel.Query, Token).From(PrevHead(Component.Head(0, 0)), Channel.Key).From(Embed("embed→v"), Channel.Value, Token), resampling);

    static ScrubHypothesis Refined(ResamplingGranularity resampling, Component? keySource = null, bool dropKeyPath = false)
    {
        var induction = InterpretationNode.Of("induction", InductionHeads).Computing(NextToken)
            .From(Embed("embed→q"), Channel.Query, Token)
            .From(Embed("embed→v"), Channel.Value, Token)
            .From(InterpretationNode.Of("layer0→v", Component.Head(0, 0), Component.Head(0, 1)), Channel.Value);
        if (!dropKeyPath) induction = induction.From(PrevHead(keySource ?? Component.Head(0, 0)), Channel.Key);
        return Hypothesis("refined", induction, resampling);
    }
}
