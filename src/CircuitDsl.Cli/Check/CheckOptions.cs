namespace CircuitDsl.Cli.Check;

/// <summary>The choices of one `circuit check` run (command-line options).</summary>
/// <param name="Seed">Overrides every hypothesis's seed.</param>
/// <param name="Samples">Overrides every hypothesis's example count (the first N examples).</param>
/// <param name="Filter">Runs only hypotheses whose name contains this text.</param>
/// <param name="Model">Overrides every file's model (e.g. a local GPT-2 checkpoint for a GPT-2 file).</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
public sealed record CheckOptions(long? Seed = null, int? Samples = null, string? Filter = null, string? Model = null, int Threads = 0)
{
    public bool Selects(string hypothesis) => Filter is null || hypothesis.Contains(Filter, StringComparison.Ordinal);
}
