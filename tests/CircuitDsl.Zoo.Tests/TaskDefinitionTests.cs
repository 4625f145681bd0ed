using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Tests;

/// <summary>
/// Each built-in task's definition (what the binder checks a data statement against) agrees with the examples its
/// source makes: the positions, answers and groups it promises, the choices it offers, the arguments it requires,
/// the lengths it allows and its token estimate.
/// </summary>
public class TaskDefinitionTests
{
    const int Context = 48;
    static readonly TaskEnvironment Environment = new(new IntegerTokenizer(64), Context, ".");

    /// <summary>The tasks whose examples are made here (jsonl reads the user's).</summary>
    static IEnumerable<ITaskSource> Generated => ZooTasks.Sources.Where(s => s is not JsonlSource);

    /// <summary>A request with just the required arguments (a few examples) and every choice at its default.</summary>
    static TaskRequest Minimal(TaskDefinition task) => task.Parameters.Aggregate(new TaskRequest(task.Name), (request, p) => p switch
    {
        { Kind: TaskParameterKind.Choice } => request.WithChoice(p.Name, p.Choices[0]),
        { Required: true, Name: TaskRequest.CountArgument } => request.WithInteger(p.Name, 4),
        { Required: true, Kind: TaskParameterKind.Integer or TaskParameterKind.PositiveInteger } => request.WithInteger(p.Name, 1),
        _ => request,
    });

    static Dataset Make(ITaskSource source, TaskRequest request) => source.Create(request, Environment);

    [Test]
    public void TheCatalogueIsEverySourcesDefinition()
    {
        Assert.That(ZooTasks.Catalog.Tasks.Select(t => t.Name), Is.EqualTo(ZooTasks.Sources.Select(s => s.Definition.Name).Order(StringComparer.Ordinal)));
        foreach (var source in ZooTasks.Sources)
        {
            Assert.That(ZooTasks.Catalog.TryGet(source.Definition.Name, out var task), Is.True);
            Assert.That(task, Is.SameAs(source.Definition));
        }
    }

    [TestCaseSource(nameof(Generated))]
    public void ExamplesNameExactlyTheDefinitionsPositions(ITaskSource source)
    {
        var data = Make(source, Minimal(source.Definition));
        Assert.That(data.Examples, Is.Not.Empty);
        foreach (var example in data.Examples)
            Assert.That(example.PositionNames, Is.EquivalentTo(source.Definition.NamedPositions), example.Source);
    }

    [TestCaseSource(nameof(Generated))]
    public void ExamplesCarryTheAnswersAndGroupsTheDefinitionNames(ITaskSource source)
    {
        var definition = source.Definition;
        Assert.That(definition.Answers.Length, Is.EqualTo(0).Or.EqualTo(2), "the engine reads two answers: Answer and WrongAnswer");
        bool answers = definition.Answers.Length == 2, groups = definition.ExampleGroups.Length > 0;
        foreach (var example in Make(source, Minimal(definition)).Examples)
        {
            Assert.That((example.Answer is not null, example.WrongAnswer is not null), Is.EqualTo((answers, answers)), example.Source);
            Assert.That(example.Group is not null, Is.EqualTo(groups), example.Source);
        }
    }

    [TestCaseSource(nameof(Generated))]
    public void EveryChoiceTheDefinitionOffersIsOneTheSourceMakes(ITaskSource source)
    {
        var request = Minimal(source.Definition);
        foreach (var parameter in source.Definition.Parameters.Where(p => p.Kind == TaskParameterKind.Choice))
            foreach (string choice in parameter.Choices)
                Assert.That(Make(source, request.WithChoice(parameter.Name, choice)).Examples, Is.Not.Empty, $"{parameter.Name}: {choice}");
    }

    [TestCaseSource(nameof(Generated))]
    public void TheShortestLengthTheDefinitionAllowsIsTheShortestTheSourceMakes(ITaskSource source)
    {
        var request = Minimal(source.Definition);
        foreach (var parameter in source.Definition.Parameters.Where(p => p.Name == "length"))
        {
            Assert.That(Make(source, request.WithInteger(parameter.Name, parameter.Minimum)).Length, Is.GreaterThanOrEqualTo(parameter.Minimum));
            Assert.Throws<ArgumentException>(() => Make(source, request.WithInteger(parameter.Name, parameter.Minimum - 1)));
        }
    }

    [TestCaseSource(nameof(AllSources))]
    public void EveryRequiredArgumentIsOneTheSourceNeeds(ITaskSource source)
    {
        var complete = Minimal(source.Definition);
        foreach (var parameter in source.Definition.Parameters.Where(p => p.Required))
        {
            var without = complete with { Arguments = complete.Arguments.Remove(parameter.Name) };
            var error = Assert.Throws<ArgumentException>(() => Make(source, without))!;
            Assert.That(error.Message, Does.Contain($"task '{source.Definition.Name}' needs the argument '{parameter.Name}'"));
        }
    }

    [TestCaseSource(nameof(AllSources))]
    public void DeclaredPositionsAndAnswersAreNameListArguments(ITaskSource source)
    {
        var definition = source.Definition;
        foreach (string? name in new[] { definition.PositionsParameter, definition.AnswersParameter }.Where(n => n is not null))
            Assert.That(definition.Parameters.Single(p => p.Name == name).Kind, Is.EqualTo(TaskParameterKind.NameList), name);
    }

    [TestCase("repeated_tokens", null)]
    [TestCase("repeated_tokens", 12L)]
    [TestCase("ioi", null)]
    [TestCase("parens", null)]
    [TestCase("parens", 10L)]
    public void TheTokenEstimateIsTheLengthTheSourceMakes(string task, long? length)
    {
        // The binder refuses datasets too large to make (CD2036) from this estimate.
        var source = ZooTasks.Sources.Single(s => s.Definition.Name == task);
        var request = Minimal(source.Definition);
        if (length is not null) request = request.WithInteger("length", length.Value);

        long estimate = source.Definition.TokensPerExample!(request, Context);

        Assert.That(estimate, Is.EqualTo(Make(source, request).Length));
    }

    [Test]
    public void TheDatasetsServeEveryCatalogueTaskByItsSource()
    {
        var datasets = new ZooDatasets(Environment.Tokenizer, Context);
        foreach (var source in Generated)
        {
            var request = Minimal(source.Definition);
            Assert.That(datasets.Create(request, ".").Examples.Select(e => e.Tokens), Is.EqualTo(Make(source, request).Examples.Select(e => e.Tokens)));
        }
    }

    static IEnumerable<ITaskSource> AllSources => ZooTasks.Sources;
}
