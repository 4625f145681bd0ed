using CircuitDsl.Compiler.Roslyn;

/// <summary>
/// Every `circuit check` of this assembly keeps its compiled plans and recorded results in a folder of its own,
/// removed at the end: a test that runs the engine through the command must compute, not reuse what an earlier test
/// run (or the developer's own runs) recorded. Outside any namespace, so it applies to the whole assembly.
/// </summary>
[SetUpFixture]
public sealed class IsolatedCacheFolder
{
    readonly string folder = Path.Combine(Path.GetTempPath(), "circuitdsl-test-cache-" + Guid.NewGuid().ToString("N"));
    string? saved;

    [OneTimeSetUp]
    public void UseAFolderOfItsOwn()
    {
        saved = Environment.GetEnvironmentVariable(CompileCache.DirectoryVariable);
        Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, folder);
    }

    [OneTimeTearDown]
    public void RemoveIt()
    {
        Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, saved);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
