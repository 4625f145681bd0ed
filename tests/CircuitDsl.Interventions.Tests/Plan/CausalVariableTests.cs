using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Tests.Plan;

public class CausalVariableTests
{
    static readonly Example Sample = new([3, 1, 4, 1, 5], source: "sample");

    [Test]
    public void ReadingOutsideTheExampleIsUndefinedNotAnError()
    {
        var previous = CausalVariable.Of("prev", x => x.Tokens[x.Pos - 1]);
        Assert.That(previous.Evaluate(Sample, 0), Is.SameAs(CausalVariable.Undefined.Value));
        Assert.That(previous.Evaluate(Sample, 2), Is.EqualTo(1));
    }

    [Test]
    public void AnEvaluationOverItsTimeBudgetIsAnErrorNamingTheVariable()
    {
        var slow = CausalVariable.Of("slow", x =>
        {
            Thread.Sleep(30);
            return x.Pos;
        });
        var saved = CausalVariable.TimeBudget;
        try
        {
            CausalVariable.TimeBudget = TimeSpan.FromMilliseconds(5);
            var error = Assert.Throws<InvalidOperationException>(() => slow.Evaluate(Sample, 1));
            Assert.That(error!.Message, Does.Contain("'slow'").And.Contain("sample").And.Contain("budget"));
        }
        finally
        {
            CausalVariable.TimeBudget = saved;
        }
    }
}
