using System.Collections.Immutable;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Compiler;

/// <summary>What the command line may change without editing the file: fewer examples, another seed, where data files are.</summary>
/// <param name="Count">Replaces the data statement's <c>count</c>.</param>
/// <param name="Seed">Replaces the data statement's <c>seed</c> and the plan's seed.</param>
/// <param name="BaseDirectory">What data file paths are relative to (default: the current directory, as the paths the binder resolved are).</param>
public sealed record PlanOptions(int? Count = null, long? Seed = null, string? BaseDirectory = null);

/// <summary>
/// A compiled hypothesis: the bound claim, and how to build the plan that tests it. Each expectation's result carries
/// its <see cref="BoundExpectation.Id"/> (<c>ExperimentResult.Judging(id)</c>).
/// </summary>
public sealed class CompiledHypothesis(BoundHypothesis bound, Func<IDatasetProvider, string, int?, long?, ExperimentPlan> build)
{
    public BoundHypothesis Bound { get; } = bound;

    /// <summary>Makes the data through <paramref name="datasets"/> and builds the plan. Data errors surface here (e.g. NotSupportedException for a task without a generator).</summary>
    public ExperimentPlan BuildPlan(IDatasetProvider datasets, PlanOptions? options = null)
    {
        options ??= new PlanOptions();
        return build(datasets, options.BaseDirectory ?? Directory.GetCurrentDirectory(), options.Count, options.Seed);
    }
}

/// <summary>The result of compiling one bound file.</summary>
/// <param name="Source">The generated C# (null when the file has compile errors).</param>
/// <param name="Diagnostics">CD3xxx diagnostics at .circuit spans (render them like the front end's).</param>
/// <param name="RoslynRan">False when the compiled assembly came from the cache.</param>
/// <param name="Hypotheses">In file order; empty when there are errors.</param>
public sealed record CompileOutcome(string? Source, ImmutableArray<Diagnostic> Diagnostics, bool RoslynRan, ImmutableArray<CompiledHypothesis> Hypotheses)
{
    public bool Success => !Diagnostics.HasErrors();
}
