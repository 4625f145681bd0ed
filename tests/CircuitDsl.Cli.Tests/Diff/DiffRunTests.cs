namespace CircuitDsl.Cli.Tests.Diff;

/// <summary>`circuit diff --run`: the measured statistics of both versions side by side.</summary>
public class DiffRunTests
{
    const string Head = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 32, seed: 11)
        metric loss at repeated
        ablation resample
        unmapped resample
        let token = x.Tokens[x.Pos]
        let prev_token = x.Tokens[x.Pos - 1]
        let next_token = x.Tokens[x.Pos + 1]
        group induction_heads = L1.H0, L1.H1

        hypothesis induction {
          baseline resample induction_heads
          node out = logits
            from induction
          node induction = induction_heads computes next_token
            q from embed agreeing on token
            k from prev_head
            v from embed agreeing on token

        """;

    const string Tail = """
          node prev_head = L0.H0 computes prev_token
            from embed agreeing on prev_token
          expect scrub recovers >= 0.5
        }

        """;

    [Test]
    public void ShowsBeforeAndAfterNumbersForAChangedHypothesis()
    {
        string dir = Path.Combine(Path.GetTempPath(), "circuitdsl-diffrun-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string oldFile = Path.Combine(dir, "old.circuit"), newFile = Path.Combine(dir, "new.circuit");
            File.WriteAllText(oldFile, Head + Tail);
            File.WriteAllText(newFile, Head + "    v from L0.H0, L0.H1\n" + Tail);
            var (code, output, error) = CliRunner.Run("diff", oldFile, newFile, "--run");
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
            Assert.That(output, Does.Contain("before").And.Contain("after"));
            var measured = System.Text.RegularExpressions.Regex.Matches(output, @"recovers (\d\.\d+) \[");
            Assert.That(measured, Has.Count.EqualTo(2), output);
            double before = double.Parse(measured[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            double after = double.Parse(measured[1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(after, Is.GreaterThan(before), "letting the values read layer 0 recovers more (the engine's refined hypothesis)");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void AKnockoutShowsTheStatisticItIsJudgedOn()
    {
        string dir = Path.Combine(Path.GetTempPath(), "circuitdsl-diffrun-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string knockout = Tail.Replace("expect scrub recovers >= 0.5", "expect knockout recovers >= 0.1");
            string oldFile = Path.Combine(dir, "old.circuit"), newFile = Path.Combine(dir, "new.circuit");
            // A knockout's fraction is a share of the behaviour only for a larger-is-better metric (CD2037 for loss).
            string head = Head.Replace("metric loss at repeated", "metric accuracy at repeated");
            File.WriteAllText(oldFile, head + knockout);
            File.WriteAllText(newFile, head + "    v from L0.H0, L0.H1\n" + knockout);
            var (code, output, error) = CliRunner.Run("diff", oldFile, newFile, "--run");
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
            // A knockout's recovers is the engine's fraction (m_ablated / m_model), with its own interval.
            Assert.That(System.Text.RegularExpressions.Regex.Matches(output, @"fraction \d+\.\d+ \[\d+\.\d+, \d+\.\d+\]"), Has.Count.EqualTo(2), output);
            Assert.That(output, Does.Not.Contain("not measured"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
