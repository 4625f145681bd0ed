using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;
using CircuitDsl.LanguageServer.Protocol;

namespace CircuitDsl.LanguageServer.Features;

/// <summary>
/// Hovers: a component's layer, head and shape (with its role and scores from a zoo model's card), a group's or
/// node's components, a variable's C# type, a task's arguments, named positions and answers, a statistic's
/// definition, an import's resolved path.
/// </summary>
internal sealed class HoverProvider(ModelLookup models, ITaskCatalog tasks, VariableTypes types)
{
    public JsonObject? Hover(SourceText source, SymbolIndex index, int offset)
    {
        var occurrence = index.At(offset);
        if (occurrence is null)
        {
            return null;
        }

        string file = source.FilePath;
        string? markdown = occurrence switch
        {
            ComponentOccurrence c => Component(c.Component, index.Setting<ModelSettingSyntax>(c.Owner), file),
            BuiltinOccurrence b => Builtin(b.Component, models.Shape(index.Setting<ModelSettingSyntax>(b.Owner), file)),
            DeclarationOccurrence or ReferenceOccurrence => index.DeclarationOf(occurrence) is { } d ? Declaration(d, index) : null,
            PositionOccurrence p => Position(p.Position, Task(index.Setting<DataSettingSyntax>(p.Owner))),
            TaskOccurrence t => Task(t.Data) is { } task ? TaskText(task) : $"Unknown task `{t.Data.Task.Text}`; the tasks are {string.Join(", ", tasks.Tasks.Select(x => $"`{x.Name}`"))}.",
            ArgumentOccurrence a => Argument(a, Task(a.Data)),
            MetricOccurrence m => Glossary.Metric(m.Metric.Kind.Text),
            AnswerOccurrence a => Answer(a.Answer, Task(index.Setting<DataSettingSyntax>(a.At))),
            ExpectOccurrence e => Expect(e.Expect, source, offset, out occurrence),
            ImportOccurrence i => $"import `{i.Import.ResolvedPath}`: its `let` and `group` declarations are visible here.",
            HypothesisOccurrence h => $"hypothesis **{h.Hypothesis.Name.Text}**" + (h.Hypothesis.Description is { } text ? $": {text.Value}" : string.Empty),
            ModelOccurrence m => Model(m.Model, file),
            _ => null,
        };
        return markdown is null || occurrence is null ? null : Lsp.Hover(markdown, Positions.Range(source, occurrence.Span));
    }

    private TaskDefinition? Task(DataSettingSyntax? data) =>
        data is not null && tasks.TryGet(data.Task.Text, out var task) ? task : null;

    private string Component(LayerComponentSyntax component, ModelSettingSyntax? model, string file)
    {
        var shape = models.Shape(model, file);
        var text = new StringBuilder();
        string layer = $"layer {component.Layer}";
        string what = component.Part switch
        {
            LayerPart.Head => $"attention head {component.Head} of {layer}",
            LayerPart.AllHeads => $"every attention head of {layer}",
            _ => $"the MLP of {layer}",
        };
        string channel = component.Channel switch
        {
            Channel.Query => "the query input of ",
            Channel.Key => "the key input of ",
            Channel.Value => "the value input of ",
            _ => string.Empty,
        };
        text.Append(CultureInfo.InvariantCulture, $"**{component.Text}**: {channel}{what}");
        if (shape is null)
        {
            text.Append(" (the model is not known here)");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $" in `{shape.Name}`");
        if (component.Layer >= shape.Layers)
        {
            return text.Append(CultureInfo.InvariantCulture, $"\n\n`{shape.Name}` has no such layer: it has {shape.Layers} (L0 to L{shape.Layers - 1}).").ToString();
        }

        if (component.Part == LayerPart.Mlp && !shape.HasMlps)
        {
            return text.Append(CultureInfo.InvariantCulture, $"\n\n`{shape.Name}` is attention-only: it has no MLPs.").ToString();
        }

        if (component.Part == LayerPart.Head && component.Head >= shape.HeadsPerLayer)
        {
            return text.Append(CultureInfo.InvariantCulture, $"\n\n`{shape.Name}` has no such head: each layer has {shape.HeadsPerLayer} (H0 to H{shape.HeadsPerLayer - 1}).").ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"\n\n{shape.Layers} layers × {shape.HeadsPerLayer} heads{(shape.HasMlps ? ", with MLPs" : ", attention-only")}; writes to the residual stream of width d_model = {shape.DModel} at each of up to {shape.ContextLength} positions");
        if (component.Part != LayerPart.Mlp && shape.HeadsPerLayer > 0 && shape.DModel % shape.HeadsPerLayer == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" (d_model / heads = {shape.DModel / shape.HeadsPerLayer} per head)");
        }

