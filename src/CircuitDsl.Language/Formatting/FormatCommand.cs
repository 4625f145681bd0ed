using System.Text;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Formatting;

/// <summary>
/// The library side of <c>circuit fmt [--check] PATHS</c>. Paths are files or folders (searched for
/// *.circuit). Exit codes: 0 when every file is (now) canonical; 1 in check mode when some file would change
/// (each is named on stdout); 2 when a file cannot be read or has syntax errors (diagnostics on stderr).
/// Files with errors are never rewritten, and no exception escapes.
/// </summary>
public static class FormatCommand
{
    /// <summary>Formats (or checks) every .circuit file under the given paths.</summary>
    public static int Run(IReadOnlyList<string> paths, bool check, TextWriter stdout, TextWriter stderr)
    {
        int exitCode = ExitCodes.Ok;
        if (paths.Count == 0)
        {
            stderr.WriteLine("circuit fmt: no files given.");
            return ExitCodes.Error;
        }

        var files = ExpandPaths(paths, stderr, ref exitCode);
        if (files.Count == 0 && exitCode == ExitCodes.Ok)
        {
            // Checking nothing must not pass: a CI step pointed at the wrong folder would stay green forever.
            stderr.WriteLine($"circuit fmt: no .circuit files in {string.Join(", ", paths)}.");
            return ExitCodes.Error;
        }

        foreach (string path in files)
        {
            int fileCode = FormatFile(path, check, stdout, stderr);
            exitCode = Math.Max(exitCode, fileCode);
        }

        return exitCode;
    }

    /// <summary>The canonical text of a source, or null (with diagnostics) when it has syntax errors.</summary>
    public static string? TryFormat(SourceText source, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var tree = CircuitParser.Parse(source);
        diagnostics = tree.Diagnostics;
        return tree.HasErrors ? null : CircuitFormatter.Format(tree);
    }

    private static int FormatFile(string path, bool check, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (!Binding.SourceLoader.TryReadSource(new Binding.PhysicalFileProvider(), path, new SourceSpan(path, 0, 0, 1, 1), out byte[] bytes, out var problem))
            {
                DiagnosticRenderer.WriteText(stderr, [problem], _ => null);
                return ExitCodes.Error;
            }

            var source = SourceFile.Decode(bytes, path, out bool hasBom, out var decodeError);
            var tree = CircuitParser.Parse(source);
            var errors = (decodeError is null ? tree.Diagnostics : [decodeError, .. tree.Diagnostics]).Where(d => d.IsError).ToList();
            if (errors.Count > 0)
            {
                DiagnosticRenderer.WriteText(stderr, errors, _ => source);
                return ExitCodes.Error;
            }

            string formatted = CircuitFormatter.Format(tree);
            var reparsed = CircuitParser.Parse(formatted, path);
            if (reparsed.HasErrors || SyntaxDump.Of(reparsed.Root) != SyntaxDump.Of(tree.Root))
            {
                // A formatter bug must never change a claim; refuse rather than write.
                stderr.WriteLine($"{path}: internal error: the formatter would change the file's meaning; it was left as is. Please report this.");
                return ExitCodes.Internal;
            }

            if (formatted == source.Text)
            {
                return ExitCodes.Ok;
            }

            if (check)
            {
                stdout.WriteLine($"would reformat {path}");
                return ExitCodes.Failed;
            }

            byte[] output = Encoding.UTF8.GetBytes(formatted);
            AtomicFile.Write(path, stream => stream.Write(hasBom ? [0xEF, 0xBB, 0xBF, .. output] : output));
            stdout.WriteLine($"formatted {path}");
            return ExitCodes.Ok;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            stderr.WriteLine($"{path}: error {DiagnosticCatalog.FileNotFound.Code}: Cannot read '{path}': {exception.Message}");
            return ExitCodes.Error;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A bug of ours must not reach the user as a stack trace; the file is left as it was.
            stderr.WriteLine($"{path}: internal error: formatter failed ({exception.GetType().Name}: {exception.Message}); the file was left as is. Please report this.");
            return ExitCodes.Internal;
        }
    }

    private static List<string> ExpandPaths(IReadOnlyList<string> paths, TextWriter stderr, ref int exitCode)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.circuit", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                stderr.WriteLine($"{path}: error {DiagnosticCatalog.FileNotFound.Code}: Cannot read '{path}': no such file or folder.");
                exitCode = ExitCodes.Error;
            }
        }

        return files;
    }
}
