using System.Collections.Concurrent;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>
/// Compiled assemblies (PE and PDB bytes) by content key, in memory and in a folder on disk, so that checking an
/// unchanged file again skips Roslyn. A cache must never be what breaks a run: each entry is one file holding both
/// images and their hash (<see cref="CompiledPlanFile"/>), written atomically (temp file, then rename) and verified
/// on every read; an entry that is damaged, unreadable or not a file is discarded and reads as a miss, so the
/// caller compiles again and stores a fresh one.
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
        string path = PathOf(key);
        byte[] bytes;
        try
        {
            if (!File.Exists(path) && !System.IO.Directory.Exists(path)) return false;
            bytes = File.ReadAllBytes(path); // a folder in its place throws, and is discarded below
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Discard(key);
            return false;
        }
        if (!CompiledPlanFile.TryDecode(bytes, out pe, out pdb))
        {
            Discard(key);
            return false;
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
            AtomicFile.Write(PathOf(key), stream => stream.Write(CompiledPlanFile.Encode(pe, pdb)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs time; the compiled assembly is still returned.
        }
    }

    /// <summary>Forgets an entry that failed verification or loading, so the next run compiles instead of failing again.</summary>
    public void Discard(string key)
    {
        memory.TryRemove(key, out _);
        if (Directory is null) return;
        string path = PathOf(key);
        try
        {
            if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not removable (permissions, another process): Store's rename replaces a file; otherwise every run compiles.
        }
    }

    string PathOf(string key) => Path.Combine(Directory!, key + CompiledPlanFile.Extension);
}
