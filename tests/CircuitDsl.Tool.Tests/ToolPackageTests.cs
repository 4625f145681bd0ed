using System.Text.Json;

namespace CircuitDsl.Tool.Tests;

/// <summary>
/// The packed tool works on its own: installed from its package into a tool folder, `circuit` scaffolds and checks
/// a repository outside this one (a shipped zoo model, a JSON-lines data file of the repository's own) in fresh
/// processes. That needs the zoo's models, libtorch's natives and, on systems whose libstdc++ lacks GLIBCXX_3.4.32,
/// the patched glue library and the shim, all inside the package.
/// </summary>
[Category("Tool")]
public class ToolPackageTests
{
    static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(3);

    const string DataHypothesis = """
        model zoo:attn-only-2l
        data jsonl("repeats.jsonl", seed: 3)
        metric loss
        ablation resample
        direction circuit

        hypothesis induction_head {
          node out = logits
            from L1.H0
          expect path L1.H0 -> logits effect <= 0
        }

        """;

    [Test]
    public void TheInstalledToolChecksARepositoryOfItsOwn()
    {
        using var work = new TempFolder();
        string package = ToolPackage.Pack(work.File("pack"));
        TestContext.Out.WriteLine($"{Path.GetFileName(package)}: {new FileInfo(package).Length / 1e6:0.0} MB");
        string circuit = ToolPackage.Install(package, work.File("tools"), work.Path);

        string repository = work.File("repository");
        Directory.CreateDirectory(repository);
        var init = Run(circuit, repository, work, "init");
        Assert.That(init.ExitCode, Is.Zero, init.ToString());
        Assert.That(init.Out, Does.Contain("created  hypotheses/induction.circuit"));
        File.WriteAllText(Path.Combine(repository, "hypotheses", "repeats.circuit"), DataHypothesis);
        File.WriteAllLines(Path.Combine(repository, "hypotheses", "repeats.jsonl"), RepeatedHalves());

        var fmt = Run(circuit, repository, work, "fmt", "--check", "hypotheses");
        Assert.That(fmt.ExitCode, Is.Zero, fmt.ToString());
        var check = Run(circuit, repository, work, "check", "hypotheses", "--no-progress", "--format", "json", "--out", "results.json", "--format", "text");
        Assert.That(check.ExitCode, Is.Zero, check.ToString());
        Assert.That(check.Out, Does.Contain("2 of 2 expectations hold"));

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(repository, "results.json")));
        var root = report.RootElement;
        Assert.That(root.GetProperty("tool").GetProperty("circuitdsl").GetString(), Is.EqualTo(ToolPackage.VersionOf(package)), "the tool that ran is the one packed");
        var files = root.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f);
        Assert.That(files.Keys, Is.EquivalentTo(new[] { "hypotheses/induction.circuit", "hypotheses/repeats.circuit" }));
        Assert.That(files.Values.Select(f => f.GetProperty("status").GetString()), Is.All.EqualTo("passed"));
        var data = files["hypotheses/repeats.circuit"].GetProperty("hypotheses")[0];
        Assert.That(data.GetProperty("data").GetString(), Does.EndWith(Path.Combine("repository", "hypotheses", "repeats.jsonl")), "the data file of that repository");
        Assert.That(data.GetProperty("examples").GetInt32(), Is.EqualTo(16));
    }

    static ProcessResult Run(string circuit, string repository, TempFolder work, params string[] args) =>
        ChildProcess.Run(circuit, args, repository, CommandLimit,
            ToolPackage.ChildEnvironment(new Dictionary<string, string?> { ["CIRCUITDSL_CACHE_DIR"] = work.File("compile-cache") }));

    /// <summary>Sequences whose second half repeats the first; each line's counterfactual breaks the repeat.</summary>
    static IEnumerable<string> RepeatedHalves()
    {
        var random = new Random(1);
        for (int i = 0; i < 16; i++)
        {
            int[] half = [.. Enumerable.Range(0, 8).Select(_ => random.Next(64))];
            int[] other = [.. Enumerable.Range(0, 8).Select(_ => random.Next(64))];
            yield return $"{{\"prompt\": {JsonSerializer.Serialize<int[]>([.. half, .. half])}, \"counterfactual\": {JsonSerializer.Serialize<int[]>([.. half, .. other])}}}";
        }
    }
}
