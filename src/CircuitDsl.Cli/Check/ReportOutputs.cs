
namespace CircuitDsl.Cli.Check;

/// <summary>
/// Where `check` writes each report format (`--format F --out FILE`, paired in order; formats without a file go to
/// stdout), checked before anything runs so that no report can replace what the run reads: a checked or imported
/// .circuit file, the baseline it compares against, or another report of the same run.
/// </summary>
public sealed class ReportOutputs
{
    readonly IReadOnlyList<(string Format, string? File)> outputs;

    ReportOutputs(IReadOnlyList<(string, string?)> outputs) => this.outputs = outputs;

    public static ReportOutputs Pair(IReadOnlyList<string> formats, IReadOnlyList<string> files, string workingDirectory)
    {
        if (files.Count > formats.Count)
            throw new UsageException($"{files.Count} --out files for {formats.Count} --format values; pair each file with a format");
        var pairs = formats.Select((format, i) => (format, i < files.Count ? Path.GetFullPath(files[i], workingDirectory) : null)).ToArray();
        foreach (var group in pairs.Where(p => p.Item2 is not null).GroupBy(p => Identity(p.Item2!)).Where(g => g.Count() > 1))
            throw new UsageException($"--out {group.First().Item2} is given for {string.Join(" and ", group.Select(p => p.format))}: each report needs its own file");
        foreach (var (_, file) in pairs)
            if (file is not null && InputFiles.Inspect(file).Kind == InputFileKind.Directory)
                throw new UsageException($"--out {file} is a folder; name a file");
        return new ReportOutputs(pairs);
    }

    /// <summary>Refuses a report file that is one of <paramref name="inputs"/> (what the run reads), naming the option.</summary>
    public void RefuseOverwriting(IEnumerable<string> inputs, string what)
    {
        var protectedFiles = inputs.Select(Identity).ToHashSet(StringComparer.Ordinal);
        foreach (var (format, file) in outputs)
            if (file is not null && protectedFiles.Contains(Identity(file)))
                throw new UsageException($"--out {file} (the {format} report) is {what}; writing the report there would destroy it");
    }

    public void Write(CheckReport report, CliConsole console)
    {
        foreach (var (format, file) in outputs)
        {
            bool color = file is null && !Console.IsOutputRedirected && ReferenceEquals(console.Out, Console.Out);
            string rendered = ReportFormats.Render(format, report, color);
            if (file is not null) AtomicFile.WriteAllText(file, rendered);
            else console.Out.Write(rendered);
        }
    }

    /// <summary>One name per file: symbolic links resolved, so `--out link` cannot reach what `link` points at unseen.</summary>
    static string Identity(string path) => RealPaths.Of(path);
}
