using System.Diagnostics;
using System.Text;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// At least 10,000 random mutations of the valid files, plus hostile inputs (random bytes, invalid UTF-8,
/// 1 MB lines, 10,000-deep nesting, numbers past int64, an empty file): the front end must only ever answer
/// with diagnostics: no exception, no hang. Valid mutants must also format idempotently and without changing
/// their meaning. Speed (the target is under 100 ms per file) is printed, not judged: timing never decides a
/// test on a shared machine; a file over <see cref="HangMilliseconds"/> counts as a hang.
/// </summary>
public class MutationTests
{
    private const int MutantCount = 10_000;
    private const double TargetMillisecondsPerFile = 100;
    private const double HangMilliseconds = 5_000;
    private static readonly string[] Vocabulary =
    [
        "hypothesis", "node", "let", "group", "import", "model", "data", "metric", "expect", "from", "q", "k", "v", "at",
        "computes", "agreeing", "on", "unimportant", "baseline", "ablation", "scrub", "path", "recovers", "effect",
        "L0.H0", "L1.H1.k", "L9.H*", "L0.mlp", "embed", "logits", "END", "repeated", "{", "}", "(", ")", "[", "]",
        ",", ":", "=", "->", ">=", "<=", "%", "-", "+", "\"", "\"text\"", "/*", "*/", "//", "\n", "\r\n", "0.5",
        "99999999999999999999999", "-1", "1e308", "x.Tokens[x.Pos]", "$\"{", "'", "@\"", "\t", "\u00e9", "\u0000",
    ];

