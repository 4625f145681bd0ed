using System.Text.Json;
using CircuitDsl.TestSupport;

namespace CircuitDsl.Cli.Tests.Models;

/// <summary>
/// <c>check --model NAME=PATH</c> runs the files on NAME against PATH and every other file on its own model; PATH may be
/// a folder or an <c>hf:</c> reference into a Hugging Face cache laid out here (a tiny random GPT-2 as the snapshot).
/// </summary>
public class ModelMappingCheckTests
{
    const string Gpt2File = "model zoo:gpt2-small\ndata ioi(count: 4, seed: 1)\nmetric logit_diff(IO, S) at END\n\nhypothesis gpt2_behaviour {\n  expect model metric >= -1000\n}\n";
    const string ZooFile = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 3)\nmetric loss at repeated\n\nhypothesis zoo_behaviour {\n  expect model metric <= 1000\n}\n";
    const string Commit = "1111111111111111111111111111111111111111";

    static string WriteCheckpoint(string folder)
    {
        Directory.CreateDirectory(folder);
        using var checkpoint = new RandomGpt2Checkpoint(layers: 2, heads: 12, dModel: 24, vocab: 50257, context: 32, seed: 5);
        checkpoint.Write(folder);
        return folder;
    }

    static (int Code, JsonElement Files, string Output) Check(TempFolder dir, params string[] model)
    {
        dir.File("claims/gpt2.circuit", Gpt2File);
        dir.File("claims/zoo.circuit", ZooFile);
        string json = dir.File("r.json");
        var (code, output, error) = CliRunner.Run(["check", "--no-progress", dir.File("claims"), "--format", "json", "--out", json, "--format", "text", .. model]);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        return (code, report.RootElement.GetProperty("files").Clone(), output + error);
    }

    static Dictionary<string, string> ModelOfEachHypothesis(JsonElement files) =>
        files.EnumerateArray().SelectMany(f => f.GetProperty("hypotheses").EnumerateArray())
            .ToDictionary(h => h.GetProperty("name").GetString()!, h => h.GetProperty("model").GetString()!);

    [Test]
    public void WithoutModelTheGpt2FileIsSkippedWithBothFormsToRunIt()
    {
        using var dir = new TempFolder();
        var (code, files, output) = Check(dir);

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
        Assert.That(ModelOfEachHypothesis(files).Keys, Is.EqualTo(new[] { "zoo_behaviour" }));
        Assert.That(output, Does.Contain("--model zoo:gpt2-small=DIR").And.Contain("--model zoo:gpt2-small=hf:openai-community/gpt2"));
    }

    [Test]
    public void AMappingRunsOnlyTheFilesOnThatModelAgainstTheFolder()
    {
        using var dir = new TempFolder();
        WriteCheckpoint(dir.File("checkpoints/gpt2"));
        var (code, files, output) = Check(dir, "--model", "zoo:gpt2-small=" + dir.File("checkpoints/gpt2"));

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
        var models = ModelOfEachHypothesis(files);
        Assert.That(models["zoo_behaviour"], Is.EqualTo("attn-only-2l"), "the other file keeps its own model");
        Assert.That(models["gpt2_behaviour"], Is.Not.EqualTo("attn-only-2l"));
        Assert.That(files.EnumerateArray().Sum(f => f.GetProperty("skipped").GetArrayLength()), Is.Zero);
    }

    [Test]
    public void AMappingToAnHfReferenceRunsTheSnapshotOfTheCache()
    {
        using var dir = new TempFolder();
        string repository = dir.File("hub/models--openai-community--gpt2");
        WriteCheckpoint(Path.Combine(repository, "snapshots", Commit));
        dir.File("hub/models--openai-community--gpt2/refs/main", Commit);
        string? saved = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", dir.File("hub"));
            var (code, files, output) = Check(dir, "--model", "zoo:gpt2-small=hf:openai-community/gpt2");

            Assert.That(code, Is.EqualTo(ExitCodes.Ok), output);
            Assert.That(ModelOfEachHypothesis(files).Keys, Is.EquivalentTo(new[] { "gpt2_behaviour", "zoo_behaviour" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", saved);
        }
    }

    [Test]
    public void AFileOnAnHfModelThatIsNotCachedIsCD5003NamingTheFolderAndTheFetchCommand()
    {
        using var dir = new TempFolder();
        string file = dir.File("claims/missing.circuit", Gpt2File.Replace("model zoo:gpt2-small", "model hf:EleutherAI/pythia-70m"));
        string? saved = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        try
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", dir.File("hub"));
            var (code, _, error) = CliRunner.Run("check", "--no-progress", file);

            Assert.That(code, Is.EqualTo(ExitCodes.Error));
            Assert.That(error, Does.Contain("missing.circuit:1:7: error CD5003")
                .And.Contain(Path.Combine(dir.File("hub"), "models--EleutherAI--pythia-70m"))
                .And.Contain("huggingface-cli download EleutherAI/pythia-70m"));
            CleanOutput.Assert((code, "", error));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", saved);
        }
    }

    [Test]
    public void ContradictoryModelOptionsAreExit2BeforeAnythingRuns()
    {
        using var dir = new TempFolder();
        dir.File("claims/zoo.circuit", ZooFile);
        var (code, output, error) = CliRunner.Run("check", "--no-progress", dir.File("claims"), "--model", "zoo:attn-only-1l", "--model", "zoo:gpt2-small=x");

        Assert.That(code, Is.EqualTo(ExitCodes.Error), output + error);
        Assert.That(error, Does.Contain("would be ignored"));
        Assert.That(output, Does.Not.Contain("zoo_behaviour"));
    }
}
