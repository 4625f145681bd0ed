using System.Globalization;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>
/// The shared vocabulary's values as C# expressions that construct them: <c>Component.Head(1, 0, Channel.Key)</c>,
/// <c>PositionSet.Named("END")</c>, <c>MetricKind.LogitDiff</c>. The generated code builds typed values, so nothing
/// after the parser reads the language's spelling again; it stays reviewable against the .circuit file because the
/// values say what the file says.
/// </summary>
internal static class VocabularyExpressions
{
    public static string Component(Component component)
    {
        string head = component.Channel == Channel.Output ? "" : ", " + Enum(component.Channel);
        return component.Kind switch
        {
            ComponentKind.TokenEmbedding => "Component.Embed",
            ComponentKind.PositionalEmbedding => "Component.PosEmbed",
            ComponentKind.Logits => "Component.Logits",
            ComponentKind.Mlp => $"Component.Mlp({CSharpText.Int(component.Layer)})",
            _ => $"Component.Head({CSharpText.Int(component.Layer)}, {CSharpText.Int(component.HeadIndex)}{head})",
        };
    }

    public static string Endpoint(Component component, string positions) =>
        positions == "PositionSet.All"
            ? $"PatchEndpoint.At({Component(component)})"
            : $"PatchEndpoint.At({Component(component)}, {positions})";

    /// <summary>The shortest form: All, At(indices), Named(name, offset), else the selectors listed.</summary>
    public static string Positions(PositionSet positions)
    {
        if (positions.IsAll) return "PositionSet.All";
        var all = positions.Selectors;
        if (all.All(p => p is IndexPosition))
            return $"PositionSet.At({string.Join(", ", all.Cast<IndexPosition>().Select(p => CSharpText.Int(p.Index)))})";
        if (all is [NamedPosition single])
            return Named(single, "PositionSet.Named");
        return $"new PositionSet([{string.Join(", ", all.Select(Selector))}])";
    }

    static string Selector(PositionSelector position) => position switch
    {
        IndexPosition index => $"new IndexPosition({CSharpText.Int(index.Index)})",
        NamedPosition named => Named(named, "new NamedPosition"),
        AllPositions => "new AllPositions()",
        _ => throw new ArgumentException($"the binder makes no {position.GetType().Name}"),
    };

    static string Named(NamedPosition position, string constructor) => position.Offset == 0
        ? $"{constructor}({CSharpText.String(position.Name)})"
        : $"{constructor}({CSharpText.String(position.Name)}, {CSharpText.Int(position.Offset)})";

    /// <summary>A member of one of the vocabulary's enums (<c>Channel.Key</c>, <c>MetricKind.LogitDiff</c>).</summary>
    public static string Enum<T>(T value) where T : struct, System.Enum =>
        string.Create(CultureInfo.InvariantCulture, $"{typeof(T).Name}.{value}");
}
