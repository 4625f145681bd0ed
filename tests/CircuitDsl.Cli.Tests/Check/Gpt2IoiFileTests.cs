using System.Text.Json;
using System.Xml.Linq;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.TestSupport;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// hypotheses/gpt2/ioi.circuit, the published IOI circuit of GPT-2 small: it binds and compiles against GPT-2 small's
/// shape without weights, is skipped (not failed) where the weights are missing, and runs end to end on a Hugging Face
/// GPT-2 folder (here a tiny random one with GPT-2's vocabulary and 12 x 12 heads, so the numbers mean nothing).
/// </summary>
public class Gpt2IoiFileTests
{
    static readonly string IoiFile = RepositoryRoot.File("hypotheses", "gpt2", "ioi.circuit");

    [Test]
    public void BindsAndCompilesAgainstGpt2SmallWithNoDiagnostics()
    {
        var analysis = CircuitAnalyzer.AnalyzeFile(IoiFile, new PhysicalFileProvider(), new ConfigModelResolver(), ZooTasks.Catalog);
        Assert.That(analysis.Diagnostics, Is.Empty, analysis.RenderText());
        var hypotheses = analysis.File!.Hypotheses;
        Assert.That(hypotheses.Select(h => h.Name), Is.EqualTo(new[] { "behaviour", "paths", "faithfulness" }));
        Assert.That(hypotheses[0].Model, Is.EqualTo(new ModelShape("gpt2-small", 12, 12, true, 768, 50257, 1024)));

        string[] classes = ["name_movers", "negative_name_movers", "backup_name_movers", "s_inhibition", "induction", "duplicate_token", "previous_token"];
        var heads = hypotheses[0].Groups.Where(g => classes.Contains(g.Name)).SelectMany(g => g.Components).ToList();
        Assert.That(heads, Has.Count.EqualTo(26).And.Unique.And.All.Property("Kind").EqualTo(ComponentKind.Head), "Wang et al.'s 26 heads, each in one class");

        var compilation = RoslynPlanCompiler.Create().Compile(analysis);
        Assert.That(compilation.Diagnostics, Is.Empty, string.Join("\n", compilation.Diagnostics));
        Assert.That(compilation.Hypotheses.Sum(h => h.Bound.Expectations.Length), Is.EqualTo(7), "seven expectations, each lowered to a check (or CD3007 above)");
    }

