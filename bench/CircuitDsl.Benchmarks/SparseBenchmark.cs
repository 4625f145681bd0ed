using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 13's position- and metric-sparse execution, side by side in one run: (a) every head into the logits on a
/// GPT-2-small-shaped random model, the engine against one hooked forward per sender (<see cref="LiteralPathPatcher"/>)
/// and against the floor (the two cached forwards alone); (b) the zoo model's shipped path file and a sweep into
/// q receivers on the GPT-2 shape, against the same loop; (d) the fixed cost of a model-only check beyond its forward.
/// Medians of interleaved runs, torch threads as <c>circuit check</c> sets them.
/// </summary>
public static class SparseBenchmark
{
    public static readonly ModelConfig Gpt2Small = new()
    {
        Name = "gpt2-small-shaped (random)", Layers = 12, Heads = 12, DModel = 768, DHead = 64, DMlp = 3072,
        VocabSize = 50257, ContextLength = 1024, TiedUnembedding = true,
    };

    /// <summary>Repetitions of the GPT-2-sized sweeps (at most; `--repetitions` may ask for fewer).</summary>
    public static int Gpt2Repetitions { get; set; } = 3;

    /// <summary>GPT-2-sized sweeps without the literal loop (`--skip-loop`): the engine against its floor only, in seconds rather than minutes.</summary>
    public static bool SkipLoop { get; set; }

    /// <summary>Only the zoo model's shipped path file (part of (b)).</summary>
    public static void RunZooPaths(TextWriter output, int repetitions)
    {
        using var zoo = ZooCatalog.Load("zoo:attn-only-2l");
        Header(output);
        ZooPathFile(output, zoo, Math.Max(3, repetitions));
    }

    /// <summary>Only (d): the fixed cost of a model-only check on the GPT-2 shape.</summary>
    public static void RunFixedCost(TextWriter output, int repetitions)
    {
        using var model = new HookedTransformer(Gpt2Small);
        model.InitializeWeights(1);
        int threads = TorchThreads.For(model);
        set_num_threads(threads);
        ModelCheckFixedCost(output, model, RandomPairs(Gpt2Small, 8, 16, 3), threads, Math.Max(3, repetitions));
    }

    public static void Run(TextWriter output, int repetitions)
    {
        output.WriteLine("## Sparse execution: path patching against one hooked forward per sender, and against the floor");
        output.WriteLine();
        output.WriteLine("Floor: the two cached forwards (clean, corrupted) the engine makes per batch (per distinct batch of a file: its hypotheses on the same data share them). Metric: logit_diff at the last position (a), loss at `repeated` (zoo file).");
        output.WriteLine();
        Header(output);
        using (var zoo = ZooCatalog.Load("zoo:attn-only-2l"))
            ZooPathFile(output, zoo, Math.Max(3, repetitions));
        using var model = new HookedTransformer(Gpt2Small);
        model.InitializeWeights(1);
        int threads = TorchThreads.For(model);
        set_num_threads(threads);
        var data = RandomPairs(Gpt2Small, 8, 16, 3);
        var fixedCost = new StringWriter();
        ModelCheckFixedCost(fixedCost, model, data, threads, Math.Max(3, repetitions)); // printed after the table
        var heads = (from l in Enumerable.Range(0, Gpt2Small.Layers) from h in Enumerable.Range(0, Gpt2Small.Heads)
                     select PatchEndpoint.At(Component.Head(l, h))).ToArray();
        // One loop is a hooked GPT-2-sized forward per sender: few repetitions, warmed up on a few senders.
        int reps = Math.Min(repetitions, Gpt2Repetitions);
        Sweep(output, "5a", model, data, heads, PathPatchSpec.Of([], PatchEndpoint.At(Component.Logits)), "144 heads → logits", threads, reps);
        var end = PositionSet.At(-1);
        var queries = PathPatchSpec.Of([], PatchEndpoint.At(Component.Head(9, 6, Channel.Query), end), PatchEndpoint.At(Component.Head(9, 9, Channel.Query), end),
            PatchEndpoint.At(Component.Head(10, 0, Channel.Query), end));
        Sweep(output, "5b", model, data, heads.Where(s => s.Component.Layer is >= 6 and < 9).ToArray(), queries, "36 heads of L6–L8 → L9.H6.q, L9.H9.q, L10.H0.q at END", threads, reps);
        output.WriteLine();
        output.Write(fixedCost);
    }

