using CircuitDsl.Cli.Discover;

namespace CircuitDsl.Cli.Tests.Discover;

/// <summary>
/// `circuit discover` refuses, before any forward runs, a method whose estimated memory exceeds what the machine has
/// (here set by CIRCUIT_DISCOVER_MEMORY_MB): CD4005 at the data statement with the estimate and the limit, exit 2,
/// nothing written.
/// </summary>
[NonParallelizable]
public class DiscoverMemoryTests
{
    const string Settings = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 32, seed: 5)
        metric loss at repeated
        """;

    static (int Exit, string Error, bool Wrote) Discover(string method, string? limitMib)
    {
        using var folder = new TempFolder();
        string settings = folder.File("settings.circuit", Settings);
        string draft = folder.File("draft.circuit"), json = folder.File("draft.json");
        string? before = Environment.GetEnvironmentVariable(DiscoverySession.MemoryLimitVariable);
        Environment.SetEnvironmentVariable(DiscoverySession.MemoryLimitVariable, limitMib);
        try
        {
            var (exit, _, error) = CliRunner.Run("discover", settings, "--method", method, "--edges", "4", "--out", draft, "--json", json);
            return (exit, error, File.Exists(draft) || File.Exists(json));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DiscoverySession.MemoryLimitVariable, before);
        }
    }

    [TestCase("exact")]
    [TestCase("eap")]
    [TestCase("acdc")]
    public void AMethodOverTheLimitIsRefusedBeforeItRuns(string method)
    {
        var (exit, error, wrote) = Discover(method, "1");
        TestContext.Out.WriteLine(error);
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("CD4005").And.Contain("settings.circuit:2:"));
        Assert.That(error, Does.Contain("needs an estimated").And.Contain("more than the 1 MiB of CIRCUIT_DISCOVER_MEMORY_MB"));
        Assert.That(error, Does.Contain("use a smaller data set (count: ").Or.Contain("not even one example"));
        Assert.That(error, Does.Not.Contain($"discover: {(method == "exact" ? "exact" : method)} on"), "refused before the method starts");
        Assert.That(wrote, Is.False);
    }

    [Test]
    public void TheSuggestedCountFits()
    {
        // Between a limit that takes one example and one that takes all 32, the advice names a count that then runs.
        var (_, error, _) = Discover("eap", "300");
        Assert.That(error, Does.Contain("CD4005"), "300 MiB is too little for 32 examples");
        var count = System.Text.RegularExpressions.Regex.Match(error, @"count: (\d+) or fewer").Groups[1].Value;
        Assert.That(int.Parse(count), Is.InRange(1, 31));
    }

    [Test]
    public void UnderTheLimitItRuns()
    {
        var (exit, error, wrote) = Discover("eap", "100000");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(wrote, Is.True);
    }

    [Test]
    public void ALimitThatIsNotANumberIsAUsageError()
    {
        var (exit, error, wrote) = Discover("eap", "lots");
        Assert.That(exit, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(DiscoverySession.MemoryLimitVariable));
        Assert.That(wrote, Is.False);
    }
}