    [Test]
    public void WithoutWeightsEveryReportShowsTheFileSkippedWithHowToRunIt()
    {
        using var dir = new TempFolder();
        string json = dir.File("r.json"), junit = dir.File("r.xml"), md = dir.File("r.md"), sarif = dir.File("r.sarif"), github = dir.File("r.txt");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", IoiFile, "--format", "json", "--out", json, "--format", "junit", "--out", junit,
            "--format", "markdown", "--out", md, "--format", "sarif", "--out", sarif, "--format", "github", "--out", github, "--format", "text");

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output + error);
        string howToRun = "model zoo:gpt2-small is not shipped; run it with --model zoo:gpt2-small=DIR";
        var skippedLine = output.Split('\n').Single(l => l.StartsWith("SKIPPED", StringComparison.Ordinal));
        Assert.That(skippedLine, Does.Contain("gpt2/ioi.circuit (behaviour, paths, faithfulness): " + howToRun));
        Assert.That(output, Does.Contain("7 expectations of 3 hypotheses skipped").And.Not.Contain("FAIL"));

        using (var report = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var file = report.RootElement.GetProperty("files").EnumerateArray().Single();
            Assert.That(file.GetProperty("status").GetString(), Is.EqualTo("skipped"));
            Assert.That(file.GetProperty("diagnostics").GetArrayLength(), Is.Zero);
            var skipped = file.GetProperty("skipped").EnumerateArray().ToList();
            Assert.That(skipped.Select(s => s.GetProperty("hypothesis").GetString()), Is.EqualTo(new[] { "behaviour", "paths", "faithfulness" }));
            Assert.That(skipped[0].GetProperty("reason").GetString(), Does.StartWith(howToRun));
            Assert.That(skipped[0].GetProperty("expectations")[0].GetString(), Is.EqualTo("expect model metric >= 2.0"));
        }
        var suites = XDocument.Parse(File.ReadAllText(junit)).Root!;
        Assert.That(((int)suites.Attribute("tests")!, (int)suites.Attribute("skipped")!, (int)suites.Attribute("failures")!, (int)suites.Attribute("errors")!),
            Is.EqualTo((7, 7, 0, 0)));
        Assert.That(suites.Descendants("skipped").First().Attribute("message")!.Value, Does.StartWith(howToRun));
        Assert.That(File.ReadAllText(md), Does.StartWith("## ✅").And.Contain("⏭️ **skipped** `behaviour`, `paths`, `faithfulness`: " + howToRun));
        using (var log = JsonDocument.Parse(File.ReadAllText(sarif)))
        {
            var run = log.RootElement.GetProperty("runs")[0];
            Assert.That(run.GetProperty("results").GetArrayLength(), Is.Zero, "a skip is not a code-scanning alert");
            var notes = run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications").EnumerateArray().ToList();
            Assert.That(notes, Has.Count.EqualTo(3));
            Assert.That(notes.Select(n => n.GetProperty("level").GetString()), Has.All.EqualTo("note"));
            Assert.That(notes[0].GetProperty("message").GetProperty("text").GetString(), Does.Contain(howToRun));
        }
        Assert.That(File.ReadAllText(github), Does.StartWith("::notice ").And.Contain("title=skipped").And.Not.Contain("::error"));
    }

    [Test]
    public void AMisspeltModelIsAnErrorAtItsPlace()
    {
        using var dir = new TempFolder();
        string file = dir.File("typo.circuit", File.ReadAllText(IoiFile).Replace("model zoo:gpt2-small", "model zoo:gpt2-smal"));
        int line = File.ReadAllLines(file).ToList().FindIndex(l => l.StartsWith("model ", StringComparison.Ordinal)) + 1;
        var (code, _, error) = CliRunner.Run("check", "--no-progress", file);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain($"typo.circuit:{line}:7: error CD5003").And.Contain("known but not shipped: zoo:gpt2-small"));
    }

    [Test]
    public void WithModelPointingAtAHuggingFaceGpt2FolderEveryExpectationIsEvaluated()
    {
        using var dir = new TempFolder();
        using (var checkpoint = new RandomGpt2Checkpoint(layers: 12, heads: 12, dModel: 24, vocab: 50257, context: 32, seed: 5))
            checkpoint.Write(dir.File("gpt2"));
        string json = dir.File("r.json");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", IoiFile, "--model", dir.File("gpt2"), "--samples", "4", "--format", "json", "--out", json);

        Assert.That(code, Is.AnyOf(ExitCodes.Ok, ExitCodes.Failed), output + error);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var file = report.RootElement.GetProperty("files").EnumerateArray().Single();
        Assert.That(file.GetProperty("status").GetString(), Is.AnyOf("passed", "failed"));
        Assert.That(file.GetProperty("skipped").GetArrayLength(), Is.Zero);
        var hypotheses = file.GetProperty("hypotheses").EnumerateArray().ToList();
        Assert.That(hypotheses.Select(h => h.GetProperty("examples").GetInt32()), Has.All.EqualTo(4));
        var expectations = hypotheses.SelectMany(h => h.GetProperty("checks").EnumerateArray()).Select(c => c.GetProperty("expectation")).ToList();
        Assert.That(expectations.Select(e => e.GetProperty("statement").GetString()).ToList(), Has.Count.EqualTo(7).And.Contain("expect knockout recovers >= 0.5"));
        Assert.That(expectations.Select(e => e.GetProperty("passed").ValueKind), Has.All.AnyOf(JsonValueKind.True, JsonValueKind.False));
    }
}
