using CircuitDsl.Discovery.Graph;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Tests.Support;
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
    public const int Vocab = HandSetInduction.Vocab, Length = HandSetInduction.Length;

    /// <summary>The edges that carry the behaviour.</summary>
    public static readonly Edge[] Circuit =
    [
        new(Component.Embed, Component.Head(0, 0, Channel.Value)),
        new(Component.Embed, Component.Head(1, 0, Channel.Query)),
        new(Component.Head(0, 0), Component.Head(1, 0, Channel.Key)),
        new(Component.Embed, Component.Head(1, 0, Channel.Value)),
        new(Component.Head(1, 0), Component.Logits),
    ];

    /// <summary>The hand-set model with soft attention (so that gradients flow).</summary>
    public static HookedTransformer Create() => HandSetInduction.Create(sharpness: 4, logit: 6, name: "hand-set induction circuit");

    /// <summary>
    /// A beginning-of-sequence token (the last id), then a prefix of 3..5 distinct tokens repeated to the end;
    /// <c>repeated</c> names the predictable positions.
    /// </summary>
    public static Dataset Data(int count, ulong seed) => HandSetInduction.Data(count, seed, "hand-set circuit data");
}
