using TorchSharp;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// How a run held the model's weight matrices, as reports state it: numbers computed from half-precision weights
/// (`--keep-weight-dtype`) differ from float32 ones by that rounding, so a report says which it is.
/// </summary>
public static class ModelWeights
{
    public const string Float32 = "float32";

    /// <summary>"float32", or "bfloat16 (kept as stored)" / "float16 (kept as stored)".</summary>
    public static string Describe(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 => Float32,
        torch.ScalarType.BFloat16 => "bfloat16 (kept as stored)",
        torch.ScalarType.Float16 => "float16 (kept as stored)",
        _ => dtype.ToString().ToLowerInvariant(),
    };
}
