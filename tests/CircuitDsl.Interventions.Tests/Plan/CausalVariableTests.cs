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
            slow.Evaluate(Sample, 0); // the first evaluation includes compiling the expression, so it is not timed
            var error = Assert.Throws<CausalVariableException>(() => slow.Evaluate(Sample, 1));
            Assert.That(error!.Message, Does.Contain("'slow'").And.Contain("sample").And.Contain("budget"));
        }
        finally
        {
            CausalVariable.TimeBudget = saved;
        }
    }

    [TestCase("divide")]
    [TestCase("null")]
    [TestCase("overflow")]
    [TestCase("empty")]
    public void AnExpressionThatThrowsIsAnErrorNamingTheVariableTheExampleAndThePosition(string kind)
    {
        var failing = CausalVariable.Of(kind, x => kind switch
        {
            "divide" => 1 / (x.Pos - x.Pos),
            "null" => x.Group!.Length,
            "overflow" => checked(int.MaxValue + x.Pos),
            _ => x.Tokens.Where(t => t < 0).First(),
        });
        var error = Assert.Throws<CausalVariableException>(() => failing.Evaluate(Sample, 2));
        Assert.That(error!.Variable, Is.EqualTo(kind));
        Assert.That(error.Position, Is.EqualTo(2));
        Assert.That(error.Message, Does.Contain($"'{kind}'").And.Contain("sample").And.Contain("position 2"));
        Assert.That(error.InnerException, Is.Not.Null, "the cause keeps the stack frames that map to the .circuit line");
    }
}
