namespace CircuitDsl.Interventions.Execution;

/// <summary>Compares int arrays element by element (datum vectors of cached runs, value-number vectors of classes).</summary>
internal sealed class IntSequenceComparer : IEqualityComparer<int[]>
{
    public static IntSequenceComparer Instance { get; } = new();

    public bool Equals(int[]? x, int[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(int[] obj)
    {
        var h = new HashCode();
        h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obj.AsSpan()));
        return h.ToHashCode();
    }
}
