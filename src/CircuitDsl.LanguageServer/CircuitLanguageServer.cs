using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.LanguageServer.Features;
using CircuitDsl.LanguageServer.Protocol;
using CircuitDsl.LanguageServer.Workspace;

namespace CircuitDsl.LanguageServer;

/// <summary>
/// The language server: JSON-RPC 2.0 over the LSP base protocol, one message at a time on one loop, so documents
/// need no locks. Every change is parsed and bound at once (a burst of changes is coalesced: the loop analyses when
/// no message is waiting); the compiler's check of the causal variables runs on a worker after
/// <see cref="ServerOptions.CompileDelay"/> without typing, and its result is dropped if the document changed
/// meanwhile. A failure in a handler is that request's error response, never the server's end.
/// </summary>
public sealed class CircuitLanguageServer
{
    private const int ParseError = -32700;
    private const int InvalidRequest = -32600;
    private const int MethodNotFound = -32601;
    private const int InternalError = -32603;
    private const int ServerNotInitialized = -32002;

    private readonly MessageReader _reader;
    private readonly MessageWriter _writer;
    private readonly ServerOptions _options;
    private readonly TextWriter _log;
    private readonly ServerServices _services;
    private readonly ModelLookup _models;
    private readonly Dictionary<string, Document> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<Document, SymbolIndex> _indexes = [];
    private readonly Dictionary<Document, CancellationTokenSource> _pendingCompiles = [];
    private readonly System.Threading.Channels.Channel<object> _inbox = System.Threading.Channels.Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OverlayFileProvider _files;
    private readonly HoverProvider _hover;
    private readonly CompletionProvider _completion;
    private readonly SemaphoreSlim _compileLock = new(1, 1);
    private readonly Lazy<CircuitCompiler> _compiler = new(() => new CircuitCompiler(CompileCache.InMemory()));
    private bool _initialized;
    private bool _shutdown;

    /// <param name="input">Where the client's messages arrive (stdin).</param>
    /// <param name="output">Where the server's messages go (stdout).</param>
    /// <param name="services">Models, tasks, disk and model cards.</param>
    /// <param name="options">Timings (default: <see cref="ServerOptions.Default"/>).</param>
    /// <param name="log">Where the server's own troubles are written (stderr; default: nowhere).</param>
    public CircuitLanguageServer(Stream input, Stream output, ServerServices services, ServerOptions? options = null, TextWriter? log = null)
    {
        _reader = new MessageReader(input);
        _writer = new MessageWriter(output);
        _services = services;
        _options = options ?? ServerOptions.Default;
        _log = log ?? TextWriter.Null;
        _models = new ModelLookup(services);
        _files = new OverlayFileProvider(services.Disk, path => _documents.GetValueOrDefault(path));
        _hover = new HoverProvider(_models, services.Tasks, new VariableTypes());
        _completion = new CompletionProvider(_models, services.Tasks);
    }

    private sealed record Inbound(JsonNode? Message, string? Problem);

    private sealed record CompileDone(Document Document, int Generation, ImmutableArray<Diagnostic> Diagnostics);

    private sealed record EndOfInput;

