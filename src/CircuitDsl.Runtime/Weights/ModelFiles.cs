using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Opens the files of a model folder only when they are regular files: a FIFO blocks whoever opens it, /dev/zero
/// never ends, and a folder named config.json is no config. Problems are <see cref="ModelFormatException"/>s naming the file.
/// </summary>
public static class ModelFiles
{
    /// <summary>Throws unless <paramref name="path"/> is a regular file (links followed); <paramref name="missing"/> says why it should exist.</summary>
    public static void RequireRegularFile(string path, string missing)
    {
        var info = InputFiles.Inspect(path);
        switch (info.Kind)
        {
            case InputFileKind.Directory: throw new ModelFormatException(path, "is a folder, not a file");
            case InputFileKind.Missing: throw new ModelFormatException(path, missing);
            case InputFileKind.Special: throw new ModelFormatException(path, $"is {info.Description}, not a regular file, so it is not read");
            case InputFileKind.Unreadable: throw new ModelFormatException(path, $"cannot be read: {info.Description}");
        }
    }

    /// <summary>A checked regular file, opened for reading.</summary>
    public static FileStream OpenRead(string path, string missing)
    {
        RequireRegularFile(path, missing);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot be read: {e.Message}");
        }
    }

    /// <summary>The whole of a checked regular file of at most <paramref name="maxBytes"/> (the bound <paramref name="limit"/> of ResourceLimits).</summary>
    public static byte[] ReadAllBytes(string path, string missing, long maxBytes, string limit)
    {
        RequireRegularFile(path, missing);
        return InputFiles.TryReadBounded(path, maxBytes, limit, out var bytes, out string error)
            ? bytes
            : throw new ModelFormatException(path, error == "no such file" ? missing : error);
    }

    // Duplicate keys are refused: with them a file could say two things, and a reader would pick one silently.
    static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The JSON of a small file of a model folder (config.json, tokenizer.json, card.json): a regular file of at most
    /// <see cref="ResourceLimits.MaxConfigFileBytes"/>, valid JSON without repeated keys.
    /// </summary>
    public static JsonNode? ReadJson(string path, string missing) =>
        ReadJson(path, missing, ResourceLimits.MaxConfigFileBytes, nameof(ResourceLimits.MaxConfigFileBytes));

    /// <summary>The JSON of a file of at most <paramref name="maxBytes"/> (the bound <paramref name="limit"/> of ResourceLimits), without repeated keys.</summary>
    public static JsonNode? ReadJson(string path, string missing, long maxBytes, string limit)
    {
        var bytes = ReadAllBytes(path, missing, maxBytes, limit);
        try
        {
            return JsonNode.Parse(bytes, documentOptions: StrictJson);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON: {e.Message}");
        }
    }
}
