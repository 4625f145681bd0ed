using System.Text.Json;
using System.Xml.Linq;

namespace CircuitDsl.Cli.Tests.Reports;

/// <summary>
/// An error in an imported file is reported at that file, in every format: the checked file imports lib.circuit,
/// whose `let` on line 2 does not compile.
/// </summary>
public class ImportedFileDiagnosticTests
{
    const string Library = "// shared variables\nlet broken = x.Tokens[x.Pos] +\n";
    const string Main = "import \"lib.circuit\"\n\nmodel zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\n\nhypothesis h {\n  expect model metric <= 1\n}\n";

    static Dictionary<string, string> CheckEveryFormat(TempFolder folder)
    {
        folder.File("lib.circuit", Library);
        string main = folder.File("main.circuit", Main);
        var formats = new[] { "json", "github", "sarif", "junit", "markdown" };
        var args = new List<string> { "check", "--no-progress", main };
        foreach (string format in formats) args.AddRange(["--format", format, "--out", folder.File($"report.{format}")]);
        var (code, _, error) = CliRunner.Run([.. args]);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Match(@"lib\.circuit:2:\d+: error CD3001"), "the console names the imported file");
        return formats.ToDictionary(f => f, f => File.ReadAllText(folder.File($"report.{f}")));
    }

    [Test]
    public void EveryFormatPointsAtTheImportedFileAndItsLine()
    {
        using var folder = new TempFolder();
        var reports = CheckEveryFormat(folder);
        string lib = folder.File("lib.circuit").Replace('\\', '/');

        using var json = JsonDocument.Parse(reports["json"]);
        var file = json.RootElement.GetProperty("files").EnumerateArray().Single();
        Assert.That(file.GetProperty("path").GetString(), Does.EndWith("main.circuit"), "the file that was checked");
        var diagnostic = file.GetProperty("diagnostics").EnumerateArray().Single();
        Assert.That((diagnostic.GetProperty("file").GetString(), diagnostic.GetProperty("line").GetInt32()), Is.EqualTo((lib, 2)));

        Assert.That(reports["github"], Does.Contain($"::error file={Escape(lib)},line=2,"));
        Assert.That(reports["github"], Does.Not.Contain("main.circuit"));

        using var sarif = JsonDocument.Parse(reports["sarif"]);
        var location = sarif.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(location.GetProperty("artifactLocation").GetProperty("uri").GetString(), Does.EndWith("/lib.circuit"));
        Assert.That(location.GetProperty("region").GetProperty("startLine").GetInt32(), Is.EqualTo(2));

        var error = XDocument.Parse(reports["junit"]).Descendants("error").Single();
        Assert.That(error.Value, Does.StartWith($"{lib}:2:"));

        Assert.That(reports["markdown"], Does.Contain($"at `{lib}` line 2,"));
    }

    static string Escape(string path) => path.Replace(":", "%3A").Replace(",", "%2C");
}
