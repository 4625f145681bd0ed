using System.Text.RegularExpressions;
using CircuitDsl.Cli.Check;
using CircuitDsl.Compiler;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Tests;

/// <summary>
/// Each stage owns its diagnostics (the front end CD1xxx, CD2xxx, CD3008/9 and CD5001-5006; the compiler CD3xxx; the
/// check runner CD4xxx and CD5004): across them every code is unique, and the language reference's table lists
/// exactly the codes that exist, so a user can look up any code the tool prints.
/// </summary>
public class DiagnosticCataloguesTests
{
    static readonly IReadOnlyList<(string Owner, DiagnosticDescriptor Descriptor)> Every =
    [
        .. DiagnosticCatalog.All.Select(d => ("front end", d)),
        .. CompilerDiagnostics.All.Select(d => ("compiler", d)),
        .. RunDiagnostics.All.Select(d => ("check", d)),
    ];

    [Test]
    public void EveryCodeIsUniqueAcrossTheStages()
    {
        var repeated = Every.GroupBy(e => e.Descriptor.Code).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Owner))}");
        Assert.That(repeated, Is.Empty);
        Assert.That(Every.Select(e => e.Descriptor.Code), Has.All.Match("^CD[1-5][0-9]{3}$"));
    }

    [Test]
    public void EachStageKeepsToItsRange()
    {
        Assert.That(CompilerDiagnostics.All.Select(d => d.Code), Has.All.StartWith("CD3"));
        Assert.That(RunDiagnostics.All.Select(d => d.Code), Has.All.Match("^CD(4|5004)"));
        Assert.That(DiagnosticCatalog.All.Select(d => d.Code).Where(c => c.StartsWith("CD4", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void TheLanguageReferenceListsExactlyTheCodesThatExist()
    {
        string reference = File.ReadAllText(RepositoryRoot.File("grammar", "language-reference.md"));
        var listed = Regex.Matches(reference, @"^\| (CD\d{4}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        var codes = Every.Select(e => e.Descriptor.Code).ToHashSet();
        Assert.That(codes.Except(listed).Order(), Is.Empty, "codes missing from the table in grammar/language-reference.md");
        Assert.That(listed.Except(codes), Is.Empty, "the table lists codes no catalogue has");
        Assert.That(listed, Is.Unique);
    }
}
