using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CircuitDsl.Tool.Tests;

/// <summary>One step of the composite action: its id, condition, environment and script (a `uses:` step has none).</summary>
internal sealed record ActionStep(string Name, string? Id, string? If, string? Uses, string? Run, string? Shell,
    IReadOnlyDictionary<string, string> Env, IReadOnlyDictionary<string, string> With);

/// <summary>action.yml at the repository's root, read with a YAML parser: the inputs and their defaults, the steps.</summary>
internal sealed partial class ActionDefinition
{
    public required IReadOnlyDictionary<string, string> InputDefaults { get; init; }
    public required IReadOnlyList<ActionStep> Steps { get; init; }
    /// <summary>`runs.using`: composite for an action made of steps.</summary>
    public required string Kind { get; init; }

    public static string FilePath => RepositoryRoot.File("action.yml");

    public static ActionDefinition Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(FilePath)) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var inputs = Mapping(root, "inputs").Children.ToDictionary(
            entry => Scalar(entry.Key),
            entry => entry.Value is YamlMappingNode input && input.Children.TryGetValue(new YamlScalarNode("default"), out var value) ? Scalar(value) : "");
        var runs = Mapping(root, "runs");
        var steps = ((YamlSequenceNode)runs[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>().Select(Step).ToList();
        return new ActionDefinition { InputDefaults = inputs, Steps = steps, Kind = Scalar(runs[new YamlScalarNode("using")]) };
    }

    /// <summary>Every `inputs.NAME` an expression of the steps mentions.</summary>
    public IEnumerable<string> ReferencedInputs() => Expressions().SelectMany(e => InputReference().Matches(e).Select(m => m.Groups[1].Value)).Distinct();

    /// <summary>Every `steps.ID` an expression of the steps mentions.</summary>
    public IEnumerable<string> ReferencedSteps() => Expressions().SelectMany(e => StepReference().Matches(e).Select(m => m.Groups[1].Value)).Distinct();

    /// <summary>Where the steps' expressions are: conditions (expressions even without ${{ }}) and the other values.</summary>
    IEnumerable<string> Expressions() =>
        Steps.SelectMany(step => new[] { step.If, step.Uses, step.Run }.Concat(step.Env.Values).Concat(step.With.Values))
            .OfType<string>();

    static ActionStep Step(YamlMappingNode step)
    {
        string? Text(string key) => step.Children.TryGetValue(new YamlScalarNode(key), out var value) ? Scalar(value) : null;
        IReadOnlyDictionary<string, string> Map(string key) => step.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? ((YamlMappingNode)value).Children.ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value))
            : new Dictionary<string, string>();
        return new ActionStep(Text("name") ?? Text("uses") ?? "", Text("id"), Text("if"), Text("uses"), Text("run"), Text("shell"), Map("env"), Map("with"));
    }

    static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node[new YamlScalarNode(key)];

    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    [GeneratedRegex(@"\binputs\.([A-Za-z0-9_-]+)")]
    private static partial Regex InputReference();

    [GeneratedRegex(@"\bsteps\.([A-Za-z0-9_-]+)")]
    private static partial Regex StepReference();
}
