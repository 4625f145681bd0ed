using System.Text;
using System.Text.Json.Nodes;
using CircuitDsl.LanguageServer.Protocol;
using CircuitDsl.LanguageServer.Workspace;

namespace CircuitDsl.LanguageServer.Tests;

/// <summary>
/// The server never stops answering: malformed frames and JSON, unknown methods, requests out of order, and the
/// kind of mutated files the front end's mutation tests use, with every request at random positions (some past the
/// end of the text). After all of it the server still answers and shuts down cleanly.
/// </summary>
public sealed class RobustnessTests
{
    private const int MutantCount = 150;

    private static readonly string[] Vocabulary =
    [
        "hypothesis", "node", "let", "group", "import", "model", "data", "metric", "expect", "from", "q", "k", "v", "at",
        "computes", "agreeing", "on", "unimportant", "baseline", "ablation", "scrub", "path", "recovers", "effect",
        "L0.H0", "L1.H1.k", "L9.H*", "L0.mlp", "embed", "logits", "END", "repeated", "{", "}", "(", ")", "[", "]",
        ",", ":", "=", "->", ">=", "<=", "%", "-", "+", "\"", "\"text\"", "/*", "*/", "//", "\n", "\r\n", "0.5",
        "99999999999999999999999", "-1", "1e308", "x.Tokens[x.Pos]", "$\"{", "'", "@\"", "\t", "\u00e9", "\u0000",
        "\ud83d\ude00", "\ud800", "import \"missing.circuit\"", "import \"self.circuit\"", "L1.", "L0.H0.", "data ioi(", "at ",
    ];

    [Test]
    public async Task MalformedMessagesAreAnsweredAndTheServerGoesOn()
    {
        await using var client = new ProtocolClient();
        await client.SendRaw(Encoding.ASCII.GetBytes("Content-Length: 5\r\n\r\n{oops"));
        var parseError = await client.NextUnsolicited(m => Lsp.Int(m["error"]?["code"]) == -32700);
        Assert.That(parseError["id"], Is.Null);

        // No length at all, a header line of garbage, a JSON array, a number: skipped or refused, never fatal.
        await client.SendRaw(Encoding.ASCII.GetBytes("X-Nothing: 1\r\n\r\n"));
        await client.SendRaw(Encoding.ASCII.GetBytes("Content-Length: 2\r\n\r\n[]"));
        await client.SendRaw(Encoding.ASCII.GetBytes("Content-Length: 1\r\n\r\n7"));
        await client.NextUnsolicited(m => Lsp.Int(m["error"]?["code"]) == -32600);

        // Duplicate keys, which System.Text.Json refuses only when a property is read.
        await client.SendRaw(Frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"initialize\",\"method\":\"x\"}"));
        await client.SendRaw(Frame("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"a\":1,\"a\":2}}"));

        var early = await client.Request("textDocument/hover", ProtocolClient.At("file:///nowhere.circuit", 0, 0));
        Assert.That(Lsp.Int(early["error"]?["code"]), Is.EqualTo(-32002), "a request before initialize");

        await client.Initialize();
        var unknown = await client.Request("textDocument/noSuchThing", new JsonObject());
        Assert.That(Lsp.Int(unknown["error"]?["code"]), Is.EqualTo(-32601));

        // Requests about documents that are not open, and parameters of the wrong shapes.
        Assert.That(await client.Call("textDocument/hover", ProtocolClient.At("file:///not-open.circuit", 3, 4)), Is.Null);
        Assert.That((await client.Request("textDocument/hover", new JsonObject { ["textDocument"] = 5 }))["error"], Is.Null);
        await client.Notify("textDocument/didOpen", new JsonObject { ["textDocument"] = new JsonArray(1, 2) });
        await client.Notify("textDocument/didChange", null);