    /// <summary>One path sweep through the engine (as `circuit check` runs it), through the literal loop, and the floor.</summary>
    static void Sweep(TextWriter output, string label, HookedTransformer model, Dataset data, PatchEndpoint[] senders, PathPatchSpec receivers, string what, int threads, int repetitions)
    {
        var metric = MetricSpec.LogitDiff();
        var plan = new ExperimentPlan("sweep", data, metric, [])
            { Counterfactual = CounterfactualSource.Paired, BatchSize = data.Count };
        var engine = new double[senders.Length];
        var loop = new double[senders.Length];
        var references = TokenBatch.Range(0, data.Count);
        Action Engine(PatchEndpoint[] some) => () =>
        {
            var result = new ExperimentRunner(model).Run(plan with { Checks = [new PathSweepCheck("sweep", [.. some], receivers)] });
            for (int s = 0; s < some.Length; s++) engine[s] = result.Checks[s][Statistic.Metric].Value;
        };
        Action Literal(PatchEndpoint[] some) => () =>
        {
            var clean = TokenBatch.Of(data, references);
            var corrupted = TokenBatch.Of(data, references, counterfactual: true);
            var metrics = Loop(model, data.Examples, clean, corrupted, [.. some.Select(s => receivers with { Senders = [s] })], metric);
            for (int s = 0; s < some.Length; s++) loop[s] = metrics[s].Sum / metrics[s].Count;
        };
        var few = senders.Take(4).ToArray();
        Engine(few)();
        if (!SkipLoop) Literal(few)();
        Floor(model, data, references);
        var times = SkipLoop
            ? [.. Timing.MedianMilliseconds(repetitions, warmUp: false, Engine(senders), () => Floor(model, data, references)).SelectMany((t, i) => i == 0 ? [t, double.NaN] : new[] { t })]
            : Timing.MedianMilliseconds(repetitions, warmUp: false, Engine(senders), Literal(senders), () => Floor(model, data, references));
        Row(output, label, model, $"{data.Count} × {data.Length}", what, threads, times, SkipLoop ? double.NaN : engine.Zip(loop).Max(p => Math.Abs(p.First - p.Second)));
    }

