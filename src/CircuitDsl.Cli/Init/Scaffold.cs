namespace CircuitDsl.Cli.Init;

/// <summary>What `circuit init` did with one file.</summary>
public enum ScaffoldAction
{
    Created,
    /// <summary>The .gitattributes line was added to an existing file.</summary>
    Appended,
    Skipped,
}

/// <param name="Path">Relative to the scaffolded folder, with forward slashes.</param>
/// <param name="Reason">Why a file was skipped (it exists, it already has the line).</param>
public sealed record ScaffoldStep(string Path, ScaffoldAction Action, string Reason = "");

/// <summary>
/// Writes the files of <see cref="InitTemplates"/> into a folder. Never overwrites: an existing file is skipped
/// (the .gitattributes file gets its line appended when it lacks one for *.circuit), so running it twice changes
/// nothing. Every file is written atomically.
/// </summary>
public static class Scaffold
{
    static readonly (string Path, string Text)[] NewFiles =
    [
        (InitTemplates.HypothesisPath, InitTemplates.Hypothesis),
        (InitTemplates.WorkflowPath, InitTemplates.Workflow),
    ];

    /// <summary>Scaffolds <paramref name="folder"/> (created when missing); a path in the way is a <see cref="UsageException"/>.</summary>
    public static IReadOnlyList<ScaffoldStep> Apply(string folder)
    {
        string root = Path.GetFullPath(folder);
        var kind = InputFiles.Inspect(root);
        if (kind.Kind is not (InputFileKind.Missing or InputFileKind.Directory))
            throw new UsageException($"'{folder}' is {(kind.Kind == InputFileKind.Regular ? "a file" : kind.Description)}; init scaffolds a folder");

        // Refuse before writing anything: a half-scaffolded folder is worse than none.
        foreach (string path in NewFiles.Select(f => f.Path).Append(InitTemplates.GitAttributesPath))
            RefuseBlockedFolders(root, path);

        var steps = NewFiles.Select(file => CreateIfMissing(root, file.Path, file.Text)).ToList();
        steps.Add(AddAttributesLine(root));
        return steps;
    }

    static ScaffoldStep CreateIfMissing(string root, string path, string text)
    {
        string full = Full(root, path);
        if (InputFiles.Inspect(full).Kind != InputFileKind.Missing) return new ScaffoldStep(path, ScaffoldAction.Skipped, "exists");
        AtomicFile.WriteAllText(full, text);
        return new ScaffoldStep(path, ScaffoldAction.Created);
    }

    static ScaffoldStep AddAttributesLine(string root)
    {
        string path = InitTemplates.GitAttributesPath;
        string full = Full(root, path);
        var kind = InputFiles.Inspect(full).Kind;
        if (kind == InputFileKind.Missing)
        {
            AtomicFile.WriteAllText(full, InitTemplates.GitAttributesLine + "\n");
            return new ScaffoldStep(path, ScaffoldAction.Created);
        }
        if (kind != InputFileKind.Regular) return new ScaffoldStep(path, ScaffoldAction.Skipped, "exists and is not a regular file");

        string text = File.ReadAllText(full);
        if (HasCircuitRule(text)) return new ScaffoldStep(path, ScaffoldAction.Skipped, "already has a *.circuit line");
        string separator = text.Length == 0 || text.EndsWith('\n') ? "" : "\n";
        AtomicFile.WriteAllText(full, text + separator + InitTemplates.GitAttributesLine + "\n");
        return new ScaffoldStep(path, ScaffoldAction.Appended);
    }

    /// <summary>A line whose pattern is *.circuit is the user's own rule for these files: keep it, add none.</summary>
    static bool HasCircuitRule(string text) =>
        text.Split('\n').Select(line => line.Trim()).Any(line => line.Split([' ', '\t'], 2)[0] == "*.circuit");

    static void RefuseBlockedFolders(string root, string path)
    {
        string[] parts = path.Split('/');
        for (int depth = 1; depth < parts.Length; depth++)
        {
            string folder = string.Join('/', parts[..depth]);
            var kind = InputFiles.Inspect(Full(root, folder)).Kind;
            if (kind is not (InputFileKind.Missing or InputFileKind.Directory))
                throw new UsageException($"'{Path.Combine(root, folder)}' is not a folder; init needs it to be one to write {path}");
        }
    }

    static string Full(string root, string path) => Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));
}
