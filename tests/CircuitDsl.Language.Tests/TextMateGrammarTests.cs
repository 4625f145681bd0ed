using System.Text.Json;
using System.Text.RegularExpressions;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// grammar/circuit.tmLanguage.json: every regular expression compiles (.NET's engine standing in for
/// Oniguruma) and every keyword the parser knows is highlighted by some pattern.
/// </summary>
public class TextMateGrammarTests
{
    private static readonly string GrammarPath = Path.Combine(TestSupport.GrammarDirectory, "circuit.tmLanguage.json");

    private static List<string> Patterns()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(GrammarPath));
        var patterns = new List<string>();
        Collect(document.RootElement, patterns);
        return patterns;
    }

    private static void Collect(JsonElement element, List<string> patterns)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "match" or "begin" or "end" && property.Value.ValueKind == JsonValueKind.String)
                {
                    patterns.Add(property.Value.GetString()!);
                }
                else
                {
                    Collect(property.Value, patterns);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, patterns);
            }
        }
    }

    [Test]
    public void GrammarHasTheExpectedShape()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(GrammarPath));
        var root = document.RootElement;

        Assert.That(root.GetProperty("scopeName").GetString(), Is.EqualTo("source.circuit"));
        Assert.That(root.GetProperty("fileTypes")[0].GetString(), Is.EqualTo("circuit"));
        Assert.That(Patterns(), Has.Count.GreaterThan(10));
    }

    [Test]
    public void EveryPatternCompiles()
    {
        foreach (string pattern in Patterns())
        {
            Assert.DoesNotThrow(() => _ = new Regex(pattern, RegexOptions.Multiline), pattern);
        }
    }

    [TestCaseSource(typeof(SyntaxFacts), nameof(SyntaxFacts.AllKeywords))]
    public void KeywordIsHighlighted(string keyword)
    {
        // Keywords are shown in a line where the parser would read them as keywords.
        string sample = keyword switch
        {
            "q" or "k" or "v" => $"    {keyword} from embed",
            "mlp" => "L0.mlp",
            "let" => "let name = x.Tokens[0]",
            _ => $"{keyword} name",
        };
        int start = sample.IndexOf(keyword, StringComparison.Ordinal);

        bool covered = Patterns().Any(pattern => new Regex(pattern, RegexOptions.Multiline).Matches(sample)
            .Any(m => m.Index <= start && m.Index + m.Length >= start + keyword.Length));

        Assert.That(covered, Is.True, $"no pattern of circuit.tmLanguage.json highlights '{keyword}' in \"{sample}\"");
    }

    [Test]
    public void ExamplesShowNoUnknownWordsAsKeywords()
    {
        // A name that merely contains a keyword (e.g. 'prev_token' contains 'on') is not highlighted as one.
        var keywordPattern = new Regex(@"\b(?:computes|from|agreeing|on|at|per)\b");

        Assert.That(keywordPattern.IsMatch("prev_token"), Is.False);
        Assert.That(keywordPattern.IsMatch("node x = L0.H0 at END"), Is.True);
    }
}