    static void Header(TextWriter output)
    {
        output.WriteLine("| case | model | batch × tokens | senders → receivers | torch threads | loop ms | engine ms | floor ms | loop / engine | engine / floor | max abs metric difference |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
    }

    static void Row(TextWriter output, string label, HookedTransformer model, string shape, string what, int threads, IReadOnlyList<double> t, double difference) =>
        output.WriteLine($"| {label} | {model.Config.Name} | {shape} | {what} | {threads} | {Timing.F(t[1], "0")} | {Timing.F(t[0], "0")} | {Timing.F(t[2], "0")} | " +
                         $"{Timing.F(t[1] / t[0], "0.0")}× | {Timing.F(t[0] / t[2], "0.00")} | {difference:0.0e+0} |");

    /// <summary>One hooked forward pair per sender set (Wang's passes C and D), the metric on full logits.</summary>
    static (double Sum, int Count)[] Loop(HookedTransformer model, IReadOnlyList<Example> references, Tensor clean, Tensor corrupted, PathPatchSpec[] specs, MetricSpec metric)
    {
        using var scope = NewDisposeScope();
        var patcher = new LiteralPathPatcher(new ComponentHooks(model));
        var (a, b) = patcher.Cache(clean, corrupted);
        using (a)
        using (b)
            return specs.Select(spec =>
            {
                using var inner = NewDisposeScope();
                var (sums, counts) = MetricEvaluator.Evaluate(metric, patcher.Run(spec, clean, a, b, references), references);
                return (sums.Sum(), counts.Sum());
            }).ToArray();
    }

    /// <summary>The two cached forwards of a batch, recording what the engine records.</summary>
    static void Floor(HookedTransformer model, Dataset data, int[] references)
    {
        using var scope = NewDisposeScope();
        using var runs = new RunCache(model, new ComponentHooks(model).StandardHooks());
        runs.Get(data, references);
        runs.Get(data, references, counterfactual: true);
    }

    /// <summary>hypotheses/induction-paths.circuit compiled as `circuit check` compiles it, each hypothesis through the engine and through the loop.</summary>
    static void ZooPathFile(TextWriter output, LoadedModel zoo, int repetitions)
    {
        var model = zoo.Model;
        int threads = TorchThreads.For(model);
        set_num_threads(threads);
        var plans = CompilePlans("induction-paths.circuit", zoo);
        var metric = plans[0].Metric;
        var engine = new List<double>();
        var loop = new List<double>();
        var times = Timing.MedianMilliseconds(repetitions,
            () =>
            {
                engine.Clear();
                engine.AddRange(AsCheckRuns(model, plans).SelectMany(r => r.Checks.Select(c => c[Statistic.Metric].Value)));
            },
            () =>
            {
                loop.Clear();
                foreach (var plan in plans) loop.AddRange(LoopOverPlan(model, plan));
            },
            () => AsCheckRuns(model, [.. plans.Select(plan => plan with { BootstrapResamples = 0 })]),
            () =>
            {
                // Each hypothesis with its own cached runs, as before they were shared.
                foreach (var plan in plans) new ExperimentRunner(model).Run(plan);
            },
            () =>
            {
                // Pass D as before: the whole tail from the receivers' layer on, every head, every position.
                foreach (var plan in plans) new ExperimentRunner(model) { TouchedHeadsOnly = false }.Run(plan);
            },
            () =>
            {
                // What any check of these plans costs before patching: the runner, its cached runs and the clean metric.
                AsCheckRuns(model, [.. plans.Select(plan => plan with { Checks = [new ModelCheck("model")], BootstrapResamples = 0 })]);
            },
            () => Floor(model, plans));
        int paths = plans.Sum(p => Specs(p).Count());
        string shape = $"{plans[0].Data.Count} × {plans[0].Data.Length} (batches of {plans[0].BatchSize})";
        double difference = engine.Zip(loop).Max(p => Math.Abs(p.First - p.Second));
        Row(output, "5b", model, shape, $"induction-paths.circuit: {plans.Length} hypotheses, {paths} paths", threads, [times[0], times[1], times[6]], difference);
        // The loop computes no intervals; the engine's bootstrap (1,000 resamples per statistic) is not patching.
        Row(output, "5b", model, shape, "the same, engine without bootstrap intervals", threads, [times[2], times[1], times[6]], difference);
        Row(output, "5b", model, shape, "the same, each hypothesis making its own cached runs (not shared)", threads, [times[3], times[1], times[6]], difference);
        Row(output, "5b", model, shape, "the same, pass D over the whole tail (every head of the receivers' layer, every position), not shared", threads, [times[4], times[1], times[6]], difference);
        Row(output, "5b", model, shape, "a model check instead of the paths, no intervals (the engine's part before patching)", threads, [times[5], times[1], times[6]], difference);
        CpuTimes(output, model, plans);
    }

    /// <summary>
    /// The zoo file's engine, loop and floor in process CPU time (10 runs each, interleaved in that order): on a machine
    /// that others share, wall time counts the time this process waits for a core; CPU time does not.
    /// </summary>
    static void CpuTimes(TextWriter output, HookedTransformer model, ExperimentPlan[] plans)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        Action[] runs =
        [
            () => AsCheckRuns(model, plans),
            () => { foreach (var plan in plans) LoopOverPlan(model, plan).ToArray(); },
            () => Floor(model, plans),
        ];
        var cpu = new double[runs.Length];
        for (int r = 0; r < 10; r++)
            for (int i = 0; i < runs.Length; i++)
            {
                process.Refresh();
                var before = process.TotalProcessorTime;
                runs[i]();
                process.Refresh();
                cpu[i] += (process.TotalProcessorTime - before).TotalMilliseconds / 10;
            }
        output.WriteLine();
        output.WriteLine($"Zoo file in process CPU time (means of 10 interleaved runs): engine {Timing.F(cpu[0], "0")} ms, loop {Timing.F(cpu[1], "0")} ms, " +
                         $"floor {Timing.F(cpu[2], "0")} ms: loop / engine {Timing.F(cpu[1] / cpu[0], "0.0")}×, engine / floor {Timing.F(cpu[0] / cpu[2], "0.00")}.");
    }

