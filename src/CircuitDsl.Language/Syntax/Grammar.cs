using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using Sprache;
using static CircuitDsl.Language.Syntax.Lexemes;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// The statement grammar (normative text: grammar/circuit.ebnf). Every statement starts with its own keyword,
/// so the first token decides the branch and a failure after it is reported where it happened. Statements end
/// at a line break (<see cref="Lexemes.EndOfStatement"/>); a list may continue on the next line after a comma.
/// Hypothesis blocks are driven by <see cref="CircuitParser"/>, which recovers member by member.
/// Fields are ordered so that each is initialised before use (Sprache grammars are static fields).
/// </summary>
internal static class Grammar
{
    private static readonly Parser<Token> Comma = Punctuation(",");

    // ---- Pieces ----

    private static readonly Parser<ImmutableArray<ComponentSyntax>> Components = ComponentReference.SeparatedBy(Comma);

    private static readonly Parser<PositionSyntax> Position =
        Keyword("all").Select(_ => (PositionSyntax)new AllPositionsSyntax()).Spanned()
        .XOr(Number.Then(IndexPosition).Spanned())
        .XOr((from name in Name("a position")
              from offset in PositionOffset.OptOr((Value: 0, Text: string.Empty))
              select (PositionSyntax)new NamedPositionSyntax(name, offset.Value, offset.Text)).Spanned())
        .Expecting("a position ('all', an index or a named position such as END)");

    // The offset's value, and its text as written (sign and digits, no spaces) for the formatter.
    private static Parser<(int Value, string Text)> PositionOffset =>
        from sign in Punctuation("+").Select(_ => 1).XOr(Punctuation("-").Select(_ => -1))
        from offset in WholeNumberIn("a position offset", 0, int.MaxValue)
        select (sign * (int)offset.Value, (sign > 0 ? "+" : "-") + offset.Text);

    private static readonly Parser<AtClauseSyntax> At =
        (from keyword in Keyword("at")
         from positions in Position.SeparatedBy(Comma)
         select new AtClauseSyntax(positions)).Spanned();

    private static readonly Parser<ValueSyntax> ScalarValue =
        Number.Select(n => (ValueSyntax)new NumberValueSyntax(n)).Spanned()
        .XOr(StringLiteral.Select(s => (ValueSyntax)new StringValueSyntax(s)).Spanned())
        .XOr(Keyword("true").Select(_ => (ValueSyntax)new BooleanValueSyntax(true)).Spanned())
        .XOr(Keyword("false").Select(_ => (ValueSyntax)new BooleanValueSyntax(false)).Spanned())
        .XOr(Name("a value").Select(n => (ValueSyntax)new NameValueSyntax(n)).Spanned())
        .Expecting("a value (number, string, name, true or false)");

    private static readonly Parser<ValueSyntax> Value =
        ScalarValue.XOr(
            (from open in Punctuation("[")
             from items in ScalarValue.SeparatedBy(Comma).OptOr([])
             from close in Punctuation("]")
             select (ValueSyntax)new ListValueSyntax(items)).Spanned());

    // A name followed by ':' names the argument; anything else is positional.
    private static readonly Parser<ArgumentSyntax> Argument =
        (from first in Value
         from argument in first is NameValueSyntax name
             ? (from colon in Punctuation(":") from value in Value select value).Opt()
                 .Select(value => value is null ? new ArgumentSyntax(null, first) : new ArgumentSyntax(name.Name, value))
             : Parse.Return(new ArgumentSyntax(null, first))
         select argument).Spanned();

    private static readonly Parser<ExpressionSyntax> Computes =
        from keyword in Keyword("computes") from expression in Expression select expression;

    private static readonly Parser<ExpressionSyntax> AgreeingOn =
        from keyword in Keyword("agreeing") from onKeyword in Keyword("on") from expression in Expression select expression;

    private static readonly Parser<HopSyntax> Hop =
        (from components in Components
         from at in At.Opt()
         select new HopSyntax(components, at)).Spanned();

    private static readonly Parser<PathSyntax> Path =
        (from first in Hop
         from arrow in Punctuation("->")
         from second in Hop
         from rest in (from keyword in Punctuation("->") from hop in Hop select hop).Many0()
         select new PathSyntax([first, second, .. rest])).Spanned();

    // ---- Statements ----

