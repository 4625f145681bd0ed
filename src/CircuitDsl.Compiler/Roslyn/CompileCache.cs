using System.Collections.Concurrent;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>
/// Compiled assemblies (PE and PDB bytes) by content key, in memory and in a folder on disk, so that checking an
/// unchanged file again skips Roslyn. Entries are written atomically (temp file, then rename); a damaged or
/// half-written entry is never read as valid because the two files are renamed into place PDB first, PE last.
/// </summary>
public sealed class CompileCache(string? directory)
{
    /// <summary>Overrides the default folder (also <c>--cache-dir</c>).</summary>
    public const string DirectoryVariable = "CIRCUITDSL_CACHE_DIR";

    readonly ConcurrentDictionary<string, (byte[] Pe, byte[] Pdb)> memory = new(StringComparer.Ordinal);

    public string? Directory { get; } = directory;

    /// <summary>$CIRCUITDSL_CACHE_DIR, else $XDG_CACHE_HOME/circuitdsl, else ~/.cache/circuitdsl (the README names it).</summary>
    public static CompileCache Default()
    {
        string? configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (string.IsNullOrEmpty(configured))
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            configured = Path.Combine(root, "circuitdsl");
        }
        return new CompileCache(Path.Combine(configured, "compiled"));
    }

    public static CompileCache InMemory() => new(null);

    public bool TryGet(string key, out byte[] pe, out byte[] pdb)
    {
        if (memory.TryGetValue(key, out var entry))
        {
            (pe, pdb) = entry;
            return true;
        }
        (pe, pdb) = ([], []);
        if (Directory is null) return false;
        string pePath = PathOf(key, ".dll"), pdbPath = PathOf(key, ".pdb");
        try
        {
            if (!File.Exists(pePath) || !File.Exists(pdbPath)) return false;
            (pe, pdb) = (File.ReadAllBytes(pePath), File.ReadAllBytes(pdbPath));
        }
        catch (IOException)
        {
            return false; // another process is replacing it, or the disk is unhappy: compile instead
        }
        memory[key] = (pe, pdb);
        return true;
    }

    public void Store(string key, byte[] pe, byte[] pdb)
    {
        memory[key] = (pe, pdb);
        if (Directory is null) return;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            WriteAtomically(PathOf(key, ".pdb"), pdb);
            WriteAtomically(PathOf(key, ".dll"), pe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs time; the compiled assembly is still returned.
        }
    }

    string PathOf(string key, string extension) => Path.Combine(Directory!, key + extension);

    static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
