using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Check.Sensitivity;

/// <summary>
/// What `check --sensitivity` found for one hypothesis: per claim (expectation), each method choice that applies to
/// it with every option's statistic and verdict, and what it cost. A report, not a gate: the ordinary verdicts alone
/// decide the exit code.
/// </summary>
/// <param name="AlternativeChecks">Checks run beside the ordinary ones (one per claim and option other than the one run).</param>
/// <param name="ExperimentRuns">Extra experiment runs (one for every option but the metric's positions, one more for those).</param>
/// <param name="ForwardPasses">Forward passes those runs made: the clean, counterfactual and resampled runs (each once per batch, shared by every alternative of the run), the pool's means, and path senders' mean or zero runs.</param>
public sealed record SensitivityReport(IReadOnlyList<SensitivityRow> Rows, int AlternativeChecks, int ExperimentRuns, int ForwardPasses)
{
    public IEnumerable<SensitivityRow> Marked => Rows.Where(r => r.Marks.Any());
}

/// <summary>
/// One claim: its statement and place, its kind, its verdict as run, the choices that apply to it (none, with
/// <paramref name="NotApplicable"/> saying why, for the unmodified model).
/// </summary>
public sealed record SensitivityRow(
    ExpectationId Id, string Statement, string Kind, int Line, int Column, bool Passed, IReadOnlyList<SensitivityChoice> Choices, string? NotApplicable = null)
{
    /// <summary>The choices whose options change this claim's verdict although the file does not state them.</summary>
    public IEnumerable<SensitivityChoice> Marks => Choices.Where(c => !c.Justified && c.Flips(Passed));

    /// <summary>One line per mark: "verdict flips with ablation (the file does not state one)".</summary>
    public IEnumerable<string> MarkNotes => Marks.Select(c => $"verdict flips with {c.Name} ({c.Unstated})");
}

/// <summary>
/// A method choice as it applies to one claim: its name ("ablation", "unmapped", "granularity", "claim positions",
/// "metric positions"), whether the file justifies it (states it) and where or why not, and its options.
/// </summary>
/// <param name="Justification">Where the file states it ("stated at line 4"), or, when it does not, <see cref="Unstated"/>.</param>
/// <param name="Unstated">What the mark says when the file leaves the choice to its default ("the file does not state one").</param>
public sealed record SensitivityChoice(string Name, bool Justified, string Justification, string Unstated, IReadOnlyList<SensitivityOption> Options)
{
    /// <summary>Whether some option that ran gives another verdict than <paramref name="asRun"/>.</summary>
    public bool Flips(bool asRun) => Options.Any(o => !o.AsRun && o.Passed is { } passed && passed != asRun);
}

/// <summary>
/// One option of a choice: its label ("zero"), whether it is the one the ordinary run used, and the claim's statistic
/// and verdict under it (null when the statistic is not a finite number there: no verdict to flip to), or why it
/// could not run (<paramref name="NotRun"/>).
/// </summary>
public sealed record SensitivityOption(string Label, bool AsRun, Estimate? Value, bool? Passed, string? NotRun = null);
