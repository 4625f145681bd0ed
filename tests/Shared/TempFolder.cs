/// <summary>A fresh folder under the temp directory, deleted when disposed (linked into each test project that uses it, outside any namespace).</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "circuitdsl-" + Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

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

    public void Dispose()
    {
        // git makes its object files read-only; clear that so the folder can go.
        foreach (var file in new DirectoryInfo(Path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            file.Attributes = FileAttributes.Normal;
        }

        Directory.Delete(Path, recursive: true);
    }
}
