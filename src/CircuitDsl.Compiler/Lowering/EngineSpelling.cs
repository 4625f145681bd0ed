using CircuitDsl.Language;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>
/// The engine's spelling of the language's vocabulary, as C# source. Components go through
/// <c>Component.Parse</c> because the engine reads the language's own spelling (<c>L1.H0.k</c>), which keeps the
/// generated code reviewable against the .circuit file.
/// </summary>
internal static class EngineSpelling
{
    public static string Component(ModelComponent component) => $"Component.Parse({CSharpText.String(component.ToString())})";

    public static string Endpoint(ModelComponent component, string positions) =>
        positions == "PositionSet.All"
            ? $"PatchEndpoint.Parse({CSharpText.String(component.ToString())})"
            : $"PatchEndpoint.Parse({CSharpText.String(component.ToString())}, {positions})";

    /// <summary>The shortest engine form: All, At(indices), Named(name, offset), else the selectors listed.</summary>
    public static string Positions(PositionSet positions)
    {
        if (positions.IsAll) return "PositionSet.All";
        var all = positions.Positions;
        if (all.All(p => p.Kind == PositionKind.Index))
            return $"PositionSet.At({string.Join(", ", all.Select(p => CSharpText.Int(p.Index)))})";
        if (all is [{ Kind: PositionKind.Named } single])
            return Named(single, "PositionSet.Named");
        return $"new PositionSet([{string.Join(", ", all.Select(Selector))}])";
    }

    static string Selector(BoundPosition position) => position.Kind switch
    {
        PositionKind.Index => $"new IndexPosition({CSharpText.Int(position.Index)})",
        PositionKind.Named => Named(position, "new NamedPosition"),
        _ => "new AllPositions()",
    };

    static string Named(BoundPosition position, string constructor) => position.Offset == 0
        ? $"{constructor}({CSharpText.String(position.Name!)})"
        : $"{constructor}({CSharpText.String(position.Name!)}, {CSharpText.Int(position.Offset)})";

    public static string Channel(Channel channel) => "Channel." + channel switch
    {
        Language.Channel.Query => "Query",
        Language.Channel.Key => "Key",
        Language.Channel.Value => "Value",
        _ => "Output",
    };

    public static string Metric(MetricKind kind) => "MetricKind." + kind switch
    {
        MetricKind.LogitDiff => "LogitDiff",
        MetricKind.KL => "KL",
        MetricKind.Accuracy => "Accuracy",
        _ => "Loss",
    };

    public static string Operator(ComparisonOperator op) => "ComparisonOperator." + op;

    public static string Unmapped(UnmappedInputs unmapped) =>
        unmapped == UnmappedInputs.Keep ? "UnmappedInputs.Keep" : "UnmappedInputs.Resample";

    public static string Ablation(AblationKind kind) => "AblationKind." + kind switch
    {
        AblationKind.Zero => "Zero",
        AblationKind.Mean => "Mean",
        _ => "Resample",
    };
}