    /// <summary>The plans as `circuit check` runs a file's hypotheses: in order, clean runs on the same tokens made once (<see cref="SharedRuns"/>).</summary>
    static ExperimentResult[] AsCheckRuns(HookedTransformer model, ExperimentPlan[] plans)
    {
        using var shared = new SharedRuns(model, SharedRuns.DefaultBudgetBytes);
        return [.. plans.Select((plan, i) =>
        {
            shared.Keeping = i < plans.Length - 1;
            return new ExperimentRunner(model) { SharedRuns = shared }.Run(plan);
        })];
    }

    /// <summary>The two cached forwards (clean, x_new) of every distinct batch of the plans: hypotheses on the same tokens need them once.</summary>
    static void Floor(HookedTransformer model, ExperimentPlan[] plans)
    {
        using var distinct = new SharedRuns(model, long.MaxValue);
        foreach (var plan in plans)
            foreach (var (start, end) in TokenBatch.Ranges(plan.Data.Count, plan.BatchSize))
            {
                using var scope = NewDisposeScope();
                using var runs = new RunCache(model, new ComponentHooks(model).StandardHooks(), distinct);
                runs.Get(plan.Data, TokenBatch.Range(start, end));
                runs.Get(plan.Data, Counterfactuals(plan)[start..end]);
            }
    }

    /// <summary>The plan's path checks, one sender set each, through the literal loop batch by batch (x_new as the engine draws it).</summary>
    static IEnumerable<double> LoopOverPlan(HookedTransformer model, ExperimentPlan plan)
    {
        var specs = Specs(plan).ToArray();
        var sums = new double[specs.Length];
        var counts = new int[specs.Length];
        var counterfactuals = Counterfactuals(plan);
        foreach (var (start, end) in TokenBatch.Ranges(plan.Data.Count, plan.BatchSize))
        {
            var examples = Enumerable.Range(start, end - start).Select(i => plan.Data.Examples[i]).ToArray();
            var metrics = Loop(model, examples, TokenBatch.Of(plan.Data, TokenBatch.Range(start, end)), TokenBatch.Of(plan.Data, counterfactuals[start..end]), specs, plan.Metric);
            for (int s = 0; s < specs.Length; s++)
            {
                sums[s] += metrics[s].Sum;
                counts[s] += metrics[s].Count;
            }
        }
        return sums.Select((s, i) => s / counts[i]);
    }

    static IEnumerable<PathPatchSpec> Specs(ExperimentPlan plan) => plan.Checks.SelectMany(c => c switch
    {
        PathPatchCheck p => [p.Spec],
        PathSweepCheck s => s.Senders.Select(x => s.Receivers with { Senders = [x] }),
        _ => throw new InvalidOperationException($"{c.Name} is not a path check"),
    });

