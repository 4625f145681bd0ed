using System.Text.RegularExpressions;

namespace CircuitDsl.Tool.Tests;

/// <summary>
/// Runs one `run:` step of the action the way a runner does (bash -eo pipefail, the step's env with its expressions
/// evaluated, the runner's GITHUB_* files) with stand-ins for `circuit`, `git` and `gh` on the PATH. The stand-in
/// `circuit` records each command line and creates the --out files; nothing is checked or fetched.
/// </summary>
internal sealed partial class ActionScript : IDisposable
{
    readonly TempFolder folder = new();

    public string StepSummary => folder.File("step-summary.md");

    /// <summary>Runs <paramref name="step"/> with the action's defaults overridden by <paramref name="inputs"/>;
    /// returns the exit status and what `circuit` was asked, one argument list per call.</summary>
    public (ProcessResult Result, IReadOnlyList<string[]> Calls) Run(ActionDefinition action, ActionStep step,
        IReadOnlyDictionary<string, string>? inputs = null, IReadOnlyDictionary<string, string>? github = null)
    {
        string bin = folder.File("bin");
        string calls = folder.File("calls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bin);
        Directory.CreateDirectory(calls);
        StandIn(bin, "circuit", """
            printf '%s\0' "$@" > "$CIRCUIT_CALLS/$(ls "$CIRCUIT_CALLS" | wc -l)"
            previous=
            for arg in "$@"; do if [ "$previous" = --out ]; then : > "$arg"; fi; previous="$arg"; done
            """);
        StandIn(bin, "git", "exit 0");
        StandIn(bin, "gh", "exit 0");

        var values = action.InputDefaults.ToDictionary(i => i.Key, i => i.Value);
        foreach (var (name, value) in inputs ?? new Dictionary<string, string>())
        {
            Assert.That(values.ContainsKey(name), $"input {name} is not declared");
            values[name] = value;
        }

        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["CIRCUIT_CALLS"] = calls,
            ["GITHUB_STEP_SUMMARY"] = StepSummary,
            ["GITHUB_PATH"] = folder.File("github-path"),
            ["GITHUB_REPOSITORY"] = "someone/something",
            ["RUNNER_TEMP"] = folder.File("runner-temp"),
        };
        foreach (var (name, value) in step.Env)
            environment[name] = Evaluate(value, values, github ?? new Dictionary<string, string>());

        string script = folder.File("step.sh", step.Run ?? throw new ArgumentException($"step '{step.Name}' runs no script"));
        var result = ChildProcess.Run("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], folder.Path, TimeSpan.FromSeconds(30), environment);
        var recorded = Directory.GetFiles(calls).OrderBy(f => int.Parse(Path.GetFileName(f)))
            .Select(f => File.ReadAllText(f).TrimEnd('\0').Split('\0')).ToList();
        return (result, recorded);
    }

    /// <summary>Replaces each ${{ inputs.NAME }} and ${{ github.NAME }}; any other expression is not expected in env.</summary>
    static string Evaluate(string value, IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> github) =>
        Expression().Replace(value, match =>
        {
            string[] parts = match.Groups[1].Value.Split('.', 2);
            var context = parts[0] switch
            {
                "inputs" => inputs,
                "github" => github,
                _ => throw new AssertionException($"unexpected expression {match.Value} in a step's env"),
            };
            return context.TryGetValue(parts[1], out var found) ? found : parts[0] == "github" ? "" : throw new AssertionException($"{match.Value}: no such input");
        });

    static void StandIn(string bin, string name, string body)
    {
        string path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => folder.Dispose();

    [GeneratedRegex(@"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")]
    private static partial Regex Expression();
}
