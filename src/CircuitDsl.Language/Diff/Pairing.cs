namespace CircuitDsl.Language.Diff;

/// <summary>
/// Matches the items of two versions. Items pair first by an exact key (a name, or an expectation with its
/// path); the leftovers then pair in order by a looser key (the same node's same input slot, the same kind of
/// expectation), so that an edited path or source reads as one change rather than a removal and an addition.
/// Repeated keys pair by occurrence. The result follows the new version's order; removed items come last.
/// </summary>
internal static class Pairing
{
    public static IReadOnlyList<(T? Old, T? New)> Pair<T>(IReadOnlyList<T> old, IReadOnlyList<T> @new, Func<T, string> exactKey, Func<T, string>? looseKey = null)
        where T : class
    {
        var oldKeys = Occurrences(old, exactKey);
        var newKeys = Occurrences(@new, exactKey);
        var oldByKey = old.Select((item, i) => (item, key: oldKeys[i])).ToDictionary(p => p.key, p => p.item, StringComparer.Ordinal);
        var partner = new T?[@new.Count];
        var pairedOld = new HashSet<T>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < @new.Count; i++)
        {
            if (oldByKey.TryGetValue(newKeys[i], out var match))
            {
                partner[i] = match;
                pairedOld.Add(match);
            }
        }

        if (looseKey is not null)
        {
            var leftovers = old.Where(o => !pairedOld.Contains(o)).GroupBy(looseKey, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Queue<T>(g), StringComparer.Ordinal);
            for (int i = 0; i < @new.Count; i++)
            {
                if (partner[i] is null && leftovers.TryGetValue(looseKey(@new[i]), out var queue) && queue.TryDequeue(out var match))
                {
                    partner[i] = match;
                    pairedOld.Add(match);
                }
            }
        }

        var result = new List<(T? Old, T? New)>();
        for (int i = 0; i < @new.Count; i++)
        {
            result.Add((partner[i], @new[i]));
        }

        result.AddRange(old.Where(o => !pairedOld.Contains(o)).Select(o => ((T?)o, (T?)null)));
        return result;
    }

    // "key", "key#2", "key#3": the n-th item with a key pairs with the n-th item with that key.
    private static List<string> Occurrences<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. items.Select(item =>
        {
            string k = key(item);
            int n = seen[k] = seen.GetValueOrDefault(k) + 1;
            return n == 1 ? k : $"{k}#{n}";
        })];
    }
}
