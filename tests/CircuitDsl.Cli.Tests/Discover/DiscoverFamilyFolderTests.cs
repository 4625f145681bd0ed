using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CircuitDsl.TestSupport;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// `circuit discover` on random Hugging Face folders of the families whose edges needed a decision: Gemma-2 (sandwich
/// norms and grouped-query attention) and GPT-NeoX (parallel blocks). The draft passes `fmt --check` and `check`, and
/// `check` measures the faithfulness discovery printed.
/// </summary>
public class DiscoverFamilyFolderTests
{
    static IEnumerable<TestCaseData> Families()
    {
        yield return new TestCaseData(HfFamilyArch.Gemma2, "sentencepiece").SetArgDisplayNames("gemma2");
        yield return new TestCaseData(HfFamilyArch.GptNeox with { Vocab = 300 }, "neox").SetArgDisplayNames("gpt_neox");
    }

    [TestCaseSource(nameof(Families))]
    public void TheDraftPassesFmtAndCheckWithTheFaithfulnessDiscoveryPrinted(HfFamilyArch arch, string tokenizer)
    {
        using var folder = new TempFolder();
        string model = Directory.CreateDirectory(Path.Combine(folder.Path, "model")).FullName;
        using (var checkpoint = new RandomHfCheckpoint(arch, seed: 3)) checkpoint.Write(model);
        if (tokenizer == "sentencepiece") File.WriteAllBytes(Path.Combine(model, "tokenizer.model"), TinyTokenizerFiles.SentencePieceModel());
        else File.WriteAllText(Path.Combine(model, "tokenizer.json"), TinyTokenizerFiles.ByteLevelJson(tokenizer).ToJsonString());
        string settings = folder.File("settings.circuit", "model \"model\"\ndata repeated_tokens(count: 16, seed: 3)\nmetric loss at repeated\n");
        string draft = folder.File("draft.circuit");
        var (code, _, error) = CliRunner.Run("discover", settings, "--method", "exact", "--edges", "10", "--out", draft);
        Assert.That(code, Is.EqualTo(0), error);
        string text = File.ReadAllText(draft);
        TestContext.Out.WriteLine(text);

        Assert.That(CliRunner.Run("fmt", "--check", draft).ExitCode, Is.EqualTo(0));
        string report = folder.File("report.json");
        var check = CliRunner.Run("check", draft, "--no-cache", "--no-progress", "--format", "json", "--out", report);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);
        var printed = Regex.Match(text, @"// faithfulness (\S+) of the (\d+) edges stated above");
        Assert.That(printed.Success, Is.True, "random weights: the top edges are faithful in part");
        var circuit = JsonNode.Parse(File.ReadAllText(report))!["files"]![0]!["hypotheses"]![0]!["checks"]!.AsArray().Single(c => (string?)c!["kind"] == "circuit")!;
        Assert.That(circuit["statistics"]!["faithfulness"]!["value"]!.GetValue<double>(),
            Is.EqualTo(double.Parse(printed.Groups[1].Value, CultureInfo.InvariantCulture)).Within(1e-6));
    }
}
