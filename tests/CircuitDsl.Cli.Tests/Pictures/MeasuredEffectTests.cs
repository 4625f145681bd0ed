using System.Text.Json;
using System.Text.RegularExpressions;
using CircuitDsl.Cli.Check;

namespace CircuitDsl.Cli.Tests.Pictures;

/// <summary>
/// The Markdown report's Mermaid graph labels each path arrow with the effect its own check measured: paths to the
/// logits, to a head's q, k and v (different arrows into the same box), from a group, and from and to MLPs.
/// </summary>
public partial class MeasuredEffectTests
{
    const string AttentionOnly = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 16, seed: 3)
        metric loss at repeated

        hypothesis paths {
          expect path L1.H0 -> logits effect <= 1
          expect path L0.H0 -> L1.H0.k effect <= 1
          expect path L0.H0 -> L1.H0.q effect <= 1
          expect path L0.H0, L0.H1 -> L1.H1.v effect <= 1
        }

        """;

    const string WithMlps = """
        model zoo:ioi-2l
        data ioi(count: 16, seed: 11, counterfactual: abc)
        metric logit_diff(IO, S) at END

        hypothesis mlps {
          expect path L1.mlp at END -> logits effect <= 1
          expect path L0.mlp -> L1.H0.k effect <= 1
        }

        """;

    [TestCase(AttentionOnly, "L1.H0 > logits", "L0.H0 > L1.H0.k", "L0.H0 > L1.H0.q", "L0.H0, L0.H1 > L1.H1.v")]
    [TestCase(WithMlps, "L1.mlp > logits", "L0.mlp > L1.H0.k")]
    public void EachPathArrowCarriesItsOwnChecksEffect(string circuit, params string[] arrows)
    {
        using var folder = new TempFolder();
        string file = folder.File("paths.circuit", circuit), json = folder.File("r.json"), md = folder.File("r.md");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", file, "--format", "json", "--out", json, "--format", "markdown", "--out", md);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error + output);

        var measured = Effects(File.ReadAllText(json));
        var drawn = Arrows(File.ReadAllText(md));
        Assert.That(drawn.Keys, Is.EquivalentTo(arrows));
        foreach (string arrow in arrows)
        {
            string receiver = arrow.Split(" > ")[1];
            string channel = receiver.Contains(".H") && receiver.Count(c => c == '.') == 2 ? receiver[^1..] + " · " : "";
            string check = measured.Keys.Single(k => k.Replace("path ", "").Replace(" at END", "").StartsWith(arrow.Replace(" > ", " -> "), StringComparison.Ordinal));
            Assert.That(drawn[arrow], Is.EqualTo($"{channel}effect {ReportFormatting.Number(measured[check])}"), arrow);
        }
        Assert.That(drawn.Values.Distinct().Count(), Is.EqualTo(arrows.Length), "every arrow has its own number");
    }

    [Test]
    public void APathAlongAClaimedInputLabelsThatArrow()
    {
        const string claimed = """
            model zoo:attn-only-2l
            data repeated_tokens(count: 16, seed: 3)
            metric loss at repeated

            hypothesis claimed {
              node out = logits
                from induction
              node induction = L1.H0, L1.H1
                k from prev_head
              node prev_head = L0.H0
              expect path L0.H0 -> L1.H*.k effect <= 1
            }

            """;
        using var folder = new TempFolder();
        string file = folder.File("claimed.circuit", claimed), json = folder.File("r.json"), md = folder.File("r.md");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", file, "--format", "json", "--out", json, "--format", "markdown", "--out", md);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error + output);
        double effect = Effects(File.ReadAllText(json)).Values.Single();
        string markdown = File.ReadAllText(md);
        Assert.That(markdown, Does.Contain($" -->|\"k · effect {ReportFormatting.Number(effect)}\"| "), "the claimed arrow carries it");
        Assert.That(ArrowLine().Matches(markdown), Is.Empty, "and no second, dashed arrow repeats it");
    }

    /// <summary>Each check's name and the effect its expectation was judged on.</summary>
    static Dictionary<string, double> Effects(string json)
    {
        using var report = JsonDocument.Parse(json);
        return report.RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("statistics").GetProperty("effect").GetProperty("value").GetDouble());
    }

    /// <summary>The Mermaid arrows as "FROM BOX > TO BOX (with the arrow's channel)" to their labels.</summary>
    static Dictionary<string, string> Arrows(string markdown)
    {
        var boxes = BoxLine().Matches(markdown).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return ArrowLine().Matches(markdown).ToDictionary(
            m => $"{boxes[m.Groups[1].Value]} > {boxes[m.Groups[3].Value]}{Channel(m.Groups[2].Value)}",
            m => m.Groups[2].Value);
    }

    static string Channel(string label) => label.Length > 2 && label[1] == ' ' && "qkv".Contains(label[0]) ? "." + label[0] : "";

    [GeneratedRegex("""^    (n\d+)\["([^"]*)"\]$""", RegexOptions.Multiline)]
    private static partial Regex BoxLine();

    [GeneratedRegex("""^    (n\d+) -\.->\|"([^"]*)"\| (n\d+)$""", RegexOptions.Multiline)]
    private static partial Regex ArrowLine();
}
