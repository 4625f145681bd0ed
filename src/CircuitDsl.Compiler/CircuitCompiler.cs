using System.Collections.Immutable;
using System.Reflection;
using CircuitDsl.Compiler.Lowering;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Compiler;

/// <summary>
/// From a bound .circuit file to runnable plans: lower to C# (sandboxing every causal variable first), compile with
/// Roslyn through the cache, and hand back one plan builder per hypothesis. One instance can compile many files;
/// sandbox verdicts and compiled assemblies are remembered, so an unchanged file costs no Roslyn run.
/// </summary>
public sealed class CircuitCompiler
{
    readonly SandboxChecker sandbox = new();
    readonly RoslynCompiler roslyn;

    /// <param name="cache">Where compiled plans are kept (default: <see cref="CompileCache.Default"/>, on disk).</param>
    public CircuitCompiler(CompileCache? cache = null) =>
        roslyn = new RoslynCompiler([typeof(ExperimentPlan).Assembly, typeof(ComparisonOperator).Assembly], cache ?? CompileCache.Default());

    /// <summary>How many times Roslyn compiled a generated file (a cache hit does not count).</summary>
    public int RoslynInvocations => roslyn.RoslynInvocations;

    /// <summary>The generated C# alone (what <c>circuit emit</c> prints), or the diagnostics that stop it.</summary>
    public LoweredFile Lower(BoundCircuitFile file) => new CircuitLowerer(sandbox).Lower(file);

    public CompileOutcome Compile(BoundCircuitFile file)
    {
        var lowered = Lower(file);
        if (!lowered.Success) return new CompileOutcome(null, lowered.Diagnostics, RoslynRan: false, []);

        var result = roslyn.Compile(lowered.Source!);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Select(d => ToDiagnostic(d, lowered)).ToImmutableArray();
            return new CompileOutcome(lowered.Source!.Text, errors, !result.CacheHit, []);
        }

        var plans = result.Assembly!.GetType(lowered.PlansType, throwOnError: true)!;
        var hypotheses = lowered.Hypotheses.Select(h => new CompiledHypothesis(h.Bound,
            plans.GetMethod(h.MethodName, BindingFlags.Public | BindingFlags.Static)!
                .CreateDelegate<Func<IDatasetProvider, string, int?, long?, ExperimentPlan>>()));
        return new CompileOutcome(lowered.Source!.Text, lowered.Diagnostics, !result.CacheHit, [.. hypotheses]);
    }

    /// <summary>
    /// A Roslyn error at a mapped location is in user text: CD3005 at the .circuit span, with Roslyn's code and
    /// message. Anything else is the compiler's own bug (CD3099), reported at the file's start.
    /// </summary>
    internal static Diagnostic ToDiagnostic(CompileDiagnostic error, LoweredFile lowered)
    {
        if (error.Location is { } at)
        {
            foreach (var expression in lowered.Expressions.Where(e => e.Span.File == at.File))
            {
                int start = SourceSpans.OffsetOf(expression.Span, expression.Expression, at.StartLine, at.StartColumn);
                int end = SourceSpans.OffsetOf(expression.Span, expression.Expression, at.EndLine, at.EndColumn);
                if (start >= 0 && end >= start)
                    return CompilerDiagnostics.CSharpError.Create(SourceSpans.Within(expression.Span, expression.Expression, start, end - start), $"{error.RoslynId}: {error.Message}");
            }
        }
        return CompilerDiagnostics.InternalCompilerError.Create(new SourceSpan(lowered.FilePath, 0, 0, 1, 1), $"{error.RoslynId}: {error.Message}");
    }
}
