using CircuitDsl.Compiler.Roslyn;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// Results of hypotheses whose inputs have not changed (<see cref="ResultCacheKey"/>), in the folder <c>results</c>
/// beside the compile cache's <c>compiled</c> (so <c>$CIRCUITDSL_CACHE_DIR</c> moves both). Like the compile cache it
/// must never be what breaks a run or changes a number: each entry is one file (<see cref="CachedResultFile"/>) holding
/// its key's full text and the SHA-256 of its content, written atomically and verified on every read; an entry that is
/// damaged, unreadable, of another format or stored under another key is discarded and reads as a miss, so the
/// hypothesis runs again and a fresh entry replaces it. Nothing is evicted: entries are a few kilobytes plus 8 bytes
/// per example per check, and deleting the folder at any time only costs the next run its reuse.
/// </summary>
/// <param name="directory">The folder of entries.</param>
/// <param name="reads">False for --no-cache: every hypothesis runs, and its entry is written anew.</param>
/// <param name="engine">What computes results (<see cref="EngineIdentity.Current"/>); part of every key.</param>
public sealed class ResultCache(string directory, bool reads = true, string? engine = null)
{
    public string Directory { get; } = directory;
    public bool Reads { get; } = reads;
    public string Engine { get; } = engine ?? EngineIdentity.Current;

    /// <summary>The <c>results</c> folder under the compile cache's root (<see cref="CompileCache.Default"/>).</summary>
    public static ResultCache Default(bool reads = true) =>
        new(Path.Combine(Path.GetDirectoryName(CompileCache.Default().Directory!)!, "results"), reads);

    public bool TryGet(ResultCacheKey key, out CachedResult? entry)
    {
        entry = null;
        if (!Reads) return false;
        string path = PathOf(key);
        byte[] bytes;
        try
        {
            if (!File.Exists(path) && !System.IO.Directory.Exists(path)) return false;
            // Bounded like a report: an entry is at most a few MB; anything larger was not written by this cache.
            if (!InputFiles.TryReadBounded(path, ResourceLimits.MaxReportFileBytes, nameof(ResourceLimits.MaxReportFileBytes), out bytes, out _))
            {
                Discard(key);
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Discard(key);
            return false;
        }
        if (!CachedResultFile.TryDecode(bytes, out entry) || entry!.KeyMaterial != key.Material)
        {
            entry = null;
            Discard(key);
            return false;
        }
        return true;
    }

    public void Store(ResultCacheKey key, CachedResult entry)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            AtomicFile.Write(PathOf(key), stream => stream.Write(CachedResultFile.Encode(entry)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs the next run its reuse; this run's report is complete.
        }
    }

    /// <summary>Forgets an entry that failed verification, so that the next read is a clean miss.</summary>
    void Discard(ResultCacheKey key)
    {
        string path = PathOf(key);
        try
        {
            if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not removable: Store's rename replaces a file; otherwise the hypothesis simply runs every time.
        }
    }

    string PathOf(ResultCacheKey key) => Path.Combine(Directory, key.Name + CachedResultFile.Extension);
}
