using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// The codes `circuit check` adds when running (the front end's catalogue holds CD1xxx, CD2xxx and CD5001–5003; the
/// compiler's sandbox and Roslyn mapping hold CD3xxx). Codes are append-only.
/// </summary>
public static class RunDiagnostics
{
    /// <summary>The engine could not run a hypothesis's checks (an empty resampling class, data without a named position...).</summary>
    public static readonly DiagnosticDescriptor CheckCouldNotRun =
        new("CD4001", DiagnosticSeverity.Error, "Check could not run", "Hypothesis '{0}' could not run: {1}");

    /// <summary>A causal variable's expression threw (or ran past its budget) on one example; located at the expression.</summary>
    public static readonly DiagnosticDescriptor CausalVariableFailed =
        new("CD4002", DiagnosticSeverity.Error, "Causal variable failed", "Hypothesis '{0}' could not run: {1}");

    /// <summary>`circuit discover` cannot run on these settings (a metric without gradient, too little memory).</summary>
    public static readonly DiagnosticDescriptor DiscoveryCouldNotRun =
        new("CD4003", DiagnosticSeverity.Error, "Discovery could not run", "Discovery could not run on the settings of '{0}': {1}");

    /// <summary>`circuit import` cannot read a circuit file: not JSON, not EAP-IG/MIB's circuit format, or names a component the model lacks.</summary>
    public static readonly DiagnosticDescriptor CircuitNotImported =
        new("CD4004", DiagnosticSeverity.Error, "Circuit not imported", "Cannot import this circuit: {0}");

    /// <summary>`circuit discover` estimates that the chosen method needs more memory than the machine has (before any forward runs).</summary>
    public static readonly DiagnosticDescriptor DiscoveryOutOfMemory =
        new("CD4005", DiagnosticSeverity.Error, "Discovery needs more memory than is available",
            "Discovery could not run on the settings of '{0}': {1} needs an estimated {2} ({3}), more than the {4} of {5}; {6}");

    /// <summary>A bug of CircuitDsl while checking this file: the file is reported as errored and the others still run.</summary>
    public static readonly DiagnosticDescriptor InternalError =
        new("CD4099", DiagnosticSeverity.Error, "Internal error", "Internal error of CircuitDsl (a bug, not in this file) while {0}: {1}: {2}");

    /// <summary>The model resolved from its config, but its weights or tokenizer could not be loaded.</summary>
    public static readonly DiagnosticDescriptor ModelNotLoaded =
        new("CD5004", DiagnosticSeverity.Error, "Model not loaded", "Cannot load model '{0}': {1}");

    /// <summary>Every descriptor, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticDescriptor.DeclaredIn(typeof(RunDiagnostics));
}