    private static readonly Parser<StatementSyntax> Import =
        (from keyword in Keyword("import") from path in StringLiteral from end in EndOfStatement
         select (StatementSyntax)new ImportSyntax(path)).Spanned();

    private static readonly Parser<StatementSyntax> Let =
        (from keyword in Keyword("let")
         from name in Name("a variable name")
         from equalsSign in Punctuation("=")
         from expression in Expression
         from end in EndOfStatement
         select (StatementSyntax)new LetSyntax(name, expression)).Spanned();

    private static readonly Parser<StatementSyntax> Group =
        (from keyword in Keyword("group")
         from name in Name("a group name")
         from equalsSign in Punctuation("=")
         from components in Components
         from end in EndOfStatement
         select (StatementSyntax)new GroupSyntax(name, components)).Spanned();

    private static readonly Parser<StatementSyntax> Model =
        (from keyword in Keyword("model") from reference in ModelReference from end in EndOfStatement
         select (StatementSyntax)new ModelSettingSyntax(reference)).Spanned();

    private static readonly Parser<StatementSyntax> Data =
        (from keyword in Keyword("data")
         from task in Name("a task name")
         from open in Punctuation("(")
         from arguments in Argument.SeparatedBy(Comma).OptOr([])
         from close in Punctuation(")")
         from end in EndOfStatement
         select (StatementSyntax)new DataSettingSyntax(task, arguments)).Spanned();

    private static readonly Parser<StatementSyntax> Metric =
        (from keyword in Keyword("metric")
         from kind in Name("a metric such as loss or logit_diff")
         from arguments in (from open in Punctuation("(")
                            from names in Name("an answer").SeparatedBy(Comma)
                            from close in Punctuation(")")
                            select (ImmutableArray<NameSyntax>?)names).OptOr(null)
         from at in At.Opt()
         from end in EndOfStatement
         select (StatementSyntax)new MetricSettingSyntax(kind, arguments ?? [], arguments.HasValue, at)).Spanned();

    private static readonly Parser<StatementSyntax> Ablation =
        (from keyword in Keyword("ablation")
         from kind in OneOf(SyntaxFacts.AblationWords)
         from per in (from p in Keyword("per") from name in Name("an example group") select name).Opt()
         from end in EndOfStatement
         select (StatementSyntax)new AblationSettingSyntax(kind, per)).Spanned();

    private static readonly Parser<StatementSyntax> Direction =
        (from keyword in Keyword("direction") from direction in OneOf(SyntaxFacts.DirectionWords) from end in EndOfStatement
         select (StatementSyntax)new DirectionSettingSyntax(direction)).Spanned();

    private static readonly Parser<StatementSyntax> Baseline =
        (from keyword in Keyword("baseline")
         from kind in OneOf(SyntaxFacts.BaselineWords)
         from components in kind == BaselineKind.ResampleInputsOf ? Components : Parse.Return(ImmutableArray<ComponentSyntax>.Empty)
         from end in EndOfStatement
         select (StatementSyntax)new BaselineSettingSyntax(kind, components)).Spanned();

    private static readonly Parser<StatementSyntax> Unmapped =
        (from keyword in Keyword("unmapped") from inputs in OneOf(SyntaxFacts.UnmappedWords) from end in EndOfStatement
         select (StatementSyntax)new UnmappedSettingSyntax(inputs)).Spanned();

    private static readonly Parser<StatementSyntax> GranularitySetting =
        (from keyword in Keyword("granularity") from granularity in OneOf(SyntaxFacts.GranularityWords) from end in EndOfStatement
         select (StatementSyntax)new GranularitySettingSyntax(granularity)).Spanned();

    private static readonly Parser<InputClauseSyntax> InputClause =
        (from channel in OneOf(SyntaxFacts.ChannelWords).OptOr(Channel.Output)
         from keyword in Keyword("from")
         from sources in Components
         from at in At.Opt()
         from agreeing in AgreeingOn.Opt()
         from end in EndOfStatement
         select new InputClauseSyntax(channel, sources, at, agreeing)).Spanned()
        .Expecting("an input clause ('q from', 'k from', 'v from' or 'from')");

