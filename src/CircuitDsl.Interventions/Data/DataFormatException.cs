namespace CircuitDsl.Interventions.Data;

/// <summary>One problem in a data file, at a 1-based line.</summary>
public sealed record DataError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>A data file that cannot be used; the message lists every problem found, each with its line.</summary>
public sealed class DataFormatException(string path, IReadOnlyList<DataError> errors)
    : Exception($"{path}: {errors.Count} problem{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Take(50).Select(e => "  " + e)) +
                (errors.Count > 50 ? $"{Environment.NewLine}  ... and {errors.Count - 50} more" : ""))
{
    public string Path { get; } = path;
    public IReadOnlyList<DataError> Errors { get; } = errors;
}
