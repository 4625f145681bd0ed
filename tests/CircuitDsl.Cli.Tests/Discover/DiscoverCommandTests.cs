using System.Text.Json.Nodes;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// `circuit discover` end to end on the shipped induction model: the draft passes `fmt --check` and `check` as written,
/// the JSON is EAP-IG's format, and input it refuses is a located diagnostic with exit 2 and nothing written.
/// </summary>
public class DiscoverCommandTests
{
    const string Settings = """
        // Settings for discovery: no hypothesis of its own.
        model zoo:attn-only-2l
        data repeated_tokens(count: 32, seed: 5)
        metric loss at repeated
        """;

    [TestCase("exact")]
    [TestCase("eap")]
    [TestCase("eap-ig")]
    [TestCase("acdc")]
    public void TheDraftPassesFmtAndCheckAsWritten(string method)
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string draft = folder.File("draft.circuit");
        string json = folder.File("draft.json");
        string[] selection = method == "acdc" ? ["--threshold", "0.05"] : ["--edges", "8"];
        var (code, _, error) = CliRunner.Run(["discover", settings, "--method", method, .. selection, "--out", draft, "--json", json]);
        Assert.That(code, Is.EqualTo(0), error);
        string text = File.ReadAllText(draft);
        TestContext.Out.WriteLine(text);
        Assert.That(text, Does.Contain("// model: zoo:attn-only-2l, sha256 ").And.Contain("// TODO role of L1.H0").And.Contain("expect path L1.H0 -> logits effect <= -"));

        var fmt = CliRunner.Run("fmt", "--check", draft);
        Assert.That(fmt.ExitCode, Is.EqualTo(0), fmt.Out + fmt.Error);
        string report = folder.File("report.json");
        var check = CliRunner.Run("check", draft, "--no-cache", "--no-progress", "--format", "json", "--out", report);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);

        // The draft states its circuit so that `check` measures the faithfulness discovery printed, on the same seed.
        var printed = System.Text.RegularExpressions.Regex.Match(text, @"// faithfulness (\S+) of the (\d+) edges stated above");
        Assert.That(printed.Success, Is.True, "the draft claims its circuit's faithfulness");
        Assert.That(text, Does.Contain("  expect circuit faithfulness >= ").And.Contain("  node out = logits\n"));
        var circuit = JsonNode.Parse(File.ReadAllText(report))!["files"]![0]!["hypotheses"]![0]!["checks"]!.AsArray().Single(c => (string?)c!["kind"] == "circuit")!;
        double measured = circuit["statistics"]!["faithfulness"]!["value"]!.GetValue<double>();
        Assert.That(measured, Is.EqualTo(double.Parse(printed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Within(1e-6));
        Assert.That((string?)circuit["method"]!["circuit"], Does.StartWith($"{printed.Groups[2].Value} of 42 edges"));
    }

    [Test]
    public void AZeroAblationDraftStatesItsAblation()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string draft = folder.File("draft.circuit");
        var (code, _, error) = CliRunner.Run("discover", settings, "--method", "eap", "--ablation", "zero", "--edges", "6", "--out", draft);
        Assert.That(code, Is.EqualTo(0), error);
        string text = File.ReadAllText(draft);
        TestContext.Out.WriteLine(text);

        Assert.That(text, Does.Contain("\n  ablation zero\n"));
        var check = CliRunner.Run("check", draft, "--no-cache", "--no-progress");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);
        Assert.That(check.Out, Does.Contain("ablation: zero (an ablated edge"));
    }

    [Test]
    public void TheJsonIsEapIgsCircuitFormat()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string json = folder.File("c.json");
        var (code, _, error) = CliRunner.Run("discover", settings, "--method", "eap", "--edges", "5", "--out", folder.File("d.circuit"), "--json", json);
        Assert.That(code, Is.EqualTo(0), error);
        var root = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.That(root["cfg"]!["n_layers"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(root["cfg"]!["parallel_attn_mlp"]!.GetValue<bool>(), Is.False);
        var nodes = root["nodes"]!.AsObject().Select(p => p.Key).ToArray();
        Assert.That(nodes, Is.EqualTo(new[] { "input", "a0.h0", "a0.h1", "a1.h0", "a1.h1", "logits" }));
        var edges = root["edges"]!.AsObject();
        // 42 edges of the graph, with the position embedding's merged into the input's: 6·1 + 6·3 + 5 = 29.
        Assert.That(edges.Count, Is.EqualTo(29));
        Assert.That(edges.Select(p => p.Key), Has.Member("a0.h0->a1.h0<k>").And.Member("a1.h1->logits").And.Member("input->a0.h0<v>"));
        Assert.That(edges.Count(p => p.Value!["in_graph"]!.GetValue<bool>()), Is.EqualTo(5));
        Assert.That(root["circuitdsl"]!["model_sha256"]!.GetValue<string>(), Has.Length.EqualTo(64));
    }

    [TestCase("model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 5)\n", "CD2017", ":1:1:")]
    [TestCase("model zoo:attn-only-2l\nmetric loss\n", "CD2016", ":1:1:")]
    [TestCase("data repeated_tokens(count: 8, seed: 5)\nmetric loss\n", "CD2015", ":1:1:")]
    [TestCase("model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 5)\nmetric accuracy\n", "CD4003", ":3:")]
    [TestCase("model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 5)\nmetric loss at L9\n", "CD1001", ":3:")]
    [TestCase("model zoo:attn-only-2l\ndata repeated_tokens(count: 200000, seed: 5)\nmetric loss at repeated\n", "CD4003", ":2:")]
    public void BadSettingsAreLocatedDiagnosticsAndWriteNothing(string text, string code, string place)
    {
        using var folder = new TempFolder();
        string settings = folder.File("bad.circuit", text);
        string draft = folder.File("draft.circuit");
        var (exit, _, error) = CliRunner.Run("discover", settings, "--out", draft, "--json", folder.File("d.json"));
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(code).And.Contain("bad.circuit" + place));
        Assert.That(File.Exists(draft), Is.False);
        Assert.That(File.Exists(folder.File("d.json")), Is.False);
    }

    [TestCase("--edges", "3", "--threshold", "0.1")]
    [TestCase("--method", "sgd")]
    [TestCase("--hypothesis", "nowhere")]
    [TestCase("--name", "hypothesis")]
    public void BadOptionsExitTwo(params string[] options)
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        var (exit, _, error) = CliRunner.Run(["discover", settings, "--out", folder.File("d.circuit"), .. options]);
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(File.Exists(folder.File("d.circuit")), Is.False);
    }
}
