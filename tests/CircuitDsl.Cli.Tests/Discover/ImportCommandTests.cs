namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// `circuit import` on circuit files written here in EAP-IG's JSON format (as <c>Graph.to_json</c> writes them): the
/// draft passes `fmt --check` and `check`; files that are not circuits, or name what the model lacks, are located CD4004s.
/// </summary>
public class ImportCommandTests
{
    const string Settings = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 32, seed: 5)
        metric loss at repeated
        """;

    // The induction circuit of the shipped model, as EAP-IG would write it (every edge present, four in the graph).
    static string Circuit(string extraEdge = "", string layers = "2") => $$$"""
        {"cfg": {"n_layers": {{{layers}}}, "n_heads": 2, "d_model": 64, "parallel_attn_mlp": false},
         "nodes": {"input": {"in_graph": true}, "a0.h0": {"in_graph": true}, "a0.h1": {"in_graph": false},
                   "a1.h0": {"in_graph": true}, "a1.h1": {"in_graph": true}, "logits": {"in_graph": true}},
         "edges": {
           "input->a0.h0<v>": {"score": 2.5, "in_graph": true},
           "input->a0.h1<v>": {"score": 1.2, "in_graph": false},
           "a0.h0->a1.h0<k>": {"score": 1.1, "in_graph": true},{{{extraEdge}}}
           "a0.h0->a1.h1<k>": {"score": 0.7, "in_graph": false},
           "a1.h0->logits": {"score": 7.6, "in_graph": true},
           "a1.h1->logits": {"score": 5.3, "in_graph": true}
         }}
        """;

    [Test]
    public void AnEapIgCircuitBecomesADraftThatPassesFmtAndCheck()
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string json = folder.File("circuit.json", Circuit());
        string draft = folder.File("imported.circuit");
        var (code, _, error) = CliRunner.Run("import", json, "--settings", settings, "--out", draft);
        Assert.That(code, Is.EqualTo(0), error);
        string text = File.ReadAllText(draft);
        TestContext.Out.WriteLine(text);
        Assert.That(text, Does.Contain("expect path embed -> L0.H0.v effect <=").And.Contain("expect path L0.H0 -> L1.H0.k effect <=")
            .And.Contain("expect path L1.H1 -> logits effect <=").And.Not.Contain("L0.H1 ->"));
        Assert.That(CliRunner.Run("fmt", "--check", draft).ExitCode, Is.EqualTo(0));
        var check = CliRunner.Run("check", draft, "--no-cache", "--no-progress");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Out + check.Error);
    }

    [TestCase("{\"cfg\": {\n  \"n_layers\": 2,,\n}}", ":2:", "not JSON")]
    [TestCase("[1, 2]", ":1:1:", "not an EAP-IG/MIB circuit file")]
    [TestCase(null, ":8:12:", "L1.H7 -> logits, which attn-only-2l does not have")]
    [TestCase("layers", ":1:", "cfg.n_layers is 3")]
    public void FilesThatAreNotItsCircuitsAreLocatedDiagnostics(string? text, string place, string message)
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string body = text switch
        {
            null => Circuit("\n           \"a1.h7->logits\": {\"score\": 0.1, \"in_graph\": true},"),
            "layers" => Circuit(layers: "3"),
            _ => text,
        };
        string json = folder.File("circuit.json", body);
        string draft = folder.File("imported.circuit");
        var (code, _, error) = CliRunner.Run("import", json, "--settings", settings, "--out", draft);
        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("circuit.json" + place).And.Contain("CD4004").And.Contain(message));
        Assert.That(File.Exists(draft), Is.False);
    }
}
