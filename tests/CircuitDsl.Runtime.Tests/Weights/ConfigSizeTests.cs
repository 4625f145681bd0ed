using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using static CircuitDsl.Runtime.Tests.Weights.ConfigTestFolders;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>
/// Every size field of both config formats, given every kind of bad value, is refused from the config alone with a
/// message that names the file, the field and the limit; nothing is allocated (a 2^31 - 1 head model would be).
/// </summary>
public class ConfigSizeTests
{
    // (field, smallest allowed, the ResourceLimits bound, its name, whether the field may be left out)
    static readonly (string Key, int Min, int Max, string Limit, bool Optional)[] ZooFields =
    [
        ("layers", 1, ResourceLimits.MaxLayers, "MaxLayers", false),
        ("heads", 1, ResourceLimits.MaxHeads, "MaxHeads", false),
        ("d_model", 1, ResourceLimits.MaxModelWidth, "MaxModelWidth", false),
        ("d_head", 1, ResourceLimits.MaxModelWidth, "MaxModelWidth", false),
        ("d_mlp", 0, ResourceLimits.MaxMlpWidth, "MaxMlpWidth", true),
        ("vocab_size", 1, ResourceLimits.MaxVocabulary, "MaxVocabulary", false),
        ("context_length", 1, ResourceLimits.MaxContext, "MaxContext", false),
    ];

    static readonly (string Key, int Min, int Max, string Limit, bool Optional)[] HfFields =
    [
        ("n_layer", 1, ResourceLimits.MaxLayers, "MaxLayers", false),
        ("n_head", 1, ResourceLimits.MaxHeads, "MaxHeads", false),
        ("n_embd", 1, ResourceLimits.MaxModelWidth, "MaxModelWidth", false),
        ("vocab_size", 1, ResourceLimits.MaxVocabulary, "MaxVocabulary", false),
        ("n_positions", 1, ResourceLimits.MaxContext, "MaxContext", false),
        ("n_inner", 1, ResourceLimits.MaxMlpWidth, "MaxMlpWidth", true),
    ];

    static IEnumerable<TestCaseData> Cases(string format, (string Key, int Min, int Max, string Limit, bool Optional)[] fields)
    {
        foreach (var (key, min, max, limit, optional) in fields)
        {
            TestCaseData Case(string? value, string expected) =>
                new TestCaseData(format, key, value, expected).SetName($"{format} {key} = {value ?? "(missing)"}");
            string above = $"above the limit of {max} (ResourceLimits.{limit})";
            if (min > 0) yield return Case("0", $"\"{key}\" must be at least {min}; got 0");
            yield return Case("-3", $"\"{key}\" must be at least {min}; got -3");
            yield return Case("2147483647", $"\"{key}\" is 2147483647, {above}");
            yield return Case("2147483648", $"\"{key}\" is 2147483648, {above}");
            yield return Case("1e12", $"\"{key}\" is 1e12, {above}");
            yield return Case("1e400", $"\"{key}\" is 1e400, {above}");
            yield return Case("12.5", $"\"{key}\" must be a whole number from {min} to {max} (ResourceLimits.{limit}); got 12.5");
            yield return Case("\"12\"", $"\"{key}\" must be a whole number from {min} to {max}");
            yield return Case("true", $"\"{key}\" must be a whole number");
            yield return Case("[12]", $"\"{key}\" must be a single value; got [12]");
            if (!optional)
            {
                yield return Case("null", $"missing \"{key}\"");
                yield return Case(null, $"missing \"{key}\"");
            }
        }
    }

    static IEnumerable<TestCaseData> AllCases() => Cases("zoo", ZooFields).Concat(Cases("hf", HfFields));