    /// <summary>Serves until <c>exit</c> or the end of the input; returns the process's exit code (0 after a <c>shutdown</c>).</summary>
    public async Task<int> RunAsync(CancellationToken cancellation = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var reading = Task.Run(() => ReadLoopAsync(stop.Token), CancellationToken.None);
        try
        {
            while (true)
            {
                object item = await _inbox.Reader.ReadAsync(stop.Token).ConfigureAwait(false);
                try
                {
                    switch (item)
                    {
                        case EndOfInput:
                            return _shutdown ? 0 : 1;
                        case CompileDone done:
                            await OnCompiled(done).ConfigureAwait(false);
                            break;
                        case Inbound inbound:
                            if (await Dispatch(inbound).ConfigureAwait(false) is { } exitCode)
                            {
                                return exitCode;
                            }

                            break;
                    }

                    if (!_inbox.Reader.TryPeek(out _))
                    {
                        await AnalyzeStale().ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
                {
                    // A message the handlers did not foresee (JSON that throws when read) costs that message only.
                    await _log.WriteLineAsync($"circuit lsp: a message failed: {e}").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 1;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var pending in _pendingCompiles.Values)
            {
                await pending.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellation)
    {
        try
        {
            while (await _reader.ReadAsync(cancellation).ConfigureAwait(false) is { } frame)
            {
                if (frame.Body is null)
                {
                    _inbox.Writer.TryWrite(new Inbound(null, frame.Problem));
                    continue;
                }

                JsonNode? message;
                try
                {
                    message = JsonNode.Parse(frame.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
                }
                catch (JsonException e)
                {
                    _inbox.Writer.TryWrite(new Inbound(null, $"the message is not JSON: {e.Message}"));
                    continue;
                }

                _inbox.Writer.TryWrite(new Inbound(message, null));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // the client went away
        }
        catch (Exception e)
        {
            await _log.WriteLineAsync($"circuit lsp: reading stopped: {e}").ConfigureAwait(false);
        }

        _inbox.Writer.TryWrite(new EndOfInput());
    }

    /// <summary>Handles one message; returns an exit code when the message was <c>exit</c>.</summary>
    private async Task<int?> Dispatch(Inbound inbound)
    {
        if (inbound.Message is null)
        {
            await _log.WriteLineAsync($"circuit lsp: {inbound.Problem}").ConfigureAwait(false);
            await SendError(null, ParseError, inbound.Problem ?? "unreadable message").ConfigureAwait(false);
            return null;
        }

        if (inbound.Message is not JsonObject message)
        {
            await SendError(null, InvalidRequest, "a message is a JSON object").ConfigureAwait(false);
            return null;
        }

        string? method = Lsp.String(message["method"]);
        JsonNode? id = message["id"];
        bool isRequest = message.ContainsKey("id") && id is null or JsonValue;
        if (method is null)
        {
            if (!message.ContainsKey("result") && !message.ContainsKey("error") && isRequest)
            {
                await SendError(id, InvalidRequest, "a request names its method").ConfigureAwait(false);
            }

            return null; // a response to a request the server never sent
        }

        var parameters = message["params"];
        try
        {
            if (!isRequest)
            {
                return await Notification(method, parameters).ConfigureAwait(false);
            }

            if (!_initialized && method != "initialize")
            {
                await SendError(id, ServerNotInitialized, "the server has not been initialized").ConfigureAwait(false);
                return null;
            }

            if (_shutdown)
            {
                await SendError(id, InvalidRequest, "the server is shutting down").ConfigureAwait(false);
                return null;
            }

            var (found, result) = Request(method, parameters);
            if (found)
            {
                await SendResult(id, result).ConfigureAwait(false);
            }
            else
            {
                await SendError(id, MethodNotFound, $"unknown method '{method}'").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await _log.WriteLineAsync($"circuit lsp: {method} failed: {e}").ConfigureAwait(false);
            if (isRequest)
            {
                await SendError(id, InternalError, $"{method} failed: {e.Message}").ConfigureAwait(false);
            }
        }

        return null;
    }

    private (bool Found, JsonNode? Result) Request(string method, JsonNode? parameters)
    {
        switch (method)
        {
            case "initialize":
                _initialized = true;
                VariableTypes.WarmUp();
                return (true, Capabilities());
            case "shutdown":
                _shutdown = true;
                return (true, null);
            case "textDocument/hover":
                return (true, WithDocument(parameters, (document, index, offset) => _hover.Hover(document.Source, index, offset)));
            case "textDocument/completion":
                return (true, WithDocument(parameters, (document, index, offset) => _completion.Complete(document.Source, index, offset)));
            case "textDocument/definition":
                return (true, WithDocument(parameters, Definition));
            case "textDocument/references":
                bool includeDeclaration = parameters.Get("context").Get("includeDeclaration") is JsonValue v && v.TryGetValue(out bool b) && b;
                return (true, WithDocument(parameters, (document, index, offset) => References(document, index, offset, includeDeclaration)));
            case "textDocument/documentSymbol":
                return (true, WithDocument(parameters, (document, index, _) => Outline.Symbols(index.Sources.Root)));
            case "textDocument/formatting":
                return (true, WithDocument(parameters, (document, _, _) => Outline.Format(document.Source)));
            case "textDocument/codeAction":
                return (true, WithDocument(parameters, (document, _, _) => CodeActions(document, parameters)));
            default:
                return (false, null);
        }
    }

    private static JsonObject Capabilities() => new()
    {
        ["capabilities"] = new JsonObject
        {
            ["positionEncoding"] = "utf-16",
            ["textDocumentSync"] = new JsonObject
            {
                ["openClose"] = true,
                ["change"] = 1, // full text: a .circuit file is small, and the front end re-reads it whole anyway
                ["save"] = new JsonObject { ["includeText"] = false },
            },
            ["hoverProvider"] = true,
            ["completionProvider"] = new JsonObject { ["triggerCharacters"] = new JsonArray(".", " ", "(", ",", ":") },
            ["definitionProvider"] = true,
            ["referencesProvider"] = true,
            ["documentSymbolProvider"] = true,
            ["documentFormattingProvider"] = true,
            ["codeActionProvider"] = new JsonObject { ["codeActionKinds"] = new JsonArray("quickfix") },
        },
        ["serverInfo"] = new JsonObject
        {
            ["name"] = "circuit",
            ["version"] = typeof(CircuitLanguageServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
        },
    };

    private async Task<int?> Notification(string method, JsonNode? parameters)
    {
        switch (method)
        {
            case "exit":
                return _shutdown ? 0 : 1;
            case "textDocument/didOpen":
                var item = parameters.Get("textDocument");
                if (Lsp.String(item.Get("uri")) is { } openUri && Lsp.String(item.Get("text")) is { } text)
                {
                    var document = new Document(openUri, DocumentUris.ToPath(openUri), text, Lsp.Int(item.Get("version")) ?? 0);
                    if (_documents.Remove(document.Path, out var replaced))
                    {
                        Forget(replaced);
                    }

                    _documents[document.Path] = document;
                    MarkDependents(document.Path);
                }

                break;
            case "textDocument/didChange":
                if (Find(parameters) is { } changed && parameters.Get("contentChanges") is JsonArray changes)
                {
                    string updated = changed.Text;
                    foreach (var change in changes.OfType<JsonObject>())
                    {
                        updated = Apply(updated, change);
                    }

                    changed.Update(updated, Lsp.Int(parameters.Get("textDocument").Get("version")) ?? changed.Version + 1);
                    MarkDependents(changed.Path);
                }

                break;
            case "textDocument/didClose":
                if (Find(parameters) is { } closed)
                {
                    _documents.Remove(closed.Path);
                    Forget(closed);
                    await Publish(closed.Uri, null, new JsonArray()).ConfigureAwait(false);
                    MarkDependents(closed.Path);
                }

                break;
            case "textDocument/didSave":
            case "workspace/didChangeWatchedFiles":
                _models.Clear(); // a saved model config or data file may bind differently now
                foreach (var document in _documents.Values)
                {
                    document.Stale = true;
                }

                break;
        }

        return null;
    }

    /// <summary>Applies one content change: a whole new text, or a range replaced (positions in UTF-16 units).</summary>
    private static string Apply(string text, JsonObject change)
    {
        string replacement = Lsp.String(change["text"]) ?? string.Empty;
        if (change["range"] is not JsonObject range)
        {
            return replacement;
        }

        var source = Language.Syntax.SourceText.From(text, string.Empty);
        int start = Positions.OffsetOf(source, Position.From(range["start"]));
        int end = Math.Max(start, Positions.OffsetOf(source, Position.From(range["end"])));
        return string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(end));
    }

    private void Forget(Document document)
    {
        _indexes.Remove(document);
        if (_pendingCompiles.Remove(document, out var pending))
        {
            pending.Cancel();
        }
    }

    /// <summary>Marks the documents that import <paramref name="path"/> (directly or not, or tried to) for analysis again.</summary>
    private void MarkDependents(string path)
    {
        foreach (var document in _documents.Values)
        {
            if (document.Path == path
                || document.Analysis?.Sources.TreesByPath.ContainsKey(path) == true
                || (_indexes.TryGetValue(document, out var index) && index.Imports.Any(i => i.ResolvedPath == path)))
            {
                document.Stale = true;
            }
        }
    }

    private Document? Find(JsonNode? parameters) =>
        Lsp.String(parameters.Get("textDocument").Get("uri")) is { } uri && _documents.TryGetValue(DocumentUris.ToPath(uri), out var document) && document.Uri == uri
            ? document
            : null;

    private JsonNode? WithDocument(JsonNode? parameters, Func<Document, SymbolIndex, int, JsonNode?> handle)
    {
        if (Find(parameters) is not { } document)
        {
            return null;
        }

        Analyze(document);
        int offset = Positions.OffsetOf(document.Source, Position.From(parameters.Get("position")));
        return handle(document, _indexes[document], offset);
    }

    private async Task AnalyzeStale()
    {
        foreach (var document in _documents.Values.Where(d => d.Stale || d.Unpublished).ToList())
        {
            try
            {
                Analyze(document);
                await PublishDiagnostics(document).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await _log.WriteLineAsync($"circuit lsp: analysing {document.Uri} failed: {e}").ConfigureAwait(false);
            }
        }
    }

    /// <summary>Parses and binds a document when its text or an import changed, then schedules the compiler's check.</summary>
    private void Analyze(Document document)
    {
        if (!document.Stale && document.Analysis is not null)
        {
            return;
        }

        document.Stale = false;
        document.Analysis = CircuitAnalyzer.AnalyzeText(document.Text, document.Path, _files, _models.Resolver, _services.Tasks);
        _indexes[document] = SymbolIndex.Of(document.Analysis.Sources);
        document.AnalysisGeneration++;
        document.CompileDiagnostics = [];
        document.Unpublished = true;
        ScheduleCompile(document);
    }

    private void ScheduleCompile(Document document)
    {
        if (_pendingCompiles.Remove(document, out var previous))
        {
            previous.Cancel();
        }

        if (document.Analysis?.File is not { } file)
        {
            return;
        }

        var cancel = new CancellationTokenSource();
        _pendingCompiles[document] = cancel;
        int generation = document.AnalysisGeneration;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(_options.CompileDelay, cancel.Token).ConfigureAwait(false);
                await _compileLock.WaitAsync(cancel.Token).ConfigureAwait(false);
                try
                {
                    cancel.Token.ThrowIfCancellationRequested();
                    var lowered = _compiler.Value.Lower(file);
                    _inbox.Writer.TryWrite(new CompileDone(document, generation, lowered.Diagnostics));
                }
                finally
                {
                    _compileLock.Release();
                }
            }
            catch (OperationCanceledException)
            {
                // typing went on
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await _log.WriteLineAsync($"circuit lsp: checking the causal variables of {document.Uri} failed: {e}").ConfigureAwait(false);
            }
        });
    }

    private async Task OnCompiled(CompileDone done)
    {
        if (_documents.GetValueOrDefault(done.Document.Path) != done.Document || done.Document.AnalysisGeneration != done.Generation || done.Document.Stale)
        {
            return;
        }

        done.Document.CompileDiagnostics = done.Diagnostics;
        await PublishDiagnostics(done.Document).ConfigureAwait(false);
    }

    /// <summary>
    /// The document's diagnostics. One in another file (an imported file's syntax error, a declaration an import may
    /// not make) is shown at the import that reaches it, with its place in the message.
    /// </summary>
    private async Task PublishDiagnostics(Document document)
    {
        var analysis = document.Analysis!;
        var index = _indexes[document];
        var list = new JsonArray();
        foreach (var diagnostic in analysis.Diagnostics.Concat(document.CompileDiagnostics))
        {
            if (diagnostic.Span.File == document.Path)
            {
                list.Add(Features.Diagnostics.ToJson(document.Source, diagnostic));
                continue;
            }

            var import = ImportReaching(index, diagnostic.Span.File);
            if (import is null)
            {
                continue;
            }

            var json = Features.Diagnostics.ToJson(document.Source, diagnostic with { Span = import.Syntax.Span, Message = $"{diagnostic.Span}: {diagnostic.Message}" });
            list.Add(json);
        }

        document.Unpublished = false;
        await Publish(document.Uri, document.Version, list).ConfigureAwait(false);
    }

    /// <summary>The root file's import through which <paramref name="path"/> was loaded.</summary>
    private static ImportReference? ImportReaching(SymbolIndex index, string path)
    {
        string root = index.Sources.Root.FilePath;
        var parents = index.Imports.Where(i => i.Syntax.Span.File != i.ResolvedPath).ToList();
        string current = path;
        for (int depth = 0; depth <= parents.Count; depth++)
        {
            if (parents.FirstOrDefault(i => i.ResolvedPath == current && i.Syntax.Span.File == root) is { } direct)
            {
                return direct;
            }

            if (parents.FirstOrDefault(i => i.ResolvedPath == current) is not { } step)
            {
                break;
            }

            current = step.Syntax.Span.File;
        }

        return index.Imports.FirstOrDefault(i => i.Syntax.Span.File == root);
    }

    private Task Publish(string uri, int? version, JsonArray diagnostics)
    {
        var parameters = new JsonObject { ["uri"] = uri, ["diagnostics"] = diagnostics };
        if (version is { } v)
        {
            parameters["version"] = v;
        }

        return Send(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "textDocument/publishDiagnostics", ["params"] = parameters });
    }

    private string UriOf(string path) => _documents.TryGetValue(path, out var open) ? open.Uri : DocumentUris.FromPath(path);

    private JsonNode? Definition(Document document, SymbolIndex index, int offset)
    {
        var occurrence = index.At(offset);
        if (occurrence is ImportOccurrence import)
        {
            return Lsp.Location(UriOf(import.Import.ResolvedPath), Lsp.FileStart());
        }

        if (occurrence is null || index.DeclarationOf(occurrence) is not { } declaration || index.Sources.SourceOf(declaration.File) is not { } source)
        {
            return null;
        }

        return Lsp.Location(UriOf(declaration.File), Positions.Range(source, declaration.NameSyntax.Span));
    }

    private JsonNode? References(Document document, SymbolIndex index, int offset, bool includeDeclaration)
    {
        var occurrence = index.At(offset);
        var seen = new HashSet<(string, int)>();
        var locations = new JsonArray();
        void Add(SymbolIndex within, Language.Syntax.SourceSpan span)
        {
            if (seen.Add((span.File, span.Offset)) && within.Sources.SourceOf(span.File) is { } source)
            {
                locations.Add(Lsp.Location(UriOf(span.File), Positions.Range(source, span)));
            }
        }

        // Every open document that sees the file, so that a file-level name's uses in importing files are found too.
        var indexes = new[] { index }.Concat(_documents.Values.Where(d => d != document).Select(d => { Analyze(d); return _indexes[d]; })).ToList();
        if (occurrence is ImportOccurrence import)
        {
            foreach (var within in indexes)
            {
                foreach (var other in within.Imports.Where(i => i.ResolvedPath == import.Import.ResolvedPath))
                {
                    Add(within, other.Syntax.Path.Span);
                }
            }

            return locations;
        }

        if (occurrence is null || index.DeclarationOf(occurrence) is not { } declaration)
        {
            return locations;
        }

        foreach (var within in indexes.Where(i => i.Sources.TreesByPath.ContainsKey(declaration.File)))
        {
            if (within.Declarations.FirstOrDefault(d => SymbolIndex.Same(d, declaration)) is not { } same)
            {
                continue;
            }

            if (includeDeclaration)
            {
                Add(within, same.NameSyntax.Span);
            }

            foreach (var use in within.UsesOf(same))
            {
                Add(within, use.Span);
            }
        }

        return locations;
    }

    private JsonNode CodeActions(Document document, JsonNode? parameters)
    {
        var range = parameters.Get("range");
        int start = Positions.OffsetOf(document.Source, Position.From(range.Get("start")));
        int end = Positions.OffsetOf(document.Source, Position.From(range.Get("end")));
        return Outline.CodeActions(document.Uri, document.Source, document.Analysis!.Diagnostics.Concat(document.CompileDiagnostics), start, end);
    }

    private Task SendResult(JsonNode? id, JsonNode? result) =>
        Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["result"] = result });

    private Task SendError(JsonNode? id, int code, string message) =>
        Send(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id?.DeepClone(),
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        });

    private async Task Send(JsonObject message)
    {
        try
        {
            await _writer.WriteAsync(message.ToJsonString()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // the client went away; the input's end will stop the loop
        }
    }
}
