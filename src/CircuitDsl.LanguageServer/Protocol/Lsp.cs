using System.Text.Json.Nodes;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.LanguageServer.Protocol;

/// <summary>A zero-based line and character, the character counted in UTF-16 code units (the protocol's default encoding).</summary>
public readonly record struct Position(int Line, int Character)
{
    /// <summary>The protocol's JSON form.</summary>
    public JsonObject ToJson() => new() { ["line"] = Line, ["character"] = Character };

    /// <summary>Reads a position; anything malformed reads as the start of the file.</summary>
    public static Position From(JsonNode? node) =>
        new(Lsp.Int(node.Get("line")) ?? 0, Lsp.Int(node.Get("character")) ?? 0);
}

/// <summary>
/// Offsets of the front end and protocol positions. The front end's offsets index the C# string, so they are
/// UTF-16 code units already, and its line breaks (LF, CRLF, CR) are the protocol's; a position is its line's start
/// plus the character, clamped to the line (a position past a line's end means its end, as the protocol says).
/// </summary>
public static class Positions
{
    /// <summary>The position of an offset.</summary>
    public static Position Of(SourceText source, int offset)
    {
        var (line, column) = source.GetLineColumn(offset);
        return new Position(line - 1, column - 1);
    }

    /// <summary>The offset of a position, clamped to the text.</summary>
    public static int OffsetOf(SourceText source, Position position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= source.LineCount)
        {
            return source.Text.Length;
        }

        int start = source.GetLineStart(position.Line + 1);
        int length = source.GetLineText(position.Line + 1).Length;
        return start + Math.Clamp(position.Character, 0, length);
    }

    /// <summary>The range of a span, as JSON.</summary>
    public static JsonObject Range(SourceText source, SourceSpan span) => Range(source, span.Offset, span.End);

    /// <summary>The range [start, end), as JSON.</summary>
    public static JsonObject Range(SourceText source, int start, int end) =>
        new() { ["start"] = Of(source, start).ToJson(), ["end"] = Of(source, end).ToJson() };
}

/// <summary>Small helpers over the protocol's JSON.</summary>
public static class Lsp
{
    /// <summary>An integer property, or null when absent or not an integer.</summary>
    public static int? Int(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue(out int whole))
        {
            return whole;
        }

        return value.TryGetValue(out double number) && number == Math.Floor(number) && Math.Abs(number) <= int.MaxValue ? (int)number : null;
    }

    /// <summary>A string property, or null when absent or not a string.</summary>
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>A property of an object; null when the node is absent or not an object (parameters of any shape are read safely).</summary>
    public static JsonNode? Get(this JsonNode? node, string name) =>
        node is JsonObject o && o.TryGetPropertyValue(name, out var value) ? value : null;

    /// <summary>A markdown hover.</summary>
    public static JsonObject Hover(string markdown, JsonObject range) => new()
    {
        ["contents"] = new JsonObject { ["kind"] = "markdown", ["value"] = markdown },
        ["range"] = range,
    };

    /// <summary>A location: a document and a range in it.</summary>
    public static JsonObject Location(string uri, JsonObject range) => new() { ["uri"] = uri, ["range"] = range };

    /// <summary>The range at the start of a file.</summary>
    public static JsonObject FileStart() => new()
    {
        ["start"] = new Position(0, 0).ToJson(),
        ["end"] = new Position(0, 0).ToJson(),
    };

    /// <summary>Completion item kinds used here (the protocol's numbers).</summary>
    public static class CompletionKind
    {
        public const int Function = 3;
        public const int Field = 5;
        public const int Variable = 6;
        public const int Class = 7;
        public const int Module = 9;
        public const int Property = 10;
        public const int Value = 12;
        public const int Keyword = 14;
        public const int File = 17;
        public const int Reference = 18;
        public const int EnumMember = 20;
        public const int Constant = 21;
        public const int Struct = 22;
    }

    /// <summary>Symbol kinds used here (the protocol's numbers).</summary>
    public static class SymbolKind
    {
        public const int File = 1;
        public const int Module = 2;
        public const int Namespace = 3;
        public const int Class = 5;
        public const int Method = 6;
        public const int Field = 8;
        public const int Variable = 13;
        public const int Constant = 14;
        public const int Array = 18;
        public const int Object = 19;
        public const int Struct = 23;
    }
}
