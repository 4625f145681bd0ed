using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>Why an embedded expression is refused, at a span relative to the expression's own text.</summary>
/// <param name="Descriptor">Its kind: one of <see cref="CompilerDiagnostics"/>, or the front end's CD3008/CD3009.</param>
public sealed record SandboxDiagnostic(DiagnosticDescriptor Descriptor, string Message, int Start, int Length)
{
    /// <summary>The stable code, e.g. CD3003.</summary>
    public string Code => Descriptor.Code;
}
