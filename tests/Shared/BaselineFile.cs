using System.Text;

/// <summary>
/// The baseline switch and comparison shared by the test projects that keep baselines (front end, back end, reports):
/// <c>CIRCUIT_UPDATE_BASELINES=1 dotnet test PROJECT</c> rewrites every baseline instead of comparing.
/// Linked into each project that uses it (outside any namespace, like OneTorchThread).
/// </summary>
internal static class BaselineFile
{
    public const string UpdateVariable = "CIRCUIT_UPDATE_BASELINES";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static string Regenerate(string project) => $"{UpdateVariable}=1 dotnet test {project}";

    /// <summary>
    /// Writes <paramref name="actual"/> to <paramref name="path"/> when updating; otherwise fails unless the file holds
    /// exactly that text, leaving the actual text in the temp folder with the commands to see and accept the change.
    /// </summary>
    public static void Compare(string path, string actual, string project)
    {
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Encoding.UTF8.GetBytes(actual));
            return;
        }

        string name = Path.GetFileName(path);
        Assert.That(File.Exists(path), Is.True, $"Missing baseline {name}: run {Regenerate(project)}");
        string expected = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        if (expected == actual) return;

        string actualPath = Path.Combine(Path.GetTempPath(), "circuit-baselines", name);
        Directory.CreateDirectory(Path.GetDirectoryName(actualPath)!);
        File.WriteAllText(actualPath, actual);
        Assert.Fail($"{name} differs from its baseline at line {FirstDifferentLine(expected, actual)}.\n" +
            $"  see:    git diff --no-index {path} {actualPath}\n  accept: cp {actualPath} {path}\n  or regenerate all: {Regenerate(project)}");
    }

    /// <summary>The first line (1-based) where the texts differ, with both versions of it, so the message alone says what moved.</summary>
    static string FirstDifferentLine(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        int i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
        string Line(string[] lines) => i < lines.Length ? lines[i] : "(end of text)";
        return $"{i + 1}\n  baseline: {Line(e)}\n  actual:   {Line(a)}";
    }
}
