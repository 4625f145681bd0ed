namespace CircuitDsl.TestSupport;

/// <summary>
/// How close two float32 computations of one quantity are promised to be when only the order of summation differs
/// (another batch size, another CPU's vector width): about 1e-5 relative, as float32 arithmetic allows, with a small
/// absolute floor for values near zero. Bit-identity is promised only for the same machine and threads.
/// </summary>
public static class Float32
{
    public const double Relative = 1e-5;
    public const double Absolute = 1e-6;

    public static double Tolerance(double expected) => Math.Max(Absolute, Relative * Math.Abs(expected));

    /// <summary>
    /// For a difference of larger float32 quantities (a logit difference, a loss or KL from log-probabilities): its
    /// rounding scales with the operands, <paramref name="operands"/> in magnitude, not with the difference itself.
    /// </summary>
    public static double Tolerance(double expected, double operands) => Math.Max(Tolerance(expected), Relative * Math.Abs(operands));
}
