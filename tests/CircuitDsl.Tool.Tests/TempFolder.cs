namespace CircuitDsl.Tool.Tests;

/// <summary>A fresh folder under the temp directory (outside the repository), deleted when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "circuitdsl-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The path of <paramref name="name"/> in the folder, written with <paramref name="text"/> when given.</summary>
    public string File(string name, string? text = null)
    {
        string path = System.IO.Path.Combine(Path, name);
        if (text is not null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllText(path, text);
        }

        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
