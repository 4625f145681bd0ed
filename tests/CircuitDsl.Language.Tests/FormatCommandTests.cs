using System.Text;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Formatting;

namespace CircuitDsl.Language.Tests;

public class FormatCommandTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "circuit-fmt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    private static (int Code, string Out, string Error) Run(bool check, params string[] paths)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = FormatCommand.Run(paths, check, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void CheckNamesFilesThatWouldChangeAndExitsOne()
    {
        string messy = Write("messy.circuit", "model   zoo:attn-only-2l\n");
        string tidy = Write("tidy.circuit", "model zoo:attn-only-2l\n");

        var (code, output, _) = Run(check: true, _folder);

        Assert.That(code, Is.EqualTo(ExitCodes.Failed));
        Assert.That(output, Does.Contain(messy).And.Not.Contain(tidy));
        Assert.That(File.ReadAllText(messy), Is.EqualTo("model   zoo:attn-only-2l\n"), "check mode changes nothing");
    }

    [Test]
    public void FormattingRewritesAndThenChecksClean()
    {
        string path = Write("a.circuit", "model   zoo:attn-only-2l\r\nlet a=1\r\n");

        Assert.That(Run(check: false, path).Code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.ReadAllText(path), Is.EqualTo("model zoo:attn-only-2l\r\nlet a = 1\r\n"));
        Assert.That(Run(check: true, path).Code, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void ByteOrderMarkIsKept()
    {
        string path = Path.Combine(_folder, "bom.circuit");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("let  a = 1\n")]);

        Run(check: false, path);

        byte[] expected = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("let a = 1\n")];
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected));
    }

    [Test]
    public void SyntaxErrorsExitTwoWithDiagnosticsAndLeaveTheFile()
    {
        string path = Write("broken.circuit", "model zoo:x\nmetric loss at\n");

        var (code, _, error) = Run(check: false, path);

        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("broken.circuit:2:15: error CD1001:").And.Contain("^"));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(File.ReadAllText(path), Is.EqualTo("model zoo:x\nmetric loss at\n"));
    }

    [Test]
    public void MissingPathsAndInvalidUtf8ExitTwo()
    {
        string bad = Path.Combine(_folder, "bad.circuit");
        File.WriteAllBytes(bad, [0x6C, 0x65, 0x74, 0xFF]);

        Assert.That(Run(check: true, Path.Combine(_folder, "missing.circuit")).Code, Is.EqualTo(ExitCodes.Error));
        var (code, _, error) = Run(check: true, bad);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain(DiagnosticCatalog.InvalidUtf8.Code));
        Assert.That(Run(check: true).Code, Is.EqualTo(ExitCodes.Error));
    }
}
