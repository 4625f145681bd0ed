using CircuitDsl.Cli.Check;
using CircuitDsl.Compiler;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diff;
using CircuitDsl.Zoo;

namespace CircuitDsl.Cli.Diff;

/// <summary>
/// `circuit diff --run`: runs both versions of every differing hypothesis and adds their measured statistics side by
/// side as "before" and "after" columns. A version that cannot run shows why in its cell.
/// </summary>
public sealed class MeasuredColumns : IDisposable
{
    readonly RoslynPlanCompiler compiler;
    readonly CheckRunner runner;
    readonly string workingDirectory;
    readonly Dictionary<BoundHypothesis, Func<BoundExpectation, string>> measured = new(ReferenceEqualityComparer.Instance);

    public MeasuredColumns(CheckOptions options, string workingDirectory)
    {
        compiler = new RoslynPlanCompiler(new CircuitCompiler());
        runner = new CheckRunner(options, compiler, workingDirectory);
        this.workingDirectory = workingDirectory;
    }

    public IReadOnlyList<ExpectationColumn> Columns =>
    [
        new("before", (h, pair) => h.Old is { } old && pair.Old is { } e ? Measure(old, e) : null),
        new("after", (h, pair) => h.New is { } @new && pair.New is { } e ? Measure(@new, e) : null),
    ];

    string Measure(BoundHypothesis hypothesis, BoundExpectation expectation)
    {
        if (!measured.TryGetValue(hypothesis, out var lookup))
            measured[hypothesis] = lookup = Run(hypothesis);
        return lookup(expectation);
    }

    Func<BoundExpectation, string> Run(BoundHypothesis hypothesis)
    {
        // One hypothesis compiles on its own: its variables and data travel with the bound record.
        var compilation = compiler.Compile(new BoundCircuitFile(hypothesis.Span.File, [hypothesis], []));
        if (compilation.Hypotheses.Count != 1)
            return _ => "does not compile: " + string.Join("; ", compilation.Diagnostics.Select(d => d.Code));
        var runnable = compilation.Hypotheses[0];
        try
        {
            var (result, _, _) = runner.Execute(runnable, workingDirectory);
            return expectation =>
            {
                // The statistic the engine judged (a knockout's recovers is its fraction), as `check` reports it.
                var judged = result.Judging(expectation.Id)?.Expectation;
                return judged is not null ? $"{judged.Statistic.Spelling()} {ReportFormatting.WithInterval(judged.Estimate)}" : "not measured";
            };
        }
        catch (ModelNotShippedException e)
        {
            return _ => "skipped: " + e.Message;
        }
        catch (Exception e) when (CheckRunner.IsInputError(e))
        {
            return _ => "could not run: " + e.Message;
        }
    }

    public void Dispose() => runner.Dispose();
}
