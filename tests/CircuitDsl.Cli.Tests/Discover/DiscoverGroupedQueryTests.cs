using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CircuitDsl.Cli.Discover;
using CircuitDsl.Discovery.Graph;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// `circuit discover` on the shipped Llama-style model (grouped-query attention: 4 query heads on 2 key/value heads):
/// the draft passes `fmt --check` and `check` with its faithfulness claim holding at the number discovery printed, the
/// JSON names each key/value head's k and v input once (at its group's first query head), and importing that JSON
/// states the same circuit.
/// </summary>
public class DiscoverGroupedQueryTests
{
    // hypotheses/llama-2l.circuit's settings, on fewer examples.
    const string Settings = """
        model zoo:llama-2l
        data repeated_tokens(count: 64, seed: 11)
        metric loss at repeated
        """;

    [Test]
    public void TheDraftPassesFmtAndCheckAndItsJsonRoundTrips()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string draft = folder.File("draft.circuit"), json = folder.File("draft.json");
        var (code, _, error) = CliRunner.Run("discover", settings, "--method", "eap-ig", "--edges", "12", "--out", draft, "--json", json);
        Assert.That(code, Is.EqualTo(0), error);
        string text = File.ReadAllText(draft);
        TestContext.Out.WriteLine(text);
        // 82 edges: 11 senders; per layer 4 q, 2 k and 2 v receivers (8 reading 1 sender in layer 0, 6 in layer 1), MLPs, logits.
        Assert.That(text, Does.Contain("12 of 82 edges kept"));
        // A path claim into a key/value head's input names its whole group.
        Assert.That(Regex.Matches(text, @"expect path \S+ -> L\d\.H\d\.[kv]( effect|$)", RegexOptions.Multiline), Is.Empty, "a lone head's k or v as a path receiver");

        Assert.That(CliRunner.Run("fmt", "--check", draft).ExitCode, Is.EqualTo(0));
        string report = folder.File("report.json");
        var check = CliRunner.Run("check", draft, "--no-cache", "--no-progress", "--format", "json", "--out", report);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);
        var printed = Regex.Match(text, @"// faithfulness (\S+) of the (\d+) edges stated above");
        Assert.That(printed.Success, Is.True, "the draft claims its circuit's faithfulness");
        var circuit = JsonNode.Parse(File.ReadAllText(report))!["files"]![0]!["hypotheses"]![0]!["checks"]!.AsArray().Single(c => (string?)c!["kind"] == "circuit")!;
        Assert.That(circuit["statistics"]!["faithfulness"]!["value"]!.GetValue<double>(),
            Is.EqualTo(double.Parse(printed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Within(1e-6));
        Assert.That((string?)circuit["method"]!["circuit"], Does.StartWith($"{printed.Groups[2].Value} of 82 edges"));

        var root = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.That(root["cfg"]!["n_key_value_heads"]!.GetValue<int>(), Is.EqualTo(2));
        var names = root["edges"]!.AsObject().Select(p => p.Key).ToList();
        Assert.That(names, Has.Count.EqualTo(82));
        var kv = names.Select(n => Regex.Match(n, @"->a\d\.h(\d)<[kv]>$")).Where(m => m.Success).ToList();
        Assert.That(kv, Has.Count.EqualTo((4 * 1) + (4 * 6)), "2 k and 2 v receivers a layer, reading 1 sender in layer 0 and 6 in layer 1");
        Assert.That(kv.Select(m => int.Parse(m.Groups[1].Value) % 2), Has.All.EqualTo(0), "named at the group's first query head");

        string imported = folder.File("imported.circuit");
        var import = CliRunner.Run("import", json, "--settings", settings, "--out", imported);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.Error);
        Assert.That(NodeLines(text), Has.Count.GreaterThan(2), "the draft states its circuit as nodes");
        Assert.That(NodeLines(File.ReadAllText(imported)), Is.EqualTo(NodeLines(text)), "the imported circuit is the discovered one");
    }

    static List<string> NodeLines(string draft) =>
        [.. draft.Split('\n').SkipWhile(l => !l.Contains("node out = logits", StringComparison.Ordinal)).TakeWhile(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.Contains("expect", StringComparison.Ordinal))];

    [Test]
    public void InTheJsonAnyHeadOfAGroupNamesItsKeyValueInput()
    {
        // llama-2l's shape: a1.h3<k> and a1.h2<k> are one edge, L0.H1 -> L1.H2.k; its scores add, and one name in the
        // graph puts it in the circuit. A head the model lacks is refused, not folded into a group.
        var graph = EdgeGraph.For(new Runtime.Model.ModelConfig
        {
            Name = "llama-2l", Layers = 2, Heads = 4, KeyValueHeads = 2, DModel = 64, DHead = 16, DMlp = 128, VocabSize = 64, ContextLength = 32,
            Normalization = Runtime.Model.Normalization.RmsNorm, Positions = Runtime.Model.PositionEmbedding.Rotary,
        });
        using var folder = new TempFolder();
        string Json(string extra = "") => folder.File("circuit.json", $$$"""
            {"cfg": {"n_layers": 2, "n_heads": 4, "d_model": 64, "parallel_attn_mlp": false, "n_key_value_heads": 2},
             "edges": {
               "a0.h1->a1.h3<k>": {"score": 0.5, "in_graph": true},
               "a0.h1->a1.h2<k>": {"score": 0.25, "in_graph": false},{{{extra}}}
               "a1.h3->logits": {"score": 1.5, "in_graph": true}
             }}
            """);
        var circuit = MibCircuitReader.Read(Json(), graph);
        var key = new Edge(Component.Head(0, 1), Component.Head(1, 2, Channel.Key));
        Assert.That(circuit.Kept, Is.EqualTo(new[] { key, new Edge(Component.Head(1, 3), Component.Logits) }));
        Assert.That(circuit.Scores[key], Is.EqualTo(0.75));
        Assert.That(() => MibCircuitReader.Read(Json("\n   \"a0.h1->a1.h5<v>\": {\"in_graph\": true},"), graph), Throws.TypeOf<DiscoverInputException>().With.Message.Contains("L0.H1 -> L1.H5.v, which llama-2l does not have"));
    }
}
