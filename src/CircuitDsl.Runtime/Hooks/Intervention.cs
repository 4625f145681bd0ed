using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Hooks;

/// <summary>A change to one activation during a forward pass.</summary>
public abstract record Intervention(string HookName, Selection Where)
{
    /// <summary>Returns the activation to continue with; never disposes <paramref name="activation"/>.</summary>
    public abstract Tensor Apply(Tensor activation, HookPoint point);

    /// <summary>Sets the selected part of the activation to <paramref name="Value"/> (same shape, or broadcastable).</summary>
    public static Intervention Replace(string hook, Tensor value, Selection? where = null) => new ReplaceIntervention(hook, value, where ?? Selection.All);

    /// <summary>Adds <paramref name="Delta"/> to the selected part of the activation.</summary>
    public static Intervention Add(string hook, Tensor delta, Selection? where = null) => new AddIntervention(hook, delta, where ?? Selection.All);

    /// <summary>
    /// Any function of the activation (TransformerLens's hook function); it must keep the shape. An activation it is
    /// given stays valid until the forward returns (a run with one keeps every block's intermediates until then).
    /// </summary>
    public static Intervention Custom(string hook, Func<Tensor, HookPoint, Tensor> function) => new CustomIntervention(hook, function);

    protected static void RequireBroadcastable(Tensor value, Tensor activation, HookPoint point)
    {
        var a = activation.shape;
        var v = value.shape;
        bool fits = v.Length <= a.Length;
        for (int i = 1; fits && i <= v.Length; i++)
            fits = v[^i] == a[^i] || v[^i] == 1;
        if (!fits)
            throw new ShapeMismatchException(point.Name, a, v);
    }
}

sealed record ReplaceIntervention(string HookName, Tensor Value, Selection Where) : Intervention(HookName, Where)
{
    public override Tensor Apply(Tensor activation, HookPoint point)
    {
        RequireBroadcastable(Value, activation, point);
        var value = Value.to(activation.dtype, activation.device);
        var mask = Where.MaskFor(point, activation.shape, activation.device);
        return mask is null ? value.expand(activation.shape).clone() : where(mask, value, activation);
    }
}

sealed record AddIntervention(string HookName, Tensor Delta, Selection Where) : Intervention(HookName, Where)
{
    public override Tensor Apply(Tensor activation, HookPoint point)
    {
        RequireBroadcastable(Delta, activation, point);
        var delta = Delta.to(activation.dtype, activation.device);
        var mask = Where.MaskFor(point, activation.shape, activation.device);
        return mask is null ? activation + delta : activation + where(mask, delta, zeros_like(activation));
    }
}

sealed record CustomIntervention(string HookName, Func<Tensor, HookPoint, Tensor> Function) : Intervention(HookName, Selection.All)
{
    public override Tensor Apply(Tensor activation, HookPoint point)
    {
        var result = Function(activation, point);
        if (!result.shape.SequenceEqual(activation.shape))
            throw new ShapeMismatchException(point.Name, activation.shape, result.shape);
        return result;
    }
}

/// <summary>An intervention's tensor does not fit the activation it replaces or changes.</summary>
public sealed class ShapeMismatchException(string hook, long[] expected, long[] actual)
    : Exception($"shape mismatch at hook '{hook}': the activation is [{string.Join(", ", expected)}] but the intervention gave [{string.Join(", ", actual)}]");
