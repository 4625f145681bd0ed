using System.Globalization;
using System.Text;

namespace CircuitDsl.LanguageServer.Protocol;

/// <summary>
/// The base protocol of LSP: each message is a header part (ASCII lines <c>Name: value</c>, each ended by CRLF, then an
/// empty line) and a UTF-8 JSON body of exactly <c>Content-Length</c> bytes. Reading never throws on malformed input:
/// a header without a usable length is skipped, and a body over <see cref="MaxBodyBytes"/> is read and dropped.
/// </summary>
public sealed class MessageReader(Stream input)
{
    /// <summary>The largest body kept (a 1,000-line file is about 40 KB; the front end refuses sources over a few MB).</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private const int MaxHeaderLineBytes = 8 * 1024;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>One message read from the stream.</summary>
    /// <param name="Body">The body text, or null when it was dropped (<paramref name="Problem"/> says why).</param>
    public sealed record Frame(string? Body, string? Problem);

    /// <summary>The next message, or null at the end of the stream.</summary>
    public async Task<Frame?> ReadAsync(CancellationToken cancellation)
    {
        while (true)
        {
            long? length = null;
            bool sawHeader = false;
            while (true)
            {
                string? line = await ReadHeaderLineAsync(cancellation).ConfigureAwait(false);
                if (line is null)
                {
                    return null;
                }

                if (line.Length == 0)
                {
                    if (sawHeader)
                    {
                        break;
                    }

                    continue; // stray blank lines between messages
                }

                sawHeader = true;
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
                {
                    length = parsed;
                }
            }

            if (length is null)
            {
                continue; // a header part without Content-Length: nothing tells where its body ends, so read on
            }

            if (length > MaxBodyBytes)
            {
                if (!await SkipAsync(length.Value, cancellation).ConfigureAwait(false))
                {
                    return null;
                }

                return new Frame(null, $"a message of {length} bytes is over the limit of {MaxBodyBytes}");
            }

            byte[] body = new byte[(int)length.Value];
            if (!await ReadExactlyAsync(body, cancellation).ConfigureAwait(false))
            {
                return null;
            }

            return new Frame(Encoding.UTF8.GetString(body), null);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellation)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            return true;
        }

        int read = await input.ReadAsync(_buffer.AsMemory(_end), cancellation).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    /// <summary>A header line without its CRLF (a bare LF is accepted too), or null at the end of the stream.</summary>
    private async Task<string?> ReadHeaderLineAsync(CancellationToken cancellation)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellation).ConfigureAwait(false))
            {
                return null;
            }

            while (_start < _end)
            {
                byte b = _buffer[_start++];
                if (b == (byte)'\n')
                {
                    if (line.Count > 0 && line[^1] == (byte)'\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.ASCII.GetString([.. line]);
                }

                if (line.Count < MaxHeaderLineBytes)
                {
                    line.Add(b);
                }
            }
        }
    }

    private async Task<bool> ReadExactlyAsync(byte[] target, CancellationToken cancellation)
    {
        int filled = 0;
        while (filled < target.Length)
        {
            if (_start == _end && !await FillAsync(cancellation).ConfigureAwait(false))
            {
                return false;
            }

            int take = Math.Min(target.Length - filled, _end - _start);
            Array.Copy(_buffer, _start, target, filled, take);
            _start += take;
            filled += take;
        }

        return true;
    }

    private async Task<bool> SkipAsync(long count, CancellationToken cancellation)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellation).ConfigureAwait(false))
            {
                return false;
            }

            int take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }

        return true;
    }
}

/// <summary>Writes messages with their <c>Content-Length</c> header; safe to call from several threads.</summary>
public sealed class MessageWriter(Stream output)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Writes one message body (JSON text) and flushes.</summary>
    public async Task WriteAsync(string body, CancellationToken cancellation = default)
    {
        byte[] content = Encoding.UTF8.GetBytes(body);
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n\r\n"));
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            await output.WriteAsync(header, cancellation).ConfigureAwait(false);
            await output.WriteAsync(content, cancellation).ConfigureAwait(false);
            await output.FlushAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }
}
