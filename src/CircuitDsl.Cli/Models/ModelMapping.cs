namespace CircuitDsl.Cli.Models;

/// <summary>
/// What <c>--model</c> says: nothing (every file runs on its own model), one bare reference that replaces every file's
/// model (<c>--model DIR</c>), or mappings from the reference a file writes to the model to use instead
/// (<c>--model zoo:gpt2-small=DIR</c>, repeatable), which leave every other file on its own model. A mapping's name is
/// the file's reference as written; a name without a scheme also matches the zoo model of that name
/// (<c>gpt2-small=DIR</c>). Folders given on the command line are relative to the current folder.
/// </summary>
public sealed class ModelMapping
{
    readonly string? everything;
    readonly IReadOnlyDictionary<string, string> byReference;

    ModelMapping(string? everything, IReadOnlyDictionary<string, string> byReference)
    {
        this.everything = everything;
        this.byReference = byReference;
    }

    /// <summary>No <c>--model</c>: every file on its own model.</summary>
    public static ModelMapping None { get; } = new(null, new Dictionary<string, string>());

    /// <summary>One model for every file (the bare form), or none.</summary>
    public static ModelMapping Everything(string? reference) => reference is null ? None : new(reference, new Dictionary<string, string>());

    /// <summary>True when no file's model is replaced.</summary>
    public bool IsEmpty => everything is null && byReference.Count == 0;

    /// <summary>
    /// The <c>--model</c> values of one command line, resolved against <paramref name="currentDirectory"/>; a malformed
    /// or contradictory set is a <see cref="UsageException"/> (exit 2) that says which value and why.
    /// </summary>
    public static ModelMapping Parse(IReadOnlyList<string> values, string currentDirectory)
    {
        string? everything = null;
        var byReference = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            // A folder whose name holds '=' is still a folder.
            if (equals < 0 || Directory.Exists(Path.GetFullPath(value, currentDirectory)))
            {
                if (everything is not null)
                    throw new UsageException($"--model {value}: a bare --model (one model for every file) may be given once; map models by name with --model NAME=PATH");
                everything = Absolute(value, currentDirectory);
                continue;
            }
            string name = value[..equals].Trim(), target = value[(equals + 1)..].Trim();
            if (name.Length == 0 || target.Length == 0)
                throw new UsageException($"--model {value}: write NAME=PATH, the model a file names (zoo:gpt2-small) and the model to use for it (a folder, zoo:NAME or hf:ORG/NAME)");
            if (!byReference.TryAdd(name, Absolute(target, currentDirectory)))
                throw new UsageException($"--model {value}: '{name}' is mapped twice");
        }
        if (everything is not null && byReference.Count > 0)
            throw new UsageException($"--model {everything} replaces every file's model, so the mappings ({string.Join(", ", byReference.Keys)}) would be ignored; give either one bare --model or NAME=PATH mappings");
        return new ModelMapping(everything, byReference);
    }

    /// <summary>The model a file that writes <paramref name="reference"/> runs on.</summary>
    public string Apply(string reference)
    {
        if (byReference.TryGetValue(reference, out string? mapped)) return mapped;
        if (reference.StartsWith(Zoo.ZooCatalog.Prefix, StringComparison.Ordinal)
            && byReference.TryGetValue(reference[Zoo.ZooCatalog.Prefix.Length..], out mapped)) return mapped;
        return everything ?? reference;
    }

    /// <summary>Model references keep their scheme; folders become absolute, so that they do not depend on the file's folder.</summary>
    static string Absolute(string reference, string currentDirectory) =>
        reference.StartsWith(Zoo.ZooCatalog.Prefix, StringComparison.Ordinal) || reference.StartsWith(Zoo.HuggingFaceCache.Prefix, StringComparison.Ordinal)
            ? reference
            : Path.GetFullPath(reference, currentDirectory);
}
