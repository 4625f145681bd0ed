using CircuitDsl.Discovery.Graph;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Tests.Support;

/// <summary>
/// An attention-only induction model whose circuit is known by construction (Tracr-style: each variable has its own
/// residual subspace, and each weight reads only the subspace it needs). TOK is the one-hot current token, POS the
/// one-hot position; the previous-token head L0.H0 writes PREV (the token one back), the distractor L0.H1 writes SELF
/// (read by nothing); the induction head L1.H0 reads its query from TOK, its key from PREV, its value from TOK and writes
/// OUT, which the unembedding reads; L1.H1 is all zeros. Attention is soft (not saturated), so gradients flow.
/// Under counterfactual patching (the position embedding is the same on every input) exactly <see cref="Circuit"/>
/// changes the behaviour; every other edge changes nothing, bit for bit.
/// </summary>
internal static class HandSetCircuit
{
    public const int Vocab = 8, Length = 12;
    const int Tok = 0, Pos = Tok + Vocab, Prev = Pos + Length, Self = Prev + Vocab, Out = Self + Vocab, DModel = Out + Vocab;
    const float Sharp = 4, Logit = 6;

    /// <summary>The edges that carry the behaviour.</summary>
    public static readonly Edge[] Circuit =
    [
        new(Component.Embed, Component.Head(0, 0, Channel.Value)),
        new(Component.Embed, Component.Head(1, 0, Channel.Query)),
        new(Component.Head(0, 0), Component.Head(1, 0, Channel.Key)),
        new(Component.Embed, Component.Head(1, 0, Channel.Value)),
        new(Component.Head(1, 0), Component.Logits),
    ];

    public static HookedTransformer Create()
    {
        var config = new ModelConfig
        {
            Name = "hand-set induction circuit", Layers = 2, Heads = 2, DModel = DModel, DHead = Length, VocabSize = Vocab,
            ContextLength = Length, Normalization = Normalization.None,
        };
        var model = new HookedTransformer(config);
        using var _ = no_grad();
        foreach (var p in model.parameters()) p.zero_();
        for (int t = 0; t < Vocab; t++) model.W_E[t, Tok + t] = 1;
        for (int p = 0; p < Length; p++) model.W_pos[p, Pos + p] = 1;

        var l0 = model.blocks[0].attn;
        for (int p = 0; p < Length; p++)
        {
            l0.W_Q[0, Pos + p, p] = Sharp;                         // position p asks for ...
            if (p + 1 < Length) l0.W_K[0, Pos + p, p + 1] = Sharp; // ... the key at p - 1
            l0.W_Q[1, Pos + p, p] = Sharp;                         // the distractor attends to itself
            l0.W_K[1, Pos + p, p] = Sharp;
        }
        for (int t = 0; t < Vocab; t++)
        {
            l0.W_V[0, Tok + t, t] = 1;
            l0.W_O[0, t, Prev + t] = 1;
            l0.W_V[1, Tok + t, t] = 1;
            l0.W_O[1, t, Self + t] = 1;
        }

        var l1 = model.blocks[1].attn;
        for (int t = 0; t < Vocab; t++)
        {
            l1.W_Q[0, Tok + t, t] = Sharp;  // query: the current token
            l1.W_K[0, Prev + t, t] = Sharp; // key: the token before each earlier position
            l1.W_V[0, Tok + t, t] = 1;      // value: the token there
            l1.W_O[0, t, Out + t] = 1;
            model.unembed["W_U"][Out + t, t] = Logit;
        }
        return model;
    }

    /// <summary>
    /// A beginning-of-sequence token (the last id), then a prefix of 3..5 distinct tokens repeated to the end;
    /// <c>repeated</c> names the predictable positions.
    /// </summary>
    public static Dataset Data(int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var examples = new Example[count];
        for (int i = 0; i < count; i++)
        {
            int prefix = 3 + random.Next(3);
            var pool = Enumerable.Range(0, Vocab - 1).ToList();
            var head = new int[prefix];
            for (int k = 0; k < prefix; k++)
            {
                int pick = random.Next(pool.Count);
                head[k] = pool[pick];
                pool.RemoveAt(pick);
            }
            var tokens = Enumerable.Range(0, Length).Select(p => p == 0 ? Vocab - 1 : head[(p - 1) % prefix]).ToArray();
            var repeated = Enumerable.Range(prefix + 1, Length - 2 - prefix).ToArray();
            examples[i] = new Example(tokens, positions: new Dictionary<string, int[]> { ["repeated"] = repeated }, source: $"hand-set #{i}");
        }
        return new Dataset(examples, name: "hand-set circuit data");
    }
}
