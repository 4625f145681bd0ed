using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Inputs;

/// <summary>
/// A JSONL line's own <c>counterfactual</c> is the pair patching uses: `circuit check` measures exactly what the
/// same pairs give as a counterfactual file, and not what resampling the pool gives.
/// </summary>
public class JsonlCounterfactualTests
{
    const string Checks = """
        metric loss
        ablation resample
        direction circuit

        hypothesis induction_head {
          node out = logits
            from L1.H0
          expect path L1.H0 -> logits effect <= 0
          expect knockout metric >= 0
        }

        """;

    [Test]
    public void TheLinesOwnCounterfactualsArePatchedInAsWritten()
    {
        using var folder = new TempFolder();
        WritePairs(folder);
        var own = Measure(folder, "own.circuit", "data jsonl(\"own.jsonl\", seed: 3)");
        var explicitFile = Measure(folder, "explicit.circuit", "data jsonl(\"prompts.jsonl\", counterfactual: \"corrupt.jsonl\", seed: 3)");
        var shuffled = Measure(folder, "shuffled.circuit", "data jsonl(\"prompts.jsonl\", seed: 3)");

        Assert.That(own.XNew, Is.EqualTo("each example's counterfactual"));
        Assert.That(own.Effect, Is.EqualTo(explicitFile.Effect).Within(1e-9), "the pairs written on each line are the pairs of the counterfactual file");
        Assert.That(own.Knockout, Is.EqualTo(explicitFile.Knockout).Within(1e-9));
        Assert.That(Math.Abs(own.Effect - shuffled.Effect), Is.GreaterThan(0.05), "pool-shuffled counterfactuals measure something else");
        Assert.That(Math.Abs(own.Knockout - shuffled.Knockout), Is.GreaterThan(0.01));
    }

    /// <summary>Repeated halves whose counterfactual breaks the repeat: the induction head's input is what changes.</summary>
    static void WritePairs(TempFolder folder)
    {
        var random = new Random(1);
        var own = new List<string>();
        var prompts = new List<string>();
        var corrupt = new List<string>();
        for (int i = 0; i < 16; i++)
        {
            int[] half = [.. Enumerable.Range(0, 8).Select(_ => random.Next(64))];
            int[] other = [.. Enumerable.Range(0, 8).Select(_ => random.Next(64))];
            string prompt = JsonSerializer.Serialize<int[]>([.. half, .. half]);
            string counterfactual = JsonSerializer.Serialize<int[]>([.. half, .. other]);
            own.Add($"{{\"prompt\": {prompt}, \"counterfactual\": {counterfactual}}}");
            prompts.Add($"{{\"prompt\": {prompt}}}");
            corrupt.Add($"{{\"prompt\": {counterfactual}}}");
        }

        File.WriteAllLines(folder.File("own.jsonl"), own);
        File.WriteAllLines(folder.File("prompts.jsonl"), prompts);
        File.WriteAllLines(folder.File("corrupt.jsonl"), corrupt);
    }

    static (double Effect, double Knockout, string XNew) Measure(TempFolder folder, string name, string data)
    {
        string file = folder.File(name, $"model zoo:attn-only-2l\n{data}\n{Checks}");
        string report = folder.File(name + ".json");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", file, "--format", "json", "--out", report);
        Assert.That(code, Is.Zero, output + error);
        var checks = JsonDocument.Parse(File.ReadAllText(report)).RootElement
            .GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks").EnumerateArray().ToList();
        var path = checks.Single(c => c.GetProperty("kind").GetString() == "path");
        var knockout = checks.Single(c => c.GetProperty("name").GetString()!.StartsWith("knockout", StringComparison.Ordinal));
        return (Value(path, "effect"), Value(knockout, "metric"), path.GetProperty("method").GetProperty("x_new").GetString()!);
    }

    static double Value(JsonElement check, string statistic) =>
        check.GetProperty("statistics").GetProperty(statistic).GetProperty("value").GetDouble();
}
