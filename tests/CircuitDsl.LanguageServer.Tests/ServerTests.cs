using System.Text.Json.Nodes;
using CircuitDsl.LanguageServer.Protocol;
using CircuitDsl.LanguageServer.Workspace;

namespace CircuitDsl.LanguageServer.Tests;

/// <summary>
/// Each capability of the server over in-memory streams, against the zoo's real model configs and cards and the zoo's
/// tasks (nothing runs a model). Files live in a temporary folder, so URIs are real <c>file:</c> URIs and imports
/// and models resolve as they do for an editor.
/// </summary>
public sealed class ServerTests
{
    /// <summary>The induction claim on the shipped attn-only-2l model, with a causal variable of known type.</summary>
    private const string Induction = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 16, seed: 1)
        metric loss at repeated

        let token = x.Tokens[x.Pos]
        let next_token = token + 1

        group induction_heads = L1.H0, L1.H1

        hypothesis induction "the previous-token head feeds the induction heads" {
          baseline resample induction_heads
          node out = logits
            from heads
          node heads = induction_heads computes next_token
            k from prev
          node prev = L0.H0 computes token
          expect scrub recovers >= 0.5
        }

        """;

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private string Uri(string name, string? text = null) => DocumentUris.FromPath(_folder.File(name, text));

    private static bool HasCode(JsonArray diagnostics, string code) => diagnostics.Any(d => Lsp.String(d?["code"]) == code);

    private static (int Line, int Character) Find(string text, string needle, int skip = 0)
    {
        int offset = text.IndexOf(needle, StringComparison.Ordinal);
        for (int i = 0; i < skip; i++)
        {
            offset = text.IndexOf(needle, offset + 1, StringComparison.Ordinal);
        }

        Assert.That(offset, Is.GreaterThanOrEqualTo(0), needle);
        int line = text[..offset].Count(c => c == '\n');
        int lineStart = text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
        return (line, offset - (offset == 0 ? 0 : lineStart));
    }

    private static JsonObject AtText(string uri, string text, string needle, int skip = 0, int into = 0)
    {
        var (line, character) = Find(text, needle, skip);
        return ProtocolClient.At(uri, line, character + into);
    }

    private static byte[] Frame(string body) =>
        System.Text.Encoding.UTF8.GetBytes($"Content-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    private static string Markdown(JsonNode? hover) => Lsp.String(hover?["contents"]?["value"]) ?? string.Empty;

    private static List<string> Labels(JsonNode? completion) =>
        [.. (completion as JsonArray ?? (JsonArray?)completion?["items"] ?? []).Select(i => Lsp.String(i?["label"])!)];

    [Test]
    public async Task InitializeAnnouncesEveryCapabilityInUtf16()
    {
        await using var client = new ProtocolClient();
        var result = await client.Call("initialize", new JsonObject { ["capabilities"] = new JsonObject() });
        var capabilities = result!["capabilities"]!;
        Assert.Multiple(() =>
        {
            Assert.That(Lsp.String(capabilities["positionEncoding"]), Is.EqualTo("utf-16"));
            Assert.That(Lsp.Int(capabilities["textDocumentSync"]?["change"]), Is.EqualTo(1));
            foreach (string capability in new[] { "hoverProvider", "completionProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "documentFormattingProvider", "codeActionProvider" })
            {
                Assert.That(capabilities[capability], Is.Not.Null, capability);
            }
        });
        Assert.That(await client.Shutdown(), Is.Zero);
    }

    [Test]
    public async Task DiagnosticsCarryCodesAndExactRangesAndClearWhenFixed()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string broken = Induction.Replace("group induction_heads = L1.H0, L1.H1", "group induction_heads = L1.H0, L1.H7", StringComparison.Ordinal);
        string uri = Uri("broken.circuit", broken);
        await client.Open(uri, broken);

        var diagnostics = await client.Diagnostics(uri, d => d.Count > 0);
        var head = diagnostics.Single(d => Lsp.String(d?["code"]) == "CD2004");
        var (line, character) = Find(broken, "L1.H7");
        Assert.Multiple(() =>
        {
            Assert.That(Lsp.Int(head!["severity"]), Is.EqualTo(1));
            Assert.That(Lsp.String(head!["source"]), Is.EqualTo("circuit"));
            Assert.That(Position.From(head!["range"]!["start"]), Is.EqualTo(new Position(line, character)));
            Assert.That(Position.From(head!["range"]!["end"]), Is.EqualTo(new Position(line, character + "L1.H7".Length)));
        });

        await client.Change(uri, Induction, 2);
        await client.Diagnostics(uri, d => d.Count == 0);
    }

    [Test]
    public async Task ARequestRightAfterAChangeDoesNotSwallowItsDiagnostics()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("quick.circuit", Induction);
        await client.Open(uri, Induction);
        await client.Diagnostics(uri, d => d.Count == 0);

        // The hover arrives before the server is idle, so it analyses the new text first; the diagnostics still follow.
        string broken = Induction.Replace("L1.H0, L1.H1", "L1.H0, L1.H7", StringComparison.Ordinal);
        var change = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "textDocument/didChange",
            ["params"] = new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = 2 },
                ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = broken }),
            },
        };
        var hover = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1000, ["method"] = "textDocument/hover", ["params"] = AtText(uri, broken, "L1.H7") };
        await client.SendRaw([.. Frame(change.ToJsonString()), .. Frame(hover.ToJsonString())]); // one write: both wait in the inbox together
        await client.Diagnostics(uri, d => HasCode(d, "CD2004"));
    }

    [Test]
    public async Task SyntaxErrorsArePublishedAsYouType()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("typing.circuit", Induction);
        await client.Open(uri, Induction);
        await client.Diagnostics(uri, d => d.Count == 0);
        string typing = Induction.Replace("expect scrub recovers >= 0.5", "expect scrub recovers >=", StringComparison.Ordinal);
        await client.Change(uri, typing, 2);
        var diagnostics = await client.Diagnostics(uri, d => d.Count > 0);
        Assert.That(diagnostics.All(d => Lsp.String(d?["code"])!.StartsWith("CD1", StringComparison.Ordinal)), Is.True, diagnostics.ToJsonString());
    }

    [Test]
    public async Task PositionsCountUtf16CodeUnits()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        // An emoji is two UTF-16 code units (one code point, four UTF-8 bytes), é one.
        string text = Induction.Replace("group induction_heads = L1.H0, L1.H1", "group induction_heads = L1.H0 /* 😀é */, L1.H7", StringComparison.Ordinal);
        string uri = Uri("unicode.circuit", text);
        await client.Open(uri, text);
        var diagnostics = await client.Diagnostics(uri, d => HasCode(d, "CD2004"));
        var range = diagnostics.Single(d => Lsp.String(d?["code"]) == "CD2004")!["range"]!;
        int line = Find(text, "L1.H7").Line;
        Assert.That(Position.From(range["start"]), Is.EqualTo(new Position(line, 41)));
        Assert.That(Position.From(range["end"]), Is.EqualTo(new Position(line, 46)));

        // And back: a hover at the UTF-16 position of L1.H7 finds it.
        var hover = await client.Call("textDocument/hover", ProtocolClient.At(uri, line, 42));
        Assert.That(Markdown(hover), Does.Contain("L1.H7"));
    }

    [Test]
    public async Task CausalVariablesAreCompiledAfterAPause()
    {
        await using var client = new ProtocolClient(new ServerOptions(TimeSpan.FromMilliseconds(300)));
        await client.Initialize();
        string text = Induction.Replace("let next_token = token + 1", "let next_token = x.NoSuchMember", StringComparison.Ordinal);
        string uri = Uri("compile.circuit", text);
        await client.Open(uri, text);

        // Syntax and binding first (clean), then the compiler's verdict on the causal variable.
        await client.Diagnostics(uri, d => d.Count == 0);
        var diagnostics = await client.Diagnostics(uri, d => HasCode(d, "CD3005"));
        var error = diagnostics.First(d => Lsp.String(d?["code"]) == "CD3005")!;
        var (line, _) = Find(text, "x.NoSuchMember");
        Assert.That(Position.From(error["range"]!["start"]).Line, Is.EqualTo(line));
        Assert.That(Lsp.String(error["message"]), Does.Contain("NoSuchMember"));

        await client.Change(uri, Induction, 2);
        await client.Diagnostics(uri, d => d.Count == 0);
    }

    [Test]
    public async Task FilesThatImportTheChangedFileAreCheckedAgain()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        const string Shared = "group induction_heads = L1.H0, L1.H1\n";
        string main = "import \"shared.circuit\"\n" + Induction.Replace("group induction_heads = L1.H0, L1.H1\n", string.Empty, StringComparison.Ordinal);
        string sharedUri = Uri("shared.circuit", Shared);
        string mainUri = Uri("main.circuit", main);
        await client.Open(mainUri, main);
        await client.Diagnostics(mainUri, d => d.Count == 0);
        await client.Open(sharedUri, Shared);

        // The edit is unsaved: the importing file sees the editor's text, not the disk's.
        await client.Change(sharedUri, "group induction_head = L1.H0, L1.H1\n", 2);
        var diagnostics = await client.Diagnostics(mainUri, d => HasCode(d, "CD2001"));
        Assert.That(diagnostics.Select(d => Lsp.String(d?["message"])), Has.Some.Contains("did you mean 'induction_head'"));

        // An error inside the imported file is shown at the import.
        await client.Change(sharedUri, "group = L1.H0\n", 3);
        diagnostics = await client.Diagnostics(mainUri, d => d.Any(x => Position.From(x?["range"]?["start"]).Line == 0 && Lsp.String(x?["message"])!.Contains("shared.circuit", StringComparison.Ordinal)));
        Assert.That(diagnostics, Is.Not.Empty);

        await client.Change(sharedUri, Shared, 4);
        await client.Diagnostics(mainUri, d => d.Count == 0);
    }

    [Test]
    public async Task HoverShowsComponentsWithTheirModelCardRolesAndScores()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("hover.circuit", Induction);
        await client.Open(uri, Induction);

        string head = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "L1.H0", into: 2)));
        Assert.That(head, Does.Contain("attention head 0 of layer 1").And.Contain("attn-only-2l").And.Contain("d_model = 64"));
        Assert.That(head, Does.Contain("**induction**").And.Contain("induction_score 0.9313"));

        string group = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "induction_heads", skip: 1)));
        Assert.That(group, Does.Contain("group **induction_heads** = L1.H0, L1.H1"));

        string builtin = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "logits")));
        Assert.That(builtin, Does.Contain("output"));
    }

    [Test]
    public async Task HoverShowsAVariablesCSharpType()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("types.circuit", Induction);
        await client.Open(uri, Induction);
        string token = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "token =")));
        Assert.That(token, Does.Contain("C# type: `int`"));

        // A variable that uses another is typed with the other's type, at its use too.
        string next = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "next_token", skip: 1)));
        Assert.That(next, Does.Contain("let **next_token**").And.Contain("C# type: `int`"));
    }

    [Test]
    public async Task HoverShowsTasksPositionsAndStatistics()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("task.circuit", Induction);
        await client.Open(uri, Induction);

        string task = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "repeated_tokens")));
        Assert.That(task, Does.Contain("task **repeated_tokens**").And.Contain("`count`").And.Contain("Named positions: `repeated`"));

        string argument = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "seed")));
        Assert.That(argument, Does.Contain("argument **seed**"));

        string position = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "repeated\n")));
        Assert.That(position, Does.Contain("named position **repeated**"));

        string statistic = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "recovers")));
        Assert.That(statistic, Does.Contain("recovered fraction"));

        string subject = Markdown(await client.Call("textDocument/hover", AtText(uri, Induction, "scrub recovers")));
        Assert.That(subject, Does.Contain("causal scrubbing"));
    }

    [Test]
    public async Task CompletionOffersOnlyTheComponentsTheModelHas()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string text = Induction.Replace("node prev = L0.H0 computes token", "node prev = L1.", StringComparison.Ordinal);
        string uri = Uri("complete.circuit", text);
        await client.Open(uri, text);
        var (line, character) = Find(text, "L1.\n");

        var afterLayer = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, line, character + 3)));
        Assert.That(afterLayer, Is.EquivalentTo(new[] { "H0", "H1", "H*" }), "attn-only-2l has two heads a layer and no MLPs");

        string withHead = text.Replace("node prev = L1.", "node prev = L1.H0.", StringComparison.Ordinal);
        await client.Change(uri, withHead, 2);
        var channels = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, line, character + 6)));
        Assert.That(channels, Is.EquivalentTo(new[] { "q", "k", "v" }));

        string anywhere = text.Replace("node prev = L1.", "node prev = ", StringComparison.Ordinal);
        await client.Change(uri, anywhere, 3);
        var all = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, line, character)));
        Assert.That(all, Does.Contain("L1.H1").And.Contain("L0.H*").And.Contain("induction_heads").And.Contain("token").And.Contain("logits"));
        Assert.That(all, Has.None.StartsWith("L2").And.None.Contains("mlp"));
    }

    [Test]
    public async Task CompletionOffersMlpsWhereTheModelHasThem()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        const string Text = "model zoo:ioi-2l\ndata ioi(count: 8)\nmetric logit_diff(IO, S) at END\n\nhypothesis h {\n  expect path L1. -> logits effect <= -0.1\n}\n";
        string uri = Uri("ioi.circuit", Text);
        await client.Open(uri, Text);
        var (line, character) = Find(Text, "L1. ");
        var labels = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, line, character + 3)));
        Assert.That(labels, Is.EquivalentTo(new[] { "H0", "H1", "H2", "H3", "H*", "mlp" }));
    }

    [Test]
    public async Task CompletionOffersTheTasksArgumentsPositionsAndAnswers()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        const string Text = "model zoo:ioi-2l\ndata ioi(count: 8, )\nmetric logit_diff(IO, S) at END, \n";
        string uri = Uri("ioi-data.circuit", Text);
        await client.Open(uri, Text);

        var tasks = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, 1, 5)));
        Assert.That(tasks, Does.Contain("ioi").And.Contain("repeated_tokens").And.Contain("parens"));

        var arguments = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, 1, "data ioi(count: 8, ".Length)));
        Assert.That(arguments, Does.Contain("seed").And.Contain("counterfactual"));

        var answers = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, 2, "metric logit_diff(".Length)));
        Assert.That(answers, Is.EquivalentTo(new[] { "IO", "S" }));

        var positions = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, 2, "metric logit_diff(IO, S) at END, ".Length)));
        Assert.That(positions, Is.SupersetOf(new[] { "IO", "S1", "S2", "END", "all" }));

        var keywords = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, 3, 0)));
        Assert.That(keywords, Does.Contain("hypothesis").And.Contain("let").And.Contain("group"));
    }

    [Test]
    public async Task CompletionInCausalVariablesOffersTheExampleAndTheVariables()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string text = Induction.Replace("let next_token = token + 1", "let next_token = x.", StringComparison.Ordinal);
        string uri = Uri("expression.circuit", text);
        await client.Open(uri, text);
        var (line, character) = Find(text, "x.\n");
        var members = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, line, character + 2)));
        Assert.That(members, Is.SupersetOf(new[] { "Tokens", "Pos", "Length", "Position", "IsAt", "Answer", "PrevOccurrence" }));
        Assert.That(members, Has.None.EqualTo("Example").And.None.EqualTo("Equals"));

        var names = Labels(await client.Call("textDocument/completion", ProtocolClient.At(uri, line, character)));
        Assert.That(names, Is.EquivalentTo(new[] { "x", "token", "next_token" }));
    }

    [Test]
    public async Task CrlfLineBreaksArePositionedLikeLf()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string text = Induction.Replace("L1.H0, L1.H1", "L1.H0, L1.H7", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        string uri = Uri("crlf.circuit", text);
        await client.Open(uri, text);
        var diagnostics = await client.Diagnostics(uri, d => HasCode(d, "CD2004"));
        var range = diagnostics.Single(d => Lsp.String(d?["code"]) == "CD2004")!["range"]!;
        Assert.That(Position.From(range["start"]), Is.EqualTo(new Position(7, 31)));
        Assert.That(Position.From(range["end"]), Is.EqualTo(new Position(7, 36)));
    }

    [Test]
    public async Task DefinitionAndReferencesOfLetGroupAndNode()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("nav.circuit", Induction);
        await client.Open(uri, Induction);

        foreach (var (name, uses) in new[] { ("token", 2), ("induction_heads", 2), ("prev", 1), ("heads", 1) })
        {
            var declaration = name switch
            {
                "token" => Find(Induction, "token ="),
                "induction_heads" => Find(Induction, "induction_heads ="),
                "prev" => Find(Induction, "prev ="),
                _ => Find(Induction, "node heads ="),
            };
            if (name == "heads")
            {
                declaration.Character += "node ".Length;
            }

            var use = name switch
            {
                "token" => AtText(uri, Induction, "computes token"),
                "induction_heads" => AtText(uri, Induction, "resample induction_heads"),
                "prev" => AtText(uri, Induction, "from prev"),
                _ => AtText(uri, Induction, "from heads"),
            };
            int into = name switch { "token" => "computes ".Length, "induction_heads" => "resample ".Length, _ => "from ".Length };
            use["position"]!["character"] = Lsp.Int(use["position"]!["character"])!.Value + into;

            var definition = await client.Call("textDocument/definition", use);
            Assert.That(Lsp.String(definition?["uri"]), Is.EqualTo(uri), name);
            Assert.That(Position.From(definition?["range"]?["start"]), Is.EqualTo(new Position(declaration.Line, declaration.Character)), name);

            var references = use.DeepClone().AsObject();
            references["context"] = new JsonObject { ["includeDeclaration"] = true };
            var found = (JsonArray)(await client.Call("textDocument/references", references))!;
            Assert.That(found, Has.Count.EqualTo(uses + 1), $"{name}: {found.ToJsonString()}");
        }
    }

    [Test]
    public async Task DefinitionAndReferencesOfImportedFiles()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string sharedUri = Uri("shared.circuit", "group induction_heads = L1.H0, L1.H1\n");
        string main = "import \"shared.circuit\"\n" + Induction.Replace("group induction_heads = L1.H0, L1.H1\n", string.Empty, StringComparison.Ordinal);
        string mainUri = Uri("main.circuit", main);
        await client.Open(mainUri, main);

        var file = await client.Call("textDocument/definition", ProtocolClient.At(mainUri, 0, 10));
        Assert.That(Lsp.String(file?["uri"]), Is.EqualTo(sharedUri));

        // A group declared in the imported file: its definition is there, its uses here.
        var use = AtText(mainUri, main, "resample induction_heads", into: "resample ".Length);
        var group = await client.Call("textDocument/definition", use);
        Assert.That(Lsp.String(group?["uri"]), Is.EqualTo(sharedUri));
        Assert.That(Position.From(group?["range"]?["start"]), Is.EqualTo(new Position(0, 6)));

        var references = use.DeepClone().AsObject();
        references["context"] = new JsonObject { ["includeDeclaration"] = false };
        var found = (JsonArray)(await client.Call("textDocument/references", references))!;
        Assert.That(found.Select(l => Lsp.String(l?["uri"])), Is.EqualTo(new[] { mainUri, mainUri }));

        var imports = (JsonArray)(await client.Call("textDocument/references", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = mainUri },
            ["position"] = new JsonObject { ["line"] = 0, ["character"] = 10 },
            ["context"] = new JsonObject { ["includeDeclaration"] = true },
        }))!;
        Assert.That(imports, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task DocumentSymbolsListHypothesesNodesAndVariables()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string uri = Uri("symbols.circuit", Induction);
        await client.Open(uri, Induction);
        var symbols = (JsonArray)(await client.Call("textDocument/documentSymbol", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri } }))!;
        Assert.That(symbols.Select(s => Lsp.String(s?["name"])), Is.EqualTo(new[] { "token", "next_token", "induction_heads", "induction" }));
        var hypothesis = symbols[3]!;
        Assert.That(Lsp.Int(hypothesis["kind"]), Is.EqualTo(Lsp.SymbolKind.Class));
        Assert.That(((JsonArray)hypothesis["children"]!).Select(s => Lsp.String(s?["name"])), Is.EqualTo(new[] { "out", "heads", "prev" }));
    }

    [Test]
    public async Task FormattingIsTheFormattersOutput()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string messy = Induction.Replace("group induction_heads = L1.H0, L1.H1", "group   induction_heads=L1.H0,L1.H1", StringComparison.Ordinal)
            .Replace("  node out = logits", "      node out = logits", StringComparison.Ordinal);
        string uri = Uri("format.circuit", messy);
        await client.Open(uri, messy);
        var format = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri }, ["options"] = new JsonObject { ["tabSize"] = 2, ["insertSpaces"] = true } };
        var edits = (JsonArray)(await client.Call("textDocument/formatting", format))!;
        Assert.That(edits, Has.Count.EqualTo(1));
        string expected = Language.Formatting.CircuitFormatter.Format(Language.Syntax.CircuitParser.Parse(messy, "format.circuit"));
        Assert.That(Lsp.String(edits[0]!["newText"]), Is.EqualTo(expected));
        Assert.That(expected, Does.Contain("group induction_heads = L1.H0, L1.H1"));

        await client.Change(uri, expected, 2);
        Assert.That((JsonArray)(await client.Call("textDocument/formatting", format))!, Is.Empty, "a formatted file needs no edit");
    }

    [Test]
    public async Task QuickFixesApplyTheBindersSpellingSuggestion()
    {
        await using var client = new ProtocolClient();
        await client.Initialize();
        string text = Induction.Replace("baseline resample induction_heads", "baseline resample induction_head", StringComparison.Ordinal);
        string uri = Uri("fix.circuit", text);
        await client.Open(uri, text);
        var diagnostics = await client.Diagnostics(uri, d => HasCode(d, "CD2001"));
        var diagnostic = diagnostics.First(d => Lsp.String(d?["code"]) == "CD2001")!;

        var actions = (JsonArray)(await client.Call("textDocument/codeAction", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri },
            ["range"] = diagnostic["range"]!.DeepClone(),
            ["context"] = new JsonObject { ["diagnostics"] = new JsonArray(diagnostic.DeepClone()) },
        }))!;
        var fix = actions.Single()!;
        Assert.That(Lsp.String(fix["kind"]), Is.EqualTo("quickfix"));
        var edit = fix["edit"]!["changes"]![uri]![0]!;
        Assert.That(Lsp.String(edit["newText"]), Is.EqualTo("induction_heads"));
        Assert.That(edit["range"]!.ToJsonString(), Is.EqualTo(diagnostic["range"]!.ToJsonString()));
    }

    [Test]
    public async Task ShutdownThenExitEndsWithZeroAndExitAloneWithOne()
    {
        await using (var client = new ProtocolClient())
        {
            await client.Initialize();
            Assert.That(await client.Shutdown(), Is.Zero);
        }

        await using (var client = new ProtocolClient())
        {
            await client.Initialize();
            await client.Notify("exit", null);
            Assert.That(await client.Server.WaitAsync(ProtocolClient.Patience), Is.EqualTo(1));
        }
    }
}
