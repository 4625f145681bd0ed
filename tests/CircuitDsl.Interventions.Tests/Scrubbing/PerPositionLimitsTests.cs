using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>Nested key/value reads under per-position resampling multiply rows by the length; past the limits the hypothesis is refused.</summary>
public class PerPositionLimitsTests
{
    [Test]
    public void RowsAndDrawsUpToTheLimitsPass()
    {
        Assert.DoesNotThrow(() => PerPositionLimits.Check("h", "out/induction.k", ResourceLimits.MaxScrubRowsPerExample, ResourceLimits.MaxScrubDraws));
    }

    [Test]
    public void OneRowPerExampleTooManyIsRefusedNamingTheCopyAndTheLimit()
    {
        var error = Assert.Throws<HypothesisException>(() => PerPositionLimits.Check("h", "out/induction.k/prev.k", ResourceLimits.MaxScrubRowsPerExample + 1L, 1));
        Assert.That(error!.Message, Does.Contain("out/induction.k/prev.k").And.Contain(nameof(ResourceLimits.MaxScrubRowsPerExample)).And.StartWith("hypothesis 'h'"));
    }

    [Test]
    public void TooManyDrawsAreRefused()
    {
        var error = Assert.Throws<HypothesisException>(() => PerPositionLimits.Check("h", "out/a.v", 48, ResourceLimits.MaxScrubDraws + 1));
        Assert.That(error!.Message, Does.Contain(nameof(ResourceLimits.MaxScrubDraws)));
    }
}
