using System.Globalization;
using System.Text.RegularExpressions;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// The drafts shipped in hypotheses/discovered/ are what `circuit discover` writes from the hand-found files' settings:
/// regenerated, their statements are the same (every node, clause and claim), with each claim's threshold equal to
/// 1e-3 relative (float32 rounding may move the last of its three digits on another CPU). Regenerate a draft with the
/// command in its test case.
/// </summary>
public partial class ShippedDraftsTests
{
    [TestCase("ioi-2l", 76)]
    [TestCase("parens-3l", 44)]
    public void AShippedDraftIsWhatDiscoverWritesFromItsSourceFile(string model, int edges)
    {
        string shipped = RepositoryRoot.File("hypotheses", "discovered", model + ".circuit");
        using var folder = new TempFolder();
        string draft = folder.File("draft.circuit");
        // As shipped: circuit discover hypotheses/MODEL.circuit --method eap-ig --edges N --name eap_ig_N --out hypotheses/discovered/MODEL.circuit
        var (exit, output, error) = CliRunner.Run("discover", RepositoryRoot.File("hypotheses", model + ".circuit"), "--method", "eap-ig",
            "--edges", edges.ToString(CultureInfo.InvariantCulture), "--name", $"eap_ig_{edges}", "--out", draft);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + error);
        var (expected, expectedNumbers) = Statements(File.ReadAllText(shipped));
        var (actual, actualNumbers) = Statements(File.ReadAllText(draft));
        Assert.That(actual, Is.EqualTo(expected), "the draft's statements, thresholds aside");
        for (int i = 0; i < expected.Count; i++)
            if (expectedNumbers[i] is { } e)
                Assert.That(actualNumbers[i], Is.EqualTo(e).Within(Math.Abs(e) * 1e-3), expected[i]);
    }

    /// <summary>The non-comment lines with each trailing threshold taken out, and the thresholds.</summary>
    static (List<string> Lines, List<double?> Numbers) Statements(string text)
    {
        var lines = new List<string>();
        var numbers = new List<double?>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            var threshold = Threshold().Match(line);
            lines.Add(threshold.Success ? line[..threshold.Index] : line);
            numbers.Add(threshold.Success ? double.Parse(threshold.Groups[2].Value, CultureInfo.InvariantCulture) : null);
        }
        return (lines, numbers);
    }

    [GeneratedRegex(@"(?<=(<=|>=) )(-?[0-9.]+)$")]
    private static partial Regex Threshold();
}
