using CircuitDsl.Language.Binding;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Tests.Inputs;

/// <summary>The binder's token estimate per example (which refuses datasets too large, CD2036) is what the Zoo makes.</summary>
public class DatasetEstimateTests
{
    static readonly ZooDatasets Datasets = new(new IntegerTokenizer(64), contextLength: 48);

    [TestCase("repeated_tokens", null)]
    [TestCase("repeated_tokens", 12L)]
    [TestCase("ioi", null)]
    [TestCase("parens", null)]
    [TestCase("parens", 10L)]
    public void TheEstimateIsTheLengthTheZooMakes(string task, long? length)
    {
        var arguments = new Dictionary<string, object> { ["count"] = 2L, ["seed"] = 1L };
        if (length is not null) arguments["length"] = length.Value;
        Assert.That(TaskCatalog.BuiltIn.TryGet(task, out var definition), Is.True);

        long estimate = definition.TokensPerExample!(arguments, 48);

        Assert.That(estimate, Is.EqualTo(Datasets.Create(task, arguments, ".").Length));
    }
}
