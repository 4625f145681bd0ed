namespace CircuitDsl.Language.Binding;

/// <summary>
/// What the binder needs to know about a model, read from its config alone (no weights): enough to check that
/// every layer, head, MLP and position a file names exists.
/// </summary>
/// <param name="Name">The model's name, used in messages (e.g. attn-only-2l).</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="HeadsPerLayer">Attention heads in each block.</param>
/// <param name="HasMlps">False for attention-only models.</param>
/// <param name="DModel">Width of the residual stream.</param>
/// <param name="VocabSize">Number of tokens.</param>
/// <param name="ContextLength">Number of positions (n_ctx).</param>
public sealed record ModelShape(string Name, int Layers, int HeadsPerLayer, bool HasMlps, int DModel, int VocabSize, int ContextLength);

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
