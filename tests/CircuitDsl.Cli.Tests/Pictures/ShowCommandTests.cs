using System.Xml.Linq;

namespace CircuitDsl.Cli.Tests.Pictures;

public class ShowCommandTests
{
    [Test]
    public void DrawsEachHypothesisAndTheAttentionOfEveryHeadItNames()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CircuitDsl.sln"))) root = Path.GetDirectoryName(root)!;
        string outDir = Path.Combine(Path.GetTempPath(), "circuitdsl-show-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = CliRunner.Run("show", Path.Combine(root, "hypotheses", "induction-attn-only-2l.circuit"), "--out", outDir, "--examples", "1");
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
            var files = Directory.GetFiles(outDir).Select(Path.GetFileName).ToArray();
            Assert.That(files, Does.Contain("refined.svg").And.Contain("naive.svg"));
            Assert.That(files, Does.Contain("refined-L0.H0-example0.svg").And.Contain("refined-L1.H1-example0.svg"));
            foreach (string file in Directory.GetFiles(outDir))
                Assert.That(XDocument.Load(file).Root!.Name.LocalName, Is.EqualTo("svg"), file);
            Assert.That(output, Does.Contain("wrote"));
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Test]
    public void ABrokenFileIsADiagnosticAndExitTwo()
    {
        string file = Path.Combine(Path.GetTempPath(), "circuitdsl-show-broken-" + Guid.NewGuid().ToString("N") + ".circuit");
        File.WriteAllText(file, "model zoo:attn-only-2l\ndata repeated_tokens(count: 4, seed: 1)\nmetric loss\nhypothesis h {\n  expect path L7.H0 -> logits effect <= 0\n}\n");
        try
        {
            var (code, _, error) = CliRunner.Run("show", file, "--out", Path.GetTempPath());
            Assert.That(code, Is.EqualTo(ExitCodes.Error));
            Assert.That(error, Does.Contain(":5:").And.Contain("CD2003"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
