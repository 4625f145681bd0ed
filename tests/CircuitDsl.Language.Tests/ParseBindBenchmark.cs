using System.Diagnostics;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// Measures (does not judge) parse + bind of a generated 1,000-line file: run
/// <c>dotnet test tests/CircuitDsl.Language.Tests --filter Category=Benchmark --logger "console;verbosity=detailed"</c>.
/// </summary>
[Category("Benchmark")]
public class ParseBindBenchmark
{
    [Test]
    public void ParseAndBindAThousandLines()
    {
        string text = ThousandLineFile.Text();
        var files = new InMemoryFileProvider();
        var check = TestSupport.Analyze(text);
        Assert.That(check.Diagnostics, Is.Empty, check.RenderText());

        var (median, best) = Measure(() => CircuitAnalyzer.AnalyzeText(text, "main.circuit", files, TestSupport.Models, TestSupport.Tasks), warmUp: 20, runs: 50);

        int lines = text.Count(c => c == '\n');
        TestContext.Out.WriteLine($"parse + bind of {lines} lines, warm: median {median:F2} ms, best {best:F2} ms");
    }

    /// <summary>Median and best time in milliseconds of <paramref name="action"/> after warming up.</summary>
    public static (double Median, double Best) Measure(Action action, int warmUp, int runs)
    {
        for (int i = 0; i < warmUp; i++)
        {
            action();
        }

        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            action();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (times[times.Count / 2], times[0]);
    }
}
