using CircuitDsl.Runtime;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Cli;

/// <summary>A command line that asks for something impossible (a bad value, options that contradict each other).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Turns the failures a user can cause into one-line messages and exit code 2, and bugs into exit code 3.</summary>
public static class CliErrors
{
    public static int Guard(CliConsole console, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Error;
        }
    }

    /// <summary>Failures that describe the user's input (files, data, models, options) rather than a bug of CircuitDsl.</summary>
    public static bool IsUserFacing(Exception e) => e is
        UsageException or ModelFormatException or TorchUnavailableException or ShapeMismatchException or Runtime.Tokenization.TokenizationException or
        IOException or UnauthorizedAccessException or ArgumentException or KeyNotFoundException or
        FormatException or NotSupportedException or OperationCanceledException;

    /// <summary>Reports a bug of CircuitDsl: one line, the trace only when asked for.</summary>
    public static int Internal(CliConsole console, Exception e, bool verbose)
    {
        console.Error.WriteLine($"internal error: {e.GetType().Name}: {OneLine(e.Message)} (a bug in CircuitDsl, not in the input; " +
                                (verbose ? "trace below)" : "--verbose prints the trace)"));
        if (verbose) console.Error.WriteLine(e);
        return ExitCodes.Internal;
    }

    public static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
