namespace CircuitDsl.Cli.Check;

/// <summary>The report formats of `circuit check --format` and how each is produced.</summary>
public static class ReportFormats
{
    public static readonly string[] Names = ["text", "json", "markdown", "junit", "sarif", "github"];

    public static string Render(string format, CheckReport report, bool color) => format switch
    {
        "text" => Text(report, color),
        "json" => JsonReportWriter.Write(report),
        "markdown" => MarkdownReportWriter.Write(report),
        "junit" => JUnitReportWriter.Write(report),
        "sarif" => SarifReportWriter.Write(report, Directory.GetCurrentDirectory()),
        "github" => GithubReportWriter.Write(report),
        _ => throw new ArgumentException($"unknown format '{format}'; formats: {string.Join(", ", Names)}"),
    };

    static string Text(CheckReport report, bool color)
    {
        var output = new StringWriter();
        TextReportWriter.Write(report, output, color);
        return output.ToString();
    }
}
