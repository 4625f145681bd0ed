using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Hooks;

/// <summary>
/// Which part of an activation an intervention touches: some heads and some positions, or all of either.
/// Positions are either the same indices for every example or a per-example mask [batch, pos]
/// (named positions such as S2 differ between prompts).
/// </summary>
public sealed record Selection
{
    public static readonly Selection All = new();

    public IReadOnlyList<int>? Heads { get; init; }
    public IReadOnlyList<int>? Positions { get; init; }
    /// <summary>Boolean [batch, pos]; owned by the caller.</summary>
    public Tensor? PositionMask { get; init; }

    public static Selection ForHeads(params int[] heads) => new() { Heads = heads };
    public static Selection ForPositions(params int[] positions) => new() { Positions = positions };

    public bool IsAll => Heads is null && Positions is null && PositionMask is null;

    /// <summary>
    /// A boolean mask that broadcasts against an activation of <paramref name="shape"/> at <paramref name="point"/>,
    /// true where the intervention applies; null when it applies everywhere.
    /// </summary>
    public Tensor? MaskFor(HookPoint point, long[] shape, Device device)
    {
        if (IsAll) return null;
        if (Heads is not null && point.HeadAxis < 0)
            throw new ArgumentException($"hook '{point.Name}' has no head axis; a head selection cannot apply to it");

        var maskShape = Enumerable.Repeat(1L, shape.Length).ToArray();
        Tensor mask = ones(maskShape, ScalarType.Bool, device);
        if (Heads is not null)
            mask = mask & AxisMask(Heads, shape, point.HeadAxis, device);
        if (Positions is not null)
            mask = mask & AxisMask(Positions, shape, point.PositionAxis, device);
        if (PositionMask is not null)
        {
            if (PositionMask.shape[0] != shape[0] || PositionMask.shape[1] != shape[point.PositionAxis])
                throw new ArgumentException(
                    $"position mask [{string.Join(", ", PositionMask.shape)}] does not fit hook '{point.Name}' [{string.Join(", ", shape)}]");
            var perExample = maskShape.ToArray();
            perExample[0] = shape[0];
            perExample[point.PositionAxis] = shape[point.PositionAxis];
            mask = mask & PositionMask.to(device).reshape(perExample);
        }
        return mask;
    }

    static Tensor AxisMask(IReadOnlyList<int> indices, long[] shape, int axis, Device device)
    {
        long size = shape[axis];
        var flags = new bool[size];
        foreach (int i in indices)
        {
            if (i < 0 || i >= size)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"index outside 0..{size - 1} on axis {axis}");
            flags[i] = true;
        }
        var axisShape = Enumerable.Repeat(1L, shape.Length).ToArray();
        axisShape[axis] = size;
        return tensor(flags, device: device).reshape(axisShape);
    }
}
