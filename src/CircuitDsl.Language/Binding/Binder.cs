using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>The binder's result: the bound file when there are no errors, and every diagnostic either way.</summary>
public sealed record BindResult(BoundCircuitFile? File, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Binds a loaded file against model shapes: resolves names (file scope: this file's and imported
/// <c>let</c>/<c>group</c>; hypothesis scope: its own lets, groups and nodes), resolves every component against
/// the model, checks paths and the causal-scrubbing correspondence, and builds the immutable bound hypotheses.
/// Never throws on any syntax tree.
/// </summary>
public static class Binder
{
    /// <summary>
    /// Binds <paramref name="sources"/>; each hypothesis is checked against its own model, and its data statement
    /// against the task <paramref name="tasks"/> defines. Data files are inspected through <paramref name="files"/>
    /// (missing, not a regular file, too large); without it they are not looked at.
    /// </summary>
    public static BindResult Bind(LoadedSources sources, IModelResolver models, ITaskCatalog tasks, IFileProvider? files = null)
    {
        var diagnostics = new DiagnosticBag();
        var fileScope = new Scope(parent: null);
        var fileSettings = new SettingsTable(diagnostics);

        foreach (var imported in sources.Imported)
        {
            foreach (var statement in imported.Root.Statements)
            {
                if (statement is LetSyntax or GroupSyntax)
                {
                    Declare(fileScope, statement, diagnostics);
                }
                else if (statement is not (ImportSyntax or SkippedSyntax))
                {
                    diagnostics.Add(DiagnosticCatalog.ImportedDeclaration.Create(statement.Span, imported.FilePath, Describe(statement)));
                }
            }
        }

        var root = sources.Root;
        foreach (var statement in root.Root.Statements)
        {
            switch (statement)
            {
                case LetSyntax or GroupSyntax:
                    Declare(fileScope, statement, diagnostics);
                    break;
                case SettingSyntax setting:
                    fileSettings.Add(setting);
                    break;
            }
        }

        var modelCache = new Dictionary<string, ModelResolution>(StringComparer.Ordinal);
        var hypotheses = ImmutableArray.CreateBuilder<BoundHypothesis>();
        var names = new Dictionary<string, HypothesisSyntax>(StringComparer.Ordinal);
        foreach (var hypothesis in root.Root.Statements.OfType<HypothesisSyntax>())
        {
            if (!names.TryAdd(hypothesis.Name.Text, hypothesis))
            {
                diagnostics.Add(DiagnosticCatalog.DuplicateName.Create(hypothesis.Name.Span, hypothesis.Name.Text, Where(names[hypothesis.Name.Text].Name.Span)));
            }

            var binder = new HypothesisBinder(hypothesis, root.FilePath, fileScope, fileSettings, models, modelCache, tasks, files, diagnostics);
            var bound = binder.Bind();
            if (bound is not null)
            {
                hypotheses.Add(bound);
            }
        }

        var all = diagnostics.ToImmutable();
        var file = all.HasErrors()
            ? null
            : new BoundCircuitFile(root.FilePath, hypotheses.ToImmutable(), [.. sources.Imported.Select(t => t.FilePath)]);
        return new BindResult(file, all);
    }

    /// <summary>file:line:col of a span, for "already defined at" messages.</summary>
    internal static string Where(SourceSpan span) => $"{span.File}:{span.Line}:{span.Column}";

    internal static void Declare(Scope scope, StatementSyntax statement, DiagnosticBag diagnostics)
    {
        var (name, kind) = statement switch
        {
            LetSyntax let => (let.Name, SymbolKind.Variable),
            GroupSyntax group => (group.Name, SymbolKind.Group),
            NodeSyntax node => (node.Name, SymbolKind.Node),
            _ => throw new ArgumentOutOfRangeException(nameof(statement), statement.GetType().Name, "Not a declaration."),
        };

        var existing = scope.Declare(name.Text, kind, statement, name.Span);
        if (existing is not null)
        {
            diagnostics.Add(DiagnosticCatalog.DuplicateName.Create(name.Span, name.Text, Where(existing.NameSpan)));
        }
    }

    private static string Describe(StatementSyntax statement) => statement switch
    {
        HypothesisSyntax hypothesis => $"hypothesis '{hypothesis.Name.Text}'",
        SettingSyntax setting => $"a '{setting.Keyword}' setting",
        _ => "a statement",
    };
}

/// <summary>Collects diagnostics once each (a file-level group resolved for two hypotheses reports once).</summary>
internal sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    private readonly HashSet<(string Code, string File, int Offset, string Message)> _seen = [];

    public void Add(Diagnostic diagnostic)
    {
        if (_seen.Add((diagnostic.Code, diagnostic.Span.File, diagnostic.Span.Offset, diagnostic.Message)))
        {
            _items.Add(diagnostic);
            ErrorCount += diagnostic.IsError ? 1 : 0;
        }
    }

    public int ErrorCount { get; private set; }

    public ImmutableArray<Diagnostic> ToImmutable() => [.. _items];
}

/// <summary>The settings of one scope (file or hypothesis): at most one of each kind.</summary>
internal sealed class SettingsTable(DiagnosticBag diagnostics)
{
    private readonly Dictionary<Type, SettingSyntax> _settings = [];

    public void Add(SettingSyntax setting)
    {
        if (!_settings.TryAdd(setting.GetType(), setting))
        {
            diagnostics.Add(DiagnosticCatalog.DuplicateSetting.Create(setting.Span, setting.Keyword, Binder.Where(_settings[setting.GetType()].Span)));
        }
    }

    public T? Get<T>()
        where T : SettingSyntax => _settings.TryGetValue(typeof(T), out var setting) ? (T)setting : null;
}
