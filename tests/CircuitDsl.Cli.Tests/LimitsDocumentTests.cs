using System.Reflection;

namespace CircuitDsl.Cli.Tests;

/// <summary>docs/limits.md lists every resource limit, and only those that exist.</summary>
public class LimitsDocumentTests
{
    [Test]
    public void EveryLimitIsDocumentedAndEveryDocumentedLimitExists()
    {
        string document = File.ReadAllText(RepositoryRoot.File("docs/limits.md"));
        var names = typeof(ResourceLimits).GetMembers(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m is FieldInfo or PropertyInfo).Select(m => m.Name).ToHashSet();
        Assert.That(names, Is.Not.Empty);
        foreach (string name in names)
            Assert.That(document, Does.Contain($"| `{name}` |"), $"{name} is missing from docs/limits.md");
        var documented = System.Text.RegularExpressions.Regex.Matches(document, @"^\| `(\w+)` \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value);
        Assert.That(documented, Is.SubsetOf(names), "docs/limits.md names a limit ResourceLimits does not have");
    }

    [Test]
    public void TheDocumentedValuesAreTheLimits()
    {
        string document = File.ReadAllText(RepositoryRoot.File("docs/limits.md"));
        Assert.That(document, Does.Contain($"| {ResourceLimits.MaxExamples:N0} |"));
        Assert.That(document, Does.Contain($"| {ResourceLimits.MaxDatasetTokens:N0} |"));
        Assert.That(document, Does.Contain($"| {ResourceLimits.MaxParameters:N0} |"));
        Assert.That(document, Does.Contain($"| {ResourceLimits.MaxExpressionDepth} levels |"));
        Assert.That(document, Does.Contain($"| {ResourceLimits.MaxExpressionLength:N0} characters |"));
        Assert.That(document, Does.Contain($"| {ResourceLimits.MaxSourceFileBytes >> 20} MiB |"));
    }
}
