using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Tests.Plan;

public class PositionSetTests
{
    static readonly Example Example = new([5, 6, 7, 8, 9], positions: new Dictionary<string, int[]> { ["END"] = [4], ["repeated"] = [2, 3] });

    [Test]
    public void ExceptKeepsEveryOtherPosition() =>
        Assert.That(PositionSet.All.Except(PositionSet.Named("END")).Resolve(Example), Is.EqualTo(new[] { 0, 1, 2, 3 }));

    [Test]
    public void SetsBuiltFromNamedPositionsDependOnTheExample()
    {
        // Equivalence classes take a shortcut for fixed sets, so a derived set must not claim to be fixed.
        Assert.That(PositionSet.All.Except(PositionSet.Named("END")).IsFixed, Is.False);
        Assert.That(PositionSet.At(0, 1, 2).Intersect(PositionSet.Named("repeated")).IsFixed, Is.False);
        Assert.That(PositionSet.All.Except(PositionSet.At(-1)).IsFixed, Is.True);
    }

    [Test]
    public void AViewKnowsWhetherItsPositionIsNamed()
    {
        Assert.That(new ExampleView(Example, 3).IsAt("repeated"), Is.True);
        Assert.That(new ExampleView(Example, 4).IsAt("repeated"), Is.False);
    }
}