    private static readonly Parser<StatementSyntax> Node =
        (from keyword in Keyword("node")
         from name in Name("a node name")
         from equalsSign in Punctuation("=")
         from components in Components
         from at in At.Opt()
         from computes in Computes.Opt()
         from end in EndOfStatement
         from inputs in InputClause.Many0()
         select (StatementSyntax)new NodeSyntax(name, components, at, computes, inputs)).Spanned();

    private static readonly Parser<StatementSyntax> Unimportant =
        (from keyword in Keyword("unimportant") from components in Components from end in EndOfStatement
         select (StatementSyntax)new UnimportantSyntax(components)).Spanned();

    private static readonly Parser<StatementSyntax> Expect =
        (from keyword in Keyword("expect")
         from subject in OneOf(SyntaxFacts.SubjectWords)
         from path in subject == ExpectationSubject.Path ? Path.Select(p => (PathSyntax?)p) : Parse.Return((PathSyntax?)null)
         from statistic in OneOf(SyntaxFacts.StatisticWords, SyntaxFacts.StatisticsOf[subject].Select(s => SyntaxFacts.Spell(SyntaxFacts.StatisticWords, s)))
         from op in ComparisonOperatorToken
         from threshold in Number
         from percent in Punctuation("%").Select(_ => true).OptOr(false)
         from end in EndOfStatement
         select (StatementSyntax)new ExpectSyntax(subject, path, statistic, op, threshold, percent)).Spanned();

    // ---- Entry points ----

    /// <summary>A hypothesis header, up to and including '{'.</summary>
    public static readonly Parser<(NameSyntax Name, StringLiteralSyntax? Description)> HypothesisHeader =
        from keyword in Keyword("hypothesis")
        from name in Name("a hypothesis name")
        from description in StringLiteral.Opt()
        from open in Punctuation("{")
        select (name, description);

    /// <summary>A top-level statement other than a hypothesis.</summary>
    public static readonly Parser<StatementSyntax> TopLevelStatement =
        Import.XOr(Let).XOr(Group).XOr(Model).XOr(Data).XOr(Metric)
            .XOr(Ablation).XOr(Direction).XOr(Baseline).XOr(Unmapped).XOr(GranularitySetting)
            .Expecting("a declaration ('hypothesis', 'import', 'let', 'group') or a setting ('model', 'data', 'metric', 'ablation', 'direction', 'baseline', 'unmapped', 'granularity')");

    /// <summary>A statement inside a hypothesis.</summary>
    public static readonly Parser<StatementSyntax> Member =
        Node.XOr(Let).XOr(Group).XOr(Expect).XOr(Unimportant)
            .XOr(Model).XOr(Data).XOr(Metric)
            .XOr(Ablation).XOr(Direction).XOr(Baseline).XOr(Unmapped).XOr(GranularitySetting)
            .Expecting("a hypothesis member ('node', 'let', 'group', 'expect', 'unimportant', 'model', 'data', 'metric', 'ablation', 'direction', 'baseline', 'unmapped', 'granularity') or '}'");

    private static Parser<ComparisonOperator> ComparisonOperatorToken =>
        Punctuation(">=").Select(_ => ComparisonOperator.GreaterOrEqual)
            .XOr(Punctuation("<=").Select(_ => ComparisonOperator.LessOrEqual))
            .XOr(Punctuation(">").Select(_ => ComparisonOperator.Greater))
            .XOr(Punctuation("<").Select(_ => ComparisonOperator.Less))
            .Expecting("a comparison ('>=', '<=', '>' or '<')");

    /// <summary>A fixed index: whole, kept exact (saturated beyond long, where the binder's context check reports it).</summary>
    private static Parser<PositionSyntax> IndexPosition(NumberLiteralSyntax number) => input =>
        number.WholeNumber(out long index) switch
        {
            WholeNumberFit.Fits => Result.Success<PositionSyntax>(new IndexPositionSyntax(number.Text, index), input),
            WholeNumberFit.TooLarge => Result.Success<PositionSyntax>(new IndexPositionSyntax(number.Text, number.Value < 0 ? long.MinValue : long.MaxValue), input),
            _ => ParseFailures.Coded<PositionSyntax>((ParseInput)input, number.Span.Offset, number.Span.Length,
                DiagnosticCatalog.UnexpectedToken.Create(number.Span, "a whole-number position", $"number '{SyntaxFacts.Shorten(number.Text)}'")),
        };
}
