using System.Collections.Immutable;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.LanguageServer.Features;

/// <summary>What a declared name is.</summary>
public enum DeclarationKind
{
    /// <summary><c>let</c>: a causal variable.</summary>
    Variable,

    /// <summary><c>group</c>: components that share a role.</summary>
    Group,

    /// <summary><c>node</c>: a node of the interpretation graph.</summary>
    Node,
}

/// <summary>A <c>let</c>, <c>group</c> or <c>node</c> declaration; <see cref="Owner"/> is null at file level.</summary>
public sealed record Declaration(string Name, DeclarationKind Kind, NameSyntax NameSyntax, StatementSyntax Statement, HypothesisSyntax? Owner, string File);

/// <summary>Where a name is used: as a component (group or node) or inside a C# expression (a variable).</summary>
public sealed record NameReference(string Name, SourceSpan Span, bool InExpression, HypothesisSyntax? Owner);

/// <summary>An <c>import</c> statement and the path it resolves to.</summary>
public sealed record ImportReference(ImportSyntax Syntax, string ResolvedPath);

/// <summary>Something at a place in the root file that hover, definition and references can talk about.</summary>
public abstract record Occurrence(SourceSpan Span, HypothesisSyntax? Owner);

/// <summary>A declaration's own name.</summary>
public sealed record DeclarationOccurrence(Declaration Declaration) : Occurrence(Declaration.NameSyntax.Span, Declaration.Owner);

/// <summary>A use of a declared name.</summary>
public sealed record ReferenceOccurrence(NameReference Reference) : Occurrence(Reference.Span, Reference.Owner);

/// <summary>A layer component such as <c>L1.H0.k</c>.</summary>
public sealed record ComponentOccurrence(LayerComponentSyntax Component, HypothesisSyntax? At) : Occurrence(Component.Span, At);

/// <summary><c>embed</c>, <c>pos_embed</c> or <c>logits</c>.</summary>
public sealed record BuiltinOccurrence(BuiltinComponentSyntax Component, HypothesisSyntax? At) : Occurrence(Component.Span, At);

/// <summary>A named position in an <c>at</c> clause.</summary>
public sealed record PositionOccurrence(NamedPositionSyntax Position, HypothesisSyntax? At) : Occurrence(Position.Name.Span, At);

/// <summary>The task of a <c>data</c> statement.</summary>
public sealed record TaskOccurrence(DataSettingSyntax Data, HypothesisSyntax? At) : Occurrence(Data.Task.Span, At);

/// <summary>A named argument of a <c>data</c> statement.</summary>
public sealed record ArgumentOccurrence(DataSettingSyntax Data, ArgumentSyntax Argument, HypothesisSyntax? At) : Occurrence(Argument.Name!.Span, At);

/// <summary>The kind of a <c>metric</c> statement.</summary>
public sealed record MetricOccurrence(MetricSettingSyntax Metric, HypothesisSyntax? At) : Occurrence(Metric.Kind.Span, At);

/// <summary>An answer named by <c>logit_diff(A, B)</c>.</summary>
public sealed record AnswerOccurrence(NameSyntax Answer, HypothesisSyntax? At) : Occurrence(Answer.Span, At);

/// <summary>An <c>expect</c> statement (hover finds the word under the cursor in it).</summary>
public sealed record ExpectOccurrence(ExpectSyntax Expect, HypothesisSyntax? At) : Occurrence(Expect.Span, At);

/// <summary>An <c>import</c> statement's path.</summary>
public sealed record ImportOccurrence(ImportReference Import) : Occurrence(Import.Syntax.Path.Span, null);

/// <summary>A hypothesis's name.</summary>
public sealed record HypothesisOccurrence(HypothesisSyntax Hypothesis) : Occurrence(Hypothesis.Name.Span, Hypothesis);

/// <summary>A <c>model</c> reference.</summary>
public sealed record ModelOccurrence(ModelSettingSyntax Model, HypothesisSyntax? At) : Occurrence(Model.Reference.Span, At);

/// <summary>
/// The names of one analysed file, read from the front end's syntax trees (the root and every file it imports): the
/// declarations, where each name is used, the imports, and everything in the root a cursor can rest on. Name lookup
/// follows the binder's scopes: a hypothesis's own declarations, then the file's, then the imported files'.
/// </summary>
public sealed class SymbolIndex
{
    private readonly List<Occurrence> _occurrences = [];

