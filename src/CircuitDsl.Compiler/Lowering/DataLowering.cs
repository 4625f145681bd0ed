using System.Collections.Immutable;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>
/// Writes a hypothesis's <c>data</c> statement as the code that makes its dataset through the provider, with the
/// command line's count and seed taking precedence over the file's.
/// </summary>
internal sealed class DataLowering(BoundData data, CSharpWriter writer)
{
    /// <summary>
    /// Each example's own counterfactual when the data statement pairs them (ioi's p_ABC, its default; a jsonl
    /// counterfactual file); resampling when it says <c>resample</c>. Where it says nothing (a jsonl file without a
    /// counterfactual file), the data decide: the lines' own <c>counterfactual</c> fields, when they have them, are
    /// the pairs the user wrote and must be used.
    /// </summary>
    public static string Choose(BoundData data, string paired, string resampled) => data.EffectiveCounterfactual switch
    {
        null => $"data.HasCounterfactuals ? {paired} : {resampled}",
        "resample" => resampled,
        _ => paired,
    };

    public void Write()
    {
        writer.Line("var arguments = new Dictionary<string, object>");
        writer.Line("{");
        using (writer.Indented())
        {
            foreach (var (name, value) in data.Arguments.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                string text = name switch
                {
                    "count" => $"(long?)count ?? {CSharpText.Long((long)value)}",
                    "seed" => $"seed ?? {CSharpText.Long((long)value)}",
                    _ => Value(value),
                };
                writer.Line($"[{CSharpText.String(name)}] = {text},");
            }
        }
        writer.Line("};");
        // Overrides from the command line apply even where the file leaves count or seed to the task.
        if (data.Count is null) writer.Line("if (count is not null) arguments[\"count\"] = (long)count.Value;");
        if (data.Seed is null) writer.Line("if (seed is not null) arguments[\"seed\"] = seed.Value;");
        writer.Line($"var data = datasets.Create({CSharpText.String(data.Task.Name)}, arguments, baseDirectory);");
    }

    static string Value(object value) => value switch
    {
        long l => CSharpText.Long(l),
        string s => CSharpText.String(s),
        bool b => b ? "true" : "false",
        ImmutableArray<string> names => $"new string[] {{ {string.Join(", ", names.Select(CSharpText.String))} }}",
        _ => throw new InvalidOperationException($"a data argument of type {value.GetType().Name} has no C# spelling"),
    };
}
