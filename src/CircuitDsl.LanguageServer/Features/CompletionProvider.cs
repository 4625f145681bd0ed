using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Syntax;
using CircuitDsl.LanguageServer.Protocol;

namespace CircuitDsl.LanguageServer.Features;

/// <summary>
/// Completion from what the cursor follows on its line: after <c>L1.</c> the heads and (only where the model has them)
/// the MLP of that layer; after a head, <c>q</c>, <c>k</c>, <c>v</c>; in an <c>at</c> list the task's named positions;
/// in <c>logit_diff(</c> its answers; after <c>data</c> the tasks, inside its parentheses their arguments; elsewhere the
/// components of the file's model, the names in scope and the keywords.
/// </summary>
internal sealed partial class CompletionProvider(ModelLookup models, ITaskCatalog tasks)
{
    [GeneratedRegex(@"(?:\bcomputes\s+|\bagreeing\s+on\s+|^\s*let\s+\w+\s*=\s*)(?<expression>.*)$")]
    private static partial Regex InExpression();

    [GeneratedRegex(@"(?<![\w.])x\s*\.\s*\w*$")]
    private static partial Regex AfterExample();

    [GeneratedRegex(@"(?<![\w.])L(\d{1,6})\.H(\d{1,6}|\*)\.\w*$")]
    private static partial Regex AfterHead();

    [GeneratedRegex(@"(?<![\w.])L(\d{1,6})\.\w*$")]
    private static partial Regex AfterLayer();

    [GeneratedRegex(@"\bdata\s+(\w+)\s*\(([^()]*)$")]
    private static partial Regex InDataArguments();

    [GeneratedRegex(@"(\w+)\s*:\s*\w*$")]
    private static partial Regex AfterArgumentName();

    [GeneratedRegex(@"\bdata\s+\w*$")]
    private static partial Regex AfterData();

    [GeneratedRegex(@"\bmetric\s+logit_diff\s*\([^()]*$")]
    private static partial Regex InLogitDiff();

    [GeneratedRegex(@"\bmetric\s+\w*$")]
    private static partial Regex AfterMetric();

    [GeneratedRegex(@"\bat\s+(?:[\w+\-]+\s*,\s*)*[\w]*$")]
    private static partial Regex InAtList();

    [GeneratedRegex(@"^\s*expect\s+\w*$")]
    private static partial Regex AfterExpect();

