using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;

namespace CircuitDsl.Zoo;

/// <summary>
/// Resolves model references: <c>zoo:NAME</c> for a shipped model (or a known one that is not shipped, see
/// <see cref="UnshippedModels"/>), <c>hf:ORG/NAME[@REVISION]</c> for a checkpoint in the local Hugging Face cache
/// (<see cref="HuggingFaceCache"/>), or a folder path.
/// </summary>
public static class ZooCatalog
{
    public const string Prefix = "zoo:";

    /// <summary>Where the shipped models are copied beside the program (see CircuitDsl.Zoo.csproj).</summary>
    public static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "zoo");

    public static IReadOnlyList<string> ShippedNames =>
        Directory.Exists(ModelsDirectory)
            ? Directory.GetDirectories(ModelsDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// The folder a reference names. A known model that is not shipped throws <see cref="ModelNotShippedException"/>;
    /// any other missing model a <see cref="DirectoryNotFoundException"/> that says what exists instead.
    /// </summary>
    public static string ResolvePath(string reference, string? relativeTo = null)
    {
        if (reference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            string name = reference[Prefix.Length..];
            string dir = Path.Combine(ModelsDirectory, name);
            bool plainName = name.Length > 0 && !name.Contains('/') && !name.Contains('\\');
            if (plainName && Directory.Exists(dir)) return dir;
            if (plainName && UnshippedModels.Find(name) is { } unshipped) throw new ModelNotShippedException(unshipped);
            throw new DirectoryNotFoundException(
                $"no shipped model '{reference}'; the zoo has: {string.Join(", ", ShippedNames.Select(n => Prefix + n))}" +
                $"; known but not shipped: {string.Join(", ", UnshippedModels.All.Select(m => m.Reference))}");
        }
        if (reference.StartsWith(HuggingFaceCache.Prefix, StringComparison.Ordinal))
        {
            try
            {
                return HuggingFaceCache.Resolve(reference);
            }
            catch (ArgumentException e)
            {
                throw new DirectoryNotFoundException(e.Message);
            }
        }
        string path = relativeTo is null ? Path.GetFullPath(reference) : Path.GetFullPath(reference, relativeTo);
        if (File.Exists(path))
            throw new DirectoryNotFoundException($"model folder '{reference}' is a file; a model is a folder (config.json, model.safetensors, ...)");
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"model folder '{reference}' does not exist");
        return path;
    }

    /// <summary>The architecture a reference names, from its config alone; known unshipped models need no files.</summary>
    public static ModelConfig ReadConfig(string reference, string? relativeTo = null)
    {
        try
        {
            return ModelLoader.ReadConfig(ResolvePath(reference, relativeTo));
        }
        catch (ModelNotShippedException e)
        {
            return e.Model.Config;
        }
    }

    public static LoadedModel Load(string reference, string? relativeTo = null) => ModelLoader.Load(ResolvePath(reference, relativeTo));
}
