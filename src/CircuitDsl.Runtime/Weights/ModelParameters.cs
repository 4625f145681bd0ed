using CircuitDsl.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>Checks a set of named tensors against a model's parameters, and fills the parameters in.</summary>
static class ModelParameters
{
    /// <summary>
    /// Throws one <see cref="ModelFormatException"/> naming every missing, extra, wrong-shaped and unreadable tensor,
    /// so a user sees the whole difference at once. It reads the header's entries only: nothing is allocated.
    /// </summary>
    /// <remarks>With <paramref name="locate"/> (a sharded checkpoint), each tensor's problem also names the shard it is in.</remarks>
    public static void CheckNamesAndShapes(IReadOnlyDictionary<string, long[]> expected, IReadOnlyDictionary<string, SafetensorsEntry> actual, string file,
        Func<string, string>? locate = null)
    {
        string In(string name) => locate is null ? "" : $" (in {locate(name)})";
        var problems = new List<string>();
        var missing = expected.Keys.Where(n => !actual.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        var extra = actual.Keys.Where(n => !expected.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0) problems.Add("missing tensor(s) " + string.Join(", ", missing.Select(n => $"'{n}'")));
        if (extra.Count > 0) problems.Add("unexpected tensor(s) " + string.Join(", ", extra.Select(n => $"'{n}'")));
        foreach (var (name, shape) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(name, out var found)) continue;
            if (!shape.SequenceEqual(found.Shape))
                problems.Add($"tensor '{name}'{In(name)} has shape {found.ShapeText}, expected {SafetensorsEntry.FormatShape(shape)}");
            if (!SafetensorsDType.TryGetReadable(found.DType, out _))
                problems.Add($"tensor '{name}'{In(name)} has dtype {found.DType}; this reader converts only {SafetensorsDType.ReadableList}");
        }
        if (problems.Count > 0)
            throw new ModelFormatException(file, string.Join("; ", problems));
    }

    /// <summary>
    /// Calls <paramref name="fill"/>(name, parameter) for each parameter, which writes the parameter's value in place
    /// (so loading holds the model plus at most one converted tensor); temporaries are disposed after each parameter.
    /// </summary>
    public static void Assign(HookedTransformer model, Action<string, Tensor> fill)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            fill(name, parameter);
        }
    }

    /// <summary>Copies <paramref name="value"/> into <paramref name="parameter"/> after checking that their shapes agree.</summary>
    public static void CopyInto(Tensor parameter, Tensor value, string name, string file)
    {
        if (!value.shape.SequenceEqual(parameter.shape))
            throw new ModelFormatException(file, $"tensor '{name}' has shape {SafetensorsEntry.FormatShape(value.shape)}, expected {SafetensorsEntry.FormatShape(parameter.shape)}");
        parameter.copy_(value);
    }
}