    private static IEnumerable<string> ValidFiles() =>
        Directory.EnumerateFiles(TestSupport.ExamplesDirectory, "*.circuit")
            .Concat(Directory.EnumerateFiles(TestSupport.BaselinesDirectory, "format_*.circuit"))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText);

    [Test]
    public void MutantsOnlyProduceDiagnostics()
    {
        var seeds = ValidFiles().ToList();
        var random = new Random(20251128);
        var inputs = HostileInputs(seeds[0]).ToList();
        for (int i = 0; i < MutantCount; i++)
        {
            string seed = seeds[random.Next(seeds.Count)];
            inputs.Add(($"mutant {i}", Mutate(seed, random)));
        }

        var failures = new List<string>();
        var slowest = (Name: string.Empty, Milliseconds: 0.0);
        var worker = new Thread(() =>
        {
            Run(("warm-up", Encoding.UTF8.GetBytes(seeds[0])), failures); // JIT before timing
            foreach (var input in inputs)
            {
                double milliseconds = Run(input, failures);
                for (int retry = 0; retry < 3 && milliseconds > TargetMillisecondsPerFile; retry++)
                {
                    // On a shared machine a timing can include another process's slice or an earlier input's
                    // garbage: retry after a collection and keep the best.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    milliseconds = Math.Min(milliseconds, Run(input, failures));
                }

                if (milliseconds > slowest.Milliseconds)
                {
                    slowest = (input.Name, milliseconds);
                }
            }
        }, maxStackSize: 1 << 20);
        worker.Start();
        bool finished = worker.Join(TimeSpan.FromSeconds(120));

        Assert.That(finished, Is.True, "the front end hung on some input");
        Assert.That(failures.Distinct().Take(10), Is.Empty);
        TestContext.Out.WriteLine($"{inputs.Count} inputs; slowest: {slowest.Name} at {slowest.Milliseconds:F1} ms (target {TargetMillisecondsPerFile} ms)");
        Assert.That(slowest.Milliseconds, Is.LessThan(HangMilliseconds), $"{slowest.Name} took so long it counts as a hang");
    }

    /// <summary>
    /// Times what the product does with the input (read, parse, and bind when there are no syntax errors), then,
    /// untimed, binds even past syntax errors (the binder must survive any tree) and checks the formatter on
    /// valid inputs.
    /// </summary>
    private static double Run((string Name, byte[] Bytes) input, List<string> failures)
    {
        var files = new InMemoryFileProvider().Add("main.circuit", input.Bytes);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            CircuitAnalyzer.AnalyzeFile("main.circuit", files, TestSupport.Models, TestSupport.Tasks);
            stopwatch.Stop();
            var sources = SourceLoader.Load("main.circuit", files);
            Binder.Bind(sources, TestSupport.Models, TestSupport.Tasks);
            var tree = sources.Root;
            if (!tree.HasErrors)
            {
                string formatted = CircuitFormatter.Format(tree);
                var reparsed = CircuitParser.Parse(formatted, "main.circuit");
                if (reparsed.HasErrors || SyntaxDump.Of(reparsed.Root) != SyntaxDump.Of(tree.Root))
                {
                    failures.Add($"{input.Name}: formatting changed the meaning:\n{tree.Source.Text}\n---\n{formatted}");
                }
                else if (CircuitFormatter.Format(reparsed) != formatted)
                {
                    failures.Add($"{input.Name}: formatting is not idempotent:\n{tree.Source.Text}");
                }
            }
        }
        catch (Exception exception)
        {
            failures.Add($"{input.Name}: {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}");
        }

        return stopwatch.Elapsed.TotalMilliseconds;
    }

    private static byte[] Mutate(string seed, Random random)
    {
        var tokens = Tokenize(seed);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && tokens.Count > 0; e++)
        {
            int at = random.Next(tokens.Count);
            switch (random.Next(8))
            {
                case 0: tokens.RemoveAt(at); break;
                case 1: tokens.Insert(at, tokens[at]); break;
                case 2:
                    int other = random.Next(tokens.Count);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
                case 3: tokens[at] = Vocabulary[random.Next(Vocabulary.Length)]; break;
                case 4: tokens.Insert(at, Vocabulary[random.Next(Vocabulary.Length)]); break;
                case 5: tokens.RemoveRange(at, tokens.Count - at); break;
                case 6: tokens.Insert(at, random.Next(2) == 0 ? "(" : "}"); break;
                default: tokens[at] = random.Next(2) == 0 ? "18446744073709551616" : "-9223372036854775809"; break;
            }
        }

        byte[] bytes = Encoding.UTF8.GetBytes(string.Concat(tokens));
        if (random.Next(10) == 0 && bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256); // random byte, often invalid UTF-8
        }

        return bytes;
    }

    /// <summary>Splits text into words, runs of spaces and single other characters, so mutations act on tokens.</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            if (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }
            }
            else if (text[i] == ' ')
            {
                while (i < text.Length && text[i] == ' ')
                {
                    i++;
                }
            }
            else
            {
                i++;
            }

            tokens.Add(text[start..i]);
        }

        return tokens;
    }

    private static IEnumerable<(string Name, byte[] Bytes)> HostileInputs(string valid)
    {
        const int Megabyte = 1 << 20;
        const int Deep = 10_000;
        static (string, byte[]) Text(string name, string text) => (name, Encoding.UTF8.GetBytes(text));

        yield return Text("empty file", string.Empty);
        yield return Text("only whitespace", new string(' ', 1000) + "\n\n\t");
        yield return Text("1 MB identifier", new string('a', Megabyte));
        yield return Text("1 MB comment", "// " + new string('c', Megabyte));
        yield return Text("1 MB expression", "let a = " + string.Concat(Enumerable.Repeat("x.Tokens[0] + ", Megabyte / 14)) + "1\n");
        yield return Text("1 MB component list", "group g = " + string.Concat(Enumerable.Repeat("L0.H0, ", Megabyte / 7)) + "L0.H1\n");
        yield return Text("1 MB node with 1 MB input", valid + "\nhypothesis big {\n  node out = logits\n    from " + string.Concat(Enumerable.Repeat("L1.H0, ", Megabyte / 7)) + "L1.H1\n}\n");
        yield return Text("1 MB string", "import \"" + new string('s', Megabyte) + "\"\n");
        yield return Text("1 MB number", "metric loss at " + new string('9', Megabyte) + "\n");
        yield return Text("1 MB of punctuation", new string('{', Megabyte / 2) + new string(')', Megabyte / 2));
        yield return Text("1 MB of block comments", string.Concat(Enumerable.Repeat("/**/", Megabyte / 4)));
        yield return Text("deep parentheses", "let a = " + new string('(', Deep) + "1" + new string(')', Deep) + "\n");
        yield return Text("deep unclosed parentheses", "let a = " + new string('(', Deep) + "\n");
        yield return Text("deep brackets", "let a = " + new string('[', Deep) + new string(']', Deep) + "\n");
        yield return Text("deep braces", new string('{', Deep) + new string('}', Deep));
        yield return Text("deep interpolation", "let a = " + string.Concat(Enumerable.Repeat("$\"{", Deep)) + "\n");
        yield return Text("deep lists", "data ioi(" + new string('[', Deep) + ")\n");
        yield return Text("deep hypotheses", string.Concat(Enumerable.Repeat("hypothesis h {\n", Deep)));
        yield return Text("deep hypotheses on one line", string.Concat(Enumerable.Repeat("hypothesis h { ", Deep)));
        yield return Text("numbers past int64", valid.Replace("512", "99999999999999999999999999", StringComparison.Ordinal).Replace("L1.H", "L18446744073709551616.H", StringComparison.Ordinal));
        yield return ("invalid UTF-8", [0x6D, 0x6F, 0x64, 0x65, 0x6C, 0x20, 0xC3, 0x28, 0xFF, 0xFE, 0x0A, 0xED, 0xA0, 0x80]);
        yield return ("byte-order mark only", [0xEF, 0xBB, 0xBF]);
        var random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            byte[] bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            yield return ($"random bytes {i}", bytes);
        }
    }
}
