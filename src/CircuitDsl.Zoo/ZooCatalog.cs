using CircuitDsl.Runtime.Weights;

namespace CircuitDsl.Zoo;

/// <summary>Resolves model references: <c>zoo:NAME</c> for a shipped model, or a folder path.</summary>
public static class ZooCatalog
{
    public const string Prefix = "zoo:";

    /// <summary>Where the shipped models are copied beside the program (see CircuitDsl.Zoo.csproj).</summary>
    public static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "zoo");

    public static IReadOnlyList<string> ShippedNames =>
        Directory.Exists(ModelsDirectory)
            ? Directory.GetDirectories(ModelsDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The folder a reference names; a <see cref="DirectoryNotFoundException"/> says what exists instead.</summary>
    public static string ResolvePath(string reference, string? relativeTo = null)
    {
        if (reference.StartsWith(Prefix, StringComparison.Ordinal))
        {
            string name = reference[Prefix.Length..];
            string dir = Path.Combine(ModelsDirectory, name);
            if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || !Directory.Exists(dir))
                throw new DirectoryNotFoundException(
                    $"no shipped model '{reference}'; the zoo has: {string.Join(", ", ShippedNames.Select(n => Prefix + n))}");
            return dir;
        }
        string path = relativeTo is null ? Path.GetFullPath(reference) : Path.GetFullPath(reference, relativeTo);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"model folder '{reference}' does not exist");
        return path;
    }

    public static LoadedModel Load(string reference, string? relativeTo = null) => ModelLoader.Load(ResolvePath(reference, relativeTo));
}
