namespace CircuitDsl;

/// <summary>The type of a task argument.</summary>
public enum TaskParameterKind
{
    /// <summary>A whole number of at least 1 (sample counts, lengths).</summary>
    PositiveInteger,

    /// <summary>Any whole number (seeds).</summary>
    Integer,

    /// <summary>A quoted file path, relative to the .circuit file.</summary>
    FilePath,

    /// <summary>One of <see cref="TaskParameter.Choices"/>, written as a bare name.</summary>
    Choice,

    /// <summary>A list of names: <c>[END, S2]</c>.</summary>
    NameList,
}
