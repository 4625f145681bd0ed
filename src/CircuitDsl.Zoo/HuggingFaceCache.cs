using System.Text.RegularExpressions;

namespace CircuitDsl.Zoo;

/// <summary>
/// Resolves <c>hf:ORG/NAME</c> and <c>hf:NAME@REVISION</c> to a snapshot folder of the local Hugging Face cache, the
/// layout <c>huggingface_hub</c> writes: <c>models--ORG--NAME/snapshots/COMMIT/</c>, with <c>refs/REVISION</c> holding the
/// commit a branch or tag names. Nothing is ever downloaded: a model that is not there is an error that names the
/// folder looked in and the command that would fetch it.
/// </summary>
public static partial class HuggingFaceCache
{
    public const string Prefix = "hf:";

    /// <summary>The revision a reference without <c>@</c> means (the hub's default branch).</summary>
    public const string DefaultRevision = "main";

    /// <summary>
    /// The hub cache folder: <c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>
    /// (huggingface_hub's own order; <paramref name="environment"/> stands in for the process environment in tests).
    /// </summary>
    public static string Root(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment("HF_HUB_CACHE") is { Length: > 0 } hubCache) return hubCache;
        if (environment("HF_HOME") is { Length: > 0 } home) return Path.Combine(home, "hub");
        string user = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(user, ".cache", "huggingface", "hub");
    }

    /// <summary>The snapshot folder <paramref name="reference"/> names, or a <see cref="DirectoryNotFoundException"/> saying where it looked.</summary>
    public static string Resolve(string reference, Func<string, string?>? environment = null)
    {
        var (repository, revision) = Parse(reference);
        string root = Root(environment);
        string repositoryFolder = Path.Combine(root, "models--" + repository.Replace("/", "--", StringComparison.Ordinal));
        string fetch = $"huggingface-cli download {repository}" + (revision == DefaultRevision ? "" : $" --revision {revision}");
        if (!Directory.Exists(repositoryFolder))
            throw new DirectoryNotFoundException($"model {reference} is not in the Hugging Face cache: {repositoryFolder} does not exist (fetch it with `{fetch}`; CircuitDsl never downloads)");

        string commit = CommitPattern().IsMatch(revision) ? revision : ReadRef(repositoryFolder, revision, reference, fetch);
        string snapshot = Path.Combine(repositoryFolder, "snapshots", commit);
        if (!Directory.Exists(snapshot))
            throw new DirectoryNotFoundException($"model {reference} is not in the Hugging Face cache: {snapshot} does not exist (fetch it with `{fetch}`)");
        return snapshot;
    }

    /// <summary>The repository id and revision of an <c>hf:</c> reference; a malformed one is an <see cref="ArgumentException"/>.</summary>
    public static (string Repository, string Revision) Parse(string reference)
    {
        if (!reference.StartsWith(Prefix, StringComparison.Ordinal))
            throw new ArgumentException($"'{reference}' is not a Hugging Face reference (hf:ORG/NAME[@REVISION])");
        string text = reference[Prefix.Length..];
        int at = text.IndexOf('@', StringComparison.Ordinal);
        string repository = at < 0 ? text : text[..at];
        string revision = at < 0 ? DefaultRevision : text[(at + 1)..];
        if (!RepositoryPattern().IsMatch(repository) || repository.Split('/').Any(part => part is "." or ".."))
            throw new ArgumentException($"'{reference}' does not name a Hugging Face model: write hf:ORG/NAME or hf:NAME, optionally @REVISION");
        if (!RevisionPattern().IsMatch(revision) || revision.Split('/').Any(part => part is "." or ".."))
            throw new ArgumentException($"'{reference}' has no usable revision after '@' (a branch, a tag or a commit)");
        return (repository, revision);
    }

    /// <summary>The commit a branch or tag names, from <c>refs/REVISION</c>.</summary>
    static string ReadRef(string repositoryFolder, string revision, string reference, string fetch)
    {
        string file = Path.Combine(repositoryFolder, "refs", revision);
        if (!File.Exists(file))
            throw new DirectoryNotFoundException($"model {reference} is not in the Hugging Face cache: {file} does not exist, so revision '{revision}' was never fetched (fetch it with `{fetch}`)");
        // A ref file is one commit hash; a larger one is not a ref file, and reading it whole would be unbounded.
        if (!InputFiles.TryReadBounded(file, 1024, "a Hugging Face ref file", out byte[] bytes, out string problem))
            throw new DirectoryNotFoundException($"model {reference}: {problem}");
        string commit = System.Text.Encoding.UTF8.GetString(bytes).Trim();
        if (!CommitPattern().IsMatch(commit))
            throw new DirectoryNotFoundException($"model {reference}: {file} does not hold a commit hash");
        return commit;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex RevisionPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();
}
