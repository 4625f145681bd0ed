using System.Diagnostics;
using System.Text.Json.Nodes;
using CircuitDsl.LanguageServer.Workspace;

namespace CircuitDsl.LanguageServer.Tests;

/// <summary>
/// Measures (does not judge: timing never decides a test on a shared machine) how long the server takes to answer
/// on a generated 1,000-line file, over in-memory streams: a change until its diagnostics are published, and each
/// request until its response arrives. Run
/// <c>dotnet test tests/CircuitDsl.LanguageServer.Tests --filter Category=Benchmark --logger "console;verbosity=detailed"</c>;
/// docs/editor.md records a run.
/// </summary>
[Category("Benchmark")]
public sealed class ResponseTimeBenchmark
{
    private const int WarmUp = 5;
    private const int Runs = 20;

    [Test]
    public async Task AnswersOnAThousandLineFile()
    {
        using var folder = new TempFolder();
        string text = ThousandLineFile.Text();
        string uri = DocumentUris.FromPath(folder.File("thousand.circuit", text));
        // The compiler's check is pushed past the measurement, so that it measures what typing waits for.
        await using var client = new ProtocolClient(new ServerOptions(TimeSpan.FromMinutes(10)));
        await client.Initialize();
        await client.Open(uri, text);
        var first = await client.Diagnostics(uri, _ => true);
        Assert.That(first, Is.Empty, first.ToJsonString());

        int lines = text.Count(c => c == '\n');
        int last = lines - 20; // inside the last hypothesis
        string[] lineTexts = text.Split('\n');
        int headLine = Array.FindLastIndex(lineTexts, l => l.Contains("node prev_head = L0.H0", StringComparison.Ordinal));
        int letLine = Array.FindLastIndex(lineTexts, l => l.Contains("let local", StringComparison.Ordinal));
        var results = new List<string>();
        int version = 1;
        results.Add(await Measure("change -> diagnostics", async () =>
        {
            // Each edit changes a threshold, so every run is a new text to parse and bind.
            version++;
            string changed = text.Replace("expect scrub recovers >= 85%", $"expect scrub recovers >= {version % 90}%", StringComparison.Ordinal);
            await client.Change(uri, changed, version);
            await client.Diagnostics(uri, _ => true);
        }));
        // The front end alone on the same text, for comparison: what the server adds is the index and the JSON.
        var services = Cli.Commands.LspCommand.Services();
        string path = DocumentUris.ToPath(uri);
        results.Add(await Measure("front end alone (parse+bind)", () =>
        {
            Language.CircuitAnalyzer.AnalyzeText(text, path, services.Disk, services.Models, services.Tasks);
            return Task.CompletedTask;
        }));
        Assert.That(Markdown(await client.Call("textDocument/hover", ProtocolClient.At(uri, headLine, "  node prev_head = L0.".Length))), Does.Contain("previous_token"));
        Assert.That(Markdown(await client.Call("textDocument/hover", ProtocolClient.At(uri, letLine, "  let lo".Length))), Does.Contain("C# type: `int`"));
        results.Add(await Measure("hover (head, model card)", () => client.Call("textDocument/hover", ProtocolClient.At(uri, headLine, "  node prev_head = L0.".Length))));
        results.Add(await Measure("hover (let, C# type)", () => client.Call("textDocument/hover", ProtocolClient.At(uri, letLine, "  let lo".Length))));
        results.Add(await Measure("completion", () => client.Call("textDocument/completion", ProtocolClient.At(uri, last, 2))));
        results.Add(await Measure("definition", () => client.Call("textDocument/definition", ProtocolClient.At(uri, headLine - 2, "    k from pr".Length))));
        var references = ProtocolClient.At(uri, 7, 6);
        references["context"] = new JsonObject { ["includeDeclaration"] = true };
        results.Add(await Measure("references (file-level let)", () => client.Call("textDocument/references", references)));
        results.Add(await Measure("documentSymbol", () => client.Call("textDocument/documentSymbol", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri } })));
        results.Add(await Measure("formatting", () => client.Call("textDocument/formatting", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri }, ["options"] = new JsonObject() })));

        TestContext.Out.WriteLine($"{lines} lines, {Runs} runs each after {WarmUp} warm-up runs, milliseconds:");
        foreach (string result in results)
        {
            TestContext.Out.WriteLine(result);
        }
    }

    private static string Markdown(JsonNode? hover) => hover?["contents"]?["value"]?.GetValue<string>() ?? string.Empty;

    private static async Task<string> Measure(string what, Func<Task> action)
    {
        for (int i = 0; i < WarmUp; i++)
        {
            await action();
        }

        var times = new List<double>();
        for (int i = 0; i < Runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await action();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return $"  {what,-30} median {times[times.Count / 2],7:F1}  best {times[0],7:F1}  worst {times[^1],7:F1}";
    }
}
