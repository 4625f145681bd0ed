namespace CircuitDsl.Cli.Check.Sensitivity;

/// <summary>How the sensitivity matrix reads in the text and Markdown reports (one vocabulary for both).</summary>
internal static class SensitivityFormatting
{
    /// <summary>"zero -0.312 FAIL"; the option the ordinary run used carries a "*"; one that could not run says so.</summary>
    public static string Option(SensitivityOption o) =>
        (o.AsRun ? o.Label + "*" : o.Label) + " " + (o.NotRun is not null ? "not run" : o.Value is { } v ? $"{ReportFormatting.Number(v.Value)} {(o.Passed is null ? "undefined" : o.Passed.Value ? "pass" : "FAIL")}" : "no value");

    public static string Options(SensitivityChoice choice, string separator = " | ") => string.Join(separator, choice.Options.Select(Option));

    public static string Claim(SensitivityRow row) => $"line {row.Line}: {row.Statement}";

    /// <summary>"stated at line 4", or "not stated" for a default the file relies on.</summary>
    public static string Justification(SensitivityChoice choice) => choice.Justified ? choice.Justification : "not stated";

    /// <summary>The mark of a choice on a claim: "verdict flips (the file does not state one)", "flips (stated)" or nothing.</summary>
    public static string Mark(SensitivityRow row, SensitivityChoice choice) =>
        !choice.Flips(row.Passed) ? "" : choice.Justified ? "flips (stated)" : $"verdict flips with {choice.Name} ({choice.Unstated})";

    /// <summary>What the rerun cost, in one line.</summary>
    public static string Cost(SensitivityReport s) =>
        $"{s.AlternativeChecks} alternative checks in {s.ExperimentRuns} extra experiment run{(s.ExperimentRuns == 1 ? "" : "s")}, {s.ForwardPasses} forward passes (the clean, counterfactual and resampled runs once per batch, shared by every alternative of a run; the pool's means; mean and zero sender values)";

    /// <summary>Reasons alternatives could not run, one line each.</summary>
    public static IEnumerable<string> NotRunLines(SensitivityReport s) =>
        s.Rows.SelectMany(r => r.Choices.SelectMany(c => c.Options.Where(o => o.NotRun is not null).Select(o => $"line {r.Line}, {c.Name} {o.Label}: not run: {o.NotRun}")));
}
