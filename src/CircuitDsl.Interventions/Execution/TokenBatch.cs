using CircuitDsl.Interventions.Data;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>Token tensors [batch, pos] for lists of datum numbers, and the batches that stream a dataset.</summary>
public static class TokenBatch
{
    public static Tensor Of(Dataset dataset, IReadOnlyList<int> data, bool counterfactual = false)
    {
        int length = dataset.Length;
        var flat = new long[data.Count * length];
        for (int i = 0; i < data.Count; i++)
        {
            var example = dataset.Datum(data[i]);
            var tokens = counterfactual
                ? example.Counterfactual ?? throw new InvalidOperationException($"{example.Source ?? "an example"} has no counterfactual; paired patching needs one per example")
                : example.Tokens;
            for (int t = 0; t < length; t++) flat[i * length + t] = tokens[t];
        }
        return tensor(flat, [data.Count, length]);
    }

    /// <summary>Consecutive ranges [start, end) of at most <paramref name="size"/> references.</summary>
    public static IEnumerable<(int Start, int End)> Ranges(int count, int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "batch size must be positive");
        for (int start = 0; start < count; start += size) yield return (start, Math.Min(count, start + size));
    }

    public static int[] Range(int start, int end) => Enumerable.Range(start, end - start).ToArray();
}
