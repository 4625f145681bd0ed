using System.Buffers;
using System.Text;
using System.Text.Unicode;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Language.Syntax;

/// <summary>Reads files as UTF-8 (a byte-order mark is allowed and remembered) and reports bytes that are not.</summary>
public static class SourceFile
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Decodes bytes. Invalid UTF-8 is replaced by U+FFFD and reported as CD5001 at the first bad byte, so the
    /// parser still sees the rest of the file.
    /// </summary>
    public static SourceText Decode(ReadOnlySpan<byte> bytes, string filePath, out bool hasBom, out Diagnostic? error)
    {
        hasBom = bytes.StartsWith(Bom);
        if (hasBom)
        {
            bytes = bytes[Bom.Length..];
        }

        error = null;
        char[] buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, buffer, out int bytesRead, out int charsWritten, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
            {
                return SourceText.From(new string(buffer, 0, charsWritten), filePath);
            }

            string text = Encoding.UTF8.GetString(bytes); // replacement characters for the invalid bytes
            var source = SourceText.From(text, filePath);
            int badOffset = bytesRead + (hasBom ? Bom.Length : 0);
            error = DiagnosticCatalog.InvalidUtf8.Create(source.Span(charsWritten, 1), bytes[bytesRead], badOffset);
            return source;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
