using System.Text.Json.Nodes;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// `circuit discover --positions` (per-position edges, claimed as `S at P -&gt; R at P`) and `--resamples`
/// (selection frequencies over bootstrap resamples): drafts that pass `fmt --check` and `check` as written,
/// deterministic for a seed, and bad values refused with exit 2 and nothing written.
/// </summary>
public class DiscoverPositionsAndStabilityTests
{
    const string Ioi = """
        model zoo:ioi-2l
        data ioi(count: 32, seed: 3, counterfactual: abc)
        metric logit_diff(IO, S) at END
        """;

    const string Induction = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 24, seed: 5)
        metric loss at repeated
        """;

    [Test]
    public void APerPositionDraftClaimsEachEdgeAtItsPositionAndPassesFmtAndCheck()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Ioi);
        string draft = folder.File("draft.circuit");
        var (code, _, error) = CliRunner.Run("discover", settings, "--method", "eap-ig", "--positions", "END,S2,IO", "--edges", "12", "--out", draft);
        Assert.That(code, Is.EqualTo(0), error);
        string text = File.ReadAllText(draft);
        TestContext.Out.WriteLine(text);
        Assert.That(text, Does.Contain("per-position edges (a sender at p into a receiver at p) at END, S2, IO and at the other positions of each example"));
        Assert.That(text, Does.Match(@"expect path L1\.mlp at END -> logits at END effect <= -"));
        Assert.That(text, Does.Match(@"expect path embed at (S2|IO) -> L0\.H\d\.[qkv] at \1 effect <= -"));
        Assert.That(text, Does.Contain("of 548 edges kept"), "137 edges, 4 buckets each");
        Assert.That(text, Does.Not.Contain("expect path embed ->"), "every claim names its positions");

        var fmt = CliRunner.Run("fmt", "--check", draft);
        Assert.That(fmt.ExitCode, Is.EqualTo(0), fmt.Out + fmt.Error);
        var check = CliRunner.Run("check", draft, "--no-cache", "--no-progress");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);
    }

    [Test]
    public void AllPositionsIsTheDefaultGraph()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Induction);
        string Draft(string name, params string[] more)
        {
            var (code, _, error) = CliRunner.Run(["discover", settings, "--method", "eap", "--edges", "6", "--out", folder.File(name), .. more]);
            Assert.That(code, Is.EqualTo(0), error);
            return File.ReadAllText(folder.File(name));
        }
        string plain = Draft("a.circuit");
        Assert.That(Draft("b.circuit", "--positions", "all"), Is.EqualTo(plain));
        Assert.That(plain, Does.Contain("; 6 of 42 edges kept").And.Not.Contain(" at repeated ->"));
    }

    [Test]
    public void APerPositionCircuitsJsonIsFoldedOverPositionsWithThePerPositionEdgesBesideIt()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Induction);
        string json = folder.File("c.json"), allJson = folder.File("all.json");
        var (code, _, error) = CliRunner.Run("discover", settings, "--method", "eap", "--positions", "repeated", "--edges", "6", "--out", folder.File("d.circuit"), "--json", json);
        Assert.That(code, Is.EqualTo(0), error);
        (code, _, error) = CliRunner.Run("discover", settings, "--method", "eap", "--edges", "6", "--out", folder.File("all.circuit"), "--json", allJson);
        Assert.That(code, Is.EqualTo(0), error);
        var root = JsonNode.Parse(File.ReadAllText(json))!;
        var all = JsonNode.Parse(File.ReadAllText(allJson))!["edges"]!.AsObject();
        var edges = root["edges"]!.AsObject();
        var positions = root["circuitdsl"]!["positions"]!;
        Assert.That(positions["names"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "repeated", "other positions" }));
        var perPosition = positions["edges"]!.AsObject();
        Assert.That(edges.Select(p => p.Key), Is.EqualTo(all.Select(p => p.Key)), "the all-position graph's edges, in its order");
        Assert.That(perPosition.Select(p => p.Key), Is.EqualTo(edges.Select(p => p.Key)));
        int keptAtPositions = 0;
        foreach (var (name, edge) in edges)
        {
            var atPositions = perPosition[name]!.AsObject();
            Assert.That(atPositions.Select(p => p.Key), Is.EqualTo(new[] { "repeated", "other positions" }), name);
            keptAtPositions += atPositions.Count(p => p.Value!["in_graph"]!.GetValue<bool>());
            Assert.That(edge!["in_graph"]!.GetValue<bool>(), Is.EqualTo(atPositions.Any(p => p.Value!["in_graph"]!.GetValue<bool>())), name);
            double folded = edge["score"]!.GetValue<double>(), sum = atPositions.Sum(p => p.Value!["score"]!.GetValue<double>());
            Assert.That(folded, Is.EqualTo(sum).Within(1e-12 + 1e-12 * Math.Abs(sum)), name);
            // EAP adds up over positions: the folded score is the all-position run's.
            double whole = all[name]!["score"]!.GetValue<double>();
            Assert.That(folded, Is.EqualTo(whole).Within(1e-5 * all.Max(p => Math.Abs(p.Value!["score"]!.GetValue<double>()))), name);
        }
        Assert.That(keptAtPositions, Is.EqualTo(6), "the per-position edges kept are the draft's");

        // MIB's tools read the folded circuit; `circuit import` reads the per-position one back: the draft's claims.
        string imported = folder.File("imported.circuit");
        var import = CliRunner.Run("import", json, "--settings", settings, "--out", imported);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.Error);
        string text = File.ReadAllText(imported);
        Assert.That(text, Does.Contain("the 6 edges the file marks in_graph").And.Contain("per-position edges (a sender at p into a receiver at p) at repeated"));
        Assert.That(Claims(text), Is.EqualTo(Claims(File.ReadAllText(folder.File("d.circuit")))), "the same per-position path claims as the draft");
        var check = CliRunner.Run("check", imported, "--no-cache", "--no-progress");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);

        // Without the extension it is the folded circuit, at every position.
        root["circuitdsl"]!.AsObject().Remove("positions");
        string plain = folder.File("plain.json", root.ToJsonString());
        import = CliRunner.Run("import", plain, "--settings", settings, "--out", imported);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.Error);
        int inGraph = edges.Count(p => p.Value!["in_graph"]!.GetValue<bool>());
        Assert.That(File.ReadAllText(imported), Does.Contain($"the {inGraph} edges the file marks in_graph").And.Not.Contain("per-position edges"));
    }

    static string[] Claims(string draft) =>
        [.. draft.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("expect path ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(" effect", StringComparison.Ordinal)]).Order(StringComparer.Ordinal)];

    [TestCase("\"names\": [\"repeated\"]", "circuitdsl.positions needs")]
    [TestCase("\"names\": [\"nowhere\", \"other positions\"]", "CD2021")]
    [TestCase("\"names\": [\"repeated\", \"other positions\"], \"edges\": {\"a0.h0->a1.h0<k>\": {\"somewhere\": {\"in_graph\": true}}}, \"x\"", "'somewhere' is not one of circuitdsl.positions.names")]
    [TestCase("\"names\": [\"repeated\", \"other positions\"], \"edges\": {\"a0.h0->a1.h7<k>\": {\"repeated\": {\"in_graph\": true}}}, \"x\"", "which attn-only-2l does not have")]
    public void ABadPositionsExtensionIsRefusedWithNothingWritten(string positions, string message)
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Induction);
        // A one-edge circuit at every position; the extension's "edges" (where the case gives none) is empty.
        string edges = positions.Contains("\"edges\"") ? "" : ", \"edges\": {}";
        string extension = ("{" + positions + edges + " }").Replace(", \"x\" }", " }");
        string json = folder.File("c.json", """
            {"cfg": {"n_layers": 2, "n_heads": 2, "d_model": 64},
             "edges": {"a0.h0->a1.h0<k>": {"score": 1, "in_graph": true}},
             "circuitdsl": {"positions": EXTENSION}}
            """.Replace("EXTENSION", extension));
        string draft = folder.File("d.circuit");
        var (exit, _, error) = CliRunner.Run("import", json, "--settings", settings, "--out", draft);
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(message));
        Assert.That(File.Exists(draft), Is.False);
    }

    [TestCase("END", "CD2021", ":2:1:")]
    [TestCase("repeated,nowhere+1", "CD2021", ":2:1:")]
    [TestCase("repeated,repeated+1", "CD4003", ":2:1:")]
    public void PositionsTheDataCannotSplitByAreLocatedDiagnostics(string positions, string code, string place)
    {
        using var folder = new TempFolder();
        string settings = folder.File("bad.circuit", Induction);
        var (exit, _, error) = CliRunner.Run("discover", settings, "--method", "eap", "--positions", positions, "--out", folder.File("d.circuit"));
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(code).And.Contain("bad.circuit" + place));
        Assert.That(File.Exists(folder.File("d.circuit")), Is.False);
    }

    [Test]
    public void TheSameSeedGivesTheSameStableDraftAndTheLeastFrequencyFilters()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Induction);
        string Draft(string name, params string[] more)
        {
            string path = folder.File(name);
            var (code, _, error) = CliRunner.Run(["discover", settings, "--method", "eap", "--edges", "8", "--resamples", "5", "--out", path, .. more]);
            Assert.That(code, Is.EqualTo(0), error);
            return File.ReadAllText(path);
        }
        string first = Draft("a.circuit");
        TestContext.Out.WriteLine(first);
        Assert.That(Draft("b.circuit"), Is.EqualTo(first));
        Assert.That(first, Does.Contain("// selection: the edges selected in at least 0.5 of 5 bootstrap resamples of the data (seed 5;"));
        Assert.That(first, Does.Match(@"frequency 1 \(5 of 5 resamples\)"));
        Assert.That(first, Does.Not.Match(@"\(([0-2]) of 5 resamples\)"), "kept: at least half");
        string strict = Draft("c.circuit", "--min-frequency", "1");
        Assert.That(strict, Does.Not.Match(@"\(([0-4]) of 5 resamples\)"));
        Assert.That(Kept(strict), Is.LessThanOrEqualTo(Kept(first)));
        var check = CliRunner.Run("check", folder.File("a.circuit"), "--no-cache", "--no-progress");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);
    }

    static int Kept(string draft) => int.Parse(System.Text.RegularExpressions.Regex.Match(draft, @"; (\d+) of 42 edges kept").Groups[1].Value);

    [TestCase("--resamples", "1")]
    [TestCase("--resamples", "0")]
    [TestCase("--resamples", "1001")]
    [TestCase("--resamples", "4", "--min-frequency", "0")]
    [TestCase("--resamples", "4", "--min-frequency", "1.5")]
    [TestCase("--resamples", "4", "--min-frequency", "NaN")]
    [TestCase("--min-frequency", "0.5")]
    [TestCase("--positions", "repeated,all")]
    [TestCase("--positions", "3")]
    [TestCase("--positions", "repeated,repeated")]
    public void BadStabilityAndPositionOptionsExitTwo(params string[] options)
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Induction);
        var (exit, _, error) = CliRunner.Run(["discover", settings, "--out", folder.File("d.circuit"), .. options.Select(o => o == "c.json" ? folder.File(o) : o)]);
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(File.Exists(folder.File("d.circuit")), Is.False);
        Assert.That(File.Exists(folder.File("c.json")), Is.False);
    }
}