    [GeneratedRegex(@"^[ \t]*model[ \t]+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ModelLine();

    [GeneratedRegex(@"^[ \t]*data[ \t]+(\w+)", RegexOptions.Multiline)]
    private static partial Regex DataLine();

    [GeneratedRegex(@"^\s*(?:\w+\s*)?$")]
    private static partial Regex StatementStart();

    public JsonArray Complete(SourceText source, SymbolIndex index, int offset)
    {
        var (line, _) = source.GetLineColumn(offset);
        int lineStart = source.GetLineStart(line);
        string before = source.Text[lineStart..offset];
        var hypothesis = index.HypothesisAt(offset);
        string file = source.FilePath;
        // A statement being typed may not parse yet; then the file's text still says which model and task it is about.
        var modelSetting = index.Setting<ModelSettingSyntax>(hypothesis);
        var shape = modelSetting is not null
            ? models.Shape(modelSetting, file)
            : ModelLine().Match(source.Text) is { Success: true } model ? models.Shape(model.Groups[1].Value.Trim('"'), file) : null;
        var task = Task(index.Setting<DataSettingSyntax>(hypothesis))
            ?? (DataLine().Match(source.Text) is { Success: true } dataLine && tasks.TryGet(dataLine.Groups[1].Value, out var written) ? written : null);
        var items = new JsonArray();

        if (InExpression().Match(before) is { Success: true } expression)
        {
            // C# over one example: after `x.` what the example offers, elsewhere `x` and the variables in scope.
            if (AfterExample().IsMatch(expression.Groups["expression"].Value))
            {
                foreach (var (name, kind, detail) in ExampleMembers.Value)
                {
                    items.Add(Item(name, kind, detail));
                }

                return items;
            }

            items.Add(Item("x", Lsp.CompletionKind.Variable, "the example (ExampleView)"));
            foreach (var variable in index.VisibleIn(hypothesis).Where(d => d.Kind == DeclarationKind.Variable).DistinctBy(d => d.Name))
            {
                items.Add(Item(variable.Name, Lsp.CompletionKind.Variable, "let"));
            }

            return items;
        }

        if (AfterHead().Match(before) is { Success: true } head)
        {
            if (shape is null || Within(head.Groups[1].Value, shape.Layers))
            {
                foreach (string channel in new[] { "q", "k", "v" })
                {
                    items.Add(Item(channel, Lsp.CompletionKind.Field, $"the {ChannelName(channel)} input of the head"));
                }
            }

            return items;
        }

        if (AfterLayer().Match(before) is { Success: true } layer)
        {
            if (shape is not null && Within(layer.Groups[1].Value, shape.Layers))
            {
                for (int h = 0; h < shape.HeadsPerLayer; h++)
                {
                    items.Add(Item($"H{h}", Lsp.CompletionKind.Field, string.Create(CultureInfo.InvariantCulture, $"head {h} of layer {layer.Groups[1].Value} ({shape.Name})")));
                }

                items.Add(Item("H*", Lsp.CompletionKind.Field, $"every head of layer {layer.Groups[1].Value}"));
                if (shape.HasMlps)
                {
                    items.Add(Item("mlp", Lsp.CompletionKind.Field, $"the MLP of layer {layer.Groups[1].Value}"));
                }
            }

            return items;
        }

        if (InDataArguments().Match(before) is { Success: true } data)
        {
            if (tasks.TryGet(data.Groups[1].Value, out var dataTask))
            {
                if (AfterArgumentName().Match(data.Groups[2].Value) is { Success: true } named)
                {
                    var parameter = dataTask.Parameters.FirstOrDefault(p => p.Name == named.Groups[1].Value);
                    foreach (string choice in parameter?.Choices ?? [])
                    {
                        items.Add(Item(choice, Lsp.CompletionKind.EnumMember, $"{parameter!.Name} of {dataTask.Name}"));
                    }

                    return items;
                }

                foreach (var parameter in dataTask.Parameters)
                {
                    var item = Item(parameter.Name, Lsp.CompletionKind.Property, parameter.Description);
                    item["insertText"] = parameter.Name + ": ";
                    items.Add(item);
                }
            }

            return items;
        }

        if (AfterData().IsMatch(before))
        {
            foreach (var known in tasks.Tasks)
            {
                items.Add(Item(known.Name, Lsp.CompletionKind.Module, known.Description));
            }

            return items;
        }

        if (InLogitDiff().IsMatch(before))
        {
            foreach (string answer in task?.Answers ?? [])
            {
                items.Add(Item(answer, Lsp.CompletionKind.Constant, $"answer of {task!.Name}"));
            }

            return items;
        }

        if (AfterMetric().IsMatch(before))
        {
            foreach (string metric in Glossary.Metrics)
            {
                items.Add(Item(metric, Lsp.CompletionKind.Function, Glossary.Metric(metric)!));
            }

            return items;
        }

        if (AfterExpect().IsMatch(before))
        {
            foreach (string subject in SyntaxFacts.SubjectWords.Keys)
            {
                items.Add(Item(subject, Lsp.CompletionKind.Keyword, Glossary.Subject(subject)!));
            }

            return items;
        }

        if (InAtList().IsMatch(before))
        {
            foreach (string position in task?.NamedPositions ?? [])
            {
                items.Add(Item(position, Lsp.CompletionKind.Constant, $"named position of {task!.Name}"));
            }

            items.Add(Item("all", Lsp.CompletionKind.Keyword, "every position"));
            return items;
        }

        // Names in scope, the model's components, and the keywords.
        foreach (var declaration in index.VisibleIn(hypothesis).DistinctBy(d => d.Name))
        {
            var (kind, detail) = declaration.Kind switch
            {
                DeclarationKind.Variable => (Lsp.CompletionKind.Variable, "let"),
                DeclarationKind.Group => (Lsp.CompletionKind.Struct, "group"),
                _ => (Lsp.CompletionKind.Class, "node"),
            };
            items.Add(Item(declaration.Name, kind, detail));
        }

        if (shape is not null)
        {
            for (int l = 0; l < shape.Layers; l++)
            {
                for (int h = 0; h < shape.HeadsPerLayer; h++)
                {
                    items.Add(Item(string.Create(CultureInfo.InvariantCulture, $"L{l}.H{h}"), Lsp.CompletionKind.Field, $"head {h} of layer {l} ({shape.Name})"));
                }

                items.Add(Item(string.Create(CultureInfo.InvariantCulture, $"L{l}.H*"), Lsp.CompletionKind.Field, $"every head of layer {l}"));
                if (shape.HasMlps)
                {
                    items.Add(Item(string.Create(CultureInfo.InvariantCulture, $"L{l}.mlp"), Lsp.CompletionKind.Field, $"the MLP of layer {l}"));
                }
            }
        }

        foreach (string builtin in SyntaxFacts.BuiltinWords.Keys)
        {
            items.Add(Item(builtin, Lsp.CompletionKind.Field, Glossary.Builtin(builtin)));
        }

        var keywords = StatementStart().IsMatch(before)
            ? (hypothesis is null ? SyntaxFacts.TopLevelStarters : SyntaxFacts.MemberStarters).Order(StringComparer.Ordinal)
            : SyntaxFacts.AllKeywords.AsEnumerable();
        // Builtins are offered as components above; q, k, v and mlp only follow a head or a layer.
        foreach (string keyword in keywords.Where(k => !SyntaxFacts.BuiltinWords.ContainsKey(k) && k is not ("q" or "k" or "v" or "mlp")))
        {
            items.Add(Item(keyword, Lsp.CompletionKind.Keyword, "keyword"));
        }

        return items;
    }

    /// <summary>The public members of the example a causal variable sees, with their C# signatures.</summary>
    private static readonly Lazy<List<(string Name, int Kind, string Detail)>> ExampleMembers = new(() =>
    {
        var type = typeof(Interventions.Data.ExampleView);
        var members = new List<(string, int, string)>();
        // The example's own record is the engine's, not the expression's (the sandbox refuses its type).
        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Where(p => p.Name != "Example"))
        {
            members.Add((property.Name, Lsp.CompletionKind.Property, $"{TypeName(property.PropertyType)} {property.Name}"));
        }

        foreach (var method in type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not ("Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "<Clone>$" or "PrintMembers")))
        {
            string parameters = string.Join(", ", method.GetParameters().Select(p => $"{TypeName(p.ParameterType)} {p.Name}"));
            members.Add((method.Name, Lsp.CompletionKind.Function, $"{TypeName(method.ReturnType)} {method.Name}({parameters})"));
        }

        return [.. members.DistinctBy(m => m.Item1).OrderBy(m => m.Item1, StringComparer.Ordinal)];

        static string TypeName(Type type) => Nullable.GetUnderlyingType(type) is { } inner
            ? TypeName(inner) + "?"
            : type.IsArray ? TypeName(type.GetElementType()!) + "[]"
            : type == typeof(int) ? "int" : type == typeof(bool) ? "bool" : type == typeof(string) ? "string" : type == typeof(long) ? "long" : type.Name;
    });

    private TaskDefinition? Task(DataSettingSyntax? data) =>
        data is not null && tasks.TryGet(data.Task.Text, out var task) ? task : null;

    private static bool Within(string digits, int count) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value < count;

    private static string ChannelName(string channel) => channel switch { "q" => "query", "k" => "key", _ => "value" };

    private static JsonObject Item(string label, int kind, string detail) => new()
    {
        ["label"] = label,
        ["kind"] = kind,
        ["detail"] = detail,
    };
}
