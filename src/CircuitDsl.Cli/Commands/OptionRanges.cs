using System.CommandLine;
using System.CommandLine.Parsing;

namespace CircuitDsl.Cli.Commands;

/// <summary>Bounds on numeric options, checked while parsing so that a bad value is a usage error before any work.</summary>
public static class OptionRanges
{
    /// <summary>Refuses values of <paramref name="option"/> outside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Within<T>(this Option<T> option, int min, int max, string unit)
    {
        option.Validators.Add(result =>
        {
            if (Value(result) is { } v && (v < min || v > max))
                result.AddError($"{result.IdentifierToken?.Value ?? option.Name} {v}: must be {min:N0} to {max:N0} {unit}");
        });
    }

    // A value that did not even convert already carries the parser's own error.
    static long? Value(OptionResult result)
    {
        if (result.Tokens.Count == 0) return null;
        return long.TryParse(result.Tokens[^1].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : null;
    }
}
