using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// Continuing a run at its last positions only. Attention is causal, so a change at positions ≥ first reaches nothing
// before first: those positions' keys and values in every later layer are the continued run's own, and only the tail's
// rows need computing (a key/value cache step, for the rows a patch can reach).
public sealed partial class HookedTransformer
{
    /// <summary>
    /// Continues a run from block <paramref name="startAtLayer"/> at positions <paramref name="first"/> onwards, given
    /// their resid_pre <paramref name="residualTail"/> [batch, pos − first, d_model] and, for every layer from
    /// <paramref name="startAtLayer"/> on, the keys and values of positions 0 .. first − 1 of the run being continued
    /// (<paramref name="prefix"/>: [batch, first, kv_head, d_head] each, keys after rotation; <see cref="PrefixKeyHook"/>
    /// names the hook to cache them from). Returns what <see cref="ForwardFrom"/> would return at those rows: logits, or
    /// with <see cref="RunOptions.StopAtLayer"/> = Layers the final stream. Hooks fire on the tail: position i of a hooked
    /// activation is position first + i (attention hooks: query first + i, every key). The caller owns the result.
    /// </summary>
    public Tensor ForwardTail(int startAtLayer, Tensor residualTail, int first, Func<int, KeyValuePrefix> prefix, RunOptions? options = null)
    {
        options ??= RunOptions.Plain;
        if (startAtLayer < 0 || startAtLayer > Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(startAtLayer), startAtLayer, $"the model has layers 0..{Config.Layers - 1}");
        if (first < 0 || residualTail.dim() != 3 || residualTail.shape[2] != Config.DModel || first + residualTail.shape[1] > Config.ContextLength)
            throw new ArgumentException($"a tail [batch, pos, {Config.DModel}] from position {first} within the context length {Config.ContextLength} expected; got [{string.Join(", ", residualTail.shape)}]");
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        var tail = new Tail(first, layer => CheckedPrefix(prefix(layer), layer, first, residualTail.shape[0]));
        return RunBlocks(residualTail.alias(), startAtLayer, options, new HookRun(Hooks, options), tail).MoveToOuterDisposeScope();
    }

    /// <summary>The hook whose cached value is a layer's prefix keys: hook_rot_k on rotary models (keys are rotated before attention), else hook_k.</summary>
    public string PrefixKeyHook(int layer) => Config.IsRotary ? Hooks.Layers[layer].RotK : Hooks.Layers[layer].K;

    KeyValuePrefix CheckedPrefix(KeyValuePrefix p, int layer, int first, long batch)
    {
        long[] expected = [batch, first, Config.KvHeads, Config.DHead];
        if (!p.Keys.shape.SequenceEqual(expected) || !p.Values.shape.SequenceEqual(expected))
            throw new ArgumentException($"the prefix of layer {layer} must be [{string.Join(", ", expected)}] keys and values; got [{string.Join(", ", p.Keys.shape)}] and [{string.Join(", ", p.Values.shape)}]");
        return p;
    }

    /// <summary>Where a tail run starts, and the earlier positions' keys and values per layer.</summary>
    sealed record Tail(int First, Func<int, KeyValuePrefix> Prefix);
}

/// <summary>One layer's keys and values of the positions before a tail, [batch, first, kv_head, d_head] each.</summary>
public sealed record KeyValuePrefix(Tensor Keys, Tensor Values);
