using System.Text.RegularExpressions;

namespace CircuitDsl.Cli.Tests;

/// <summary>What every outcome of `circuit` must look like, whatever the input: one of the four exit codes, and no
/// .NET stack trace, unhandled-exception banner or libtorch C++ frame in what it printed.</summary>
internal static partial class CleanOutput
{
    public static void Assert((int Code, string Out, string Error) result)
    {
        string all = result.Error + result.Out;
        NUnit.Framework.Assert.That(result.Code, Is.InRange(ExitCodes.Ok, ExitCodes.Internal), result.Error);
        NUnit.Framework.Assert.That(StackFrame().IsMatch(all), Is.False, "no stack trace without --verbose:\n" + result.Error);
        NUnit.Framework.Assert.That(all, Does.Not.Contain("Unhandled exception"));
        NUnit.Framework.Assert.That(all, Does.Not.Contain("frame #").And.Not.Contain("c10::"), "no libtorch frames");
    }

    [GeneratedRegex(@"^\s+at \S+.*\(|^\s+at .* in .*:line \d+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
