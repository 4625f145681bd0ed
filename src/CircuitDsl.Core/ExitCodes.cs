namespace CircuitDsl;

/// <summary>The exit codes of every verb of `circuit` (documented in README.md); no verb exits with any other.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked and every expectation holds.</summary>
    public const int Ok = 0;
    /// <summary>Some expectation failed, a baseline regressed, or (fmt --check) some file would change.</summary>
    public const int Failed = 1;
    /// <summary>The user's input (file, data, model, usage) is wrong; diagnostics with file:line:col were printed.</summary>
    public const int Error = 2;
    /// <summary>An internal error of CircuitDsl (a bug): one line says so; the trace only with --verbose.</summary>
    public const int Internal = 3;

    /// <summary>A verb's result as one of the four codes: anything else a verb returned is a bug.</summary>
    public static int Known(int code) => code is >= Ok and <= Internal ? code : Internal;
}
