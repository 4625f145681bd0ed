using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// Everything `circuit check` found, in the shape every report format is written from. It carries what reproduces
/// a result: file and model hashes, seeds, sample counts, every method choice, and the versions of the packages
/// that computed it. <see cref="SchemaVersion"/> changes whenever the JSON form changes incompatibly.
/// </summary>
public sealed record CheckReport(ToolVersions Tool, IReadOnlyList<FileReport> Files)
{
    public const int CurrentSchemaVersion = 1;
    public int SchemaVersion => CurrentSchemaVersion;

    public IEnumerable<ExpectationEntry> Expectations =>
        Files.SelectMany(f => f.Hypotheses).SelectMany(h => h.Checks).Select(c => c.Expectation).OfType<ExpectationEntry>();

    public bool HasErrors => Files.Any(f => f.Diagnostics.Any(d => d.IsError));
    /// <summary>Whether CircuitDsl itself failed somewhere (a CD4099 diagnostic): the run exits 3.</summary>
    public bool HasInternalErrors => Files.Any(f => f.Diagnostics.Any(d => d.Code == RunDiagnostics.InternalError.Code));
    public bool AllExpectationsHold => Expectations.All(e => e.Passed);

    /// <summary>Hypotheses not run because their model is not here; they neither pass nor fail.</summary>
    public IEnumerable<SkippedHypothesis> Skipped => Files.SelectMany(f => f.Skipped);
    public int SkippedExpectations => Skipped.Sum(s => s.Expectations.Count);

    /// <summary>How many hypotheses' results were reused from the result cache, of all that have results.</summary>
    public (int Reused, int Of) Reuse
    {
        get
        {
            var hypotheses = Files.SelectMany(f => f.Hypotheses).ToList();
            return (hypotheses.Count(h => h.Reused), hypotheses.Count);
        }
    }
}

/// <summary>The versions of what computed the numbers (reports are only comparable between equal versions).</summary>
public sealed record ToolVersions(string CircuitDsl, string TorchSharp, string Roslyn, string DotNet);

/// <summary>One .circuit file: its content hash, its hypotheses' results, any diagnostics, and the hypotheses it skipped.</summary>
public sealed record FileReport(
    string Path, string Sha256, IReadOnlyList<HypothesisReport> Hypotheses, IReadOnlyList<DiagnosticEntry> Diagnostics,
    IReadOnlyList<SkippedHypothesis> Skipped)
{
    /// <summary>
    /// <c>error</c> (an error diagnostic), <c>failed</c> (an expectation failed), <c>skipped</c> (nothing ran and
    /// something was skipped) or <c>passed</c>.
    /// </summary>
    public string Status =>
        Diagnostics.Any(d => d.IsError) ? "error"
        : Hypotheses.SelectMany(h => h.Checks).Any(c => c.Expectation is { Passed: false }) ? "failed"
        : Hypotheses.Count == 0 && Skipped.Count > 0 ? "skipped"
        : "passed";

    /// <summary>Each distinct reason this file skipped hypotheses, with their names (one line per reason in reports).</summary>
    public IEnumerable<(string Reason, IReadOnlyList<SkippedHypothesis> Hypotheses)> SkipReasons =>
        Skipped.GroupBy(s => s.Reason).Select(g => (g.Key, (IReadOnlyList<SkippedHypothesis>)g.ToArray()));
}

/// <summary>
/// A hypothesis that bound and compiled but was not run: its model is a known one whose weights are not shipped.
/// <paramref name="Reason"/> is one line saying how to run it; <paramref name="Expectations"/> are the statements
/// that were not measured.
/// </summary>
public sealed record SkippedHypothesis(string Name, string Model, string Reason, int Line, int Column, IReadOnlyList<string> Expectations);

/// <summary>One hypothesis as run: model, data and metric, the seed, and each check's numbers.</summary>
/// <param name="Graph">The hypothesis as a Mermaid flowchart (Markdown reports draw it).</param>
/// <param name="Reused">Whether the numbers are those recorded by an earlier run with the same inputs (<see cref="ResultCache"/>).</param>
/// <param name="Weights">How the weight matrices were held (<see cref="ModelWeights"/>): "float32", or a half precision kept as stored.</param>
public sealed record HypothesisReport(
    string Name, string? Description, string Model, string ModelSha256, string Data, int Examples, string Metric, long Seed,
    IReadOnlyList<CheckEntry> Checks, string? Graph, bool Reused = false, string Weights = ModelWeights.Float32)
{
    /// <summary>The claims rerun under the alternatives that apply to them (`check --sensitivity`); null without it.</summary>
    public Sensitivity.SensitivityReport? Sensitivity { get; init; }
}

/// <summary>
/// One check of a hypothesis: the engine's result as it ran (statistics with intervals in the order the check computed
/// them, method, expectation outcome), and that expectation located at its statement, if the check has one.
/// </summary>
public sealed record CheckEntry(CheckResult Result, ExpectationEntry? Expectation);

/// <summary>
/// An expectation's outcome as the engine judged it (<see cref="Outcome"/>), located at its statement in its .circuit
/// file (1-based line and column), with the comparison the statement makes.
/// </summary>
public sealed record ExpectationEntry(
    string File, int Line, int Column, string Hypothesis, string Check, ExpectationOutcome Outcome, ComparisonOperator Operator, double Threshold)
{
    public ExpectationId Id => Outcome.Id;
    public string Statement => Outcome.Statement;
    public Statistic Statistic => Outcome.Statistic;
    public Estimate Value => Outcome.Estimate;
    public bool Passed => Outcome.Passed;

    /// <summary>Whether the whole 95% interval is on the passing side (pass/fail is judged on the point value).</summary>
    public bool IntervalAgrees => Outcome.IntervalAgrees;
}

/// <summary>A diagnostic as reports carry it: located (the file as reports name it), with its kind's title.</summary>
public sealed record DiagnosticEntry(string Code, string Title, DiagnosticSeverity Severity, string Message, string File, int Line, int Column, int EndLine, int EndColumn)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>The severity as reports spell it: "error" or "warning".</summary>
    public string SeverityWord => Severity == DiagnosticSeverity.Error ? "error" : "warning";
}
