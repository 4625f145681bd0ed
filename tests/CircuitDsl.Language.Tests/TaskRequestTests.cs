namespace CircuitDsl.Language.Tests;

/// <summary>The typed request a data statement binds to: accessors by kind, with messages naming the task and argument.</summary>
public class TaskRequestTests
{
    static readonly TaskRequest Ioi = new TaskRequest("ioi")
        .WithInteger("count", 8)
        .WithInteger("seed", -3)
        .WithChoice("templates", "abba");

    static readonly TaskRequest Jsonl = new TaskRequest("jsonl")
        .WithFilePath("path", "data/p.jsonl")
        .WithNames("positions", ["END", "S2"]);

    [Test]
    public void EachAccessorReadsItsKind()
    {
        Assert.That((Ioi.Count, Ioi.Seed, Ioi.Integer("count"), Ioi.Choice("templates")), Is.EqualTo((8L, -3L, 8L, "abba")));
        Assert.That(Jsonl.FilePath("path"), Is.EqualTo("data/p.jsonl"));
        Assert.That(Jsonl.Names("positions"), Is.EqualTo(new[] { "END", "S2" }));
    }

    [Test]
    public void OptionalAccessorsAreNullWhenTheArgumentIsNotGiven()
    {
        Assert.That(Ioi.OptionalInteger("length"), Is.Null);
        Assert.That(Ioi.OptionalChoice("counterfactual"), Is.Null);
        Assert.That(Jsonl.OptionalFilePath("counterfactual"), Is.Null);
        Assert.That(Jsonl.OptionalNames("answers"), Is.Null);
        Assert.That(Jsonl.OptionalInteger("count"), Is.Null);
        Assert.That(Ioi.OptionalChoice("templates"), Is.EqualTo("abba"));
    }

    [Test]
    public void AMissingArgumentNamesTheTaskAndTheArgument()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = Jsonl.Count)!;
        Assert.That(error.Message, Is.EqualTo("task 'jsonl' needs the argument 'count'"));
        Assert.That(Assert.Throws<ArgumentException>(() => Ioi.Choice("counterfactual"))!.Message, Is.EqualTo("task 'ioi' needs the argument 'counterfactual'"));
    }

    [Test]
    public void AnArgumentOfAnotherKindSaysWhatItIsAndWhatWasWanted()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Ioi.Integer("templates"))!.Message,
            Is.EqualTo("argument 'templates' of task 'ioi' must be a whole number, not the choice 'abba'"));
        Assert.That(Assert.Throws<ArgumentException>(() => Ioi.OptionalChoice("count"))!.Message,
            Is.EqualTo("argument 'count' of task 'ioi' must be a choice, not the whole number 8"));
        Assert.That(Assert.Throws<ArgumentException>(() => Jsonl.Names("path"))!.Message,
            Is.EqualTo("argument 'path' of task 'jsonl' must be a list of names, not the file path \"data/p.jsonl\""));
        Assert.That(Assert.Throws<ArgumentException>(() => Jsonl.FilePath("positions"))!.Message,
            Is.EqualTo("argument 'positions' of task 'jsonl' must be a file path, not the names [END, S2]"));
    }

    [Test]
    public void ArgumentsAreKeptInNameOrderAndALaterValueReplacesAnEarlierOne()
    {
        var request = Ioi.WithInteger("count", 16);
        Assert.That(request.Arguments.Keys, Is.EqualTo(new[] { "count", "seed", "templates" }));
        Assert.That((request.Count, Ioi.Count), Is.EqualTo((16L, 8L)), "the original request is unchanged");
    }

    [Test]
    public void RequestsAreEqualWhenTheirTaskAndArgumentsAre()
    {
        var same = new TaskRequest("jsonl").WithNames("positions", ["END", "S2"]).WithFilePath("path", "data/p.jsonl");
        Assert.That(same, Is.EqualTo(Jsonl));
        Assert.That(same.GetHashCode(), Is.EqualTo(Jsonl.GetHashCode()));
        Assert.That(same.WithNames("positions", ["S2", "END"]), Is.Not.EqualTo(Jsonl));
        Assert.That(same with { Task = "other" }, Is.Not.EqualTo(Jsonl));
    }
}