    [TestCaseSource(nameof(AllCases))]
    public void ABadSizeIsRefusedNamingTheFileTheFieldAndTheLimit(string format, string key, string? value, string expected)
    {
        using var dir = new TempDir();
        string config = WriteConfigText(dir.Path, WithValue(format == "zoo" ? ZooConfig() : HfConfig(), key, value));

        var read = Assert.Throws<ModelFormatException>(() => ModelLoader.ReadConfig(dir.Path))!;
        var load = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path).Dispose())!;

        Assert.That(read.ModelSource, Is.EqualTo(config));
        Assert.That(read.Message, Does.Contain(expected));
        Assert.That(load.Message, Is.EqualTo(read.Message), "loading fails on the config, before the weights");
    }

    [Test]
    public void TheUnbrokenConfigsRead()
    {
        using var zoo = new TempDir();
        using var hf = new TempDir();
        WriteConfig(zoo.Path, ZooConfig());
        WriteConfig(hf.Path, HfConfig());

        Assert.That(ModelLoader.ReadConfig(zoo.Path).DModel, Is.EqualTo(4));
        Assert.That(ModelLoader.ReadConfig(hf.Path).DMlp, Is.EqualTo(16), "n_inner null is 4 * n_embd");
    }

    [TestCase("zoo", "d_mlp", "null", 0)]
    [TestCase("zoo", "d_mlp", null, 0)]
    [TestCase("hf", "n_inner", "null", 16)]
    [TestCase("hf", "n_inner", "12", 12)]
    [TestCase("zoo", "d_mlp", "12.0", 12)]
    public void AnOptionalSizeTakesItsDefaultWhenAbsent(string format, string key, string? value, int dMlp)
    {
        using var dir = new TempDir();
        WriteConfigText(dir.Path, WithValue(format == "zoo" ? ZooConfig() : HfConfig(), key, value));
        Assert.That(ModelLoader.ReadConfig(dir.Path).DMlp, Is.EqualTo(dMlp));
    }

    [TestCase("zoo", """{"heads":1024,"d_head":65536}""", "heads × d_head is 1024 × 65536 = 67108864, above the limit of 65536 (ResourceLimits.MaxModelWidth)")]
    [TestCase("hf", """{"n_embd":6,"n_head":4}""", "\"n_embd\" 6 is not divisible by \"n_head\" 4")]
    [TestCase("zoo", """{"layer_norm_epsilon":0}""", "\"layer_norm_epsilon\" must be a positive number; got 0")]
    [TestCase("hf", """{"layer_norm_epsilon":-1}""", "\"layer_norm_epsilon\" must be a positive number; got -1")]
    [TestCase("zoo", """{"layer_norm_epsilon":"small"}""", "\"layer_norm_epsilon\" must be a number; got \"small\"")]
    [TestCase("zoo", """{"activation":"swish"}""", "\"activation\" 'swish' is not supported (gelu_new, gelu, relu, silu)")]
    [TestCase("zoo", """{"normalization":"batch_norm"}""", "\"normalization\" 'batch_norm' is not supported (layer_norm, none, rms_norm)")]
    [TestCase("hf", """{"activation_function":"silu"}""", "\"activation_function\" 'silu' is not supported")]
    [TestCase("zoo", """{"tied_unembedding":"yes"}""", "\"tied_unembedding\" must be true or false; got \"yes\"")]
    [TestCase("zoo", """{"name":5}""", "\"name\" must be a string; got 5")]
    [TestCase("zoo", """{"heads_count":2}""", "unknown key(s) \"heads_count\"")]
    public void FieldsThatDisagreeOrAreUnknownAreRefused(string format, string changes, string expected)
    {
        using var dir = new TempDir();
        var config = format == "zoo" ? ZooConfig() : HfConfig();
        foreach (var (key, value) in JsonNode.Parse(changes)!.AsObject()) config[key] = value?.DeepClone();
        string path = WriteConfig(dir.Path, config);

        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.ReadConfig(dir.Path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain(expected));
    }

    [TestCase("zoo")]
    [TestCase("hf")]
    public void AParameterCountAboveTheLimitIsRefusedThoughEverySizeIsWithinItsOwn(string format)
    {
        // 1024 layers of 65536-wide attention: 2^44 parameters, each size at or under its limit.
        using var dir = new TempDir();
        var config = format == "zoo" ? ZooConfig() : HfConfig();
        foreach (var (key, value) in format == "zoo"
                     ? new[] { ("layers", 1024), ("heads", 1), ("d_model", 65536), ("d_head", 65536) }
                     : [("n_layer", 1024), ("n_head", 1), ("n_embd", 65536)])
            config[key] = value;
        WriteConfig(dir.Path, config);

        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.ReadConfig(dir.Path))!;
        Assert.That(e.Message, Does.Match(@"the config declares \d+ parameters, above the limit of 16000000000 \(ResourceLimits\.MaxParameters\)"));
    }
}
