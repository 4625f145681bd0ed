using System.Security.Cryptography;
using System.Text;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// Everything one hypothesis's numbers depend on, written out as text (<see cref="Material"/>, stored inside the entry
/// and compared on every read) and hashed into the entry's name. A part is listed when changing it can change a
/// number: the cache format, the engine (<see cref="EngineIdentity"/>), the checked file's full path and the text of
/// it and every file it imports, the hypothesis, the model as mapped (reference, resolved folder and the folder's
/// hash), every data file's path and bytes, and the options --seed, --samples and --threads (with the core count,
/// which sets the default thread count of large models). The filter and the report formats select and spell results;
/// they are not part of it.
/// </summary>
public sealed record ResultCacheKey(string Material)
{
    /// <summary>Changes whenever the key's parts or the entry's layout change: older entries then never match.</summary>
    public const int FormatVersion = 2; // 2: entries record how the weights were held

    /// <summary>The entry's file name: the SHA-256 of <see cref="Material"/>.</summary>
    public string Name { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Material)));

    /// <param name="engine">The engine's identity (<see cref="EngineIdentity.Current"/>; tests pass another).</param>
    /// <param name="file">The checked file's full path.</param>
    /// <param name="sources">The texts the binder read (the file and its imports), hashed as bound.</param>
    /// <param name="hypothesis">The hypothesis's name (unique in its file).</param>
    /// <param name="model">The model reference the hypothesis runs on, after --model.</param>
    /// <param name="modelFolder">That reference's folder.</param>
    /// <param name="modelSha256">The folder's hash (<see cref="ReportBuilder.Sha256OfFolder"/>).</param>
    /// <param name="dataFiles">Full paths of every file the hypothesis's data statement reads.</param>
    public static ResultCacheKey For(
        string engine, string file, LoadedSources sources, string hypothesis, string model, string modelFolder, string modelSha256,
        IEnumerable<string> dataFiles, CheckOptions options)
    {
        var text = new StringBuilder();
        text.Append("format ").Append(FormatVersion).Append('\n');
        text.Append("engine\n").Append(engine).Append('\n');
        text.Append("file ").Append(file).Append('\n');
        foreach (var (path, tree) in sources.TreesByPath.OrderBy(s => s.Key, StringComparer.Ordinal))
            text.Append("source ").Append(path).Append(' ').Append(Sha256(Encoding.UTF8.GetBytes(tree.Source.Text))).Append('\n');
        text.Append("hypothesis ").Append(hypothesis).Append('\n');
        text.Append("model ").Append(model).Append('\n');
        text.Append("model folder ").Append(modelFolder).Append(' ').Append(modelSha256).Append('\n');
        foreach (string data in dataFiles.Order(StringComparer.Ordinal))
            text.Append("data ").Append(data).Append(' ').Append(DataHash(data)).Append('\n');
        text.Append("seed ").Append(options.Seed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "as written").Append('\n');
        text.Append("samples ").Append(options.Samples?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "as written").Append('\n');
        text.Append("threads ").Append(options.Threads > 0 ? options.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture) : "default")
            .Append(" of ").Append(Environment.ProcessorCount).Append('\n');
        // Kept half-precision weights compute the same values up to float32 rounding, not bit for bit.
        text.Append("weights ").Append(options.KeepStoredDtype ? "as stored" : "float32").Append('\n');
        return new ResultCacheKey(text.ToString());
    }

    /// <summary>A data file's hash; one that cannot be read gets a marker (its run then fails, and failures are not stored).</summary>
    static string DataHash(string path) =>
        InputFiles.TryReadBounded(path, ResourceLimits.MaxDataFileBytes, nameof(ResourceLimits.MaxDataFileBytes), out byte[] bytes, out string error)
            ? Sha256(bytes)
            : "unreadable: " + error;

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
