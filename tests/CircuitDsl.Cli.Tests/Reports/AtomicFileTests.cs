using CircuitDsl.Cli.Reports;

namespace CircuitDsl.Cli.Tests.Reports;

public class AtomicFileTests
{
    [Test]
    public void WritesTheWholeFileAndLeavesNoTemporaryFile()
    {
        using var dir = new TempFolder();
        string target = dir.File("report.json");
        AtomicFile.WriteAllText(target, "first");
        AtomicFile.WriteAllText(target, "second");
        Assert.That(File.ReadAllText(target), Is.EqualTo("second"));
        Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { target }));
    }

    [Test]
    public void CreatesTheFolder()
    {
        using var dir = new TempFolder();
        string target = Path.Combine(dir.Path, "out", "nested", "report.sarif");
        AtomicFile.WriteAllText(target, "{}");
        Assert.That(File.ReadAllText(target), Is.EqualTo("{}"));
    }

    [Test]
    public void AFailureInTheMiddleOfWritingKeepsTheOldFileAndLeavesNoPart()
    {
        using var dir = new TempFolder();
        string target = dir.File("report.json", "old content");
        var failure = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write(new byte[64 * 1024]); // a part is written, then the writer fails
            stream.Flush();
            throw new InvalidOperationException("disk on fire");
        }));
        Assert.That(failure!.Message, Is.EqualTo("disk on fire"), "the writer's exception reaches the caller unchanged");
        Assert.That(File.ReadAllText(target), Is.EqualTo("old content"));
        Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { target }), "no temporary file is left behind");
    }

    [Test]
    public void AFailureBeforeTheFileExistedCreatesNothing()
    {
        using var dir = new TempFolder();
        string target = dir.File("report.json");
        Assert.Throws<IOException>(() => AtomicFile.Write(target, stream =>
        {
            stream.WriteByte(1);
            throw new IOException("no space left on device");
        }));
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty);
    }

    [Test]
    public void AFolderThatTakesNoNewFileIsNamedInTheErrorWithoutTheTemporaryFile()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("/proc takes no new files on Linux only");
        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText("/proc/report.json", "{}"));
        Assert.That(error!.Message, Does.StartWith("cannot write '/proc/report.json': "));
        Assert.That(error.Message, Does.Not.Contain(".tmp"));
    }
}
