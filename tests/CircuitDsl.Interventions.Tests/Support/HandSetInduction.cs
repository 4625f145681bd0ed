using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Support;

/// <summary>
/// An induction circuit with weights set by hand, in the manner of Tracr: every variable has its own residual
/// subspace. TOK (one-hot current token), POS (one-hot position), PREV (one-hot previous token, written by the
/// previous-token head L0.H0), SELF (a copy of TOK written by the distractor head L0.H1, read by nothing), OUT
/// (the predicted next token, written by the induction head L1.H0). L1.H1 is all zeros. The induction head's query
/// reads TOK, its key reads PREV, its value reads TOK; the unembedding reads OUT. Shared with the discovery tests
/// (linked into their project), which use softer attention so that gradients flow.
/// </summary>
internal static class HandSetInduction
{
    public const int Vocab = 8, Length = 12;
    const int Tok = 0, Pos = Tok + Vocab, Prev = Pos + Length, Self = Prev + Vocab, Out = Self + Vocab, DModel = Out + Vocab;

    /// <param name="sharpness">The attention logits' scale (8: nearly hard attention).</param>
    /// <param name="logit">The unembedding's weight on OUT.</param>
    public static HookedTransformer Create(float sharpness = 8, float logit = 10, string name = "hand-set induction")
    {
        var config = new ModelConfig
        {
            Name = name, Layers = 2, Heads = 2, DModel = DModel, DHead = Length, VocabSize = Vocab,
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
            l0.W_Q[0, Pos + p, p] = sharpness;                      // position p asks for ...
            if (p + 1 < Length) l0.W_K[0, Pos + p, p + 1] = sharpness; // ... the key at p - 1
            l0.W_Q[1, Pos + p, p] = sharpness;                      // the distractor attends to itself
            l0.W_K[1, Pos + p, p] = sharpness;
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
            l1.W_Q[0, Tok + t, t] = sharpness;  // query: the current token
            l1.W_K[0, Prev + t, t] = sharpness; // key: the token before each earlier position
            l1.W_V[0, Tok + t, t] = 1;      // value: the token there
            l1.W_O[0, t, Out + t] = 1;
            model.unembed["W_U"][Out + t, t] = logit;
        }
        return model;
    }

    /// <summary>
    /// A beginning-of-sequence token (the last id, so that no query matches the previous-token head's output at
    /// position 0), then a prefix of 3..5 distinct tokens repeated to the end; <c>repeated</c> names the predictable positions.
    /// </summary>
    public static Dataset Data(int count, ulong seed, string name = "hand-set induction data")
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
            var repeated = Enumerable.Range(prefix + 1, Length - 2 - prefix).ToArray(); // the token at p was seen at p - prefix >= 1
            examples[i] = new Example(tokens, positions: new Dictionary<string, int[]> { ["repeated"] = repeated }, source: $"hand-set #{i}");
        }
        return new Dataset(examples, name: name);
    }
}