    private SymbolIndex(LoadedSources sources)
    {
        Sources = sources;
        foreach (var tree in sources.TreesByPath.Values.OrderBy(t => t.FilePath, StringComparer.Ordinal))
        {
            Index(tree, isRoot: tree.FilePath == sources.Root.FilePath);
        }
    }

    /// <summary>The sources the index was built from.</summary>
    public LoadedSources Sources { get; }

    /// <summary>Every declaration in the root and its imports.</summary>
    public List<Declaration> Declarations { get; } = [];

    /// <summary>Every use of a name in the root and its imports.</summary>
    public List<NameReference> References { get; } = [];

    /// <summary>Every import in the root and its imports.</summary>
    public List<ImportReference> Imports { get; } = [];

    /// <summary>Builds the index of loaded sources.</summary>
    public static SymbolIndex Of(LoadedSources sources) => new(sources);

    /// <summary>The innermost thing in the root file at an offset (a cursor just after a name still touches it).</summary>
    public Occurrence? At(int offset) =>
        _occurrences.Where(o => o.Span.Offset <= offset && offset <= o.Span.End)
            .OrderBy(o => o.Span.Length)
            .FirstOrDefault();

    /// <summary>The hypothesis of the root file around an offset, if any.</summary>
    public HypothesisSyntax? HypothesisAt(int offset) =>
        Sources.Root.Root.Statements.OfType<HypothesisSyntax>()
            .LastOrDefault(h => h.Span.Offset <= offset && (offset <= h.Span.End || !h.IsClosed));

    /// <summary>The declaration a name means where it is used.</summary>
    public Declaration? Resolve(string name, HypothesisSyntax? owner, string file)
    {
        if (owner is not null && Declarations.FirstOrDefault(d => d.Owner == owner && d.Name == name) is { } local)
        {
            return local;
        }

        return Declarations.FirstOrDefault(d => d.Owner is null && d.Name == name && d.File == file)
            ?? Declarations.FirstOrDefault(d => d.Owner is null && d.Name == name);
    }

    /// <summary>The declaration an occurrence is or names, if any.</summary>
    public Declaration? DeclarationOf(Occurrence occurrence) => occurrence switch
    {
        DeclarationOccurrence d => d.Declaration,
        ReferenceOccurrence r => Resolve(r.Reference.Name, r.Reference.Owner, r.Reference.Span.File),
        _ => null,
    };

    /// <summary>Every use of a declaration in the indexed files.</summary>
    public IEnumerable<NameReference> UsesOf(Declaration declaration) =>
        References.Where(r => r.Name == declaration.Name && Resolve(r.Name, r.Owner, r.Span.File) is { } d && Same(d, declaration));

    /// <summary>Declarations visible at a place of the root file: the hypothesis's own, the file's and the imported ones.</summary>
    public IEnumerable<Declaration> VisibleIn(HypothesisSyntax? hypothesis) =>
        Declarations.Where(d => d.Owner is null || d.Owner == hypothesis);

    /// <summary>The setting of a kind that applies inside a hypothesis: its own, else the root file's.</summary>
    public T? Setting<T>(HypothesisSyntax? hypothesis)
        where T : SettingSyntax =>
        hypothesis?.Members.OfType<T>().FirstOrDefault() ?? Sources.Root.Root.Statements.OfType<T>().FirstOrDefault();

    /// <summary>True when two declarations are the same statement.</summary>
    public static bool Same(Declaration a, Declaration b) => a.File == b.File && a.NameSyntax.Span.Offset == b.NameSyntax.Span.Offset;

    private void Index(SyntaxTree tree, bool isRoot)
    {
        foreach (var statement in tree.Root.Statements)
        {
            switch (statement)
            {
                case ImportSyntax import:
                    var reference = new ImportReference(import, SourceLoader.ResolveImport(tree.FilePath, import.Path.Value));
                    Imports.Add(reference);
                    Add(isRoot, new ImportOccurrence(reference));
                    break;
                case HypothesisSyntax hypothesis:
                    Add(isRoot, new HypothesisOccurrence(hypothesis));
                    foreach (var member in hypothesis.Members)
                    {
                        Statement(member, hypothesis, tree.FilePath, isRoot);
                    }

                    break;
                default:
                    Statement(statement, null, tree.FilePath, isRoot);
                    break;
            }
        }
    }

