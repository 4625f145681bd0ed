using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>The kinds of named declaration.</summary>
internal enum SymbolKind
{
    Variable,
    Group,
    Node,
}

/// <summary>A declared name: what it is, where it is declared, and in which scope (file or hypothesis).</summary>
internal sealed record Symbol(string Name, SymbolKind Kind, StatementSyntax Declaration, SourceSpan NameSpan, Scope Owner)
{
    public string KindName => Kind switch { SymbolKind.Variable => "variable", SymbolKind.Group => "group", _ => "node" };
}

/// <summary>One namespace for variables, groups and nodes; a hypothesis scope sits inside the file scope.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, Symbol> _symbols = new(StringComparer.Ordinal);
    private readonly List<Symbol> _inOrder = [];

    public Scope? Parent => parent;

    /// <summary>This scope's symbols in declaration order.</summary>
    public IReadOnlyList<Symbol> Declared => _inOrder;

    /// <summary>Declares a name; returns the earlier declaration when the name is taken here or in a parent.</summary>
    public Symbol? Declare(string name, SymbolKind kind, StatementSyntax declaration, SourceSpan nameSpan)
    {
        var existing = Lookup(name);
        if (existing is not null)
        {
            return existing;
        }

        var symbol = new Symbol(name, kind, declaration, nameSpan, this);
        _symbols[name] = symbol;
        _inOrder.Add(symbol);
        return null;
    }

    public Symbol? Lookup(string name) => _symbols.TryGetValue(name, out var symbol) ? symbol : parent?.Lookup(name);

    /// <summary>Every visible symbol, the outer scope's first, each in declaration order.</summary>
    public IEnumerable<Symbol> Visible => (parent?.Visible ?? []).Concat(_inOrder);
}
