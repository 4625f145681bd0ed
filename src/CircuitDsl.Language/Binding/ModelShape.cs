namespace CircuitDsl.Language.Binding;

/// <summary>
/// What the binder needs to know about a model, read from its config alone (no weights): enough to check that
/// every layer, head, MLP and position a file names exists, that the positional embedding exists (not on rotary
/// models), which edges the blocks allow (parallel blocks), and which heads share a key/value input.
/// </summary>
/// <param name="Name">The model's name, used in messages (e.g. attn-only-2l).</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="HeadsPerLayer">Attention heads in each block.</param>
/// <param name="HasMlps">False for attention-only models.</param>
/// <param name="DModel">Width of the residual stream.</param>
/// <param name="VocabSize">Number of tokens.</param>
/// <param name="ContextLength">Number of positions (n_ctx).</param>
public sealed record ModelShape(string Name, int Layers, int HeadsPerLayer, bool HasMlps, int DModel, int VocabSize, int ContextLength)
{
    /// <summary>
    /// Key/value heads per layer under grouped-query attention (null: one per query head). Query head h reads key/value
    /// head ⌊h / G⌋ with G = <see cref="HeadsPerLayer"/> / <see cref="KvHeadsPerLayer"/>, as TransformerLens does.
    /// </summary>
    public int? KeyValueHeads { get; init; }

    /// <summary>Whether positions are a learned embedding added to the tokens (then <c>pos_embed</c> exists); false for rotary models.</summary>
    public bool LearnedPositions { get; init; } = true;

    /// <summary>Whether blocks are parallel (GPT-NeoX: x' = x + attn(x) + mlp(x)), so that the heads of layer l do not feed the MLP of layer l.</summary>
    public bool ParallelBlocks { get; init; }

    /// <summary>
    /// Whether the attention and MLP outputs are normalised before they are added (Gemma-2's sandwich norms): the
    /// residual stream is then not a sum of head outputs, and causal scrubbing cannot map a head.
    /// </summary>
    public bool SandwichNorms { get; init; }

    /// <summary>Key/value heads per layer.</summary>
    public int KvHeadsPerLayer => KeyValueHeads ?? HeadsPerLayer;

    /// <summary>Query heads per key/value head (1 without grouped-query attention).</summary>
    public int QueriesPerKvHead => KvHeadsPerLayer > 0 ? HeadsPerLayer / KvHeadsPerLayer : 1;

    /// <summary>The key/value head whose keys and values query head <paramref name="head"/> reads.</summary>
    public int KvHeadOf(int head) => head / QueriesPerKvHead;
}

/// <summary>A model reference resolved to a shape, or why it could not be.</summary>
public sealed record ModelResolution(ModelShape? Shape, string? Error)
{
    /// <summary>The reference named this shape.</summary>
    public static ModelResolution Found(ModelShape shape) => new(shape, null);

    /// <summary>The reference could not be resolved; <paramref name="error"/> says why (a sentence fragment).</summary>
    public static ModelResolution NotFound(string error) => new(null, error);
}

/// <summary>
/// Turns a model reference as written in a file (<c>zoo:attn-only-2l</c>, or a folder path, relative to the
/// referencing file's directory) into a shape. The model zoo and the CLI provide real resolvers; tests use
/// <see cref="InMemoryModelResolver"/>.
/// </summary>
public interface IModelResolver
{
    /// <summary>Resolves <paramref name="reference"/>; <paramref name="referencingDirectory"/> anchors relative paths.</summary>
    ModelResolution Resolve(string reference, string referencingDirectory);
}

/// <summary>A resolver over a fixed table of references (exact text), for tests and tools without a zoo.</summary>
public sealed class InMemoryModelResolver(IReadOnlyDictionary<string, ModelShape> shapes) : IModelResolver
{
    /// <inheritdoc />
    public ModelResolution Resolve(string reference, string referencingDirectory) =>
        shapes.TryGetValue(reference, out var shape)
            ? ModelResolution.Found(shape)
            : ModelResolution.NotFound($"no such model (known: {string.Join(", ", shapes.Keys.Order(StringComparer.Ordinal))})");
}
