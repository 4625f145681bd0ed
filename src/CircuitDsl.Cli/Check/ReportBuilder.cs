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
    public static HypothesisReport Hypothesis(RunnableHypothesis runnable, ExperimentResult result, string displayPath, string modelSha256,
        string weights = ModelWeights.Float32) =>
        Hypothesis(runnable.Bound, result, displayPath, modelSha256, weights);

    /// <summary>The report of <paramref name="bound"/> from its result, whether just computed or reused (<see cref="ResultCache"/>).</summary>
    public static HypothesisReport Hypothesis(BoundHypothesis bound, ExperimentResult result, string displayPath, string modelSha256,
        string weights = ModelWeights.Float32)
    {
        var checks = result.Checks.Select(c => new CheckEntry(c, Expectation(bound, c, displayPath))).ToArray();
        return new HypothesisReport(bound.Name, bound.Description, result.Model, modelSha256, result.Data, result.Examples, result.Metric,
            result.Seed, checks, MermaidWriter.Write(HypothesisGraph.Of(bound), Measured(bound, result)), Weights: weights);
    }

    public static SkippedHypothesis Skipped(BoundHypothesis bound, string model, string reason) =>
        new(bound.Name, model, reason, bound.Span.Line, bound.Span.Column, bound.Expectations.Select(e => e.Text).ToArray());

    /// <summary>
    /// The expectation as the engine judged it: the statistic it read and that statistic's own estimate, located at the
    /// bound expectation whose id the outcome carries. A check the binder did not ask for is a bug, not a report line.
    /// </summary>
    static ExpectationEntry? Expectation(BoundHypothesis bound, CheckResult check, string displayPath)
    {
        if (check.Expectation is not { } outcome) return null;
        var source = bound.Expectations.FirstOrDefault(e => e.Id == outcome.Id)
            ?? throw new InternalReportException($"check '{check.Name}' of hypothesis '{bound.Name}' judged expectation '{outcome.Id}', which is none of its expectations ({string.Join(", ", bound.Expectations.Select(e => e.Id))})");
        if (!check.Statistics.TryGetValue(outcome.Statistic, out var estimate) || estimate != outcome.Estimate)
            throw new InternalReportException($"check '{check.Name}' judged '{outcome.Statistic.Spelling()}', which its statistics ({string.Join(", ", check.Statistics.Keys.Select(k => k.Spelling()))}) do not carry");
        return new ExpectationEntry(displayPath, source.Span.Line, source.Span.Column, bound.Name, check.Name, outcome, source.Operator, source.Threshold);
    }

    /// <summary>
    /// Labels each arrow with the measured effect of every path check whose senders and receivers are the arrow's own
    /// components (the binder's components, not their spelling: box ids write L1.H0 as L1_H0).
    /// </summary>
    static Func<GraphArrow, string?> Measured(BoundHypothesis bound, ExperimentResult result)
    {
        var effects = new List<(PathHop Senders, PathHop Receivers, double Effect)>();
        foreach (var e in bound.Expectations)
        {
            if (e.Path is not { } path || e.Statistic != Statistic.Effect) continue;
            if (result.Judging(e.Id)?.Expectation is not { } measured) continue;
            effects.Add((path.Hops[0], path.Hops[1], measured.Value));
        }
        return arrow =>
        {
            var values = effects.Where(m => arrow.Joins(m.Senders.Components, m.Receivers.Components))
                .Select(m => ReportFormatting.Number(m.Effect)).ToList();
            return values.Count == 0 ? null : "effect " + string.Join(", ", values);
        };
    }

    public static DiagnosticEntry Diagnostic(Diagnostic d, DiagnosticLocator locator)
    {
        var place = locator.Locate(d);
        return new DiagnosticEntry(d.Code, d.Descriptor.Title, d.Severity, d.Message, place.Path, place.StartLine, place.StartColumn,
            place.EndLine, place.EndColumn);
    }

    /// <summary>The hash of a checked file, or empty when it is not a regular source file (its diagnostic says why).</summary>
    public static string Sha256OfFile(string path) =>
        InputFiles.TryReadBounded(path, ResourceLimits.MaxSourceFileBytes, nameof(ResourceLimits.MaxSourceFileBytes), out byte[] bytes, out _)
            ? Convert.ToHexStringLower(SHA256.HashData(bytes))
            : string.Empty;

    /// <summary>
    /// A model folder's identity: the hash of its config and weights files, in name order. Files are streamed (weights
    /// can be larger than one array) and must be regular (a .json linked to /dev/zero would never end).
    /// </summary>
    public static string Sha256OfFolder(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (string file in Directory.GetFiles(folder).Where(ReadByTheLoader).Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            using var stream = ModelFiles.OpenRead(file, "missing: it was listed a moment ago");
            for (int read; (read = stream.Read(buffer)) > 0;) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The files a loader reads: configs and tokenizer.json, weights (shards too), and a SentencePiece tokenizer.model.</summary>
    static bool ReadByTheLoader(string file) =>
        file.EndsWith(".json", StringComparison.Ordinal) || file.EndsWith(".safetensors", StringComparison.Ordinal) ||
        Path.GetFileName(file) == "tokenizer.model";

}
