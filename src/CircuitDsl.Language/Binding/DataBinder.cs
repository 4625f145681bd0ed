using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>Binds a <c>data</c> statement: finds the task and checks and types its arguments.</summary>
internal static class DataBinder
{
    public static BoundData? Bind(DataSettingSyntax data, TaskCatalog tasks, string filePath, DiagnosticBag diagnostics)
    {
        string taskName = data.Task.Text;
        if (!tasks.TryGet(taskName, out var task))
        {
            var known = tasks.Tasks.Select(t => t.Name).ToList();
            diagnostics.Add(DiagnosticCatalog.UnknownTask.Create(data.Task.Span, taskName, Spelling.Suggest(taskName, known), string.Join(", ", known)));
            return null;
        }

        var arguments = ImmutableDictionary.CreateBuilder<string, object>(StringComparer.Ordinal);
        bool valid = true;
        for (int index = 0; index < data.Arguments.Length; index++)
        {
            var argument = data.Arguments[index];
            var parameter = FindParameter(task, argument, index, diagnostics);
            if (parameter is null)
            {
                valid = false;
                continue;
            }

            if (arguments.ContainsKey(parameter.Name))
            {
                diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(argument.Span, $"Argument '{parameter.Name}' is given twice."));
                valid = false;
                continue;
            }

            object? value = Convert(task, parameter, argument.Value, filePath, diagnostics);
            if (value is null)
            {
                valid = false;
                continue;
            }

            arguments[parameter.Name] = value;
        }

        foreach (var parameter in task.Parameters.Where(p => !arguments.ContainsKey(p.Name)))
        {
            if (parameter.Required)
            {
                diagnostics.Add(DiagnosticCatalog.MissingArgument.Create(data.Span, task.Name, parameter.Name, parameter.Description));
                valid = false;
            }
            else if (parameter.Kind == TaskParameterKind.Choice)
            {
                arguments[parameter.Name] = parameter.Choices[0]; // stated defaults are echoed in reports
            }
        }

        if (!valid)
        {
            return null;
        }

        var positions = task.PositionsParameter is { } p && arguments.TryGetValue(p, out object? declared) ? (ImmutableArray<string>)declared : task.NamedPositions;
        var answers = task.AnswersParameter is { } a && arguments.TryGetValue(a, out object? named) ? (ImmutableArray<string>)named : task.Answers;
        return new BoundData(task, arguments.ToImmutable(), positions, answers, data.Span);
    }

    private static TaskParameter? FindParameter(TaskDefinition task, ArgumentSyntax argument, int index, DiagnosticBag diagnostics)
    {
        if (argument.Name is null)
        {
            var positional = task.Parameters.FirstOrDefault(p => p.Positional);
            if (index == 0 && positional is not null)
            {
                return positional;
            }

            diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(argument.Span,
                $"Task '{task.Name}' takes no unnamed argument here; name it, as in 'count: 512'."));
            return null;
        }

        string name = argument.Name.Text;
        var parameter = task.Parameters.FirstOrDefault(p => p.Name == name);
        if (parameter is null)
        {
            var names = task.Parameters.Select(p => p.Name).ToList();
            diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(argument.Name.Span,
                $"Task '{task.Name}' has no argument '{name}'{Spelling.Suggest(name, names)}; it takes {string.Join(", ", names)}."));
        }

        return parameter;
    }

    private static object? Convert(TaskDefinition task, TaskParameter parameter, ValueSyntax value, string filePath, DiagnosticBag diagnostics)
    {
        switch (parameter.Kind, value)
        {
            case (TaskParameterKind.PositiveInteger, NumberValueSyntax { Number: var number })
                when double.IsInteger(number.Value) && number.Value >= 1 && number.Value <= int.MaxValue:
                return (long)number.Value;
            case (TaskParameterKind.Integer, NumberValueSyntax { Number: var number })
                when double.IsInteger(number.Value) && Math.Abs(number.Value) <= long.MaxValue / 2:
                return (long)number.Value;
            case (TaskParameterKind.FilePath, StringValueSyntax { String: var text }) when text.Value.Length > 0:
                return SourceLoader.ResolveImport(filePath, text.Value);
            case (TaskParameterKind.Choice, NameValueSyntax { Name: var name }) when parameter.Choices.Contains(name.Text):
                return name.Text;
            case (TaskParameterKind.NameList, ListValueSyntax list) when list.Items.All(i => i is NameValueSyntax):
                return list.Items.Cast<NameValueSyntax>().Select(i => i.Name.Text).Distinct(StringComparer.Ordinal).ToImmutableArray();
        }

        string expected = parameter.Kind switch
        {
            TaskParameterKind.PositiveInteger => "a whole number of at least 1",
            TaskParameterKind.Integer => "a whole number",
            TaskParameterKind.FilePath => "a quoted file path",
            TaskParameterKind.Choice => "one of " + string.Join(", ", parameter.Choices),
            _ => "a list of names such as [END, S2]",
        };
        diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(value.Span,
            $"Argument '{parameter.Name}' of task '{task.Name}' must be {expected}; found {SyntaxFacts.Shorten(Formatting.SyntaxPrinter.ValueText(value))}."));
        return null;
    }
}
