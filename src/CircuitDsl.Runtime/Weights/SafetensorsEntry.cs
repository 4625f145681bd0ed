namespace CircuitDsl.Runtime.Weights;

/// <summary>One tensor's record in a safetensors header; offsets are relative to the start of the data.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>Product of the shape (1 for a scalar); throws <see cref="OverflowException"/> past long.</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Shape) n = checked(n * d);
            return n;
        }
    }
    public long ByteLength => End - Begin;
    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