        text.Append('.');
        if (component.Part == LayerPart.Head && models.Card(model, file) is { } card)
        {
            AppendCard(text, card, $"L{component.Layer}.H{component.Head}");
        }

        return text.ToString();
    }

    /// <summary>The head's roles and scores as the model card measured them.</summary>
    private static void AppendCard(StringBuilder text, JsonObject card, string head)
    {
        var roles = new List<string>();
        if (card["roles"] is JsonObject roleTable)
        {
            foreach (var (role, members) in roleTable)
            {
                if (members is JsonArray list && list.Any(m => Lsp.String(m) == head))
                {
                    roles.Add(role);
                }
            }
        }

        var scores = new List<string>();
        if (card["heads"] is JsonArray heads && heads.OfType<JsonObject>().FirstOrDefault(h => Lsp.String(h["head"]) == head) is { } entry)
        {
            foreach (var (name, value) in entry)
            {
                if (name != "head" && value is JsonValue number && number.TryGetValue(out double score))
                {
                    scores.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {score:0.####}"));
                }
            }
        }

        if (roles.Count == 0 && scores.Count == 0)
        {
            return;
        }

        text.Append("\n\nModel card:");
        if (roles.Count > 0)
        {
            text.Append(" role ").Append(string.Join(", ", roles.Select(r => $"**{r}**"))).Append('.');
        }

        if (scores.Count > 0)
        {
            text.Append(" Scores: ").Append(string.Join(", ", scores)).Append('.');
        }
    }

    private static string Builtin(BuiltinComponentSyntax builtin, ModelShape? shape)
    {
        string word = SyntaxFacts.Spell(SyntaxFacts.BuiltinWords, builtin.Component);
        string text = Glossary.Builtin(word);
        return shape is null ? text : text + string.Create(CultureInfo.InvariantCulture, $" In `{shape.Name}`: width d_model = {shape.DModel}, vocabulary {shape.VocabSize}, context {shape.ContextLength}.");
    }

    private string Declaration(Declaration declaration, SymbolIndex index)
    {
        string where = declaration.Owner is null ? "file level" : $"hypothesis `{declaration.Owner.Name.Text}`";
        string origin = declaration.File == index.Sources.Root.FilePath ? where : $"{where} of `{declaration.File}`";
        switch (declaration.Statement)
        {
            case LetSyntax let:
                var (type, problem) = types.Of(declaration, index);
                string typeLine = type is not null ? $"C# type: `{type}`" : $"no C# type: {problem}";
                return $"let **{let.Name.Text}** ({origin})\n\n```csharp\n{let.Expression.Text}\n```\n\n{typeLine}";
            case GroupSyntax group:
                return $"group **{group.Name.Text}** = {SyntaxPrinter.Components(group.Components)} ({origin})";
            case NodeSyntax node:
                var text = new StringBuilder($"node **{node.Name.Text}** = {SyntaxPrinter.Components(node.Components)}");
                if (node.Computes is { } computes)
                {
                    text.Append(CultureInfo.InvariantCulture, $" computes `{computes.Text}`");
                }

                text.Append(CultureInfo.InvariantCulture, $" ({origin})");
                foreach (var input in node.Inputs)
                {
                    string channel = input.Channel == Channel.Output ? string.Empty : SyntaxFacts.ChannelSuffix(input.Channel) + " ";
                    text.Append(CultureInfo.InvariantCulture, $"\n- {channel}from {SyntaxPrinter.Components(input.Sources)}");
                }

                return text.ToString();
            default:
                return declaration.Name;
        }
    }

    private static string Position(NamedPositionSyntax position, TaskDefinition? task)
    {
        string name = position.Name.Text;
        if (task is null)
        {
            return $"named position **{name}** (the data's task is not known here)";
        }

        string known = task.NamedPositions.Length == 0 ? "none" : string.Join(", ", task.NamedPositions.Select(p => $"`{p}`"));
        string offset = position.Offset == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", moved by {position.Offset:+0;-0}");
        return task.NamedPositions.Contains(name)
            ? $"named position **{name}** of task `{task.Name}`{offset}: the position each example names as {name}.\n\nThe task names: {known}."
            : $"`{name}` is not a position task `{task.Name}` names; it names {known}.";
    }

    private static string Answer(NameSyntax answer, TaskDefinition? task) =>
        task is null
            ? $"answer **{answer.Text}**"
            : $"answer **{answer.Text}** of task `{task.Name}` (its answers: {(task.Answers.Length == 0 ? "none" : string.Join(", ", task.Answers.Select(a => $"`{a}`")))})";

    private static string TaskText(TaskDefinition task)
    {
        var text = new StringBuilder($"task **{task.Name}**: {task.Description}\n\nArguments:\n");
        foreach (var parameter in task.Parameters)
        {
            text.Append(CultureInfo.InvariantCulture, $"- `{parameter.Name}`{(parameter.Required ? " (required)" : string.Empty)}: {parameter.Description}");
            if (parameter.Choices.Length > 0)
            {
                text.Append(" (").Append(string.Join(", ", parameter.Choices)).Append(')');
            }

            text.Append('\n');
        }

        static string List(IEnumerable<string> items) => items.Any() ? string.Join(", ", items.Select(i => $"`{i}`")) : "none";
        text.Append(CultureInfo.InvariantCulture, $"\nNamed positions: {List(task.NamedPositions)}");
        if (task.PositionsParameter is { } positions)
        {
            text.Append(CultureInfo.InvariantCulture, $" (declared with `{positions}:`)");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n\nAnswers: {List(task.Answers)}");
        if (task.ExampleGroups.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\nExample groups: {List(task.ExampleGroups)}");
        }

        return text.ToString();
    }

    private static string Argument(ArgumentOccurrence argument, TaskDefinition? task)
    {
        string name = argument.Argument.Name!.Text;
        var parameter = task?.Parameters.FirstOrDefault(p => p.Name == name);
        return parameter is null
            ? $"`{name}` is not an argument of task `{argument.Data.Task.Text}`"
            : $"argument **{name}** of task `{task!.Name}`: {parameter.Description}{(parameter.Choices.Length > 0 ? $" (one of {string.Join(", ", parameter.Choices)})" : string.Empty)}";
    }

    private string Model(ModelSettingSyntax model, string file)
    {
        var shape = models.Shape(model, file);
        if (shape is null)
        {
            return $"model `{model.Reference.Text}` (not found)";
        }

        string text = string.Create(CultureInfo.InvariantCulture,
            $"model **{shape.Name}**: {shape.Layers} layers × {shape.HeadsPerLayer} heads{(shape.HasMlps ? ", with MLPs" : ", attention-only")}, d_model {shape.DModel}, vocabulary {shape.VocabSize}, context {shape.ContextLength}");
        return models.Card(model, file) is { } card && Lsp.String(card["purpose"]) is { } purpose ? $"{text}\n\n{purpose}" : text;
    }

    /// <summary>The word under the cursor in an <c>expect</c> statement: a subject or a statistic.</summary>
    private static string? Expect(ExpectSyntax expect, SourceText source, int offset, out Occurrence? word)
    {
        word = null;
        int start = offset;
        while (start > 0 && Lexer.IsIdentifierPart(source.Text[start - 1]))
        {
            start--;
        }

        int end = offset;
        while (end < source.Text.Length && Lexer.IsIdentifierPart(source.Text[end]))
        {
            end++;
        }

        if (end <= start)
        {
            return null;
        }

        string text = source.Text[start..end];
        string subject = SyntaxFacts.Spell(SyntaxFacts.SubjectWords, expect.Subject);
        bool isSubject = start == expect.Span.Offset + "expect".Length + CountSpaces(source.Text, expect.Span.Offset + "expect".Length);
        string? markdown = isSubject ? Glossary.Subject(text) : Glossary.Statistic(subject, text);
        if (markdown is not null)
        {
            word = new ExpectOccurrence(expect, null) { Span = source.Span(start, end - start) };
        }

        return markdown;
    }

    private static int CountSpaces(string text, int from)
    {
        int i = from;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i - from;
    }
}
