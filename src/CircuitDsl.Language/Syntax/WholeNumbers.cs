namespace CircuitDsl.Language.Syntax;

/// <summary>Whether a number literal is a whole number that a 64-bit integer holds exactly.</summary>
public enum WholeNumberFit
{
    /// <summary>A whole number within <see cref="long"/>: 512, -3, 1e3, 2.50e1, 9007199254740993.</summary>
    Fits,

    /// <summary>Not a whole number: 0.5, 1e-3.</summary>
    NotWhole,

    /// <summary>A whole number beyond <see cref="long"/>: 99999999999999999999, 1e30.</summary>
    TooLarge,
}

/// <summary>
/// Reads number literals as exact integers from their text. A double holds every integer only up to 2^53, so a seed
/// such as 9007199254740993 must never pass through one: it would round to its neighbour silently.
/// </summary>
public static class WholeNumbers
{
    private const int LongDigits = 19; // long.MaxValue has 19 digits

    /// <summary>Reads <paramref name="text"/> (<c>-?digits(.digits)?(e[+-]?digits)?</c>, as the lexer makes it).</summary>
    public static WholeNumberFit Read(string text, out long value)
    {
        value = 0;
        var rest = text.AsSpan();
        bool negative = rest.StartsWith("-");
        rest = negative ? rest[1..] : rest;
        int exponentAt = rest.IndexOfAny('e', 'E');
        var mantissa = exponentAt < 0 ? rest : rest[..exponentAt];
        long exponent = exponentAt < 0 ? 0 : SaturatingExponent(rest[(exponentAt + 1)..]);
        int point = mantissa.IndexOf('.');
        string digits = point < 0 ? mantissa.ToString() : string.Concat(mantissa[..point], mantissa[(point + 1)..]);
        exponent -= point < 0 ? 0 : mantissa.Length - point - 1;

        digits = digits.TrimStart('0');
        if (digits.Length == 0)
        {
            return WholeNumberFit.Fits; // zero, however it is written
        }

        int significant = digits.TrimEnd('0').Length;
        exponent += digits.Length - significant;
        digits = digits[..significant];
        if (exponent < 0)
        {
            return WholeNumberFit.NotWhole;
        }

        if (digits.Length + exponent > LongDigits)
        {
            return WholeNumberFit.TooLarge;
        }

        UInt128 magnitude = UInt128.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        for (long i = 0; i < exponent; i++)
        {
            magnitude *= 10;
        }

        UInt128 limit = negative ? (UInt128)long.MaxValue + 1 : long.MaxValue;
        if (magnitude > limit)
        {
            return WholeNumberFit.TooLarge;
        }

        value = negative ? -(long)(magnitude - 1) - 1 : (long)magnitude; // -2^63 has no positive twin
        return WholeNumberFit.Fits;
    }

    // An exponent beyond any long's digits only needs to stay beyond them (1e99999999999 must not wrap).
    private static long SaturatingExponent(ReadOnlySpan<char> text)
    {
        bool negative = text.StartsWith("-");
        var digits = text.TrimStart("+-").TrimStart('0');
        long magnitude = digits.Length > 9 ? 1_000_000_000 : digits.Length == 0 ? 0 : long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return negative ? -magnitude : magnitude;
    }
}
