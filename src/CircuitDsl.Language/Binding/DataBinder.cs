using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// Binds a <c>data</c> statement: finds the task, checks and types its arguments (whole numbers exactly, data files
/// through the file provider when given), and refuses datasets too large to make (<see cref="DatasetLimits"/>).
/// </summary>
internal static class DataBinder
{
    public static BoundData? Bind(DataSettingSyntax data, ITaskCatalog tasks, string filePath, ModelShape? shape, IFileProvider? files, DiagnosticBag diagnostics)
    {
        string taskName = data.Task.Text;
        if (!tasks.TryGet(taskName, out var task))
        {
            var known = tasks.Tasks.Select(t => t.Name).ToList();
            diagnostics.Add(DiagnosticCatalog.UnknownTask.Create(data.Task.Span, taskName, Spelling.Suggest(taskName, known), string.Join(", ", known)));
            return null;
        }

        var request = new TaskRequest(task.Name);
        var given = new HashSet<string>(StringComparer.Ordinal); // an invalid argument is reported as such, not also as missing
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

            if (!given.Add(parameter.Name))
            {
                diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(argument.Span, $"Argument '{parameter.Name}' is given twice."));
                valid = false;
                continue;
            }

            var value = Convert(task, parameter, argument.Value, filePath, files, diagnostics);
            if (value is null)
            {
                valid = false;
                continue;
            }

            request = request.With(parameter.Name, value);
        }

        foreach (var parameter in task.Parameters.Where(p => !given.Contains(p.Name)))
        {
            if (parameter.Required)
            {
                diagnostics.Add(DiagnosticCatalog.MissingArgument.Create(data.Span, task.Name, parameter.Name, parameter.Description));
                valid = false;
            }
            else if (parameter.Kind == TaskParameterKind.Choice)
            {
                request = request.WithChoice(parameter.Name, parameter.Choices[0]); // stated defaults are echoed in reports
            }
        }

        if (!valid || !DatasetLimits.Check(data, task, request, shape, diagnostics))
        {
            return null;
        }

        var positions = task.PositionsParameter is { } p ? request.OptionalNames(p) ?? task.NamedPositions : task.NamedPositions;
        var answers = task.AnswersParameter is { } a ? request.OptionalNames(a) ?? task.Answers : task.Answers;
        return new BoundData(task, request, positions, answers, data.Span) { StatedArguments = [.. given] };
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

    private static TaskValue? Convert(TaskDefinition task, TaskParameter parameter, ValueSyntax value, string filePath, IFileProvider? files, DiagnosticBag diagnostics)
    {
        switch (parameter.Kind, value)
        {
            case (TaskParameterKind.PositiveInteger or TaskParameterKind.Integer, NumberValueSyntax { Number: var number })
                when number.WholeNumber(out _) != WholeNumberFit.NotWhole:
                return WholeNumber(task, parameter, number, diagnostics) is { } whole ? new TaskValue.WholeNumber(whole) : null;
            case (TaskParameterKind.FilePath, StringValueSyntax { String: var text }) when text.Value.Length > 0:
                return DataFile(SourceLoader.ResolveImport(filePath, text.Value), text.Span, files, diagnostics) is { } path ? new TaskValue.FilePath(path) : null;
            case (TaskParameterKind.Choice, NameValueSyntax { Name: var name }) when parameter.Choices.Contains(name.Text):
                return new TaskValue.Choice(name.Text);
            case (TaskParameterKind.NameList, ListValueSyntax list) when list.Items.All(i => i is NameValueSyntax):
                return new TaskValue.Names([.. list.Items.Cast<NameValueSyntax>().Select(i => i.Name.Text).Distinct(StringComparer.Ordinal)]);
        }

        string expected = parameter.Kind switch
        {
            TaskParameterKind.PositiveInteger => $"a whole number of at least {parameter.Minimum}",
            TaskParameterKind.Integer => "a whole number",
            TaskParameterKind.FilePath => "a quoted file path",
            TaskParameterKind.Choice => "one of " + string.Join(", ", parameter.Choices),
            _ => "a list of names such as [END, S2]",
        };
        diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(value.Span,
            $"Argument '{parameter.Name}' of task '{task.Name}' must be {expected}; found {SyntaxFacts.Shorten(Formatting.SyntaxPrinter.ValueText(value))}."));
        return null;
    }

    /// <summary>The exact value of a whole-number argument (never through a double), within the parameter's range.</summary>
    private static long? WholeNumber(TaskDefinition task, TaskParameter parameter, NumberLiteralSyntax number, DiagnosticBag diagnostics)
    {
        var fit = number.WholeNumber(out long value);
        if (fit == WholeNumberFit.TooLarge || value > parameter.Maximum)
        {
            diagnostics.Add(DiagnosticCatalog.NumberOutOfRange.Create(number.Span, SyntaxFacts.Shorten(number.Text),
                $"argument '{parameter.Name}' of task '{task.Name}' must lie between {parameter.Minimum} and {parameter.Maximum}"));
            return null;
        }

        if (value < parameter.Minimum)
        {
            diagnostics.Add(DiagnosticCatalog.InvalidArgument.Create(number.Span,
                $"Argument '{parameter.Name}' of task '{task.Name}' must be at least {parameter.Minimum}; found {SyntaxFacts.Shorten(number.Text)}."));
            return null;
        }

        return value;
    }

    /// <summary>A data file's path, when <paramref name="files"/> finds a regular file within <see cref="ResourceLimits.MaxDataFileBytes"/> there.</summary>
    private static string? DataFile(string path, Syntax.SourceSpan span, IFileProvider? files, DiagnosticBag diagnostics)
    {
        if (files is not null
            && SourceLoader.FileProblem(files, path, ResourceLimits.MaxDataFileBytes, nameof(ResourceLimits.MaxDataFileBytes), span) is { } problem)
        {
            diagnostics.Add(problem);
            return null;
        }

        return path;
    }
}
