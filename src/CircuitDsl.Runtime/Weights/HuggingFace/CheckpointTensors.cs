using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// The tensors of a Hugging Face checkpoint, one <c>model.safetensors</c> or the shards that
/// <c>model.safetensors.index.json</c>'s weight_map names, by tensor name. Opening reads and checks the headers only:
/// every tensor the index names must be in the shard it names, no shard may be missing and no tensor may be stored
/// twice. Each tensor is then read on request, straight from its shard.
/// </summary>
sealed class CheckpointTensors : IDisposable
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    readonly List<SafetensorsReader> readers = [];
    readonly Dictionary<string, (SafetensorsReader Reader, SafetensorsEntry Entry)> tensors = new(StringComparer.Ordinal);

    /// <summary>model.safetensors, or the index file of a sharded checkpoint: what error messages about the whole set name.</summary>
    public string Source { get; }
    public bool Sharded { get; }

    CheckpointTensors(string source, bool sharded) => (Source, Sharded) = (source, sharded);

    /// <summary>Every tensor, by name (buffers included: the caller decides what to skip).</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => tensors.ToDictionary(t => t.Key, t => t.Value.Entry, StringComparer.Ordinal);

    public IEnumerable<string> Names => tensors.Keys;

    /// <summary>The file tensor <paramref name="name"/> is stored in.</summary>
    public string FileOf(string name) => Lookup(name).Reader.FilePath;

    public ScalarType StoredType(string name)
    {
        var (reader, _) = Lookup(name);
        return reader.StoredType(name);
    }

    /// <summary>Reads tensor <paramref name="name"/> straight into <paramref name="destination"/> (contiguous, of its stored shape).</summary>
    public void ReadInto(string name, Tensor destination) => Lookup(name).Reader.ReadInto(name, destination);

    /// <summary>Tensor <paramref name="name"/> in its stored dtype, as a new tensor the caller owns.</summary>
    public Tensor ReadStored(string name) => Lookup(name).Reader.ReadStored(name);

    (SafetensorsReader Reader, SafetensorsEntry Entry) Lookup(string name) =>
        tensors.TryGetValue(name, out var found) ? found : throw new ModelFormatException(Source, $"tensor '{name}' is missing");

    /// <summary>Opens the checkpoint of folder <paramref name="dir"/>: model.safetensors if present, else the sharded set.</summary>
    public static CheckpointTensors Open(string dir, string family)
    {
        string single = Path.Combine(dir, SingleFile), index = Path.Combine(dir, IndexFile);
        if (File.Exists(single) || !File.Exists(index))
        {
            string missing = File.Exists(Path.Combine(dir, "pytorch_model.bin")) || File.Exists(Path.Combine(dir, "pytorch_model.bin.index.json"))
                ? "missing: only safetensors checkpoints load (pytorch_model.bin is a pickle); save the model with safe_serialization=True"
                : $"missing: a Hugging Face {family} folder needs {SingleFile}, or {IndexFile} and its shards, beside config.json";
            var checkpoint = new CheckpointTensors(single, sharded: false);
            try
            {
                checkpoint.Add(SafetensorsReader.Open(single, missing), expected: null);
                return checkpoint;
            }
            catch
            {
                checkpoint.Dispose();
                throw;
            }
        }
        return OpenSharded(dir, index);
    }

    static CheckpointTensors OpenSharded(string dir, string index)
    {
        var weightMap = ReadWeightMap(index);
        var checkpoint = new CheckpointTensors(index, sharded: true);
        try
        {
            foreach (var shard in weightMap.GroupBy(w => w.Value, w => w.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var names = shard.ToHashSet(StringComparer.Ordinal);
                string path = Path.Combine(dir, shard.Key);
                string example = names.Order(StringComparer.Ordinal).First();
                checkpoint.Add(SafetensorsReader.Open(path, $"missing: {IndexFile} names this shard for {names.Count} tensor(s), e.g. '{example}'"), names);
            }
            return checkpoint;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>The index's weight_map (tensor → shard file name), with every shard a plain file name in the folder.</summary>
    static Dictionary<string, string> ReadWeightMap(string index)
    {
        if (ModelFiles.ReadJson(index, "missing") is not JsonObject json)
            throw new ModelFormatException(index, "the index must be a JSON object with a \"weight_map\"");
        if (json["weight_map"] is not JsonObject map)
            throw new ModelFormatException(index, "missing \"weight_map\" (an object: tensor name → shard file)");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tensor, value) in map)
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>() is not { Length: > 0 } file)
                throw new ModelFormatException(index, $"\"weight_map\" entry '{tensor}' must name a shard file");
            // A shard is a file of this folder: no path may lead the reader elsewhere.
            if (file != Path.GetFileName(file) || file is "." or ".." || file.Contains('/') || file.Contains('\\'))
                throw new ModelFormatException(index, $"\"weight_map\" entry '{tensor}' names '{file}', which is not a file name in the checkpoint's folder");
            result[tensor] = file;
        }
        if (result.Count == 0) throw new ModelFormatException(index, "\"weight_map\" is empty");
        return result;
    }

    /// <summary>Adds a shard's tensors; <paramref name="expected"/> (from the index) must be exactly the tensors it holds.</summary>
    void Add(SafetensorsReader reader, HashSet<string>? expected)
    {
        readers.Add(reader);
        if (expected is not null)
        {
            var absent = expected.Where(n => !reader.Contains(n)).Order(StringComparer.Ordinal).ToList();
            if (absent.Count > 0)
                throw new ModelFormatException(reader.FilePath, $"{IndexFile} puts tensor(s) {Quoted(absent)} in this shard, but it does not hold them");
        }
        foreach (var (name, entry) in reader.Entries)
        {
            if (tensors.TryGetValue(name, out var earlier))
                throw new ModelFormatException(reader.FilePath, $"tensor '{name}' is stored twice (also in {Path.GetFileName(earlier.Reader.FilePath)})");
            if (expected is not null && !expected.Contains(name))
                throw new ModelFormatException(reader.FilePath, $"tensor '{name}' is in this shard, but {IndexFile} does not put it here");
            tensors[name] = (reader, entry);
        }
    }

    static string Quoted(IEnumerable<string> names)
    {
        var list = names.ToList();
        string shown = string.Join(", ", list.Take(8).Select(n => $"'{n}'"));
        return list.Count > 8 ? $"{shown} and {list.Count - 8} more" : shown;
    }

    public void Dispose()
    {
        foreach (var r in readers) r.Dispose();
        readers.Clear();
    }
}
