using System.Text.Json;

namespace CircuitDsl.Cli.Tests;

public class ModelCommandTests
{
    [Test]
    public void InfoPrintsArchitectureParameterCountAndHookNames()
    {
        var (code, output, error) = CliRunner.Run("model", "info", "zoo:attn-only-2l");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("attention-only, 2 layers x 2 heads"));
        Assert.That(output, Does.Contain("blocks.1.attn.hook_pattern").And.Contain("blocks.0.hook_k_input").And.Contain("hook_embed"));
        Assert.That(output, Does.Contain("parameters   44,608")); // W_E, W_pos, 2 x (W_Q, W_K, W_V, W_O, biases), W_U, b_U
    }

    [Test]
    public void RunPrintsTheLogitsOfEveryPositionAsJson()
    {
        var (code, output, error) = CliRunner.Run("model", "run", "zoo:attn-only-2l", "--tokens", "5 9 13 5 9", "--format", "json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        using var json = JsonDocument.Parse(output);
        var logits = json.RootElement.GetProperty("logits");
        Assert.That(logits.GetArrayLength(), Is.EqualTo(5));
        Assert.That(logits[0].GetArrayLength(), Is.EqualTo(64));
        // An induction model that has seen "5 9 13 5" predicts 9 next... and after "5 9" again, 13.
        Assert.That(json.RootElement.GetProperty("predicted")[4].GetInt32(), Is.EqualTo(13));
    }

    [TestCase("model", "info", "zoo:no-such-model", "no shipped model 'zoo:no-such-model'")]
    [TestCase("model", "info", "/nonexistent/folder", "does not exist")]
    [TestCase("model", "run", "zoo:attn-only-2l", "--tokens", "1 2 999", "not a token id in 0..63")]
    [TestCase("model", "run", "zoo:attn-only-2l", "--tokens", "1 x", "'x' is not a token id")]
    [TestCase("model", "run", "zoo:attn-only-2l", "exactly one of --tokens or --text")]
    public void BadInputIsAMessageAndExitCodeTwo(params string[] argsAndMessage)
    {
        var (code, output, error) = CliRunner.Run(argsAndMessage[..^1]);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain(argsAndMessage[^1]));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(output, Is.Empty);
    }

    [Test]
    public void ABrokenModelFolderNamesTheFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "circuitdsl-broken-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), "{ not json");
            var (code, _, error) = CliRunner.Run("model", "info", dir);
            Assert.That(code, Is.EqualTo(ExitCodes.Error));
            Assert.That(error, Does.Contain("config.json"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

public class UsageErrorTests
{
    [TestCase("check", "--format", "bogus")]
    [TestCase("no-such-verb")]
    [TestCase("fmt")]
    public void AUsageErrorExitsTwoWithAMessage(params string[] args)
    {
        var (code, _, error) = CliRunner.Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Is.Not.Empty);
        Assert.That(error, Does.Not.Contain("   at "));
    }
}
