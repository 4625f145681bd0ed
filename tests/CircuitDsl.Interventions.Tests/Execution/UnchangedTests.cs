using CircuitDsl.Interventions.Execution;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Execution;

/// <summary>A row is unchanged exactly when every element equals the clean one: one ulp, a NaN or another infinity is a change; −0 against 0 is not.</summary>
[TestFixture]
public class UnchangedTests
{
    [Test]
    public void ARowDiffersWhenAnyElementDiffersByEvenOneUlp()
    {
        using var scope = NewDisposeScope();
        var clean = tensor(new float[] { 1.5f, -2.25f, 0f, 3e-39f, 7f, 1e30f }).view(2, 3);
        var next = MathF.BitIncrement(1.5f);
        var rows = stack([
            clean,
            tensor(new float[] { next, -2.25f, 0f, 3e-39f, 7f, 1e30f }).view(2, 3),                  // one ulp in the first row
            tensor(new float[] { 1.5f, -2.25f, -0f, MathF.BitIncrement(3e-39f), 7f, 1e30f }).view(2, 3), // −0 is 0; a subnormal's ulp counts
            tensor(new float[] { 1.5f, float.NaN, 0f, 3e-39f, 7f, float.PositiveInfinity }).view(2, 3), // NaN; an infinity where a number was
        ]);
        var differs = Unchanged.DiffersAlongLast(rows, clean);
        Assert.That(differs.data<bool>().ToArray(), Is.EqualTo(new[] { false, false, true, false, false, true, true, true }));
    }
}
