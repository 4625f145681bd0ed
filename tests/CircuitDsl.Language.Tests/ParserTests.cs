using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

public class ParserTests
{
    private static SyntaxTree Parse(string text) => CircuitParser.Parse(text, "test.circuit");

    [Test]
    public void EveryNodeHasASpanInsideItsFile()
    {
        string text = File.ReadAllText(Path.Combine(TestSupport.ExamplesDirectory, "induction.circuit"));
        var tree = CircuitParser.Parse(text, "induction.circuit");

        foreach (var node in Descendants(tree.Root))
        {
            Assert.That(node.Span.File, Is.EqualTo("induction.circuit"), node.GetType().Name);
            Assert.That(node.Span.End, Is.LessThanOrEqualTo(text.Length), node.GetType().Name);
            var (line, column) = tree.Source.GetLineColumn(node.Span.Offset);
            Assert.That((node.Span.Line, node.Span.Column), Is.EqualTo((line, column)), node.GetType().Name);
            if (node is not CompilationUnitSyntax)
            {
                Assert.That(node.Span.Length, Is.GreaterThan(0), node.GetType().Name);
                Assert.That(char.IsWhiteSpace(text[node.Span.Offset]), Is.False, $"{node.GetType().Name} starts with trivia");
                Assert.That(char.IsWhiteSpace(text[node.Span.End - 1]), Is.False, $"{node.GetType().Name} ends with trivia");
            }
        }
    }

    [Test]
    public void ExpressionKeepsItsExactTextAndSpan()
    {
        string text = "let prev = x.Tokens[x.Pos - 1]   // the token before\n";
        var let = (LetSyntax)Parse(text).Root.Statements[0];

        Assert.That(let.Expression.Text, Is.EqualTo("x.Tokens[x.Pos - 1]"));
        Assert.That(text.Substring(let.Expression.Span.Offset, let.Expression.Span.Length), Is.EqualTo("x.Tokens[x.Pos - 1]"));
        Assert.That((let.Expression.Span.Line, let.Expression.Span.Column), Is.EqualTo((1, 12)));
    }

    [TestCase("let a = \"}\" + x.Text // c", "\"}\" + x.Text")]
    [TestCase("let a = $\"{x.Pos}{{\" + '}'", "$\"{x.Pos}{{\" + '}'")]
    [TestCase("let a = @\"a \"\" //\"", "@\"a \"\" //\"")]
    [TestCase("let a = new[] { 1, 2 }.Length", "new[] { 1, 2 }.Length")]
    [TestCase("let a = f(1,\n    2)", "f(1,\n    2)")]
    [TestCase("let a = 1 /* note */ + 2", "1 /* note */ + 2")]
    public void ExpressionEndsWhereCSharpSaysSo(string text, string expected)
    {
        var tree = Parse(text);

        Assert.That(tree.Diagnostics, Is.Empty);
        Assert.That(((LetSyntax)tree.Root.Statements[0]).Expression.Text, Is.EqualTo(expected));
    }

    [Test]
    public void ExpressionStopsAtAClosingBraceItDidNotOpen()
    {
        var tree = Parse("hypothesis h { let a = x.Pos }");
        var hypothesis = (HypothesisSyntax)tree.Root.Statements[0];

        Assert.That(tree.Diagnostics, Is.Empty);
        Assert.That(((LetSyntax)hypothesis.Members[0]).Expression.Text, Is.EqualTo("x.Pos"));
        Assert.That(hypothesis.IsClosed, Is.True);
    }

    [Test]
    public void ComponentsAreResolvedSyntactically()
    {
        var group = (GroupSyntax)Parse("group g = L1.H6.k, L0.mlp, L2.H*, embed, pos_embed, logits, other.v").Root.Statements[0];

        Assert.That(group.Components[0], Is.EqualTo(new LayerComponentSyntax("L1.H6.k", 1, LayerPart.Head, 6, Channel.Key) { Span = group.Components[0].Span }));
        Assert.That(group.Components[1], Is.TypeOf<LayerComponentSyntax>().With.Property("Part").EqualTo(LayerPart.Mlp));
        Assert.That(group.Components[2], Is.TypeOf<LayerComponentSyntax>().With.Property("Part").EqualTo(LayerPart.AllHeads));
        Assert.That(group.Components[3..6].Select(c => ((BuiltinComponentSyntax)c).Component),
            Is.EqualTo(new[] { BuiltinComponent.TokenEmbedding, BuiltinComponent.PositionalEmbedding, BuiltinComponent.Logits }));
        Assert.That(group.Components[6], Is.TypeOf<NamedComponentSyntax>().With.Property("Channel").EqualTo(Channel.Value));
    }

