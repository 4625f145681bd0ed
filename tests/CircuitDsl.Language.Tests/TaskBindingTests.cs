using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Language.Tests;

/// <summary>Data statements bind against the task catalogue the binder is given (the Zoo's), to a typed request.</summary>
public class TaskBindingTests
{
    const string Rest = "metric loss\nhypothesis h {\n  expect model metric <= 9\n}\n";

    static BindResult Bind(string data, ITaskCatalog tasks, InMemoryFileProvider? files = null)
    {
        files ??= new InMemoryFileProvider();
        var sources = SourceLoader.LoadText($"model zoo:attn-only-2l\n{data}\n{Rest}", "main.circuit", files);
        return Binder.Bind(sources, TestSupport.Models, tasks, files);
    }

    [Test]
    public void ADataStatementBindsToTheZoosDefinitionAndATypedRequest()
    {
        var result = Bind("data ioi(count: 8, seed: 3, templates: abba)", ZooTasks.Catalog);

        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics.Select(d => d.Message)));
        var data = result.File!.Hypotheses[0].Data;
        Assert.That(data.Task, Is.SameAs(IoiSource.Instance.Definition));
        // The counterfactual is not written: its default choice is stated in the request, as reports echo it.
        Assert.That(data.Request, Is.EqualTo(new TaskRequest("ioi").WithInteger("count", 8).WithInteger("seed", 3)
            .WithChoice("templates", "abba").WithChoice("counterfactual", "abc")));
        Assert.That((data.Count, data.Seed, data.Counterfactual, data.EffectiveCounterfactual), Is.EqualTo(((int?)8, (long?)3, "abc", "abc")));
        Assert.That(data.StatedArguments, Is.EquivalentTo(new[] { "count", "seed", "templates" }), "a defaulted choice is not a stated one");
        Assert.That(data.NamedPositions, Is.EqualTo(IoiSource.Instance.Definition.NamedPositions));
    }

    [Test]
    public void UserDataNamesItsPositionsAndAnswersThroughTheRequest()
    {
        var files = new InMemoryFileProvider().Add("p.jsonl", "{\"prompt\": [1, 2]}\n");

        var result = Bind("data jsonl(\"p.jsonl\", positions: [END, S2, END], answers: [IO, S])", ZooTasks.Catalog, files);

        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics.Select(d => d.Message)));
        var data = result.File!.Hypotheses[0].Data;
        Assert.That(data.Request.FilePath("path"), Does.EndWith("p.jsonl"));
        Assert.That(data.Request.Names("positions"), Is.EqualTo(new[] { "END", "S2" }), "a name given twice is one position");
        Assert.That((data.NamedPositions, data.Answers), Is.EqualTo((data.Request.Names("positions"), data.Request.Names("answers"))));
        Assert.That((data.Count, data.Seed, data.EffectiveCounterfactual), Is.EqualTo(((int?)null, (long?)null, (string?)null)));
    }

    [Test]
    public void ATaskTheCatalogueDoesNotHoldIsAnUnknownTask()
    {
        var onlyParens = TaskCatalog.Empty.With(ParensSource.Instance.Definition);

        var result = Bind("data ioi(count: 8, seed: 3)", onlyParens);

        var diagnostic = result.Diagnostics.Single();
        Assert.That((diagnostic.Code, diagnostic.Message), Is.EqualTo(("CD2018", "Unknown task 'ioi'; known tasks: parens.")));
    }

    [Test]
    public void AnUnknownTaskListsTheZoosTasksByName()
    {
        var result = Bind("data iio(count: 8, seed: 3)", ZooTasks.Catalog);

        var diagnostic = result.Diagnostics.Single();
        Assert.That(diagnostic.Code, Is.EqualTo("CD2018"));
        Assert.That(diagnostic.Message, Does.StartWith("Unknown task 'iio'").And.EndWith("; known tasks: ioi, jsonl, parens, repeated_tokens."));
    }

    [Test]
    public void ALengthPastTheContextIsRefusedWithoutWrappingRound()
    {
        var result = Bind("data parens(count: 1, seed: 1, length: 2147483647)", ZooTasks.Catalog);

        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "CD2019" }));
        Assert.That(result.Diagnostics[0].Message, Does.Contain("makes examples of 2147483649 tokens"));
    }

    [Test]
    public void TheDatasetLimitsReadTheRequestsCount()
    {
        var result = Bind("data repeated_tokens(count: 2000000, seed: 1)", ZooTasks.Catalog);

        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "CD2036" }));
        Assert.That(result.Diagnostics[0].Message, Does.Contain("count 2000000 × 48 tokens"));
    }
}
