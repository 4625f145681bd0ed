using System.Globalization;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// Refuses, at binding, a dataset that would not fit: more examples than <see cref="ResourceLimits.MaxExamples"/>, or
/// more tokens than <see cref="ResourceLimits.MaxDatasetTokens"/> (CD2036, with the estimate), and examples longer
/// than the model's context (CD2019). A typo such as <c>count: 100000000</c> is then a message, not gigabytes.
/// </summary>
internal static class DatasetLimits
{
    private const int BytesPerToken = sizeof(int); // a token id

    /// <summary>False (with diagnostics) when the bound request makes a dataset that cannot be made.</summary>
    public static bool Check(DataSettingSyntax data, TaskDefinition task, TaskRequest request, ModelShape? shape, DiagnosticBag diagnostics)
    {
        long? count = request.OptionalInteger(TaskRequest.CountArgument);
        long? tokensPerExample = shape is not null && task.TokensPerExample is { } tokens ? tokens(request, shape.ContextLength) : null;
        var countSpan = Argument(data, TaskRequest.CountArgument)?.Value.Span ?? data.Span;
        if (tokensPerExample > shape?.ContextLength)
        {
            var lengthSpan = Argument(data, "length")?.Value.Span ?? data.Span;
            diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(lengthSpan,
                $"Task '{task.Name}' makes examples of {tokensPerExample} tokens, longer than the context of model '{shape!.Name}' ({shape.ContextLength} positions)."));
            return false;
        }

        if (count is not { } examples)
        {
            return true;
        }

        var problems = new List<string>();
        if (examples > ResourceLimits.MaxExamples)
        {
            problems.Add($"count {examples} is over the limit of {Number(ResourceLimits.MaxExamples)} examples ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxExamples)})");
        }

        if (tokensPerExample is { } perExample && (decimal)examples * perExample > ResourceLimits.MaxDatasetTokens)
        {
            decimal total = (decimal)examples * perExample;
            problems.Add($"count {examples} × {perExample} tokens = {Scientific(total)} tokens, over the limit of {Scientific(ResourceLimits.MaxDatasetTokens)} " +
                $"({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxDatasetTokens)}; the token ids alone would take about {Gigabytes(total * BytesPerToken)})");
        }

        if (problems.Count == 0)
        {
            return true;
        }

        diagnostics.Add(DiagnosticCatalog.DatasetTooLarge.Create(countSpan, $"Dataset too large: {string.Join("; and ", problems)}."));
        return false;
    }

    private static ArgumentSyntax? Argument(DataSettingSyntax data, string name) =>
        data.Arguments.FirstOrDefault(a => a.Name?.Text == name);

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>3.4e9, 5e7: two significant digits, as a person compares sizes.</summary>
    private static string Scientific(decimal value) =>
        ((double)value).ToString("0.#e0", CultureInfo.InvariantCulture);

    private static string Gigabytes(decimal bytes) => ((double)bytes / (1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";
}
