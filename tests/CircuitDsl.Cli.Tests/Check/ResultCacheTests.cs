using CircuitDsl.Cli.Check;
using static CircuitDsl.Cli.Tests.Check.CacheWorkspace;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// The result cache reuses a hypothesis's result only when nothing it depends on changed, and a report written from
/// reused results is the fresh run's report apart from the reuse marker.
/// </summary>
public class ResultCacheTests
{
    [Test]
    public void ASecondRunReusesEveryResultAndWritesTheSameReport()
    {
        using var work = new CacheWorkspace();
        var first = work.Check();
        var second = work.Check();

        Assert.That(Reused(first), Is.EqualTo(new[] { false, false, false }));
        Assert.That(Reused(second), Is.EqualTo(new[] { true, true, true }));
        Assert.That(work.Entries, Has.Length.EqualTo(3), "one entry per hypothesis");
        Assert.That(JsonAsComputed(second), Is.EqualTo(JsonReportWriter.Write(first)), "the JSON report differs only in \"reused\"");
        Assert.That(JsonReportWriter.Write(second), Does.Contain("\"reused\": true"));

        string firstText = Text(first), secondText = Text(second);
        Assert.That(firstText, Does.Not.Contain("reused"), "a fresh run's text report says nothing of the cache");
        Assert.That(secondText, Does.Contain("3 of 3 hypotheses' results reused"));
        string[] secondLines = secondText.Split('\n');
        Assert.That(string.Join('\n', secondLines.Where(l => !l.Contains("results reused", StringComparison.Ordinal)).Select(l => l.Replace("; reused", ""))),
            Is.EqualTo(firstText), "the text report differs only in its reuse markers");
        Assert.That(MarkdownReportWriter.Write(second), Does.Contain("3 of 3 hypotheses' results reused"));
    }

    [Test]
    public void ChangingTheCheckedFileRecomputesItsHypothesesOnly()
    {
        using var work = new CacheWorkspace();
        work.Check();
        work.Append(Main, "// a comment changes the file's bytes\n");
        var after = work.Check();
        Assert.That(Reused(after, Main), Is.EqualTo(new[] { false, false }));
        Assert.That(Reused(after, Data), Is.EqualTo(new[] { true }), "the other file did not change");
    }

    [Test]
    public void ChangingAnImportedFileRecomputesTheFilesThatImportIt()
    {
        using var work = new CacheWorkspace();
        work.Check();
        work.Append(Lib, "let unused = x.Pos\n");
        var after = work.Check();
        Assert.That(Reused(after, Main), Is.EqualTo(new[] { false, false }));
        Assert.That(Reused(after, Data), Is.EqualTo(new[] { true }), "data.circuit imports nothing");
    }

    [Test]
    public void ChangingADataFileRecomputesTheHypothesesThatReadIt()
    {
        using var work = new CacheWorkspace();
        var first = work.Check();
        string[] lines = File.ReadAllLines(work.PathOf(Prompts));
        File.WriteAllLines(work.PathOf(Prompts), lines.Reverse()); // the same prompts in another order: another sample
        var after = work.Check();
        Assert.That(Reused(after, Data), Is.EqualTo(new[] { false }));
        Assert.That(Reused(after, Main), Is.EqualTo(new[] { true, true }), "main.circuit reads no data file");
        Assert.That(Json(after, Data), Is.Not.EqualTo(Json(first, Data)), "the reordered data give other numbers, which a reused result would have hidden");
    }

    [Test]
    public void ChangingAByteOfTheModelFolderRecomputesEverything()
    {
        using var work = new CacheWorkspace();
        var first = work.Check();
        // The card is part of the folder's hash but not of the weights: the numbers stay, the identity does not.
        File.AppendAllText(Path.Combine(work.ModelFolder, "card.json"), "\n");
        var after = work.Check();
        Assert.That(after.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.False);
        Assert.That(after.Files[0].Hypotheses[0].ModelSha256, Is.Not.EqualTo(first.Files[0].Hypotheses[0].ModelSha256));
    }

    [Test]
    public void MappingTheFilesToAnotherModelRecomputesThem()
    {
        using var work = new CacheWorkspace();
        work.Check();
        var after = work.Check(work.Options with { Models = null }); // the files' own zoo:attn-only-2l, not the copy
        Assert.That(after.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.False);
    }

    [TestCase("seed")]
    [TestCase("samples")]
    [TestCase("threads")]
    public void ChangingAnOptionThatChangesNumbersRecomputesEverything(string option)
    {
        using var work = new CacheWorkspace();
        work.Check();
        var changed = option switch
        {
            "seed" => work.Options with { Seed = 4 },
            "samples" => work.Options with { Samples = 8 },
            _ => work.Options with { Threads = 2 },
        };
        var after = work.Check(changed);
        Assert.That(after.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.False);
        Assert.That(work.Check(changed).Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.True, "and is reused under the new option");
    }

    [Test]
    public void TheFilterSelectsButDoesNotInvalidate()
    {
        using var work = new CacheWorkspace();
        work.Check();
        var after = work.Check(work.Options with { Filter = "paths" });
        Assert.That(Reused(after, Main), Is.EqualTo(new[] { true }));
    }

