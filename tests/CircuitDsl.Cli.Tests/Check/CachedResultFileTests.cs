using CircuitDsl.Cli.Check;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>An entry reads back bit for bit, in the order written, and no damaged byte goes unnoticed.</summary>
public class CachedResultFileTests
{
    static readonly double[] Awkward = [0.1 + 0.2, -0.0, double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -7.4e-7];

    static CachedResult Sample()
    {
        var statistics = new Dictionary<Statistic, Estimate>
        {
            [Statistic.Recovers] = new(Awkward[0], Awkward[1], Awkward[2], 16, 90, "bootstrap"),
            [Statistic.Metric] = new(Awkward[3], Awkward[4], Awkward[5], 16, 90, "bootstrap"),
            [Statistic.Baseline] = new(Awkward[6], Awkward[7], 0, 16, 90, "bootstrap"),
        };
        var method = new Dictionary<string, string> { ["unmapped"] = "resample", ["baseline"] = "resampled input" };
        var outcome = new ExpectationOutcome(new ExpectationId("scrub recovers >= 0.9"), "expect scrub recovers >= 0.9", Statistic.Recovers,
            statistics[Statistic.Recovers], Passed: false, IntervalAgrees: true);
        var checks = new[]
        {
            new CheckResult("scrub recovers >= 0.9", "scrub", statistics, method, 11, outcome, Awkward, [1, 0, 0.5]),
            new CheckResult("model", "model", new Dictionary<Statistic, Estimate> { [Statistic.Metric] = new(1, 0, 2, 3, 4, "n/a") },
                new Dictionary<string, string>(), 11, null, []),
        };
        return new CachedResult("format 1\nkey", new string('a', 64), true, new ExperimentResult("h", "attn-only-2l", "data", 16, "loss", 11, checks));
    }

    [Test]
    public void AnEntryReadsBackBitForBitInTheOrderWritten()
    {
        var sample = Sample();
        Assert.That(CachedResultFile.TryDecode(CachedResultFile.Encode(sample), out var read), Is.True);
        Assert.That(read!.KeyMaterial, Is.EqualTo(sample.KeyMaterial));
        Assert.That(read.ModelSha256, Is.EqualTo(sample.ModelSha256));
        Assert.That(read.Result with { Checks = [] }, Is.EqualTo(sample.Result with { Checks = [] }));
        for (int i = 0; i < sample.Result.Checks.Count; i++)
        {
            CheckResult expected = sample.Result.Checks[i], actual = read.Result.Checks[i];
            Assert.That(actual.Statistics.ToArray(), Is.EqualTo(expected.Statistics.ToArray()), "statistics, in order");
            Assert.That(actual.Method.ToArray(), Is.EqualTo(expected.Method.ToArray()), "method choices, in order");
            Assert.That(actual.Expectation, Is.EqualTo(expected.Expectation));
            Assert.That(actual.PerExampleMetric.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(expected.PerExampleMetric.Select(BitConverter.DoubleToInt64Bits)));
            Assert.That(actual.PerExampleAgreement, Is.EqualTo(expected.PerExampleAgreement));
            Assert.That(actual with { Statistics = expected.Statistics, Method = expected.Method, PerExampleMetric = expected.PerExampleMetric, PerExampleAgreement = expected.PerExampleAgreement },
                Is.EqualTo(expected), "name, kind, seed");
        }
        Assert.That(BitConverter.DoubleToInt64Bits(read.Result.Checks[0].Statistics[Statistic.Recovers].Low), Is.EqualTo(BitConverter.DoubleToInt64Bits(-0.0)), "negative zero stays negative");
    }

    [Test]
    public void EveryFlippedBitAndEveryShorterEntryIsRefused()
    {
        byte[] bytes = CachedResultFile.Encode(Sample());
        for (int i = 0; i < bytes.Length; i++)
            foreach (byte bit in new byte[] { 0x01, 0x80 })
            {
                byte[] damaged = (byte[])bytes.Clone();
                damaged[i] ^= bit;
                Assert.That(CachedResultFile.TryDecode(damaged, out _), Is.False, $"byte {i}, bit {bit:x2}");
            }
        for (int length = 0; length < bytes.Length; length++)
            Assert.That(CachedResultFile.TryDecode(bytes[..length], out _), Is.False, $"the first {length} bytes");
    }
}
