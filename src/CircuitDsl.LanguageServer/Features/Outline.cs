using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;
using CircuitDsl.LanguageServer.Protocol;

namespace CircuitDsl.LanguageServer.Features;

/// <summary>Document symbols, formatting and quick fixes: what needs only the root file's tree and diagnostics.</summary>
internal static partial class Outline
{
    [GeneratedRegex(@"did you mean '([^']+)'\?")]
    private static partial Regex DidYouMean();

    /// <summary>The file's imports, variables, groups and hypotheses (with their own variables, groups and nodes).</summary>
    public static JsonArray Symbols(SyntaxTree tree)
    {
        var symbols = new JsonArray();
        foreach (var statement in tree.Root.Statements)
        {
            if (statement is HypothesisSyntax hypothesis)
            {
                var children = new JsonArray();
                foreach (var member in hypothesis.Members)
                {
                    if (Symbol(tree.Source, member) is { } child)
                    {
                        children.Add(child);
                    }
                }

                var symbol = Make(tree.Source, hypothesis.Name.Text, Lsp.SymbolKind.Class, hypothesis.Span, hypothesis.Name.Span, hypothesis.Description?.Value);
                symbol["children"] = children;
                symbols.Add(symbol);
            }
            else if (Symbol(tree.Source, statement) is { } symbol)
            {
                symbols.Add(symbol);
            }
        }

        return symbols;
    }

    private static JsonObject? Symbol(SourceText source, StatementSyntax statement) => statement switch
    {
        LetSyntax let => Make(source, let.Name.Text, Lsp.SymbolKind.Variable, let.Span, let.Name.Span, "let"),
        GroupSyntax group => Make(source, group.Name.Text, Lsp.SymbolKind.Array, group.Span, group.Name.Span, SyntaxPrinter.Components(group.Components)),
        NodeSyntax node => Make(source, node.Name.Text, Lsp.SymbolKind.Object, node.Span, node.Name.Span, SyntaxPrinter.Components(node.Components)),
        ImportSyntax import => Make(source, import.Path.Value.Length == 0 ? "import" : import.Path.Value, Lsp.SymbolKind.File, import.Span, import.Path.Span, "import"),
        _ => null,
    };

    private static JsonObject Make(SourceText source, string name, int kind, SourceSpan span, SourceSpan selection, string? detail)
    {
        // The selection range must lie inside the full range; a recovered tree's spans are still checked.
        int start = Math.Min(span.Offset, selection.Offset);
        int end = Math.Max(span.End, selection.End);
        var symbol = new JsonObject
        {
            ["name"] = name.Length == 0 ? "?" : name,
            ["kind"] = kind,
            ["range"] = Positions.Range(source, start, end),
            ["selectionRange"] = Positions.Range(source, selection),
        };
        if (!string.IsNullOrEmpty(detail))
        {
            symbol["detail"] = SyntaxFacts.Shorten(detail);
        }

        return symbol;
    }

    /// <summary>
    /// The whole file as <c>circuit fmt</c> writes it, as one edit; none when it has syntax errors, is formatted
    /// already, or (a formatter bug) formatting would change its meaning.
    /// </summary>
    public static JsonArray Format(SourceText source)
    {
        var tree = CircuitParser.Parse(source);
        if (tree.HasErrors)
        {
            return [];
        }

        string formatted = CircuitFormatter.Format(tree);
        var reparsed = CircuitParser.Parse(formatted, source.FilePath);
        if (formatted == source.Text || reparsed.HasErrors || SyntaxDump.Of(reparsed.Root) != SyntaxDump.Of(tree.Root))
        {
            return [];
        }

        return [new JsonObject { ["range"] = Positions.Range(source, 0, source.Text.Length), ["newText"] = formatted }];
    }

    /// <summary>Quick fixes: a misspelt name replaced by the binder's suggestion.</summary>
    public static JsonArray CodeActions(string uri, SourceText source, IEnumerable<Diagnostic> diagnostics, int start, int end)
    {
        var actions = new JsonArray();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Span.File != source.FilePath || diagnostic.Span.End < start || diagnostic.Span.Offset > end)
            {
                continue;
            }

            if (DidYouMean().Match(diagnostic.Message) is not { Success: true } match)
            {
                continue;
            }

            string replacement = match.Groups[1].Value;
            var range = Positions.Range(source, diagnostic.Span);
            actions.Add(new JsonObject
            {
                ["title"] = $"Change to '{replacement}'",
                ["kind"] = "quickfix",
                ["isPreferred"] = true,
                ["diagnostics"] = new JsonArray(Diagnostics.ToJson(source, diagnostic)),
                ["edit"] = new JsonObject
                {
                    ["changes"] = new JsonObject
                    {
                        [uri] = new JsonArray(new JsonObject { ["range"] = range, ["newText"] = replacement }),
                    },
                },
            });
        }

        return actions;
    }
}

/// <summary>Diagnostics in the protocol's form.</summary>
internal static class Diagnostics
{
    public static JsonObject ToJson(SourceText source, Diagnostic diagnostic) => new()
    {
        ["range"] = Positions.Range(source, diagnostic.Span),
        ["severity"] = diagnostic.IsError ? 1 : 2,
        ["code"] = diagnostic.Code,
        ["source"] = "circuit",
        ["message"] = diagnostic.Message,
    };
}
