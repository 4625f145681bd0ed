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
        // One call per argument, in name order, each on its own line.
        string create = $"var request = new TaskRequest({CSharpText.String(data.Task.Name)})";
        var calls = data.Request.Arguments.Select(a => "." + With(a.Key, a.Value)).ToList();
        if (calls.Count == 0) writer.Line(create + ";");
        else
        {
            writer.Line(create);
            using (writer.Indented())
            {
                for (int i = 0; i < calls.Count; i++) writer.Line(calls[i] + (i == calls.Count - 1 ? ";" : string.Empty));
            }
        }
        // Overrides from the command line apply even where the file leaves count or seed to the task.
        if (data.Count is null) writer.Line($"if (count is not null) request = request.WithInteger({CSharpText.String(TaskRequest.CountArgument)}, count.Value);");
        if (data.Seed is null) writer.Line($"if (seed is not null) request = request.WithInteger({CSharpText.String(TaskRequest.SeedArgument)}, seed.Value);");
        writer.Line("var data = datasets.Create(request, baseDirectory);");
    }

    /// <summary>The call that adds one argument, the file's count and seed yielding to the command line's.</summary>
    static string With(string name, TaskValue value) => (name, value) switch
    {
        (TaskRequest.CountArgument, TaskValue.WholeNumber number) => $"WithInteger({CSharpText.String(name)}, (long?)count ?? {CSharpText.Long(number.Value)})",
        (TaskRequest.SeedArgument, TaskValue.WholeNumber number) => $"WithInteger({CSharpText.String(name)}, seed ?? {CSharpText.Long(number.Value)})",
        (_, TaskValue.WholeNumber number) => $"WithInteger({CSharpText.String(name)}, {CSharpText.Long(number.Value)})",
        (_, TaskValue.Choice choice) => $"WithChoice({CSharpText.String(name)}, {CSharpText.String(choice.Value)})",
        (_, TaskValue.FilePath file) => $"WithFilePath({CSharpText.String(name)}, {CSharpText.String(file.Path)})",
        (_, TaskValue.Names names) => $"WithNames({CSharpText.String(name)}, [{string.Join(", ", names.Items.Select(CSharpText.String))}])",
        _ => throw new InvalidOperationException($"a data argument of type {value.GetType().Name} has no C# spelling"),
    };
}
