using CircuitDsl.Runtime;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Cli;

/// <summary>Turns the failures a user can cause into one-line messages and exit code 2.</summary>
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

    static bool IsUserFacing(Exception e) => e is
        ModelFormatException or TorchUnavailableException or ShapeMismatchException or
        IOException or UnauthorizedAccessException or ArgumentException or KeyNotFoundException or
        FormatException or NotSupportedException or OperationCanceledException;
}
