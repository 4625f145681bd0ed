using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// The heads of one receiver layer whose inputs pass D changes, with the streams each reads from the first position
/// read on: a q receiver changes its own head's queries; a k or v receiver its key/value head's input, which every
/// query head of the group reads. Where a receiver does not read (other channels, other positions) a head reads
/// the clean stream, so the other heads of the layer give the clean run's outputs.
/// </summary>
internal sealed class TouchedHeads
{
    /// <param name="value">What the receivers read, per variant [v, b, p, d] (pass C's stream at their layer).</param>
    public TouchedHeads(ComponentHooks hooks, VariantChunk chunk, IReadOnlyList<PatchEndpoint> receivers, Tensor value, int first)
    {
        var config = hooks.Model.Config;
        int Group(PatchEndpoint r) => config.KvHeadOf(r.Component.HeadIndex);
        Heads = [.. Enumerable.Range(0, config.Heads).Where(h => receivers.Any(r =>
            r.Component.Channel == Channel.Query ? r.Component.HeadIndex == h : Group(r) == config.KvHeadOf(h)))];
        Index = tensor(Heads.Select(h => (long)h).ToArray());
        var clean = chunk.Clean.Cache[hooks.Model.Hooks.Layers[receivers[0].Component.Layer].ResidPre];
        long tail = clean.shape[1] - first;
        var cleanTail = clean.narrow(1, first, tail);
        var valueTail = value.narrow(2, first, tail);
        // The stream one channel of a head reads: pass C's where some receiver feeding it reads, the clean one elsewhere.
        Tensor Input(Func<PatchEndpoint, bool> feeds)
        {
            var feeding = receivers.Where(feeds).ToArray();
            if (feeding.Length == 0) return cleanTail.expand(chunk.Variants, -1, -1, -1);
            if (feeding.Any(r => r.Positions.IsAll)) return valueTail;
            var masks = feeding.Select(r => chunk.Mask(r.Positions)).ToArray();
            var mask = masks.Aggregate((a, b) => a | b).narrow(1, first, tail).unsqueeze(-1);
            return where(mask, valueTail, cleanTail);
        }
        // A channel no receiver feeds for any touched head is the clean run's, projected already (cached): no projection runs for it.
        HeadInput ChannelInput(Func<int, Func<PatchEndpoint, bool>> feeds, string cachedHook, Tensor selectHeads)
        {
            if (!Heads.Any(h => receivers.Any(feeds(h))))
            {
                var cached = chunk.Clean.Cache[cachedHook].narrow(1, first, tail).index_select(2, selectHeads);
                return HeadInput.AlreadyProjected(chunk.Repeat(cached));
            }
            var streams = Heads.Select(h => Input(feeds(h))).ToArray();
            var perHead = streams.Length == 1 ? streams[0].unsqueeze(3) : stack(streams, 3);
            return HeadInput.Stream(perHead.reshape(chunk.Variants * chunk.Batch, tail, Heads.Count, config.DModel));
        }
        var model = hooks.Model;
        int layer = receivers[0].Component.Layer;
        var kvIndex = tensor(Heads.Select(h => (long)config.KvHeadOf(h)).ToArray());
        Queries = ChannelInput(h => r => r.Component.Channel == Channel.Query && r.Component.HeadIndex == h, model.QueryHook(layer), Index);
        Keys = ChannelInput(h => r => r.Component.Channel == Channel.Key && Group(r) == config.KvHeadOf(h), model.PrefixKeyHook(layer), kvIndex);
        Values = ChannelInput(h => r => r.Component.Channel == Channel.Value && Group(r) == config.KvHeadOf(h), model.Hooks.Layers[layer].V, kvIndex);
    }

    /// <summary>The touched query heads, ascending.</summary>
    public IReadOnlyList<int> Heads { get; }

    /// <summary><see cref="Heads"/> as an index tensor.</summary>
    public Tensor Index { get; }

    /// <summary>Per touched head, what its queries, keys and values read from the first position read on (v·b rows).</summary>
    public HeadInput Queries { get; }
    public HeadInput Keys { get; }
    public HeadInput Values { get; }
}
