using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CircuitDsl.Cli.Commands;
using CircuitDsl.LanguageServer.Protocol;

namespace CircuitDsl.LanguageServer.Tests;

/// <summary>A one-way in-memory pipe: what is written is read, in order; disposing the writer ends the reader's stream.</summary>
internal sealed class MemoryPipe : Stream
{
    private readonly System.Threading.Channels.Channel<byte[]> _chunks = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
    private byte[] _current = [];
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void Complete() => _chunks.Writer.TryComplete();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_position == _current.Length)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken))
            {
                return 0;
            }

            if (_chunks.Reader.TryRead(out var next))
            {
                _current = next;
                _position = 0;
            }
        }

        int count = Math.Min(buffer.Length, _current.Length - _position);
        _current.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => _chunks.Writer.TryWrite(buffer.AsSpan(offset, count).ToArray());

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _chunks.Writer.TryWrite(buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>
/// A protocol client for the tests: runs the server over in-memory streams, sends requests and notifications, and
/// keeps what the server publishes. Every wait is bounded.
/// </summary>
internal sealed class ProtocolClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly MemoryPipe _toServer = new();
    private readonly MemoryPipe _fromServer = new();
    private readonly MessageWriter _writer;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<JsonObject> _notifications = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reading;
    private int _nextId;

    public ProtocolClient(ServerOptions? options = null, ServerServices? services = null)
    {
        _writer = new MessageWriter(_toServer);
        var server = new CircuitLanguageServer(_toServer, _fromServer, services ?? LspCommand.Services(), options ?? new ServerOptions(TimeSpan.FromMilliseconds(50)), TextWriter.Synchronized(Log));
        Server = Task.Run(() => server.RunAsync());
        _reading = Task.Run(ReadAsync);
    }

    public StringWriter Log { get; } = new();

    /// <summary>The server's run: its exit code once it stops.</summary>
    public Task<int> Server { get; }

    /// <summary>Sends raw bytes (framing included), for the tests of malformed input.</summary>
    public Task SendRaw(byte[] bytes) => _toServer.WriteAsync(bytes).AsTask();

    public async Task<JsonObject> Request(string method, JsonNode? parameters)
    {
        int id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        await _writer.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters?.DeepClone() }.ToJsonString());
        return await response.Task.WaitAsync(Patience);
    }

    /// <summary>The result of a request that must succeed.</summary>
    public async Task<JsonNode?> Call(string method, JsonNode? parameters)
    {
        var response = await Request(method, parameters);
        Assert.That(response["error"], Is.Null, $"{method} answered an error: {response.ToJsonString()}\n{Log}");
        return response["result"];
    }

    public Task Notify(string method, JsonNode? parameters) =>
        _writer.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters?.DeepClone() }.ToJsonString());

    public async Task Initialize()
    {
        var result = await Call("initialize", new JsonObject { ["processId"] = null, ["rootUri"] = null, ["capabilities"] = new JsonObject() });
        Assert.That(result?["capabilities"], Is.Not.Null);
        await Notify("initialized", new JsonObject());
    }

    public Task Open(string uri, string text, int version = 1) =>
        Notify("textDocument/didOpen", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "circuit", ["version"] = version, ["text"] = text },
        });

    public Task Change(string uri, string text, int version) =>
        Notify("textDocument/didChange", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = version },
            ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = text }),
        });

    /// <summary>The first diagnostics published for <paramref name="uri"/> that satisfy <paramref name="accept"/>.</summary>
    public async Task<JsonArray> Diagnostics(string uri, Func<JsonArray, bool> accept)
    {
        var deadline = DateTime.UtcNow + Patience;
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            while (_notifications.TryDequeue(out var notification))
            {
                if (Lsp.String(notification["method"]) == "textDocument/publishDiagnostics" && Lsp.String(notification["params"]?["uri"]) == uri)
                {
                    var diagnostics = (JsonArray)notification["params"]!["diagnostics"]!;
                    seen.Add(diagnostics.ToJsonString());
                    if (accept(diagnostics))
                    {
                        return diagnostics;
                    }
                }
            }

            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.Fail($"no acceptable diagnostics for {uri} within {Patience.TotalSeconds} s; published: {string.Join("\n", seen)}\n{Log}");
        return [];
    }

    public static JsonObject At(string uri, int line, int character) => new()
    {
        ["textDocument"] = new JsonObject { ["uri"] = uri },
        ["position"] = new JsonObject { ["line"] = line, ["character"] = character },
    };

    public async Task<int> Shutdown()
    {
        await Call("shutdown", null);
        await Notify("exit", null);
        return await Server.WaitAsync(Patience);
    }

    public async ValueTask DisposeAsync()
    {
        _toServer.Complete();
        await Task.WhenAny(Server, Task.Delay(Patience));
        _fromServer.Complete();
        await Task.WhenAny(_reading, Task.Delay(Patience));
    }

    private async Task ReadAsync()
    {
        var reader = new MessageReader(_fromServer);
        while (await reader.ReadAsync(CancellationToken.None) is { Body: { } body })
        {
            var message = (JsonObject)JsonNode.Parse(body)!;
            if (message.ContainsKey("method"))
            {
                _notifications.Enqueue(message);
                _arrived.Release();
            }
            else if (Lsp.Int(message["id"]) is { } id && _pending.TryRemove(id, out var response))
            {
                response.TrySetResult(message);
            }
            else
            {
                _notifications.Enqueue(message); // an error without an id: kept for the tests of malformed input
                _arrived.Release();
            }
        }
    }

    /// <summary>Messages the server sent that were not responses to this client's requests.</summary>
    public async Task<JsonObject> NextUnsolicited(Func<JsonObject, bool> accept)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            while (_notifications.TryDequeue(out var message))
            {
                if (accept(message))
                {
                    return message;
                }
            }

            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.Fail($"no such message within {Patience.TotalSeconds} s\n{Log}");
        return [];
    }
}
