namespace CircuitDsl.Language.Binding;

/// <summary>"Did you mean" suggestions for misspelt names.</summary>
internal static class Spelling
{
    /// <summary>" (did you mean 'x'?)" for the closest candidate within two edits, or empty.</summary>
    public static string Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(name, candidate);
            if (distance < bestDistance && distance <= Math.Min(2, Math.Max(1, name.Length / 3)) && candidate != name)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is null ? string.Empty : $" (did you mean '{best}'?)";
    }

    /// <summary>Levenshtein distance, capped for long inputs (names are short; a 1 MB name is not worth comparing).</summary>
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2 || a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
