/// <summary>The checkout the tests run from (the folder holding CircuitDsl.sln); linked into each test project that uses it, outside any namespace.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    static string Find()
    {
        string dir = AppContext.BaseDirectory;
        while (!System.IO.File.Exists(System.IO.Path.Combine(dir, "CircuitDsl.sln")))
            dir = System.IO.Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("cannot find the repository root (CircuitDsl.sln)");
        return dir;
    }
}