    [Test]
    public void AnotherBuildOfTheToolRecomputesEverything()
    {
        using var work = new CacheWorkspace();
        work.Check();
        var after = work.Check(cache: work.Cache(engine: EngineIdentity.Current + "\nCircuitDsl.Interventions 0.2.0+another-commit"));
        Assert.That(after.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.False);
    }

    [Test]
    public void NoCacheRecomputesAndRecordsTheResultAnew()
    {
        using var work = new CacheWorkspace();
        var first = work.Check(cache: work.Cache(reads: false));
        Assert.That(work.Entries, Has.Length.EqualTo(3), "--no-cache still records what it computed");
        foreach (string entry in work.Entries) File.WriteAllText(entry, "stale");
        var forced = work.Check(cache: work.Cache(reads: false));
        Assert.That(forced.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.False);
        var later = work.Check();
        Assert.That(later.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.True, "the entries were written anew");
        Assert.That(JsonAsComputed(later), Is.EqualTo(JsonReportWriter.Write(first)));
    }

    public enum Damage { FlippedByte, Truncated, Empty, Appended, Folder }

    [TestCase(Damage.FlippedByte)]
    [TestCase(Damage.Truncated)]
    [TestCase(Damage.Empty)]
    [TestCase(Damage.Appended)]
    [TestCase(Damage.Folder)]
    public void ADamagedEntryIsIgnoredRecomputedAndReplaced(Damage damage)
    {
        using var work = new CacheWorkspace();
        var first = work.Check();
        foreach (string entry in work.Entries)
        {
            byte[] bytes = File.ReadAllBytes(entry);
            switch (damage)
            {
                case Damage.FlippedByte:
                    bytes[bytes.Length / 2] ^= 0x01;
                    File.WriteAllBytes(entry, bytes);
                    break;
                case Damage.Truncated:
                    File.WriteAllBytes(entry, bytes[..(bytes.Length - 1)]);
                    break;
                case Damage.Empty:
                    File.WriteAllBytes(entry, []);
                    break;
                case Damage.Appended:
                    File.WriteAllBytes(entry, [.. bytes, 0]);
                    break;
                case Damage.Folder:
                    File.Delete(entry);
                    Directory.CreateDirectory(entry);
                    break;
            }
        }
        var repaired = work.Check();
        Assert.That(repaired.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.False);
        Assert.That(JsonReportWriter.Write(repaired), Is.EqualTo(JsonReportWriter.Write(first)), "recomputed, the same numbers");
        var later = work.Check();
        Assert.That(later.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused), Has.All.True, "each damaged entry was replaced");
    }

    [Test]
    public void AnEntryStoredUnderAnotherKeyIsNotReused()
    {
        using var work = new CacheWorkspace();
        work.Check(files: [Main]);
        var entries = work.Entries.Order(StringComparer.Ordinal).ToArray();
        // Two valid entries of different hypotheses, each under the other's name: every byte verifies, the key does not.
        byte[] a = File.ReadAllBytes(entries[0]), b = File.ReadAllBytes(entries[1]);
        File.WriteAllBytes(entries[0], b);
        File.WriteAllBytes(entries[1], a);
        var after = work.Check(files: [Main]);
        Assert.That(Reused(after, Main), Is.EqualTo(new[] { false, false }));
    }

    [Test]
    public void AFileWhoseRunFailedRecordsNothing()
    {
        using var work = new CacheWorkspace();
        // `bad` throws on every example (CD4002); the file's other hypothesis runs, and neither is recorded.
        work.Append(Lib, "let bad = x.Length / (x.Pos - x.Pos)\n");
        work.Append(Main, "hypothesis throws {\n  node out = logits\n    from ind\n  node ind = L1.H0 computes bad\n    from embed agreeing on token\n  expect scrub recovers >= 0.1\n}\n");
        for (int run = 0; run < 2; run++)
        {
            var report = work.Check(files: [Main]);
            var file = report.Files.Single();
            Assert.That(file.Diagnostics.Select(d => d.Code), Has.Member("CD4002"), $"run {run + 1}");
            Assert.That(file.Hypotheses.Select(h => h.Reused), Is.EqualTo(new[] { false, false }));
        }
        Assert.That(work.Entries, Is.Empty);
    }

    [Test]
    public void ResultsOfAStandInCompilerAreNeverRecorded()
    {
        using var work = new CacheWorkspace();
        // Its plans do not follow from the file's text, so the file's hash cannot stand for them.
        var report = work.Check(compiler: new ModelOnlyCompiler(), files: [Main]);
        Assert.That(report.Files.Single().Hypotheses, Is.Not.Empty);
        work.Check(compiler: new ModelOnlyCompiler(), files: [Main]);
        Assert.That(work.Entries, Is.Empty);
    }

    static string Text(CheckReport report)
    {
        var text = new StringWriter();
        TextReportWriter.Write(report, text, color: false);
        return text.ToString();
    }

    static string Json(CheckReport report, string file) =>
        JsonReportWriter.Write(report with { Files = [.. report.Files.Where(f => f.Path == file)] });
}
