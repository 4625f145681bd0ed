using System.Security.Cryptography;
using CircuitDsl.Cli.Pictures;
using CircuitDsl.Cli.Reports;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Runtime.Weights;

namespace CircuitDsl.Cli.Check;

/// <summary>Turns the engine's results and the binder's hypotheses into report records.</summary>
public static class ReportBuilder
{
    public static HypothesisReport Hypothesis(RunnableHypothesis runnable, ExperimentResult result, string displayPath, string modelSha256)
    {
        var bound = runnable.Bound;
        var checks = result.Checks.Select(c => new CheckEntry(c.Name, c.Kind, c.Statistics, c.Method, Expectation(runnable, c, displayPath))).ToArray();
        return new HypothesisReport(bound.Name, bound.Description, result.Model, modelSha256, result.Data, result.Examples, result.Metric,
            result.Seed, checks, MermaidWriter.Write(HypothesisGraph.Of(bound), Measured(checks)));
    }

    public static SkippedHypothesis Skipped(BoundHypothesis bound, string model, string reason) =>
        new(bound.Name, model, reason, bound.Span.Line, bound.Span.Column, bound.Expectations.Select(e => e.Text).ToArray());

    static ExpectationEntry? Expectation(RunnableHypothesis runnable, CheckResult check, string displayPath)
    {
        if (check.Expectation is not { } outcome) return null;
        var bound = runnable.Bound;
        int index = runnable.CheckNames.ToList().IndexOf(check.Name);
        var source = index >= 0 && index < bound.Expectations.Length ? bound.Expectations[index] : bound.Expectations.FirstOrDefault(e => e.Text == outcome.Statement);
        string statistic = source is null ? "" : StatisticName(source.Statistic);
        var estimate = check.Statistics.TryGetValue(statistic, out var e) ? e
            : new Interventions.Statistics.Estimate(outcome.Value, outcome.Value, outcome.Value, 0, 0, "none");
        return new ExpectationEntry(displayPath, source?.Span.Line ?? 0, source?.Span.Column ?? 0, bound.Name, check.Name, outcome.Statement,
            statistic, estimate, source is null ? "" : Operator(source.Operator), source?.Threshold ?? double.NaN, outcome.Passed, outcome.IntervalAgrees);
    }

    /// <summary>Labels the graph's arrows with the measured effect of the path check that names the same two boxes.</summary>
    static Func<GraphArrow, string?> Measured(IReadOnlyList<CheckEntry> checks) => arrow =>
    {
        var match = checks.FirstOrDefault(c => c.Expectation is { } e && e.Statistic == "effect" && e.Statement.Contains(arrow.From, StringComparison.Ordinal));
        return match?.Expectation is { } found ? $"effect {ReportFormatting.Number(found.Value.Value)}" : null;
    };

    public static DiagnosticEntry Diagnostic(Diagnostic d, DiagnosticLocator locator)
    {
        var place = locator.Locate(d);
        return new DiagnosticEntry(d.Code, d.Severity.ToString().ToLowerInvariant(), d.Message, place.Path, place.StartLine, place.StartColumn,
            place.EndLine, place.EndColumn);
    }

    public static string Sha256OfFile(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>
    /// A model folder's identity: the hash of its config and weights files, in name order. Files are streamed (weights
    /// can be larger than one array) and must be regular (a .json linked to /dev/zero would never end).
    /// </summary>
    public static string Sha256OfFolder(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (string file in Directory.GetFiles(folder).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".safetensors", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            using var stream = ModelFiles.OpenRead(file, "missing: it was listed a moment ago");
            for (int read; (read = stream.Read(buffer)) > 0;) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // The language's statistics (Recovers, Metric, Effect) are the engine's statistic keys, lower-cased.
    static string StatisticName(Language.Statistic statistic) => statistic.ToString().ToLowerInvariant();

    static string Operator(Language.ComparisonOperator op) => op switch
    {
        Language.ComparisonOperator.GreaterOrEqual => ">=",
        Language.ComparisonOperator.LessOrEqual => "<=",
        Language.ComparisonOperator.Greater => ">",
        _ => "<",
    };
}
