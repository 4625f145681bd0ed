using CircuitDsl.Compiler;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// A hypothesis ready to run: the bound claim, and how to build its plan from the model's datasets and the run's
/// options. Each check's expectation carries its <see cref="BoundExpectation.Id"/>, by which reports join results.
/// </summary>
public sealed record RunnableHypothesis(BoundHypothesis Bound, Func<IDatasetProvider, CheckOptions, string, ExperimentPlan> BuildPlan);

/// <summary>What compiling a bound file gave: runnable hypotheses, or diagnostics at .circuit spans.</summary>
public sealed record PlanCompilation(IReadOnlyList<RunnableHypothesis> Hypotheses, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>The step between binding and running (the Roslyn compiler; tests may substitute a hand-built plan).</summary>
public interface IPlanCompiler
{
    PlanCompilation Compile(AnalysisResult analysis);

    /// <summary>
    /// Whether the plans are a function of the bound sources and this tool's code alone, so that results may be reused
    /// (<see cref="ResultCache"/>); a substitute that builds plans by hand is not, and its results are never cached.
    /// </summary>
    bool PlansFollowFromSources => false;
}

/// <summary>The real step: lowering to C#, the sandbox, Roslyn and the compile cache (<see cref="CircuitCompiler"/>).</summary>
public sealed class RoslynPlanCompiler(CircuitCompiler compiler) : IPlanCompiler
{
    public static IPlanCompiler Create() => new RoslynPlanCompiler(new CircuitCompiler());

    /// <inheritdoc />
    public bool PlansFollowFromSources => true;

    public PlanCompilation Compile(AnalysisResult analysis) => Compile(analysis.File!);

    public PlanCompilation Compile(BoundCircuitFile file)
    {
        var outcome = compiler.Compile(file);
        return new PlanCompilation(
            outcome.Hypotheses.Select(h => new RunnableHypothesis(h.Bound,
                (datasets, options, directory) => h.BuildPlan(datasets, new PlanOptions(options.Samples, options.Seed, directory)))).ToArray(),
            outcome.Diagnostics);
    }
}
