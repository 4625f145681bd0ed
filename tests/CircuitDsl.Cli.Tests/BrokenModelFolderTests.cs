using System.Text.Json.Nodes;
using CircuitDsl.Cli.Tests.Check;

namespace CircuitDsl.Cli.Tests;

/// <summary>
/// A model folder whose config or weights are wrong ends `model info` and `check` with exit code 2 and one message
/// naming the file and the field or tensor: no .NET stack trace, no libtorch frames, no wrong diagnostic.
/// </summary>
public class BrokenModelFolderTests
{
    TempFolder temp = null!;
    string model = null!;

    [SetUp]
    public void CopyAShippedModel()
    {
        temp = new TempFolder();
        model = Path.Combine(temp.Path, "model");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.File("src", "CircuitDsl.Zoo", "models", "attn-only-2l")))
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
    }

    [TearDown]
    public void RemoveFolder() => temp.Dispose();

    string ConfigPath => Path.Combine(model, "config.json");

    void ChangeConfig(string key, string value)
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        config[key] = JsonNode.Parse(value);
        File.WriteAllText(ConfigPath, config.ToJsonString());
    }

    static void AssertAUserError(int code, string error)
    {
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        CleanOutput.Assert((code, "", error));
    }

    [TestCase("heads", "2147483647", "\"heads\" is 2147483647, above the limit of 1024 (ResourceLimits.MaxHeads)")]
    [TestCase("d_model", "2147483647", "\"d_model\" is 2147483647, above the limit of 65536 (ResourceLimits.MaxModelWidth)")]
    [TestCase("layers", "2147483647", "\"layers\" is 2147483647, above the limit of 1024 (ResourceLimits.MaxLayers)")]
    [TestCase("vocab_size", "1e12", "\"vocab_size\" is 1e12, above the limit of 1048576 (ResourceLimits.MaxVocabulary)")]
    [TestCase("context_length", "0", "\"context_length\" must be at least 1; got 0")]
    [TestCase("d_head", "12.5", "\"d_head\" must be a whole number from 1 to 65536")]
    [TestCase("heads", "\"2\"", "\"heads\" must be a whole number from 1 to 1024")]
    [TestCase("heads", "null", "missing \"heads\"")]
    public void ModelInfoNamesTheConfigAndTheField(string key, string value, string expected)
    {
        ChangeConfig(key, value);
        var (code, output, error) = CliRunner.Run("model", "info", model);
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain(ConfigPath).And.Contain(expected));
        Assert.That(output, Is.Empty);
    }

    [TestCase("n_head", "2147483647", "\"n_head\" is 2147483647, above the limit of 1024 (ResourceLimits.MaxHeads)")]
    [TestCase("n_embd", "2147483648", "\"n_embd\" is 2147483648, above the limit of 65536 (ResourceLimits.MaxModelWidth)")]
    [TestCase("n_embd", "100", "\"n_embd\" 100 is not divisible by \"n_head\" 12")]
    [TestCase("n_layer", "-1", "\"n_layer\" must be at least 1; got -1")]
    public void ModelInfoNamesTheFieldOfAHuggingFaceConfig(string key, string value, string expected)
    {
        File.WriteAllText(ConfigPath, """{"model_type":"gpt2","n_layer":12,"n_head":12,"n_embd":768,"vocab_size":50257,"n_positions":1024}""");
        ChangeConfig(key, value);
        var (code, _, error) = CliRunner.Run("model", "info", model);
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain(ConfigPath).And.Contain(expected));
    }

    [Test]
    public void ModelInfoOnAConfigThatIsAFolder()
    {
        File.Delete(ConfigPath);
        Directory.CreateDirectory(ConfigPath);
        var (code, _, error) = CliRunner.Run("model", "info", model);
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain(ConfigPath).And.Contain("is a folder, not a file"));
    }

    [Test]
    public void ModelInfoOnAFileRatherThanAFolder()
    {
        var (code, _, error) = CliRunner.Run("model", "info", ConfigPath);
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain("config.json' is a file; a model is a folder"));
    }

    [Test]
    public void ModelInfoOnAConfigLinkedToDevZero()
    {
        Assume.That(OperatingSystem.IsLinux(), "/dev/zero is Linux's");
        File.Delete(ConfigPath);
        File.CreateSymbolicLink(ConfigPath, "/dev/zero");
        var (code, _, error) = CliRunner.Run("model", "info", model);
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain(ConfigPath).And.Contain("character device"));
    }

    [Test]
    public void ModelInfoOnWeightsNarrowerThanTheConfig()
    {
        ChangeConfig("d_model", "128");
        var (code, _, error) = CliRunner.Run("model", "info", model);
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain(Path.Combine(model, "model.safetensors")).And.Contain("tensor 'embed.W_E' has shape [64, 64], expected [64, 128]"));
    }

    string WriteCircuit(string body)
    {
        string path = Path.Combine(temp.Path, "claim.circuit");
        File.WriteAllText(path, "model \"model\"\ndata repeated_tokens(count: 8, seed: 3)\nmetric loss at repeated\n\n" + body);
        return path;
    }

    static (int Code, string Out, string Error) Check(string file)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CircuitApp.Run(["check", "--no-progress", file], stdout, stderr, () => new ModelOnlyCompiler());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void CheckReportsAnOverLimitLayerCountAtTheModelStatementNotAsABackwardsPath()
    {
        // Before the limits, 2^31 - 1 layers wrapped the logits' place in the residual stream round to -1, and this
        // path was reported as running backwards (CD2007).
        ChangeConfig("layers", "2147483647");
        var (code, _, error) = Check(WriteCircuit("hypothesis h {\n  expect path L0.H0 -> logits effect <= -0.2\n}\n"));
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain("claim.circuit:1:7: error CD5003").And.Contain(ConfigPath).And.Contain("\"layers\" is 2147483647"));
        Assert.That(error, Does.Not.Contain("CD2007"));
    }

    [Test]
    public void CheckReportsWeightsThatDisagreeWithTheConfigAsAModelNotLoaded()
    {
        ChangeConfig("d_model", "128");
        var (code, _, error) = Check(WriteCircuit("hypothesis h {\n  expect model metric <= 0.5\n}\n"));
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain("error CD5004").And.Contain(Path.Combine(model, "model.safetensors")).And.Contain("expected [64, 128]"));
    }

    [Test]
    public void CheckRefusesAnEndlessFileAmongTheFilesItHashes()
    {
        // The report's model hash reads every .json of the folder, not only those the loader reads.
        Assume.That(OperatingSystem.IsLinux(), "/dev/zero is Linux's");
        string extra = Path.Combine(model, "generation_config.json");
        File.CreateSymbolicLink(extra, "/dev/zero");
        var (code, _, error) = Check(WriteCircuit("hypothesis h {\n  expect model metric <= 0.5\n}\n"));
        AssertAUserError(code, error);
        Assert.That(error, Does.Contain("error CD5004").And.Contain(extra).And.Contain("character device"));
    }
}
