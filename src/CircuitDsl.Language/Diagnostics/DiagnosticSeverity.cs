namespace CircuitDsl.Language.Diagnostics;

/// <summary>How bad a diagnostic is. Errors stop the pipeline; warnings are reported and the run goes on.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The file cannot be used as written.</summary>
    Error,

    /// <summary>The file works, but probably not as meant.</summary>
    Warning,
}
