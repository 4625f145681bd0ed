using System.Text.Json;
using CircuitDsl.TestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Cli.Tests.Models;

/// <summary>
/// <c>check --keep-weight-dtype</c> runs a BF16 checkpoint with its matrices kept as stored: the numbers are those of the
/// widened model to float32 tolerance, and a result recorded one way is never reused the other way.
/// </summary>
public class KeepWeightDtypeTests
{
    const string Gpt2File = "model zoo:gpt2-small\ndata ioi(count: 4, seed: 1)\nmetric logit_diff(IO, S) at END\n\nhypothesis behaviour {\n  expect model metric >= -1000\n}\n";

    static (double Metric, bool Reused, string Weights) Check(TempFolder dir, params string[] extra)
    {
        string json = dir.File("r.json");
        var (code, output, error) = CliRunner.Run(["check", "--no-progress", dir.File("claims"), "--model", "zoo:gpt2-small=" + dir.File("bf16"), "--format", "json", "--out", json, .. extra]);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output + error);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var hypothesis = report.RootElement.GetProperty("files").EnumerateArray().Single().GetProperty("hypotheses").EnumerateArray().Single();
        double metric = hypothesis.GetProperty("checks").EnumerateArray().Single().GetProperty("statistics").GetProperty("metric").GetProperty("value").GetDouble();
        return (metric, hypothesis.GetProperty("reused").GetBoolean(), hypothesis.GetProperty("weights").GetString()!);
    }

    [Test]
    public void KeptWeightsGiveTheWidenedNumbersAndAreCachedApart()
    {
        using var dir = new TempFolder();
        dir.File("claims/gpt2.circuit", Gpt2File);
        Directory.CreateDirectory(dir.File("bf16"));
        using (var checkpoint = new RandomGpt2Checkpoint(layers: 2, heads: 12, dModel: 24, vocab: 50257, context: 32, seed: 5))
            checkpoint.WriteAs(dir.File("bf16"), ScalarType.BFloat16);

        var widened = Check(dir);
        var kept = Check(dir, "--keep-weight-dtype");
        var keptAgain = Check(dir, "--keep-weight-dtype");

        Assert.That(kept.Reused, Is.False, "a result computed from widened weights is not reused for kept ones");
        Assert.That(kept.Metric, Is.EqualTo(widened.Metric).Within(Float32.Tolerance(widened.Metric)));
        Assert.That(keptAgain, Is.EqualTo((kept.Metric, true, kept.Weights)), "a reused result states the weights it was computed with");
        Assert.That((widened.Weights, kept.Weights), Is.EqualTo(("float32", "bfloat16 (kept as stored)")), "the report says how the weights were held");
    }
}
