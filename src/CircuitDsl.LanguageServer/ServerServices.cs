using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Syntax;
using CircuitDsl.Zoo;

namespace CircuitDsl.LanguageServer;

/// <summary>Model cards: what a model was trained on and, for zoo models, the measured roles and scores of its heads.</summary>
public interface IModelCards
{
    /// <summary>The card of the model a reference names (relative to <paramref name="referencingDirectory"/>), or null.</summary>
    JsonObject? Find(string reference, string referencingDirectory);
}

/// <summary>Reads <c>card.json</c> from the folder a reference resolves to (the zoo's models ship one each).</summary>
public sealed class ZooModelCards : IModelCards
{
    /// <inheritdoc />
    public JsonObject? Find(string reference, string referencingDirectory)
    {
        try
        {
            string card = Path.Combine(ZooCatalog.ResolvePath(reference, referencingDirectory), "card.json");
            return File.Exists(card) && new FileInfo(card).Length <= ResourceLimits.MaxConfigFileBytes ? JsonNode.Parse(File.ReadAllText(card)) as JsonObject : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // no card is no hover detail, never an error
        }
    }
}

/// <summary>
/// What the server binds against: the models' shapes (config only, no weights), the tasks, the disk and the model
/// cards. The command line passes the same resolver and task catalogue as <c>circuit check</c>.
/// </summary>
public sealed record ServerServices(IModelResolver Models, ITaskCatalog Tasks, IFileProvider Disk, IModelCards Cards);

/// <summary>Server settings that tests shorten.</summary>
/// <param name="CompileDelay">How long typing must pause before the compiler checks the causal variables.</param>
public sealed record ServerOptions(TimeSpan CompileDelay)
{
    /// <summary>The defaults: a 400 ms pause.</summary>
    public static ServerOptions Default { get; } = new(TimeSpan.FromMilliseconds(400));
}

/// <summary>Model shapes and cards by reference, each looked up once (until the cache is cleared on a save).</summary>
internal sealed class ModelLookup(ServerServices services)
{
    private readonly ConcurrentDictionary<(string, string), ModelResolution> _shapes = new();
    private readonly ConcurrentDictionary<(string, string), JsonObject?> _cards = new();

    public IModelResolver Resolver { get; } = new CachingResolver(services.Models);

    public void Clear()
    {
        _shapes.Clear();
        _cards.Clear();
        ((CachingResolver)Resolver).Clear();
    }

    /// <summary>The shape of the model a setting names, for the file at <paramref name="filePath"/>.</summary>
    public ModelShape? Shape(ModelSettingSyntax? setting, string filePath) =>
        setting is null ? null : Shape(setting.Reference.Text, filePath);

    /// <summary>The shape of the model a reference names, for the file at <paramref name="filePath"/>.</summary>
    public ModelShape? Shape(string reference, string filePath) =>
        _shapes.GetOrAdd((reference, DirectoryOf(filePath)), key => Safe(() => Resolver.Resolve(key.Item1, key.Item2))).Shape;

    /// <summary>The card of the model a setting names.</summary>
    public JsonObject? Card(ModelSettingSyntax? setting, string filePath) =>
        setting is null ? null : _cards.GetOrAdd((setting.Reference.Text, DirectoryOf(filePath)), key => services.Cards.Find(key.Item1, key.Item2));

    public static string DirectoryOf(string filePath) => Path.GetDirectoryName(filePath) is { Length: > 0 } folder ? folder : ".";

    private static ModelResolution Safe(Func<ModelResolution> resolve)
    {
        try
        {
            return resolve();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ModelResolution.NotFound(e.Message);
        }
    }

    /// <summary>The binder resolves every model on every keystroke; configs are read once.</summary>
    private sealed class CachingResolver(IModelResolver inner) : IModelResolver
    {
        private readonly ConcurrentDictionary<(string, string), ModelResolution> _cache = new();

        public void Clear() => _cache.Clear();

        public ModelResolution Resolve(string reference, string referencingDirectory) =>
            _cache.GetOrAdd((reference, referencingDirectory), key => Safe(() => inner.Resolve(key.Item1, key.Item2)));
    }
}