    /// <summary>x_new per reference as the runner draws it for <see cref="CounterfactualSource.Resampled"/>.</summary>
    static int[] Counterfactuals(ExperimentPlan plan)
    {
        if (plan.Counterfactual != CounterfactualSource.Resampled) throw new InvalidOperationException("the shipped path file resamples x_new");
        var random = SplitMix64.For(plan.Seed, "counterfactual");
        return Enumerable.Range(0, plan.Data.Count).Select(_ => plan.Data.PoolDatum(random.Next(plan.Data.Pool.Count))).ToArray();
    }

    static ExperimentPlan[] CompilePlans(string file, LoadedModel zoo)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDsl.sln"))) directory = directory.Parent;
        string path = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("cannot find CircuitDsl.sln"), "hypotheses", file);
        var c = zoo.Model.Config;
        var shape = new ModelShape("attn-only-2l", Layers: c.Layers, HeadsPerLayer: c.Heads, HasMlps: c.HasMlp, DModel: c.DModel, VocabSize: c.VocabSize, ContextLength: c.ContextLength);
        var analysis = CircuitAnalyzer.AnalyzeFile(path, new PhysicalFileProvider(), new InMemoryModelResolver(new Dictionary<string, ModelShape> { ["zoo:attn-only-2l"] = shape }), ZooTasks.Catalog);
        var bound = analysis.File ?? throw new InvalidOperationException(analysis.RenderText());
        var outcome = new CircuitCompiler(CompileCache.InMemory()).Compile(bound);
        if (!outcome.Success) throw new InvalidOperationException(string.Join("; ", outcome.Diagnostics));
        var datasets = new ZooDatasets(zoo.Tokenizer, c.ContextLength);
        return outcome.Hypotheses.Select(h => h.BuildPlan(datasets, new PlanOptions(BaseDirectory: Path.GetDirectoryName(path)))).ToArray();
    }

    /// <summary>(d) A model-only check through the engine against the plain forward it cannot avoid: what is left is fixed cost.</summary>
    static void ModelCheckFixedCost(TextWriter output, HookedTransformer model, Dataset data, int threads, int repetitions)
    {
        var plan = new ExperimentPlan("model", data, MetricSpec.LogitDiff(), [new ModelCheck("model")]) { Counterfactual = CounterfactualSource.Paired, BatchSize = data.Count };
        var runner = new ExperimentRunner(model);
        var references = TokenBatch.Range(0, data.Count);
        var times = Timing.MedianMilliseconds(repetitions,
            () => runner.Run(plan),
            () =>
            {
                using var scope = NewDisposeScope();
                using var runs = new RunCache(model, new ComponentHooks(model).StandardHooks());
                runs.Get(data, references);
            });
        output.WriteLine("## Fixed cost of a model-only check (beyond its forward)");
        output.WriteLine();
        output.WriteLine("The forward: the cached run the engine makes (to the final stream; a plain forward to full logits adds the [b·p, vocab] unembedding).");
        output.WriteLine();
        output.WriteLine("| model | batch × tokens | torch threads | cached runs | engine ms | cached forward ms | fixed cost ms |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        output.WriteLine($"| {model.Config.Name} | {data.Count} × {data.Length} | {threads} | {runner.CachedRuns} | {Timing.F(times[0], "0")} | {Timing.F(times[1], "0")} | {Timing.F(times[0] - runner.CachedRuns * times[1], "0")} |");
        output.WriteLine();
    }

    static Dataset RandomPairs(ModelConfig config, int count, int positions, ulong seed)
    {
        var random = new SplitMix64(seed);
        int[] Tokens() => Enumerable.Range(0, positions).Select(_ => random.Next(config.VocabSize)).ToArray();
        return new Dataset(Enumerable.Range(0, count).Select(_ => new Example(Tokens(), Tokens(), random.Next(config.VocabSize), random.Next(config.VocabSize))).ToArray());
    }
}
