using System.Globalization;

namespace CircuitDsl.Interventions.Statistics;

/// <summary>A reported number with its spread: the point estimate, a 95% interval, and how many examples it rests on.</summary>
public sealed record Estimate(double Value, double Low, double High, int Examples, int Positions, string Interval)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Value:0.0000} [{Low:0.0000}, {High:0.0000}] (n = {Examples}, {Interval})");
}