        Assert.That(await client.Shutdown(), Is.Zero, client.Log.ToString());
    }

    [Test]
    public async Task MutatedFilesOnlyEverProduceAnswers()
    {
        using var folder = new TempFolder();
        var seeds = Directory.EnumerateFiles(RepositoryRoot.File("grammar", "examples"), "*.circuit")
            .Concat(Directory.EnumerateFiles(RepositoryRoot.File("hypotheses"), "*.circuit"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .ToList();
        string uri = DocumentUris.FromPath(folder.File("self.circuit", seeds[0]));
        var random = new Random(20251201);
        await using var client = new ProtocolClient(new ServerOptions(TimeSpan.FromMilliseconds(1)));
        await client.Initialize();
        await client.Open(uri, seeds[0]);

        string[] requests = ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/references", "textDocument/documentSymbol", "textDocument/formatting", "textDocument/codeAction"];
        for (int i = 0; i < MutantCount; i++)
        {
            string text = Mutate(seeds[random.Next(seeds.Count)], random);
            await client.Change(uri, text, i + 2);
            int lines = text.Count(c => c == '\n') + 1;
            string method = requests[random.Next(requests.Length)];
            var parameters = ProtocolClient.At(uri, random.Next(-1, lines + 2), random.Next(-1, 120));
            parameters["context"] = new JsonObject { ["includeDeclaration"] = true, ["diagnostics"] = new JsonArray() };
            parameters["range"] = new JsonObject { ["start"] = parameters["position"]!.DeepClone(), ["end"] = new JsonObject { ["line"] = lines, ["character"] = 0 } };
            var response = await client.Request(method, parameters);
            Assert.That(response["error"], Is.Null, $"{method} on mutant {i}:\n{text}\n{response.ToJsonString()}\n{client.Log}");
        }

        Assert.That(client.Log.ToString(), Does.Not.Contain("failed"), "no handler, analysis or compile failed");
        Assert.That(await client.Shutdown(), Is.Zero);
    }

    [Test]
    public async Task HostileTextsOnlyProduceAnswers()
    {
        using var folder = new TempFolder();
        string uri = DocumentUris.FromPath(folder.File("hostile.circuit", string.Empty));
        var random = new Random(7);
        string[] texts =
        [
            string.Empty,
            new string('a', 1 << 20),
            "hypothesis h {\n" + string.Concat(Enumerable.Repeat("node n = L0.H0 computes (", 10_000)),
            string.Concat(Enumerable.Repeat("{", 10_000)),
            "group g = L99999999999999999999999.H99999999999999999999\nlet v = 1e99999\n",
            "let a = \ud800\udfff\ud800 \u0000 \ufeff\r\r\n\u2028",
            new string([.. Enumerable.Range(0, 4096).Select(_ => (char)random.Next(0, 0xFFFF))]),
            "import \"hostile.circuit\"\nimport \"/dev/zero\"\nimport \"\"\nmodel \"/\"\ndata jsonl(path: \"/dev/null\")\n",
        ];
        await using var client = new ProtocolClient(new ServerOptions(TimeSpan.FromMilliseconds(1)));
        await client.Initialize();
        await client.Open(uri, string.Empty);
        int version = 1;
        foreach (string text in texts)
        {
            await client.Change(uri, text, ++version);
            foreach (string method in new[] { "textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/documentSymbol", "textDocument/formatting" })
            {
                var parameters = ProtocolClient.At(uri, 0, 1 << 30);
                var response = await client.Request(method, parameters);
                Assert.That(response["error"], Is.Null, $"{method} on a text of {text.Length} characters: {response.ToJsonString()}\n{client.Log}");
            }
        }

        Assert.That(client.Log.ToString(), Does.Not.Contain("failed"));
        Assert.That(await client.Shutdown(), Is.Zero);
    }

    private static byte[] Frame(string body) =>
        Encoding.UTF8.GetBytes($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(builder.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    builder.Insert(at, Vocabulary[random.Next(Vocabulary.Length)]);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(Math.Min(at, builder.Length - 1), Math.Min(random.Next(1, 20), builder.Length - Math.Min(at, builder.Length - 1)));
                    break;
                default:
                    builder.Insert(at, " " + Vocabulary[random.Next(Vocabulary.Length)] + " ");
                    break;
            }
        }

        return builder.ToString();
    }
}
