using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Language.Syntax;

/// <summary>The result of parsing one file: the tree, the comments (for the formatter) and the syntax diagnostics.</summary>
public sealed record SyntaxTree(
    SourceText Source,
    CompilationUnitSyntax Root,
    IReadOnlyList<Comment> Comments,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>The file path the tree was parsed from.</summary>
    public string FilePath => Source.FilePath;

    /// <summary>True when parsing reported an error.</summary>
    public bool HasErrors => Diagnostics.HasErrors();
}
