namespace CircuitDsl.Cli;

/// <summary>The exit codes of every verb (documented in README.md).</summary>
public static class ExitCodes
{
    /// <summary>Everything worked and every expectation holds.</summary>
    public const int Ok = 0;
    /// <summary>Some expectation failed, or (fmt --check) some file would change.</summary>
    public const int Failed = 1;
    /// <summary>Input, model, usage or compile errors; diagnostics were printed.</summary>
    public const int Error = 2;
}
