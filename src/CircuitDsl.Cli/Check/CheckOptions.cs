using CircuitDsl.Cli.Models;

namespace CircuitDsl.Cli.Check;

/// <summary>The choices of one `circuit check` run (command-line options).</summary>
/// <param name="Seed">Overrides every hypothesis's seed.</param>
/// <param name="Samples">Overrides every hypothesis's example count (the first N examples).</param>
/// <param name="Filter">Runs only hypotheses whose name contains this text.</param>
/// <param name="Models">Replaces files' models (--model DIR for every file, --model NAME=PATH for the files on NAME).</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
/// <param name="KeepStoredDtype">Keep F16/BF16 checkpoints' weight matrices as stored (the forward still computes in float32).</param>
/// <param name="Sensitivity">Rerun each claim under the ablation and position choices that apply to it (Check/Sensitivity); the ordinary verdicts still decide the exit code.</param>
public sealed record CheckOptions(long? Seed = null, int? Samples = null, string? Filter = null, ModelMapping? Models = null, int Threads = 0, bool KeepStoredDtype = false,
    bool Sensitivity = false)
{
    /// <summary>The model a file that names <paramref name="reference"/> runs on.</summary>
    public string ModelFor(string reference) => (Models ?? ModelMapping.None).Apply(reference);

    /// <summary>At most this many bytes of clean runs kept for a file's later hypotheses on the same data (0: none).</summary>
    public long SharedRunsBytes { get; init; } = Interventions.Execution.SharedRuns.DefaultBudgetBytes;

    public bool Selects(string hypothesis) => Filter is null || hypothesis.Contains(Filter, StringComparison.Ordinal);
}