    [Test]
    public void PositionsWithOffsets()
    {
        var metric = (MetricSettingSyntax)Parse("metric loss at all, 3, -1, S1+1, END-2").Root.Statements[0];
        string[] printed = [.. metric.At!.Positions.Select(Formatting.SyntaxPrinter.Position)];

        Assert.That(printed, Is.EqualTo(new[] { "all", "3", "-1", "S1+1", "END-2" }));
    }

    [Test]
    public void OneRunReportsEveryBrokenDeclaration()
    {
        var tree = Parse("let = 1\ngroup g = L0.Hx\nmodel\nhypothesis h {\n  node = L0.H0\n  expect scrub recovers > \n  node ok = L0.H0\n}\nlet fine = 1\n");

        Assert.That(tree.Diagnostics.Select(d => d.Span.Line), Is.EqualTo(new[] { 1, 2, 3, 5, 6 }), string.Join("\n", tree.Diagnostics));
        Assert.That(tree.Root.Statements.OfType<LetSyntax>().Single().Name.Text, Is.EqualTo("fine"));
        var hypothesis = tree.Root.Statements.OfType<HypothesisSyntax>().Single();
        Assert.That(hypothesis.Members.OfType<NodeSyntax>().Single().Name.Text, Is.EqualTo("ok"));
    }

    [TestCase("model zoo:x\nmetric loss at\n", 2, 15, "Expected a position ('all', an index or a named position such as END), found end of file.")]
    [TestCase("data ioi(count 3)", 1, 16, "Expected ':', ',' or ')', found number '3'.")]
    [TestCase("hypothesis h {\n  node a = L0.H0 compute x\n}", 2, 18, "Expected ',', 'at', 'computes' or end of line, found identifier 'compute'.")]
    [TestCase("hypothesis h {\n  expect scrub effect >= 1\n}", 2, 16, "Expected 'recovers' or 'metric', found identifier 'effect'.")]
    [TestCase("node a = L0.H0\n", 1, 1, "Expected a declaration ('hypothesis', 'import', 'let', 'group') or a setting ('model', 'data', 'metric', 'ablation', 'direction', 'baseline', 'unmapped', 'granularity'), found keyword 'node' ('node' belongs inside a hypothesis { ... }).")]
    [TestCase("group g = L1.H0.z", 1, 17, "Expected 'q', 'k' or 'v', found identifier 'z'.")]
    [TestCase("hypothesis h {\n  node a = L0.H0\n  kk from embed\n}", 3, 3, "Expected an input clause ('q from', 'k from', 'v from' or 'from') or a hypothesis member ('node', 'let', 'group', 'expect', 'unimportant', 'model', 'data', 'metric', 'ablation', 'direction', 'baseline', 'unmapped', 'granularity') or '}', found identifier 'kk'.")]
    public void MessagesSayWhatWasExpectedAndWhatWasFound(string text, int line, int column, string message)
    {
        var diagnostic = Parse(text).Diagnostics.First();

        Assert.That(diagnostic.Message, Is.EqualTo(message));
        Assert.That((diagnostic.Span.Line, diagnostic.Span.Column), Is.EqualTo((line, column)));
    }

    [Test]
    public void CommentsAreCollectedInOrder()
    {
        var tree = Parse("// one\nmodel zoo:x /* two */\nlet a = 1 // three\n");

        Assert.That(tree.Comments.Select(c => c.Text), Is.EqualTo(new[] { "// one", "/* two */", "// three" }));
    }

    [Test]
    public void EmptyFileIsValid()
    {
        var tree = Parse(string.Empty);

        Assert.That(tree.Diagnostics, Is.Empty);
        Assert.That(tree.Root.Statements, Is.Empty);
    }

    private static IEnumerable<SyntaxNode> Descendants(SyntaxNode node)
    {
        yield return node;
        foreach (var property in node.GetType().GetProperties())
        {
            object? value = property.Name == "Span" ? null : property.GetValue(node);
            var children = value switch
            {
                SyntaxNode child => [child],
                System.Collections.IEnumerable items and not string => items.OfType<SyntaxNode>(),
                _ => [],
            };
            foreach (var child in children.SelectMany(Descendants))
            {
                yield return child;
            }
        }
    }
}