    private void Statement(StatementSyntax statement, HypothesisSyntax? owner, string file, bool isRoot)
    {
        switch (statement)
        {
            case LetSyntax let:
                Declare(new Declaration(let.Name.Text, DeclarationKind.Variable, let.Name, let, owner, file), isRoot);
                Expression(let.Expression, owner, isRoot);
                break;
            case GroupSyntax group:
                Declare(new Declaration(group.Name.Text, DeclarationKind.Group, group.Name, group, owner, file), isRoot);
                Components(group.Components, owner, isRoot);
                break;
            case NodeSyntax node:
                Declare(new Declaration(node.Name.Text, DeclarationKind.Node, node.Name, node, owner, file), isRoot);
                Components(node.Components, owner, isRoot);
                At(node.At, owner, isRoot);
                Expression(node.Computes, owner, isRoot);
                foreach (var input in node.Inputs)
                {
                    Components(input.Sources, owner, isRoot);
                    At(input.At, owner, isRoot);
                    Expression(input.AgreeingOn, owner, isRoot);
                }

                break;
            case UnimportantSyntax unimportant:
                Components(unimportant.Components, owner, isRoot);
                break;
            case BaselineSettingSyntax baseline:
                Components(baseline.Components, owner, isRoot);
                break;
            case ExpectSyntax expect:
                Add(isRoot, new ExpectOccurrence(expect, owner));
                foreach (var hop in expect.Path?.Hops ?? [])
                {
                    Components(hop.Components, owner, isRoot);
                    At(hop.At, owner, isRoot);
                }

                break;
            case DataSettingSyntax data:
                Add(isRoot, new TaskOccurrence(data, owner));
                foreach (var argument in data.Arguments.Where(a => a.Name is not null))
                {
                    Add(isRoot, new ArgumentOccurrence(data, argument, owner));
                }

                break;
            case MetricSettingSyntax metric:
                Add(isRoot, new MetricOccurrence(metric, owner));
                foreach (var answer in metric.Arguments)
                {
                    Add(isRoot, new AnswerOccurrence(answer, owner));
                }

                At(metric.At, owner, isRoot);
                break;
            case ModelSettingSyntax model:
                Add(isRoot, new ModelOccurrence(model, owner));
                break;
        }
    }

    private void Declare(Declaration declaration, bool isRoot)
    {
        Declarations.Add(declaration);
        Add(isRoot, new DeclarationOccurrence(declaration));
    }

    private void Components(ImmutableArray<ComponentSyntax> components, HypothesisSyntax? owner, bool isRoot)
    {
        foreach (var component in components)
        {
            switch (component)
            {
                case NamedComponentSyntax named:
                    Reference(new NameReference(named.Name.Text, named.Name.Span, InExpression: false, owner), isRoot);
                    break;
                case LayerComponentSyntax layer:
                    Add(isRoot, new ComponentOccurrence(layer, owner));
                    break;
                case BuiltinComponentSyntax builtin:
                    Add(isRoot, new BuiltinOccurrence(builtin, owner));
                    break;
            }
        }
    }

    private void At(AtClauseSyntax? at, HypothesisSyntax? owner, bool isRoot)
    {
        foreach (var position in at?.Positions.OfType<NamedPositionSyntax>() ?? [])
        {
            Add(isRoot, new PositionOccurrence(position, owner));
        }
    }

    private void Expression(ExpressionSyntax? expression, HypothesisSyntax? owner, bool isRoot)
    {
        if (expression is null)
        {
            return;
        }

        foreach (var (start, length) in ExpressionNames.Find(expression.Text))
        {
            var span = new SourceSpan(expression.Span.File, expression.Span.Offset + start, length, 0, 0);
            Reference(new NameReference(expression.Text.Substring(start, length), span, InExpression: true, owner), isRoot);
        }
    }

    private void Reference(NameReference reference, bool isRoot)
    {
        References.Add(reference);
        Add(isRoot, new ReferenceOccurrence(reference));
    }

    private void Add(bool isRoot, Occurrence occurrence)
    {
        if (isRoot)
        {
            _occurrences.Add(occurrence);
        }
    }
}
