using System.Text.RegularExpressions;
using CircuitDsl.Cli.Check;

namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// One try of the `circuit` command as a careless or hostile user would make it, through the entry point the
/// executable uses (<see cref="CircuitApp.Run"/>, the real Roslyn compiler unless another is given), in a folder
/// of its own. Every try ends with the assertions the exit-code rule promises: one of the four codes, no stack
/// trace, no temporary file left, and no input changed except what the test allows.
/// </summary>
internal sealed class Attempt : IDisposable
{
    readonly TempFolder folder = new();
    Dictionary<string, byte[]> before = [];

    public string Path => folder.Path;

    public const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 3)\nmetric loss at repeated\n\n";

    /// <summary>A file that binds, compiles and holds: the run's other files must keep its results.</summary>
    public const string Holding = Header + "hypothesis copies {\n  expect model metric <= 0.5\n}\n";

    public string File(string name, string text) => folder.File(name, text);

    public string FileName(string name) => folder.File(name);

    public (int Code, string Out, string Error) Run(params string[] args) => Run(null, args);

    public (int Code, string Out, string Error) Run(Func<IPlanCompiler>? compiler, params string[] args)
    {
        before = Snapshot();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string saved = Directory.GetCurrentDirectory();
        int code;
        try
        {
            Directory.SetCurrentDirectory(Path);
            code = CircuitApp.Run(args, stdout, stderr, compiler);
        }
        finally
        {
            Directory.SetCurrentDirectory(saved);
        }
        var result = (code, stdout.ToString(), stderr.ToString());
        AssertClean(result);
        return result;
    }

    /// <summary>What every outcome must be, whatever the input.</summary>
    public static void AssertClean((int Code, string Out, string Error) result) => CleanOutput.Assert(result);

    /// <summary>Files (relative path, bytes) other than <paramref name="written"/> are as they were before the run, and no temporary file remains.</summary>
    public void AssertInputsUnchanged(params string[] written)
    {
        var after = Snapshot();
        var allowed = written.Select(w => System.IO.Path.GetRelativePath(Path, System.IO.Path.GetFullPath(w, Path))).ToHashSet();
        foreach (var (name, bytes) in before.Where(b => !allowed.Contains(b.Key)))
        {
            Assert.That(after.ContainsKey(name), $"{name} was removed");
            Assert.That(after[name], Is.EqualTo(bytes), $"{name} was changed");
        }
        Assert.That(after.Keys.Where(k => k.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty, "no partial file is left");
        Assert.That(after.Keys.Except(before.Keys).Except(allowed), Is.Empty, "nothing else was created");
    }

    /// <summary>The error output names <paramref name="file"/>:line:col with <paramref name="code"/>.</summary>
    public static void AssertLocated(string error, string file, int line, string code) =>
        Assert.That(error, Does.Match($@"{Regex.Escape(file)}:{line}:\d+: error {code}:"), error);

    // Links (to files or folders) are left out: what they name is listed itself. The tests make no devices or pipes here.
    Dictionary<string, byte[]> Snapshot() =>
        new DirectoryInfo(Path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .ToDictionary(f => System.IO.Path.GetRelativePath(Path, f.FullName), f => System.IO.File.ReadAllBytes(f.FullName));

    public void Dispose() => folder.Dispose();
}
