using System.Text.RegularExpressions;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// Every ```circuit block of grammar/language-reference.md is a complete file that parses, binds with no
/// diagnostic and is canonically formatted. Blocks whose info string names a file are the files the others import.
/// </summary>
public partial class ReferenceExampleTests
{
    private static readonly string ReferencePath = Path.Combine(TestSupport.GrammarDirectory, "language-reference.md");

    [GeneratedRegex(@"^```circuit(?: (?<file>\S+))?\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CircuitBlock();

    private static IEnumerable<(string? File, string Body, int Line)> Blocks()
    {
        string text = File.ReadAllText(ReferencePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (Match match in CircuitBlock().Matches(text))
        {
            int line = text[..match.Index].Count(c => c == '\n') + 1;
            string? file = match.Groups["file"].Success ? match.Groups["file"].Value : null;
            yield return (file, match.Groups["body"].Value, line);
        }
    }

    private static IEnumerable<TestCaseData> Examples() =>
        Blocks().Where(b => b.File is null).Select(b => new TestCaseData(b.Body).SetName($"Reference example at line {b.Line}"));

    [Test]
    public void TheReferenceHasExamples() => Assert.That(Examples().Count(), Is.GreaterThanOrEqualTo(10));

    [TestCaseSource(nameof(Examples))]
    public void ExampleBindsCleanlyAndIsCanonical(string body)
    {
        // The data files the jsonl example names (the binder checks that a data path is a regular file).
        var files = new InMemoryFileProvider()
            .Add("prompts.jsonl", "{\"prompt\": [1, 2, 3]}\n")
            .Add("prompts_corrupt.jsonl", "{\"prompt\": [3, 2, 1]}\n");
        foreach (var (file, text, _) in Blocks().Where(b => b.File is not null))
        {
            files.Add(file!, text);
        }

        var result = TestSupport.Analyze(body, files);
        Assert.That(result.Diagnostics, Is.Empty, result.RenderText());
        Assert.That(CircuitFormatter.Format(CircuitParser.Parse(body, "main.circuit")), Is.EqualTo(body));
    }
}
